package io.xerv.host.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The finished traces the API keeps: the records ({@link PackedTrace}) of the last {@code capacity}
 * traces filed, the oldest dropped first. Owned by the {@link PipelineController}; thread-safe (every
 * method synchronizes on the store).
 *
 * <p>Under webhook load the kept traces are young whenever a young collection runs, so the collector
 * copies all of them each time: the store holds one object per trace, its record, and otherwise only
 * arrays made once. Records and trace ids sit in a ring of {@code capacity} slots; an index maps a
 * trace id to its slot by open addressing over an {@code int[]} (linear probing, at most half full),
 * and eviction deletes by shifting the entries after it back, so no tombstones pile up.
 *
 * <p>Filing a trace id kept already files it anew, as the newest, and empties its old slot: until the
 * ring comes round to that slot the store keeps one trace fewer than its capacity. Trace ids are
 * random, so this does not happen in practice.
 */
final class FinishedTraces {

    /** Keeps the index within an int-indexed array of at most 2^30 entries. */
    static final int MAX_CAPACITY = 1 << 29;

    private final int capacity;
    /** Each slot's record, or null for a slot not written yet or emptied by filing its trace again. */
    private final byte[][] records;
    private final long[] msb;
    private final long[] lsb;
    /** slot + 1 of each kept trace, at its hash or after it in probe order; 0 is empty. */
    private final int[] index;
    private final int mask;
    /** Traces filed so far; the next one takes slot {@code written % capacity}. */
    private long written;

    /**
     * A store of {@code capacity} traces; 0 keeps nothing.
     *
     * @throws IllegalArgumentException for a capacity below 0 or above {@link #MAX_CAPACITY}
     */
    FinishedTraces(int capacity) {
        if (capacity < 0 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be in [0, " + MAX_CAPACITY + "], got " + capacity);
        }
        this.capacity = capacity;
        this.records = new byte[capacity][];
        this.msb = new long[capacity];
        this.lsb = new long[capacity];
        int size = capacity == 0 ? 1 : Integer.highestOneBit(2 * capacity - 1) << 1;
        this.index = new int[size];
        this.mask = size - 1;
    }

    /** Files a trace's record as the newest, dropping the oldest when full; replaces a record kept for the id. */
    synchronized void put(UUID id, byte[] record) {
        Objects.requireNonNull(record, "record");
        if (capacity == 0) {
            return;
        }
        long hi = id.getMostSignificantBits();
        long lo = id.getLeastSignificantBits();
        int at = find(hi, lo);
        if (at >= 0) {
            records[index[at] - 1] = null;
            delete(at);
        }
        int slot = (int) (written++ % capacity);
        if (records[slot] != null) {
            delete(find(msb[slot], lsb[slot]));
        }
        records[slot] = record;
        msb[slot] = hi;
        lsb[slot] = lo;
        int i = home(hi, lo);
        while (index[i] != 0) {
            i = (i + 1) & mask;
        }
        index[i] = slot + 1;
    }

    /** The record kept for a trace, or null. */
    synchronized byte[] get(UUID id) {
        int at = find(id.getMostSignificantBits(), id.getLeastSignificantBits());
        return at < 0 ? null : records[index[at] - 1];
    }

    /** Every kept record, the newest first. */
    synchronized List<byte[]> newestFirst() {
        long oldest = written - Math.min(written, capacity);
        List<byte[]> out = new ArrayList<>((int) (written - oldest));
        for (long s = written - 1; s >= oldest; s--) {
            byte[] r = records[(int) (s % capacity)];
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    /** The index position holding the trace, or -1. */
    private int find(long hi, long lo) {
        for (int i = home(hi, lo); ; i = (i + 1) & mask) {
            int v = index[i];
            if (v == 0) {
                return -1;
            }
            if (msb[v - 1] == hi && lsb[v - 1] == lo) {
                return i;
            }
        }
    }

    /**
     * Empties index position {@code i}, moving back each entry after it in the run that would no longer
     * be found across the gap (Knuth's algorithm R for linear probing).
     */
    private void delete(int i) {
        for (int j = (i + 1) & mask; index[j] != 0; j = (j + 1) & mask) {
            int slot = index[j] - 1;
            int h = home(msb[slot], lsb[slot]);
            // The entry stays when its home lies cyclically in (i, j]: it is still reached from there.
            boolean reachable = i <= j ? i < h && h <= j : i < h || h <= j;
            if (!reachable) {
                index[i] = index[j];
                i = j;
            }
        }
        index[i] = 0;
    }

    private int home(long hi, long lo) {
        // Murmur3's 64-bit finalizer: random ids need little mixing, but ids from a test or a replay may not be random.
        long h = hi ^ lo;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h & mask;
    }
}
