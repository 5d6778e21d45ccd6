package io.xerv.host.engine;

import java.util.Locale;

/** Where a trace is in its life. */
public enum TraceStatus {
    RUNNING, COMPLETED, FAILED, SUSPENDED, CANCELLED;

    /** The lower-case word used in CLI and API output. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True once the trace can change no more. */
    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
