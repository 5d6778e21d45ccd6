package io.xerv.arena;

/**
 * A node tried to write more than its arena allows: one value over {@link ArenaStore.Limits#valueBytes()},
 * or the trace's data over {@link ArenaStore.Limits#dataBytes()}. Nothing was appended.
 */
public final class ArenaLimitException extends IllegalStateException {

    private final long size;
    private final long limit;

    ArenaLimitException(String message, long size, long limit) {
        super(message);
        this.size = size;
        this.limit = limit;
    }

    /** The bytes the write needed (a lower bound when encoding stopped early). */
    public long size() {
        return size;
    }

    /** The limit it went over. */
    public long limit() {
        return limit;
    }

    static ArenaLimitException value(long size, long limit, boolean atLeast) {
        return new ArenaLimitException("a value of " + (atLeast ? "more than " : "") + size
                + " bytes is over the limit of " + limit + " bytes per node output (limits.node_output_bytes)", size, limit);
    }

    static ArenaLimitException data(long used, long size, long limit) {
        return new ArenaLimitException("writing " + size + " bytes would take the trace's arena to " + (used + size)
                + " bytes, over its limit of " + limit + " bytes (limits.trace_bytes)", used + size, limit);
    }
}
