package io.xerv.host.serve;

import io.xerv.host.engine.TraceStatus;

import java.util.Objects;
import java.util.UUID;

/**
 * A trace as the API shows it. Immutable and thread-safe; valid after the trace's arena is freed.
 *
 * <p>A finished trace is its packed record ({@link PackedTrace}), decoded and rendered only when a
 * client asks for its JSON: most finished traces are never read, and rendering each one as it ended
 * cost the webhook path more than running it.
 */
public final class TraceView {

    private final UUID traceId;
    private final String pipeline;
    private final String version;
    private final TraceStatus status;
    private final long startedAt;
    /** The packed report to render; null when {@link #json} is given. */
    private final byte[] record;
    private final String json;

    private TraceView(UUID traceId, String pipeline, String version, TraceStatus status, long startedAt,
                      byte[] record, String json) {
        this.traceId = Objects.requireNonNull(traceId, "traceId");
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.version = Objects.requireNonNull(version, "version");
        this.status = Objects.requireNonNull(status, "status");
        this.startedAt = startedAt;
        this.record = record;
        this.json = json;
    }

    /** A view whose JSON is rendered already. */
    static TraceView rendered(UUID traceId, String pipeline, String version, TraceStatus status, long startedAt,
                              String json) {
        return new TraceView(traceId, pipeline, version, status, startedAt, null, Objects.requireNonNull(json, "json"));
    }

    /** A view of a finished trace's record (see {@link PackedTrace#encode}) that decodes and renders it when asked. */
    static TraceView packed(byte[] record) {
        return new TraceView(PackedTrace.traceId(record), PackedTrace.pipeline(record), PackedTrace.version(record),
                PackedTrace.status(record), PackedTrace.startedAt(record), record, null);
    }

    /** The trace. */
    public UUID traceId() {
        return traceId;
    }

    /** Its pipeline's name. */
    public String pipeline() {
        return pipeline;
    }

    /** The flow version it ran. */
    public String version() {
        return version;
    }

    /** Where it is. */
    public TraceStatus status() {
        return status;
    }

    /** Epoch millis when it was accepted (0 when unknown, e.g. recovered after a restart). */
    public long startedAt() {
        return startedAt;
    }

    /**
     * The trace's report as JSON: {@code traceId, pipeline, version, trigger, status, micros,
     * nodes[{id, type, status, port, output, micros, runs, attempts, error?, logs?}], result, error?,
     * suspended?}. Decoded and rendered on each call for a kept record (callers ask once per request).
     */
    public String json() {
        return json != null ? json : PackedTrace.decode(record).toJson();
    }

    @Override
    public String toString() {
        return "TraceView[" + traceId + ", " + pipeline + " " + version + ", " + status.label() + "]";
    }
}
