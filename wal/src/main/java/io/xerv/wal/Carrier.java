package io.xerv.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Carries long-lived traces forward: reads what the log holds of them in the segments they pin and
 * gives it back as blocks of {@link WalRecord.Carried} copies for the segment the log writes now, so
 * that a trace suspended for days (a {@code std::wait} for an approval) does not keep every later
 * segment from being purged. Used by the log's writer thread only, when it rolls.
 *
 * <p>Also the one place that says how carried blocks read ({@link Fold}): the log's pin tracking,
 * this class and the engine's index of a trace's records follow the same rule.
 */
final class Carrier {

    private Carrier() {
    }

    /**
     * What the log holds of {@code traces} in segments {@code from} to {@code to} (exclusive), folded
     * ({@link Fold}), by trace; or null when a segment cannot be read whole (then nothing is carried
     * and the segments stay).
     */
    static Map<UUID, List<WalRecord>> read(Storage storage, Path dir, List<Path> files, int from, int to,
            Set<UUID> traces) throws IOException {
        Map<UUID, Fold> folds = new LinkedHashMap<>();
        for (UUID t : traces) {
            folds.put(t, new Fold());
        }
        for (Path f : files) {
            int index = Wal.indexOf(f);
            if (index < from || index >= to) {
                continue;
            }
            // The writer owns these segments (it alone renames or deletes them): mapped, not copied.
            ByteBuffer b = storage.map(f);
            // Read as the scan at open reads them: a segment behind the live one has no torn end, so
            // any frame that does not decode is damage, and nothing is carried past it.
            Wal.Problem p = Wal.scanSegment(f, index, b, 0, false, r -> {
                Fold fold = folds.get(r.traceId());
                if (fold != null) {
                    fold.add(r, index);
                }
            });
            if (p != null) {
                java.util.logging.Logger.getLogger(Wal.class.getName()).warning("WAL: not carrying traces forward: "
                        + p + "; the segments stay");
                return null;
            }
        }
        Map<UUID, List<WalRecord>> out = new LinkedHashMap<>();
        folds.forEach((t, fold) -> {
            if (!fold.records.isEmpty()) {
                out.put(t, fold.records);
            }
        });
        return out;
    }

    /**
     * A trace's records in log order, with carried blocks applied: a block whose last copy is read
     * replaces every record of the trace before it; a block cut short (its copies stop, another
     * block starts, or a record that is no copy comes between) is dropped, and the records it copied
     * stay. Not thread-safe.
     */
    static final class Fold {
        final List<WalRecord> records = new ArrayList<>();
        private List<WalRecord> block;
        private int blockSegment;

        /**
         * Adds a record read from segment {@code segment}.
         *
         * @return true when this completed a block: {@link #records} now starts with its copies
         */
        boolean add(WalRecord r, int segment) {
            if (!(r instanceof WalRecord.Carried c)) {
                block = null;
                records.add(r);
                return false;
            }
            if (c.index() == 0) {
                block = new ArrayList<>(c.count());
                blockSegment = segment;
            } else if (block == null || block.size() != c.index() || segment != blockSegment) {
                block = null;
                return false;
            }
            block.add(c.record());
            if (!c.last()) {
                return false;
            }
            records.clear();
            records.addAll(block);
            block = null;
            return true;
        }
    }

    /** Counts a trace's carried copies as they are written or read, to move its pin once a block is whole. */
    static final class Pins {
        private final Map<UUID, int[]> open = new HashMap<>();

        /**
         * Takes a carried copy read or written in {@code segment}.
         *
         * @return true when it completed a block (the trace now pins {@code segment})
         */
        boolean add(WalRecord.Carried c, int segment) {
            if (c.index() == 0) {
                if (c.last()) {
                    open.remove(c.traceId());
                    return true;
                }
                open.put(c.traceId(), new int[] {1, segment});
                return false;
            }
            int[] at = open.get(c.traceId());
            if (at == null || at[0] != c.index() || at[1] != segment) {
                open.remove(c.traceId());
                return false;
            }
            if (c.last()) {
                open.remove(c.traceId());
                return true;
            }
            at[0]++;
            return false;
        }

        /** Any other record of the trace ends an open block. */
        void other(UUID trace) {
            if (!open.isEmpty()) {
                open.remove(trace);
            }
        }
    }

    /** Encodes the copies of one trace for segment {@code segment}. */
    static List<WalRecord.Carried> copies(UUID trace, List<WalRecord> records, long now) {
        List<WalRecord.Carried> out = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            out.add(new WalRecord.Carried(trace, now, i, records.size(), records.get(i)));
        }
        return out;
    }
}
