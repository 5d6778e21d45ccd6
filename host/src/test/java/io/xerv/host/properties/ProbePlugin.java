package io.xerv.host.properties;

import io.xerv.plugin.Completion;
import io.xerv.plugin.ConfigError;
import io.xerv.plugin.Execution;
import io.xerv.plugin.Input;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeContext;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.Value;
import io.xerv.plugin.ValueType;
import io.xerv.plugin.XervPlugin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Test-only node types that write every run into the {@link Journal}: {@code test::probe} runs inline
 * on the trace's event loop, {@code test::probe_blocking} on the worker pool. Found through
 * {@code META-INF/services} of the host's test resources. Stateless and thread-safe.
 *
 * <p>A probe's output is a pure function of its inputs and its {@code salt}, so that a model can
 * predict it and a rerun reproduces it: {@code {probe: <id>, counter: 1 + the largest counter it
 * saw, x: (salt + the sum of the x it saw) mod 10, tag: <the tag it saw, when one>}}. It "sees" the
 * maps in its inputs, looking into maps and lists until it finds one with an {@code x}.
 */
public final class ProbePlugin implements XervPlugin {

    static final String INLINE = "test::probe";
    static final String BLOCKING = "test::probe_blocking";

    @Override
    public String name() {
        return "test-probes";
    }

    @Override
    public List<NodeFactory> nodeFactories() {
        return List.of(new Factory(INLINE, Execution.INLINE), new Factory(BLOCKING, Execution.BLOCKING));
    }

    /** What a probe computes from what it saw; shared with the test's model. */
    record Seen(Set<String> probes, long xSum, long maxCounter, long tag) {

        static Seen of(List<Value> values) {
            Acc acc = new Acc();
            for (Value v : values) {
                acc.visit(v);
            }
            return new Seen(acc.probes, acc.xSum, acc.maxCounter, acc.tag);
        }

        Map<String, Object> output(String id, long salt) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("probe", id);
            out.put("counter", maxCounter + 1);
            out.put("x", Math.floorMod(salt + xSum, 10L));
            if (tag >= 0) {
                out.put("tag", tag);
            }
            return out;
        }
    }

    private static final class Acc {
        final Set<String> probes = new TreeSet<>();
        long xSum;
        long maxCounter;
        long tag = -1;

        void visit(Value v) {
            if (v == null) {
                return;
            }
            if (v.type() == ValueType.MAP) {
                Value x = v.get("x");
                if (x != null && x.type() == ValueType.INT) {
                    xSum += x.asLong();
                    Value probe = v.get("probe");
                    if (probe != null) {
                        probes.add(probe.asString());
                    }
                    Value counter = v.get("counter");
                    if (counter != null) {
                        maxCounter = Math.max(maxCounter, counter.asLong());
                    }
                    Value t = v.get("tag");
                    if (t != null && tag < 0) {
                        tag = t.asLong();
                    }
                    return;
                }
                for (int i = 0; i < v.size(); i++) {
                    visit(v.valueAt(i));
                }
            } else if (v.type() == ValueType.LIST) {
                for (int i = 0; i < v.size(); i++) {
                    visit(v.get(i));
                }
            }
        }
    }

    private static final class Factory implements NodeFactory {
        private final String type;
        private final Execution execution;

        Factory(String type, Execution execution) {
            this.type = type;
            this.execution = execution;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public String description() {
            return "Test probe: journals each run and emits a value derived from its inputs.";
        }

        @Override
        public Execution execution() {
            return execution;
        }

        @Override
        public List<ConfigError> validate(Value config) {
            Value salt = config.get("salt");
            return salt == null || salt.type() == ValueType.INT
                    ? List.of() : List.of(new ConfigError("salt", "must be an integer"));
        }

        @Override
        public Node create(NodeDefinition definition) {
            Value salt = definition.config().get("salt");
            long s = salt == null ? 0 : salt.asLong();
            return context -> probe(context, s);
        }
    }

    private static Completion probe(NodeContext context, long salt) {
        long start = Journal.tick();
        List<Value> values = context.inputs().stream().map(Input::value).toList();
        Seen seen = Seen.of(values);
        Value out = context.output().write(seen.output(context.nodeId(), salt));
        Journal.record(new Journal.Run(context.traceId(), context.nodeId(), start, Journal.tick(),
                context.iteration(), (int) seen.tag(), seen.probes()));
        return Completion.out(out);
    }
}
