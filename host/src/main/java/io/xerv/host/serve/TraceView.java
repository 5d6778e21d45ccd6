package io.xerv.host.serve;

import io.xerv.host.engine.TraceReport;
import io.xerv.host.engine.TraceStatus;

import java.util.Objects;
import java.util.UUID;

/**
 * A trace as the API shows it. Immutable and thread-safe; valid after the trace's arena is freed.
 *
 * <p>A finished trace keeps its report, with every value copied out of the arena, and renders its
 * JSON only when a client asks for it: most finished traces are never read, and rendering each one
 * as it ended cost the webhook path more than running it.
 */
public final class TraceView {

    private final UUID traceId;
    private final String pipeline;
    private final String version;
    private final TraceStatus status;
    private final long startedAt;
    /** The report to render, holding no arena views; null when {@link #json} is given. */
    private final TraceReport report;
    private final String json;

    private TraceView(UUID traceId, String pipeline, String version, TraceStatus status, long startedAt,
                      TraceReport report, String json) {
        this.traceId = Objects.requireNonNull(traceId, "traceId");
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.version = Objects.requireNonNull(version, "version");
        this.status = Objects.requireNonNull(status, "status");
        this.startedAt = startedAt;
        this.report = report;
        this.json = json;
    }

    /** A view whose JSON is rendered already. */
    static TraceView rendered(UUID traceId, String pipeline, String version, TraceStatus status, long startedAt,
                              String json) {
        return new TraceView(traceId, pipeline, version, status, startedAt, null, Objects.requireNonNull(json, "json"));
    }

    /**
     * A view that renders {@code report} when asked.
     *
     * @param report a report whose values live on the heap, not in the trace's arena (see
     *     {@link PipelineController#detach})
     */
    static TraceView of(TraceReport report, long startedAt) {
        return new TraceView(report.traceId(), report.pipeline(), report.version(), report.status(), startedAt,
                report, null);
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
     * suspended?}. Rendered on each call for a kept report (callers ask once per request).
     */
    public String json() {
        return json != null ? json : report.toJson();
    }

    @Override
    public String toString() {
        return "TraceView[" + traceId + ", " + pipeline + " " + version + ", " + status.label() + "]";
    }
}
