package io.xerv.host.serve;

import java.util.UUID;

/**
 * Something that happened to a watched trace, as {@link PipelineController#watch} reports it.
 *
 * @param traceId the trace
 * @param kind {@code node} (a node's status changed), {@code status} (the trace's status changed,
 *     e.g. to suspended), or {@code end} (the trace ended; the last event of a watch)
 * @param node the node id for {@code node} events, else null
 * @param status the node's status (pending, running, completed, skipped, failed, suspended) for
 *     {@code node} events, else the trace's status (running, completed, failed, suspended, cancelled)
 * @param json the event as one JSON object ({@code node} events: {@code id, status, port, output,
 *     micros}; others: the trace's full report)
 */
public record TraceEvent(UUID traceId, String kind, String node, String status, String json) {

    /** True for the last event of a trace. */
    public boolean isEnd() {
        return kind.equals("end");
    }
}
