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
        Map<UUID, TraceLog> out = new LinkedHashMap<>();
        Map<UUID, List<WalRecord>> blocks = new HashMap<>();
        for (WalRecord r : records) {
            if (r instanceof WalRecord.Checkpoint) {
                continue;
            }
            if (r instanceof WalRecord.Carried c) {
                List<WalRecord> block = c.index() == 0 ? new ArrayList<>(c.count()) : blocks.get(c.traceId());
                if (block == null || block.size() != c.index()) {
                    blocks.remove(c.traceId());
                    continue;
                }
                block.add(c.record());
                if (c.last()) {
                    blocks.remove(c.traceId());
                    TraceLog t = new TraceLog(c.traceId());
                    for (WalRecord copied : block) {
                        t.add(copied);
                    }
                    out.put(c.traceId(), t);
                } else {
                    blocks.put(c.traceId(), block);
                }
                continue;
            }
            if (!blocks.isEmpty()) {
                blocks.remove(r.traceId());
            }
            out.computeIfAbsent(r.traceId(), TraceLog::new).add(r);
        }
        return out;
    }

    private void add(WalRecord r) {
        records.add(r);
        switch (r) {
            case WalRecord.TraceStart s -> start = s;
            case WalRecord.NodeStart s -> {
                starts.merge(s.runKey(), 1, Integer::sum);
                startTimes.put(s.runKey(), s.timeMillis());
            }
            case WalRecord.NodeDone d -> {
                done.put(d.runKey(), d);
                // A pure node's start is not logged; its NodeDone carries the start time.
                startTimes.putIfAbsent(d.runKey(), d.timeMillis());
            }
            case WalRecord.TraceSuspended s -> suspended.put(s.runKey(), s);
            case WalRecord.TraceResumed s -> resumed.put(s.hookId(), s);
            case WalRecord.TraceComplete c -> end = c;
            case WalRecord.TraceFailed f -> end = f;
            case WalRecord.ArenaData a -> arenaData.add(a);
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

    /** Every record of the trace, in log order. */
    public List<WalRecord> records() {
        return records;
    }

    /** How many node runs completed. */
    public int completedRuns() {
        return done.size();
    }

    int startsOf(String key) {
        return starts.getOrDefault(key, 0);
    }
}
