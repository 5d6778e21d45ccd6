package io.xerv.host.serve;

import io.xerv.host.engine.TraceHandle;

import java.util.UUID;

/**
 * A trace a pipeline accepted: its start is durable in the write-ahead log, so a crash from now on
 * does not lose it.
 *
 * @param traceId the trace's id
 * @param pipeline the pipeline's name
 * @param version the flow version the trace runs
 * @param handle the running trace (its completion, reports)
 */
public record Accepted(UUID traceId, String pipeline, String version, TraceHandle handle) {
}
