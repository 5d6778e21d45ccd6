package io.xerv.host.serve;

import java.util.Locale;

/**
 * Where a pipeline is in its life.
 *
 * <ul>
 *   <li>{@code RUNNING}: triggers fire and new traces are accepted;</li>
 *   <li>{@code PAUSED}: new traces are refused and listeners are paused; traces already accepted
 *       (running or queued) go on;</li>
 *   <li>{@code DRAINING}: new traces are refused; the pipeline becomes {@code STOPPED} once its running
 *       and queued traces have ended (or its drain timeout passed, when the rest are cancelled);</li>
 *   <li>{@code STOPPED}: deployed but accepting nothing; it may be started again or deleted.</li>
 * </ul>
 */
public enum PipelineState {
    RUNNING, PAUSED, DRAINING, STOPPED;

    /** The lower-case word used in API and CLI output. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
