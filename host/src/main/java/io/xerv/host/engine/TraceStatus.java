package io.xerv.host.engine;

import java.util.Locale;

/**
 * Where a trace is in its life. {@code STRANDED}: unfinished in the write-ahead log, waiting for its
 * flow (the same identity) to be deployed again; it may be cancelled meanwhile. New constants go last:
 * stored reports keep the ordinal.
 */
public enum TraceStatus {
    RUNNING, COMPLETED, FAILED, SUSPENDED, CANCELLED, STRANDED;

    /** The lower-case word used in CLI and API output. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True once the trace can change no more. */
    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
