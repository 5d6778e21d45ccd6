package io.xerv.host.grpc;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.xerv.host.grpc.v1.Node;
import io.xerv.host.grpc.v1.NodeStatus;
import io.xerv.host.grpc.v1.Pipeline;
import io.xerv.host.grpc.v1.PipelineState;
import io.xerv.host.grpc.v1.PipelineStats;
import io.xerv.host.grpc.v1.PipelineVersion;
import io.xerv.host.grpc.v1.Trace;
import io.xerv.host.grpc.v1.TraceStatus;
import io.xerv.host.grpc.v1.Trigger;
import io.xerv.host.serve.PipelineInfo;

import java.util.Locale;

/**
 * Converts the controller's views to protobuf messages. Traces and node states arrive as the JSON
 * documents the REST API serves; outputs and results stay JSON text inside the messages.
 */
final class Protos {

    private Protos() {
    }

    /** A trace report ({@code traceId, pipeline, version, trigger, status, micros, nodes[], result, error?, suspended?, recorded?}). */
    static Trace trace(JsonObject j) {
        Trace.Builder b = Trace.newBuilder()
                .setTraceId(str(j, "traceId"))
                .setPipeline(str(j, "pipeline"))
                .setVersion(str(j, "version"))
                .setTrigger(str(j, "trigger"))
                .setStatus(traceStatus(str(j, "status")))
                .setMicros(j.getLong("micros", 0L))
                .setResultJson(json(j.getValue("result")))
                .setError(str(j, "error"))
                .setRecorded(j.getBoolean("recorded", false));
        JsonArray nodes = j.getJsonArray("nodes");
        if (nodes != null) {
            for (int i = 0; i < nodes.size(); i++) {
                b.addNodes(node(nodes.getJsonObject(i)));
            }
        }
        JsonArray hooks = j.getJsonArray("suspended");
        if (hooks != null) {
            for (int i = 0; i < hooks.size(); i++) {
                b.addSuspendedHooks(hooks.getString(i));
            }
        }
        return b.build();
    }

    /** A node's state ({@code id, type?, status, port, output, micros, runs?, attempts?, error?, logs?}). */
    static Node node(JsonObject j) {
        Node.Builder b = Node.newBuilder()
                .setId(str(j, "id"))
                .setType(str(j, "type"))
                .setStatus(nodeStatus(str(j, "status")))
                .setPort(str(j, "port"))
                .setOutputJson(json(j.getValue("output")))
                .setMicros(j.getLong("micros", 0L))
                .setRuns(j.getInteger("runs", 0))
                .setAttempts(j.getInteger("attempts", 0))
                .setError(str(j, "error"));
        JsonArray logs = j.getJsonArray("logs");
        if (logs != null) {
            for (int i = 0; i < logs.size(); i++) {
                Object line = logs.getValue(i);
                b.addLogs(line instanceof String s ? s : json(line));
            }
        }
        return b.build();
    }

    static Pipeline pipeline(PipelineInfo p) {
        Pipeline.Builder b = Pipeline.newBuilder()
                .setName(p.name())
                .setVersion(nn(p.version()))
                .setState(PipelineState.valueOf("PIPELINE_STATE_" + p.state().name()))
                .setDescription(nn(p.description()))
                .setSource(nn(p.source()))
                .setBreaker(nn(p.breaker()))
                .setRunning(p.running())
                .setQueued(p.queued());
        for (PipelineInfo.VersionInfo v : p.versions()) {
            b.addVersions(PipelineVersion.newBuilder().setVersion(nn(v.version())).setDigest(nn(v.digest()))
                    .setDeployedAt(v.deployedAt()).setCurrent(v.current()).setRunning(v.running()));
        }
        for (PipelineInfo.TriggerInfo t : p.triggers()) {
            b.addTriggers(Trigger.newBuilder().setId(t.id()).setType(t.type()).setPaused(t.paused())
                    .setMethod(nn(t.method())).setPath(nn(t.path())).setMode(nn(t.mode())).setAuth(nn(t.auth())));
        }
        PipelineInfo.Stats s = p.stats();
        if (s != null) {
            b.setStats(PipelineStats.newBuilder().setAccepted(s.accepted()).setCompleted(s.completed()).setFailed(s.failed())
                    .setCancelled(s.cancelled()).setRefused(s.refused()).setMeanMicros(s.meanMicros()));
        }
        return b.build();
    }

    static TraceStatus traceStatus(String word) {
        if (word.isEmpty()) {
            return TraceStatus.TRACE_STATUS_UNSPECIFIED;
        }
        try {
            return TraceStatus.valueOf("TRACE_STATUS_" + word.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return TraceStatus.TRACE_STATUS_UNSPECIFIED;
        }
    }

    static NodeStatus nodeStatus(String word) {
        if (word.isEmpty()) {
            return NodeStatus.NODE_STATUS_UNSPECIFIED;
        }
        try {
            return NodeStatus.valueOf("NODE_STATUS_" + word.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return NodeStatus.NODE_STATUS_UNSPECIFIED;
        }
    }

    /** A JSON value (as Vert.x decoded it) back to JSON text; {@code null} is {@code "null"}. */
    private static String json(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof JsonObject o) {
            return o.encode();
        }
        if (v instanceof JsonArray a) {
            return a.encode();
        }
        if (v instanceof String s) {
            return io.vertx.core.json.Json.encode(s);
        }
        return String.valueOf(v);
    }

    private static String str(JsonObject j, String key) {
        Object v = j.getValue(key);
        return v == null ? "" : v.toString();
    }

    private static String nn(String s) {
        return s == null ? "" : s;
    }
}
