package io.xerv.host.serve;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The finished traces the API keeps: the records ({@link PackedTrace}) of the last {@code capacity}
 * traces filed whose bytes still fit in the store's data ring, the oldest dropped first. Owned by the
 * {@link PipelineController}; thread-safe (every method synchronizes on the store).
 *
 * <p>Under webhook load the kept traces are young whenever a young collection runs, so anything the
 * store keeps per trace on the heap is copied by each of them. The store therefore keeps the records'
 * bytes off the heap, in one direct buffer made at construction, and otherwise only arrays made once:
 * filing a trace allocates nothing, and only reads ({@link #get}, {@link #forEachNewestFirst}) pay for
 * a copy. Trace ids sit in a ring of {@code capacity} slots; an index maps a trace id to its slot by
 * open addressing over an {@code int[]} (linear probing, at most half full), and eviction deletes by
 * shifting the entries after it back, so no tombstones pile up.
 *
 * <p>The data ring. Bytes are addressed by a position that only grows; the byte at position {@code p}
 * lives at {@code p % ringBytes} in the buffer. A record takes the positions from the data head on, or,
 * when it would cross the buffer's end, from the next multiple of {@code ringBytes} on (it wraps to 0 and
 * the tail stays unused), so a record is always one contiguous range of the buffer:
 *
 * <pre>
 *   0                             head % ringBytes                             ringBytes
 *   +-----------------------------+------------------------------------+--------+
 *   | this lap's records,         | the last lap's records not evicted | unused |
 *   | oldest first, newest last   | yet, oldest first                  |        |
 *   +-----------------------------+------------------------------------+--------+
 * </pre>
 *
 * <p>Each slot holds its record's start position and length. A slot whose record is kept on the heap
 * (see below) takes no bytes and holds the data head at its filing as its position, so positions never
 * decrease in filing order; a slot emptied by filing its trace again keeps its position until evicted.
 *
 * <p>Eviction, before a record is written over {@code [start, end)}: the oldest slots go, in filing
 * order, while a slot's position is below {@code end - ringBytes} (its bytes, if it has any, lie under
 * the range about to be written), and the oldest slot goes when all {@code capacity} slots are taken. So
 * the store keeps the newest traces whose records, with the tail left unused at the last wrap, fit in
 * the ring (a record on the heap counts for no bytes), and at most {@code capacity} of them.
 *
 * <p>A record longer than a quarter of the ring is kept on the heap instead, in an array of its own: a
 * rare huge trace is still kept without evicting every other one.
 *
 * <p>The ring is direct memory allocated at construction and freed when the store is collected; a
 * store has nothing to close.
 *
 * <p>Filing a trace id kept already files it anew, as the newest, and empties its old slot: until that
 * slot is evicted the store keeps one trace fewer than it could. Trace ids are random, so this does not
 * happen in practice.
 */
final class FinishedTraces {

    /** Keeps the index within an int-indexed array of at most 2^30 entries. */
    static final int MAX_CAPACITY = 1 << 29;

    /** The data ring's bytes per trace of capacity, before {@link #MIN_RING_BYTES} and {@link #MAX_RING_BYTES}. */
    private static final int RING_BYTES_PER_TRACE = 4 << 10;
    private static final int MIN_RING_BYTES = 1 << 20;
    private static final int MAX_RING_BYTES = 256 << 20;

    /** The length of a slot emptied by filing its trace again. */
    private static final int EMPTY = -1;

    private final int capacity;
    private final long[] msb;
    private final long[] lsb;
    /** slot + 1 of each kept trace, at its hash or after it in probe order; 0 is empty. */
    private final int[] index;
    private final int mask;
    /** Traces filed so far; the next one takes slot {@code written % capacity}. */
    private long written;
    /** The oldest slot kept is {@code oldest % capacity}; slots {@code [oldest, written)} are kept. */
    private long oldest;

    /** The records' bytes, little-endian (see the class comment); null for a capacity of 0. */
    private final ByteBuffer ring;
    private final int ringBytes;
    /** The position in the ring where the next record goes (before wrapping to 0 if it does not fit). */
    private long head;
    /** Each slot's position in the ring. */
    private final long[] offset;
    /** Each slot's record length, or {@link #EMPTY}. */
    private final int[] length;
    /** Each slot's record when kept on the heap, or null. */
    private final byte[][] big;

    /**
     * A store of {@code capacity} traces; 0 keeps nothing. Its data ring takes {@value #RING_BYTES_PER_TRACE}
     * bytes of direct memory per trace of capacity, at least 1 MiB and at most 256 MiB (none for 0).
     *
     * @throws IllegalArgumentException for a capacity below 0 or above {@link #MAX_CAPACITY}
     */
    FinishedTraces(int capacity) {
        this(capacity, capacity <= 0 ? 0
                : Math.clamp((long) capacity * RING_BYTES_PER_TRACE, MIN_RING_BYTES, MAX_RING_BYTES));
    }

    /**
     * A store of {@code capacity} traces whose data ring takes {@code ringBytes}.
     *
     * @throws IllegalArgumentException for a capacity below 0 or above {@link #MAX_CAPACITY}, or a ring
     *     of no bytes for a capacity above 0
     */
    FinishedTraces(int capacity, int ringBytes) {
        if (capacity < 0 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be in [0, " + MAX_CAPACITY + "], got " + capacity);
        }
        if (capacity > 0 && ringBytes <= 0) {
            throw new IllegalArgumentException("ringBytes must be > 0 for capacity " + capacity + ", got " + ringBytes);
        }
        this.capacity = capacity;
        this.msb = new long[capacity];
        this.lsb = new long[capacity];
        int size = capacity == 0 ? 1 : Integer.highestOneBit(2 * capacity - 1) << 1;
        this.index = new int[size];
        this.mask = size - 1;
        this.ringBytes = capacity == 0 ? 0 : ringBytes;
        this.ring = capacity == 0 ? null : ByteBuffer.allocateDirect(ringBytes).order(ByteOrder.LITTLE_ENDIAN);
        this.offset = new long[capacity];
        this.length = new int[capacity];
        this.big = new byte[capacity][];
    }

    /**
     * Files a trace's record as the newest, dropping the oldest ones that it needs the room of; replaces
     * a record kept for the id. Copies the record's bytes from its position to its limit, and leaves its
     * position as it was.
     */
    synchronized void put(UUID id, ByteBuffer record) {
        Objects.requireNonNull(record, "record");
        if (capacity == 0) {
            return;
        }
        long hi = id.getMostSignificantBits();
        long lo = id.getLeastSignificantBits();
        int at = find(hi, lo);
        if (at >= 0) {
            int slot = index[at] - 1;
            length[slot] = EMPTY;
            big[slot] = null;
            delete(at);
        }
        if (written - oldest == capacity) {
            evictOldest();
        }
        int n = record.remaining();
        long start = head;
        if (n > ringBytes / 4) {
            byte[] copy = new byte[n];
            record.get(record.position(), copy);
            file(hi, lo, start, n, copy);
            return;
        }
        int from = (int) (start % ringBytes);
        if (from + n > ringBytes) {
            start += ringBytes - from;
            from = 0;
        }
        long end = start + n;
        while (oldest < written && offset[(int) (oldest % capacity)] < end - ringBytes) {
            evictOldest();
        }
        ring.put(from, record, record.position(), n);
        head = end;
        file(hi, lo, start, n, null);
    }

    /** The record kept for a trace, copied, or null. */
    synchronized byte[] get(UUID id) {
        int at = find(id.getMostSignificantBits(), id.getLeastSignificantBits());
        return at < 0 ? null : copy(index[at] - 1);
    }

    /**
     * Shows the kept records to {@code visitor}, the newest first, each copied, until it returns false.
     * The visitor runs while the store is locked: it should be quick, and must not file traces.
     */
    synchronized void forEachNewestFirst(Predicate<byte[]> visitor) {
        for (long s = written - 1; s >= oldest; s--) {
            int slot = (int) (s % capacity);
            if (length[slot] != EMPTY && !visitor.test(copy(slot))) {
                return;
            }
        }
    }

    /** Takes the next slot, which must be free, for a record placed at {@code position}. */
    private void file(long hi, long lo, long position, int n, byte[] onHeap) {
        int slot = (int) (written++ % capacity);
        msb[slot] = hi;
        lsb[slot] = lo;
        offset[slot] = position;
        length[slot] = n;
        big[slot] = onHeap;
        int i = home(hi, lo);
        while (index[i] != 0) {
            i = (i + 1) & mask;
        }
        index[i] = slot + 1;
    }

    private void evictOldest() {
        int slot = (int) (oldest++ % capacity);
        if (length[slot] != EMPTY) {
            delete(find(msb[slot], lsb[slot]));
            length[slot] = EMPTY;
        }
        big[slot] = null;
    }

    private byte[] copy(int slot) {
        if (big[slot] != null) {
            return big[slot].clone();
        }
        byte[] out = new byte[length[slot]];
        ring.get((int) (offset[slot] % ringBytes), out);
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
