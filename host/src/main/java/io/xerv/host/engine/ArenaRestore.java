package io.xerv.host.engine;

import io.xerv.arena.Arena;
import io.xerv.arena.ArenaLayout;
import io.xerv.arena.ArenaStore;
import io.xerv.arena.RelPtr;
import io.xerv.plugin.Values;
import io.xerv.wal.WalRecord;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Rebuilds an unfinished trace's arena at recovery from what the write-ahead log carries of it
 * ({@link WalRecord.ArenaData}), and checks that every value the log points at (the payload, each
 * node run's output, each resume's payload) can be read back. An arena that is missing, whose header
 * does not match the trace's flow, or whose bytes differ from the log's is rebuilt from the log, with
 * a warning that names the trace, the arena file and what was wrong. When the log does not carry a
 * value and the arena's bytes for it are unreadable too, the trace cannot go on: {@link #restore}
 * says why, and the engine fails the trace with that reason. Used by recovery only, on one thread.
 */
final class ArenaRestore {

    private static final Logger LOG = Logger.getLogger(ArenaRestore.class.getName());

    /**
     * What restoring found.
     *
     * @param arena the trace's arena (restored, or the damaged one when {@code problem} is set; null
     *     when there is none to show)
     * @param problem why the trace cannot resume, naming the arena and what is wrong; null when it can
     */
    record Outcome(Arena arena, String problem) {
    }

    private ArenaRestore() {
    }

    static Outcome restore(ArenaStore arenas, TraceLog log, byte[] config) {
        java.util.UUID id = log.traceId();
        Arena a = arenas.find(id).orElse(null);
        String where = a == null ? "(none)" : String.valueOf(a.file());
        if (a != null) {
            String mismatch = headerMismatch(a, config);
            if (mismatch != null) {
                LOG.warning("trace " + id + ": arena file " + where + " " + mismatch
                        + "; rebuilding the arena from the write-ahead log");
                arenas.release(a);
                a = null;
            }
        } else {
            LOG.info("trace " + id + ": no arena found; rebuilding it from the write-ahead log");
        }
        if (a == null) {
            try {
                a = arenas.create(id, config);
            } catch (RuntimeException e) {
                return new Outcome(null, "arena " + where + " cannot be rebuilt: " + e.getMessage());
            }
            where = String.valueOf(a.file());
        }
        long differing = 0;
        long firstDifference = -1;
        for (WalRecord.ArenaData d : log.arenaData) {
            if (d.offset() < a.dataStart()) {
                return new Outcome(a, "arena " + where + ": the write-ahead log holds bytes at @" + d.offset()
                        + ", before the arena's data region (@" + a.dataStart() + ")");
            }
            long diff = differences(a, d.offset(), d.bytes());
            if (diff > 0 && firstDifference < 0) {
                firstDifference = d.offset();
            }
            differing += diff;
            a.restore(d.offset(), d.bytes());
        }
        if (differing > 0) {
            LOG.warning("trace " + id + ": arena file " + where + " held " + differing + " bytes that differ from the"
                    + " write-ahead log's (first in the range at @" + firstDifference + "); restored them from the log");
        }
        String unreadable = checkPointers(a, log);
        if (unreadable != null) {
            String problem = "arena " + where + ": " + unreadable;
            LOG.log(Level.SEVERE, "trace " + id + " cannot be recovered: " + problem + "; the trace fails");
            return new Outcome(a, problem);
        }
        return new Outcome(a, null);
    }

    /** What is wrong with the header of a trace's arena, or null. */
    private static String headerMismatch(Arena a, byte[] config) {
        MemorySegment seg = a.segment();
        int size = seg.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN),
                ArenaLayout.CONFIG_SIZE_OFFSET);
        if (size != config.length) {
            return "has a config block of " + size + " bytes where the trace's flow has " + config.length;
        }
        if (ArenaLayout.CONFIG_OFFSET + (long) size > seg.byteSize()) {
            return "is shorter (" + seg.byteSize() + " bytes) than its header says";
        }
        byte[] stored = seg.asSlice(ArenaLayout.CONFIG_OFFSET, size).toArray(ValueLayout.JAVA_BYTE);
        if (!Arrays.equals(stored, config)) {
            return "has a config block that differs from the trace's flow";
        }
        return null;
    }

    /** How many of {@code bytes} differ from what the arena holds at {@code offset}. */
    private static long differences(Arena a, long offset, byte[] bytes) {
        MemorySegment seg = a.segment();
        long n = 0;
        long readable = Math.min(bytes.length, Math.max(0, seg.byteSize() - offset));
        for (int i = 0; i < readable; i++) {
            if (seg.get(ValueLayout.JAVA_BYTE, offset + i) != bytes[i]) {
                n++;
            }
        }
        return n + (bytes.length - readable);
    }

    /**
     * Checks every value the log points at: carried by the log (just restored), or else a whole,
     * readable entry in the arena. Returns what is wrong, or null.
     */
    private static String checkPointers(Arena a, TraceLog log) {
        long[][] covered = covered(log.arenaData);
        WalRecord.TraceStart s = log.start();
        String bad = check(a, covered, s.payloadOffset(), s.payloadSize(), "the trace's payload");
        if (bad != null) {
            return bad;
        }
        for (WalRecord.NodeDone d : log.done.values()) {
            bad = check(a, covered, d.offset(), d.size(), "the output of node run " + d.runKey() + " (node #" + d.node() + ")");
            if (bad != null) {
                return bad;
            }
        }
        for (WalRecord.TraceResumed r : log.resumed.values()) {
            if (r.payloadOffset() != 0) {
                bad = check(a, covered, r.payloadOffset(), r.payloadSize(), "the payload resuming hook " + r.hookId());
                if (bad != null) {
                    return bad;
                }
            }
        }
        return null;
    }

    private static String check(Arena a, long[][] covered, long offset, int size, String what) {
        if (isCovered(covered, offset - ArenaLayout.ENTRY_HEADER_LENGTH, offset + size)) {
            return null;
        }
        try {
            RelPtr p = a.ptrAt(offset);
            if (p.size() != size) {
                return what + " at @" + offset + " is not in the write-ahead log, and the arena's entry there has "
                        + p.size() + " bytes where the log says " + size;
            }
            Values.toJson(a.value(p));
            return null;
        } catch (RuntimeException e) {
            return what + " at @" + offset + " (" + size + " bytes) is not in the write-ahead log, and the arena's"
                    + " bytes there are not a readable value: " + e.getMessage();
        }
    }

    /** The byte ranges the log carries, merged, sorted by start. */
    private static long[][] covered(List<WalRecord.ArenaData> data) {
        List<long[]> ranges = new ArrayList<>(data.size());
        for (WalRecord.ArenaData d : data) {
            ranges.add(new long[] {d.offset(), d.offset() + d.bytes().length});
        }
        ranges.sort(Comparator.comparingLong(r -> r[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] r : ranges) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0] <= last[1]) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(r);
            }
        }
        return merged.toArray(new long[0][]);
    }

    private static boolean isCovered(long[][] ranges, long from, long to) {
        for (long[] r : ranges) {
            if (r[0] <= from && to <= r[1]) {
                return true;
            }
        }
        return false;
    }
}
