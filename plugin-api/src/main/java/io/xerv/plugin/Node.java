package io.xerv.plugin;

/**
 * One node of a deployed flow. The host calls {@link #execute} once per run of the node in a trace;
 * calls for different traces may happen at the same time, so an implementation keeps no per-trace
 * state in fields (put it in the output instead).
 */
@Stable
@FunctionalInterface
public interface Node {

    /**
     * Runs the node for one trace.
     *
     * <p>A node that throws fails this attempt: the host retries it when the flow says so, then fires
     * the node's {@code error} port if it is connected, and otherwise fails the trace. The exception's
     * message is what the trace shows.
     *
     * @param context the trace's inputs, config, output writer and services for this run
     * @return what the node did: fired a port with a value, failed, or asked to suspend the trace
     */
    Completion execute(NodeContext context) throws Exception;

    /** When the scheduler may run this node; most nodes wait for all their inputs to settle. */
    @Experimental
    default Readiness readiness() {
        return Readiness.ALL;
    }
}
