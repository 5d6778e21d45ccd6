package io.xerv.std;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeContext;
import io.xerv.plugin.Resumption;
import io.xerv.plugin.Suspension;
import io.xerv.plugin.Value;
import io.xerv.plugin.ValueType;
import io.xerv.plugin.Values;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code std::wait}: parks the trace until someone approves, rejects or escalates it (or its timeout
 * decides), then fires {@code out}, {@code rejected} or {@code escalated}.
 *
 * <p>The first run returns a {@link Suspension}; the host stores the trace and runs the node again with
 * {@link NodeContext#resumption()} set once a decision arrives. The decision is always one of
 * {@code approve}, {@code reject}, {@code escalate}: the host normalises what callers send.
 *
 * <p>Immutable and thread-safe.
 */
final class WaitNode extends StdNode {

    static final String TYPE = "std::wait";

    static final Set<String> DECISIONS = Set.of("approve", "reject", "escalate");

    private final Param hookId;
    private final Param timeoutMillis;
    private final Param timeoutSecs;
    private final String timeoutAction;
    private final List<FieldPath> metadataFields;

    private WaitNode(Param hookId, Param timeoutMillis, Param timeoutSecs, String timeoutAction,
                     List<FieldPath> metadataFields) {
        super(TYPE);
        this.hookId = hookId;
        this.timeoutMillis = timeoutMillis;
        this.timeoutSecs = timeoutSecs;
        this.timeoutAction = timeoutAction;
        this.metadataFields = metadataFields;
    }

    @Override
    Completion run(NodeContext context) {
        Value input = input(context);
        Resumption resumption = context.resumption();
        return resumption == null ? suspend(context, input) : resume(context, input, resumption);
    }

    private Completion suspend(NodeContext context, Value input) {
        Value config = config(context);
        String hook = hookId.text(config);
        if (hook == null || hook.isBlank()) {
            throw new NodeFailure("config 'hook_id' resolved to an empty hook id");
        }
        long timeout = timeoutSecs.get(config) != null ? secondsToMillis(timeoutSecs.integer(config))
                : timeoutMillis.integer(config);
        if (timeout < 0) {
            throw new NodeFailure("the timeout resolved to " + timeout + " ms; it must not be negative");
        }
        Map<String, Object> nodeMetadata = new LinkedHashMap<>();
        for (FieldPath f : metadataFields) {
            Value v = f.resolve(input);
            if (v != null) {
                nodeMetadata.put(f.lastKey(), v);
            }
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("hook_id", hook);
        metadata.put("trace_id", String.valueOf(context.traceId()));
        metadata.put("node_metadata", nodeMetadata);
        return Completion.suspend(new Suspension(hook, DECISIONS, timeout, timeoutAction,
                context.output().write(metadata)));
    }

    private static long secondsToMillis(long secs) {
        if (secs > Long.MAX_VALUE / 1000) {
            throw new NodeFailure("config 'timeout_secs' resolved to " + secs + ", which is too large");
        }
        return secs * 1000;
    }

    private static Completion resume(NodeContext context, Value input, Resumption r) {
        Value payload = r.payload() == null ? Values.NULL : r.payload();
        return switch (r.decision()) {
            case "approve" -> Completion.out(payload.isNull() ? input : payload);
            case "reject" -> {
                Value reason = payload.type() == ValueType.MAP ? payload.get("reason")
                        : payload.type() == ValueType.STRING ? payload : null;
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("rejected", true);
                out.put("reason", reason != null && !reason.isNull() ? reason : r.timedOut() ? "timeout" : null);
                yield Completion.emit("rejected", context.output().write(out));
            }
            case "escalate" -> {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("escalated", true);
                out.put("details", payload);
                out.put("timed_out", r.timedOut());
                yield Completion.emit("escalated", context.output().write(out));
            }
            default -> throw new NodeFailure("resumed with unknown decision '" + r.decision()
                    + "'; expected approve, reject or escalate");
        };
    }

    /** Creates {@code std::wait} nodes. Stateless; thread-safe. */
    static final class Factory extends StdFactory {

        /** A suspension hands a hook to the outside world: its start is made durable first. */
        @Override
        public boolean pure() {
            return false;
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public String description() {
            return "Suspends the trace until it is approved, rejected or escalated, or until a timeout decides.";
        }

        @Override
        public List<String> outputPorts() {
            return List.of("out", "rejected", "escalated");
        }

        @Override
        Node build(ConfigCheck check) {
            ConfigCheck.Section c = check.root();
            c.allowOnly("hook_id", "timeout_ms", "timeout_secs", "timeout_action", "metadata_fields");
            Param hookId = c.text("hook_id", true, null);
            if (c.has("timeout_ms") && c.has("timeout_secs")) {
                check.error(c.path("timeout_secs"), "set either 'timeout_ms' or 'timeout_secs', not both");
            }
            Param timeoutMillis = c.integer("timeout_ms", 0, 0L);
            Param timeoutSecs = c.integer("timeout_secs", 0, null);
            String action = c.choice("timeout_action", "reject", "approve", "reject", "escalate");
            List<FieldPath> metadataFields = c.fields("metadata_fields", false);
            return new WaitNode(hookId, timeoutMillis, timeoutSecs, action, metadataFields);
        }
    }
}
