package io.xerv.host.engine;

import java.util.Locale;

/** Where a node of a trace is. A node that ran several times (loops, splits) shows its last run. */
public enum NodeStatus {
    PENDING, RUNNING, COMPLETED, SKIPPED, FAILED, SUSPENDED;

    /** The lower-case word used in CLI and API output. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
