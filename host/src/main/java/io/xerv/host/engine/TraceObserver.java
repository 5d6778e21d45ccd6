package io.xerv.host.engine;

/**
 * Hears a trace's changes as the engine makes them; registered with {@link TraceHandle#observe}.
 *
 * <p>Every call comes on the trace's context, in the order the changes happened, and must not block:
 * the trace waits for it. An observer that throws is dropped (and hears nothing more); the trace goes on.
 * Output values are views into the trace's arena, readable during the call: copy what is kept.
 */
public interface TraceObserver {

    /**
     * A node's status changed: it started a run or an attempt ({@code running}), or its run
     * {@code completed}, {@code failed}, was {@code skipped} or {@code suspended}.
     */
    default void nodeChanged(NodeReport node) {
    }

    /** The trace's status changed while it goes on: to {@code suspended}, or back to {@code running}. */
    default void statusChanged(TraceStatus status) {
    }

    /** The trace ended (completed, failed or cancelled): the last call an observer gets. */
    default void ended(TraceReport report) {
    }
}
