package io.xerv.host.serve;

import io.xerv.host.engine.TraceStatus;

import java.util.UUID;

/**
 * A trace as the API shows it. Immutable; the JSON is a copy, valid after the trace's arena is freed.
 *
 * @param traceId the trace
 * @param pipeline its pipeline's name
 * @param version the flow version it ran
 * @param status where it is
 * @param startedAt epoch millis when it was accepted (0 when unknown, e.g. recovered after a restart)
 * @param json the trace's report: {@code traceId, pipeline, version, trigger, status, micros,
 *     nodes[{id, type, status, port, output, micros, runs, attempts, error?, logs?}], result, error?,
 *     suspended?}
 */
public record TraceView(UUID traceId, String pipeline, String version, TraceStatus status, long startedAt, String json) {
}
