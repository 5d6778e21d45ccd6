package io.xerv.host.engine;

import io.xerv.plugin.Value;
import io.xerv.plugin.Values;

import java.util.List;
import java.util.UUID;

/**
 * A snapshot of a trace: its status, every node's state, and its result.
 *
 * <p>Output values are views into the trace's arena; they stay readable while the arena is kept
 * (see the arena store's retention). {@link #toJson()} copies everything out.
 *
 * @param result the trace's result: the output of its last node, or a map from node id to output when
 *     the flow ends in several nodes; null while running
 * @param error why the trace failed, or null
 * @param suspendedHooks hook ids of the suspensions the trace waits on
 */
public record TraceReport(UUID traceId, String pipeline, String version, String trigger, TraceStatus status,
                          List<NodeReport> nodes, Value result, String error, List<String> suspendedHooks,
                          long micros) {

    /**
     * The report as one JSON document: {@code traceId}, {@code pipeline}, {@code status}, {@code nodes}
     * (each with {@code id}, {@code type}, {@code status}, {@code port}, {@code output}, {@code micros},
     * {@code runs}, {@code attempts}, and {@code error}/{@code logs} when present), {@code result},
     * and {@code error}/{@code suspended} when present.
     */
    public String toJson() {
        StringBuilder sb = new StringBuilder(512);
        sb.append("{\"traceId\":\"").append(traceId).append("\",\"pipeline\":");
        Values.appendJsonString(sb, pipeline);
        sb.append(",\"version\":");
        Values.appendJsonString(sb, version);
        sb.append(",\"trigger\":");
        Values.appendJsonString(sb, trigger);
        sb.append(",\"status\":\"").append(status.label()).append("\",\"micros\":").append(micros);
        sb.append(",\"nodes\":[");
        for (int i = 0; i < nodes.size(); i++) {
            NodeReport n = nodes.get(i);
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"id\":");
            Values.appendJsonString(sb, n.id());
            sb.append(",\"type\":");
            Values.appendJsonString(sb, n.type());
            sb.append(",\"status\":\"").append(n.status().label()).append("\",\"port\":");
            if (n.port() == null) {
                sb.append("null");
            } else {
                Values.appendJsonString(sb, n.port());
            }
            sb.append(",\"output\":");
            if (n.output() == null) {
                sb.append("null");
            } else {
                Values.appendJson(sb, n.output());
            }
            sb.append(",\"micros\":").append(n.micros()).append(",\"runs\":").append(n.runs())
                    .append(",\"attempts\":").append(n.attempts());
            if (n.error() != null) {
                sb.append(",\"error\":");
                Values.appendJsonString(sb, n.error());
            }
            if (!n.logs().isEmpty()) {
                sb.append(",\"logs\":[");
                for (int j = 0; j < n.logs().size(); j++) {
                    if (j > 0) {
                        sb.append(',');
                    }
                    Values.appendJsonString(sb, n.logs().get(j));
                }
                sb.append(']');
            }
            sb.append('}');
        }
        sb.append("],\"result\":");
        if (result == null) {
            sb.append("null");
        } else {
            Values.appendJson(sb, result);
        }
        if (error != null) {
            sb.append(",\"error\":");
            Values.appendJsonString(sb, error);
        }
        if (!suspendedHooks.isEmpty()) {
            sb.append(",\"suspended\":[");
            for (int j = 0; j < suspendedHooks.size(); j++) {
                if (j > 0) {
                    sb.append(',');
                }
                Values.appendJsonString(sb, suspendedHooks.get(j));
            }
            sb.append(']');
        }
        sb.append('}');
        return sb.toString();
    }
}
