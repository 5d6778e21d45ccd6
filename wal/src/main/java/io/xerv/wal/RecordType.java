package io.xerv.wal;

/**
 * The kinds of WAL record. The code is stored in each frame; never reuse or renumber one. Code 15 is
 * taken by the end-of-segment frame ({@link RecordDescriptor#SEGMENT_END_TYPE}).
 */
public enum RecordType {
    TRACE_START(1),
    NODE_START(2),
    NODE_DONE(3),
    NODE_ERROR(4),
    TRACE_COMPLETE(5),
    TRACE_FAILED(6),
    TRACE_SUSPENDED(7),
    TRACE_RESUMED(8),
    CHECKPOINT(9),
    LOOP_ITERATION(10),
    /** Bytes a trace appended to its arena, logged ahead of the records that point at them. */
    ARENA_DATA(11),
    /**
     * One record of a long-lived trace, copied forward into a later segment so that the segments
     * holding its earlier records can be purged ({@link WalRecord.Carried}).
     */
    CARRIED(12);

    private static final RecordType[] BY_CODE = new RecordType[16];

    static {
        for (RecordType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    final int code;

    RecordType(int code) {
        this.code = code;
    }

    /** The code stored on disk. */
    public int code() {
        return code;
    }

    /** The type of a stored code, or null for an unknown code. */
    public static RecordType of(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** True for the records that end a trace. */
    public boolean endsTrace() {
        return this == TRACE_COMPLETE || this == TRACE_FAILED;
    }
}
