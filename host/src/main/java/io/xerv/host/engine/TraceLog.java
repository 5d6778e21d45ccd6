package io.xerv.host.engine;

import io.xerv.wal.WalRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the write-ahead log says about one trace: how it started, which node runs completed (by run
 * key), how often each run was started, its suspensions and resumes, and whether it ended. Built once
 * from the records a WAL recovered; read by the trace's scheduler when it resumes the trace.
 */
public final class TraceLog {

    final UUID traceId;
    WalRecord.TraceStart start;
    final Map<String, WalRecord.NodeDone> done = new HashMap<>();
    final Map<String, Integer> starts = new HashMap<>();
    final Map<String, Long> startTimes = new HashMap<>();
    final Map<String, WalRecord.TraceSuspended> suspended = new HashMap<>();
    final Map<String, WalRecord.TraceResumed> resumed = new HashMap<>();
    WalRecord end;
    int recordCount;
    /** For a trace that ended and kept only its start and end: how many node runs completed. */
    private int endedRuns = -1;
    final List<WalRecord> records = new ArrayList<>();
    final List<WalRecord.ArenaData> arenaData = new ArrayList<>();

    TraceLog(UUID traceId) {
        this.traceId = traceId;
    }

    /**
     * Groups records by trace, in log order. A whole block of {@link WalRecord.Carried} copies
     * replaces what came before it of its trace; a block cut short (by a crash while it was written)
     * is ignored, and the records it copied still count.
     */
    public static Map<UUID, TraceLog> index(List<WalRecord> records) {
        Index index = new Index(id -> true);
        records.forEach(index);
        return index.traces();
    }

    /**
     * Groups records by trace as a log scan hands them over one at a time, keeping only what each
     * trace needs: an unfinished trace (or one {@code whole} selects) keeps all its records; a trace
     * that ended keeps its start and end records only, so memory grows with the unfinished traces, not
     * with the log. A whole block of {@link WalRecord.Carried} copies (a long-lived trace the log
     * carried forward) replaces what came before it of its trace; a block cut short (by a crash while
     * it was written, or by another record of its trace) is ignored, and the records it copied still
     * count. Not thread-safe.
     */
    public static final class Index implements java.util.function.Consumer<WalRecord> {
        private final java.util.function.Predicate<UUID> whole;
        private final Map<UUID, TraceLog> traces = new LinkedHashMap<>();
        /** Carried blocks being read, by trace: at most one per long-lived trace. */
        private final Map<UUID, List<WalRecord>> blocks = new HashMap<>();

        public Index(java.util.function.Predicate<UUID> whole) {
            this.whole = whole;
        }

        @Override
        public void accept(WalRecord r) {
            if (r instanceof WalRecord.Checkpoint) {
                return;
            }
            if (r instanceof WalRecord.Carried c) {
                carried(c);
                return;
            }
            if (!blocks.isEmpty()) {
                // Any other record of the trace cuts its open block short.
                blocks.remove(r.traceId());
            }
            TraceLog t = traces.computeIfAbsent(r.traceId(), TraceLog::new);
            t.add(r);
            if (t.end == r && !whole.test(r.traceId())) {
                traces.put(r.traceId(), t.ended(r));
            }
        }

        private void carried(WalRecord.Carried c) {
            UUID id = c.traceId();
            List<WalRecord> block = c.index() == 0 ? new ArrayList<>(c.count()) : blocks.get(id);
            if (block == null || block.size() != c.index()) {
                blocks.remove(id);
                return;
            }
            block.add(c.record());
            if (!c.last()) {
                blocks.put(id, block);
                return;
            }
            blocks.remove(id);
            TraceLog t = new TraceLog(id);
            for (WalRecord copied : block) {
                t.add(copied);
            }
            traces.put(id, t.end != null && !whole.test(id) ? t.ended(t.end) : t);
        }

        /** The traces so far, in the order of their first record. */
        public Map<UUID, TraceLog> traces() {
            return traces;
        }
    }

    /** What is kept of a trace that ended: its start and end, and how many records it had. */
    private TraceLog ended(WalRecord last) {
        TraceLog t = new TraceLog(traceId);
        t.start = start;
        t.end = last;
        t.recordCount = recordCount;
        t.endedRuns = done.size();
        if (start != null) {
            t.records.add(start);
        }
        t.records.add(last);
        return t;
    }

    /** Reads every record of one trace from the log in {@code walDir}, without changing the log. */
    public static java.util.Optional<TraceLog> read(java.nio.file.Path walDir, UUID trace) throws java.io.IOException {
        Index index = new Index(trace::equals);
        io.xerv.wal.Wal.read(walDir, r -> {
            if (r.traceId().equals(trace)) {
                index.accept(r);
            }
        });
        return java.util.Optional.ofNullable(index.traces().get(trace));
    }

    private void add(WalRecord r) {
        TraceLog t = this;
        recordCount++;
        records.add(r);
        switch (r) {
            case WalRecord.TraceStart s -> t.start = s;
            case WalRecord.NodeStart s -> {
                t.starts.merge(s.runKey(), 1, Integer::sum);
                t.startTimes.put(s.runKey(), s.timeMillis());
            }
            case WalRecord.NodeDone d -> {
                t.done.put(d.runKey(), d);
                // A pure node's start is not logged; its NodeDone carries the start time.
                t.startTimes.putIfAbsent(d.runKey(), d.timeMillis());
            }
            case WalRecord.TraceSuspended s -> t.suspended.put(s.runKey(), s);
            case WalRecord.TraceResumed s -> t.resumed.put(s.hookId(), s);
            case WalRecord.TraceComplete c -> t.end = c;
            case WalRecord.TraceFailed f -> t.end = f;
            case WalRecord.ArenaData a -> t.arenaData.add(a);
            default -> {
            }
        }
    }

    public UUID traceId() {
        return traceId;
    }

    /** The trace's start record, or null when the log lost it (then the trace cannot be resumed). */
    public WalRecord.TraceStart start() {
        return start;
    }

    /** True once a TraceComplete or TraceFailed record exists. */
    public boolean ended() {
        return end != null;
    }

    /** How many records the log holds of the trace (a trace that ended keeps only its first and last). */
    public int recordCount() {
        return recordCount;
    }

    /** Every record of the trace kept, in log order (for a trace that ended: its start and end record). */
    public List<WalRecord> records() {
        return records;
    }

    /** How many node runs completed. */
    public int completedRuns() {
        return endedRuns >= 0 ? endedRuns : done.size();
    }

    int startsOf(String key) {
        return starts.getOrDefault(key, 0);
    }
}
