package io.xerv.host.recovery;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Execution;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.Value;
import io.xerv.plugin.ValueType;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A test node type that tells a {@link Recorder} of every run it makes, so a test can see which node
 * runs a restart repeated. Its output counts the nodes a value passed through ({@code hops}) and
 * carries the trigger's {@code odd} flag, so a run whose input was read back wrongly after a restart
 * shows in the trace's result.
 *
 * <p>The blocking variant sleeps {@code sleep_ms} (config, default 0) on the worker pool first.
 * Immutable and thread-safe when its recorder is.
 */
final class CountNode implements NodeFactory {

    /** Told of each run as it happens. Called from event loops and worker threads at once. */
    @FunctionalInterface
    interface Recorder {
        void ran(UUID traceId, String nodeId, int iteration, int attempt);
    }

    private final String type;
    private final Execution execution;
    private final Recorder recorder;

    private CountNode(String type, Execution execution, Recorder recorder) {
        this.type = type;
        this.execution = execution;
        this.recorder = recorder;
    }

    /** {@code test::count}: runs on the trace's event loop. */
    static CountNode inline(Recorder recorder) {
        return new CountNode("test::count", Execution.INLINE, recorder);
    }

    /** {@code test::count_blocking}: sleeps {@code sleep_ms} on the worker pool, then counts. */
    static CountNode blocking(Recorder recorder) {
        return new CountNode("test::count_blocking", Execution.BLOCKING, recorder);
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public Execution execution() {
        return execution;
    }

    @Override
    public Node create(NodeDefinition definition) {
        Value sleep = definition.config().get("sleep_ms");
        long sleepMillis = sleep == null ? 0 : sleep.asLong();
        return ctx -> {
            if (sleepMillis > 0) {
                Thread.sleep(sleepMillis);
            }
            recorder.ran(ctx.traceId(), ctx.nodeId(), ctx.iteration(), ctx.attempt());
            Value in = ctx.input();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("hops", hops(in) + 1);
            out.put("odd", odd(in));
            return Completion.out(ctx.output().write(out));
        };
    }

    /** The hops a value has made: its own, or the most of a list's items (after a merge). */
    static long hops(Value v) {
        if (v == null) {
            return 0;
        }
        if (v.type() == ValueType.MAP) {
            Value h = v.get("hops");
            return h == null ? 0 : h.asLong();
        }
        if (v.type() == ValueType.LIST) {
            long most = 0;
            for (int i = 0; i < v.size(); i++) {
                most = Math.max(most, hops(v.get(i)));
            }
            return most;
        }
        return 0;
    }

    private static boolean odd(Value v) {
        if (v != null && v.type() == ValueType.MAP) {
            Value o = v.get("odd");
            return o != null && o.type() == ValueType.BOOL && o.asBoolean();
        }
        if (v != null && v.type() == ValueType.LIST && v.size() > 0) {
            return odd(v.get(0));
        }
        return false;
    }
}
