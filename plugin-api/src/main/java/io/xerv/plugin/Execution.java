package io.xerv.plugin;

/** Where the host runs a node's {@link Node#execute}. */
@Stable
public enum Execution {
    /** On the trace's event loop. For work that takes microseconds and never blocks. */
    INLINE,
    /** On the host's worker pool (virtual threads), for nodes that block or compute for long. */
    BLOCKING
}
