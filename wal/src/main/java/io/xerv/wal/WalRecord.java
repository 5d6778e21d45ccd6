package io.xerv.wal;

import java.util.Objects;
import java.util.UUID;

/**
 * One record of the write-ahead log: a closed set of record types, each an immutable value. Every
 * record names its trace and the time it was made. Offsets point into the trace's arena.
 *
 * <p>A <em>run key</em> names one run of one node within a trace: the node, the split item and loop
 * iteration it ran in (for example {@code 4}, {@code 2[1]/7@3}). It is stable across restarts, so a
 * recovered trace can tell which runs completed.
 */
public sealed interface WalRecord {

    RecordType type();

    UUID traceId();

    long timeMillis();

    /** A trace started: what it runs, and where its payload is. */
    record TraceStart(UUID traceId, long timeMillis, String pipeline, String version, String digest, String trigger,
                      long payloadOffset, int payloadSize) implements WalRecord {
        public TraceStart {
            Objects.requireNonNull(traceId, "traceId");
            Objects.requireNonNull(pipeline, "pipeline");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(digest, "digest");
            Objects.requireNonNull(trigger, "trigger");
        }

        public RecordType type() {
            return RecordType.TRACE_START;
        }
    }

    /** A node run began (its attempt). */
    record NodeStart(UUID traceId, long timeMillis, String runKey, int node, int attempt) implements WalRecord {
        public NodeStart {
            Objects.requireNonNull(traceId, "traceId");
            Objects.requireNonNull(runKey, "runKey");
        }

        public RecordType type() {
            return RecordType.NODE_START;
        }
    }

    /** A node run completed, firing {@code port} with the value at {@code offset}/{@code size}. */
    record NodeDone(UUID traceId, long timeMillis, String runKey, int node, String port, long offset, int size,
                    int attempt) implements WalRecord {
        public NodeDone {
            Objects.requireNonNull(traceId, "traceId");
            Objects.requireNonNull(runKey, "runKey");
            Objects.requireNonNull(port, "port");
        }

        public RecordType type() {
            return RecordType.NODE_DONE;
        }
    }

    /** A node attempt failed; {@code final} when no retry follows. */
    record NodeError(UUID traceId, long timeMillis, String runKey, int node, int attempt, String message,
                     boolean last) implements WalRecord {
        public NodeError {
            Objects.requireNonNull(traceId, "traceId");
            Objects.requireNonNull(runKey, "runKey");
            Objects.requireNonNull(message, "message");
        }

        public RecordType type() {
            return RecordType.NODE_ERROR;
        }
    }

    /** The trace completed. */
    record TraceComplete(UUID traceId, long timeMillis) implements WalRecord {
        public TraceComplete {
            Objects.requireNonNull(traceId, "traceId");
        }

        public RecordType type() {
            return RecordType.TRACE_COMPLETE;
        }
    }

    /** The trace failed (or was cancelled). */
    record TraceFailed(UUID traceId, long timeMillis, String error) implements WalRecord {
        public TraceFailed {
            Objects.requireNonNull(traceId, "traceId");
            Objects.requireNonNull(error, "error");
        }

        public RecordType type() {
            return RecordType.TRACE_FAILED;
        }
    }

    /** A node run suspended the trace until {@code hookId} is resumed, or until the deadline (0: none). */
    record TraceSuspended(UUID traceId, long timeMillis, String runKey, int node, String hookId,
                          long deadlineMillis) implements WalRecord {
        public TraceSuspended {
            Objects.requireNonNull(traceId, "traceId");
            Objects.requireNonNull(runKey, "runKey");
            Objects.requireNonNull(hookId, "hookId");
        }

        public RecordType type() {
            return RecordType.TRACE_SUSPENDED;
        }
    }

    /** A suspension was resumed with a decision and a payload (offset 0: none). */
    record TraceResumed(UUID traceId, long timeMillis, String hookId, String decision, long payloadOffset,
                        int payloadSize, boolean timedOut) implements WalRecord {
        public TraceResumed {
            Objects.requireNonNull(traceId, "traceId");
            Objects.requireNonNull(hookId, "hookId");
            Objects.requireNonNull(decision, "decision");
        }

        public RecordType type() {
            return RecordType.TRACE_RESUMED;
        }
    }

    /** Written at the start of each segment: how many traces were unfinished then. */
    record Checkpoint(UUID traceId, long timeMillis, long unfinishedTraces, int segment) implements WalRecord {
        public Checkpoint {
            Objects.requireNonNull(traceId, "traceId");
        }

        public RecordType type() {
            return RecordType.CHECKPOINT;
        }
    }

    /**
     * Bytes appended to a trace's arena at {@code offset}: the log carries them so that the records
     * after it never point at arena bytes a crash could lose. Recovery writes them back.
     */
    record ArenaData(UUID traceId, long timeMillis, long offset, byte[] bytes) implements WalRecord {
        /** The most bytes one record carries; longer ranges take several records. */
        public static final int MAX_BYTES = 256 * 1024;

        public ArenaData {
            Objects.requireNonNull(traceId, "traceId");
            Objects.requireNonNull(bytes, "bytes");
            if (bytes.length > MAX_BYTES) {
                throw new IllegalArgumentException("ArenaData carries at most " + MAX_BYTES + " bytes, got " + bytes.length);
            }
        }

        public RecordType type() {
            return RecordType.ARENA_DATA;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ArenaData a && traceId.equals(a.traceId) && timeMillis == a.timeMillis
                    && offset == a.offset && java.util.Arrays.equals(bytes, a.bytes);
        }

        @Override
        public int hashCode() {
            return Objects.hash(traceId, timeMillis, offset, java.util.Arrays.hashCode(bytes));
        }

        @Override
        public String toString() {
            return "ArenaData[" + traceId + ", offset=" + offset + ", " + bytes.length + " bytes]";
        }
    }

    /** A loop started iteration {@code iteration}. */
    record LoopIteration(UUID traceId, long timeMillis, String runKey, int node, int iteration) implements WalRecord {
        public LoopIteration {
            Objects.requireNonNull(traceId, "traceId");
            Objects.requireNonNull(runKey, "runKey");
        }

        public RecordType type() {
            return RecordType.LOOP_ITERATION;
        }
    }

    /**
     * One of {@code count} records that copy a trace forward: {@code record} is the trace's
     * {@code index}-th record, as the log held it when the copy was made. The log writes the
     * {@code count} copies back to back in one segment; once the last of them is read, they replace
     * every record of the trace before them (which sit in older segments that may then be purged). A
     * block cut short by a crash is ignored: the records it copied are still where they were.
     */
    record Carried(UUID traceId, long timeMillis, int index, int count, WalRecord record) implements WalRecord {
        public Carried {
            Objects.requireNonNull(traceId, "traceId");
            Objects.requireNonNull(record, "record");
            if (record instanceof Carried || record instanceof Checkpoint) {
                throw new IllegalArgumentException("a " + record.type() + " record is not carried");
            }
            if (!record.traceId().equals(traceId)) {
                throw new IllegalArgumentException("a record of trace " + record.traceId() + " carried for " + traceId);
            }
            if (count < 1 || index < 0 || index >= count) {
                throw new IllegalArgumentException("carried record " + index + " of " + count);
            }
        }

        /** True for the block's last copy: once read, the block replaces what came before. */
        public boolean last() {
            return index == count - 1;
        }

        public RecordType type() {
            return RecordType.CARRIED;
        }
    }
}
