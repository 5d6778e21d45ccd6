package io.xerv.arena;

import io.xerv.plugin.Value;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.xerv.arena.ArenaLayout.*;

/**
 * One trace's append-only store: a header, the config block, then 8-byte-aligned entries (layout in
 * {@link ArenaLayout}). Entries never change once written, so views of them can be read by any
 * thread while others append.
 *
 * <p>Owned by the {@link ArenaStore} that created or reopened it. Appends are thread-safe (a node on
 * the worker pool may append while its trace's other nodes run on the event loop); an arena that
 * outgrows its slot moves to a dedicated file with the same offsets, so earlier {@link RelPtr}s and
 * views stay valid.
 */
public final class Arena {

    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final ArenaStore store;
    private final UUID traceId;
    private volatile MemorySegment segment;
    /** Slab slot of the current segment, or -1 for a dedicated file. */
    int slot;
    /** Slots and files this arena used before it moved; released with it. */
    final List<ArenaStore.Region> retired = new ArrayList<>(0);
    ArenaStore.Region region;
    private long writeOffset;
    private volatile ConfigBlock config;

    Arena(ArenaStore store, UUID traceId, ArenaStore.Region region, long writeOffset) {
        this.store = store;
        this.traceId = traceId;
        this.region = region;
        this.segment = region.segment();
        this.slot = region.slot();
        this.writeOffset = writeOffset;
    }

    ArenaStore store() {
        return store;
    }

    /** The trace this arena belongs to. */
    public UUID traceId() {
        return traceId;
    }

    /** The end of the last published entry. */
    public synchronized long writeOffset() {
        return writeOffset;
    }

    /** The bytes usable from the base before the arena must move. */
    public long capacity() {
        return segment.byteSize();
    }

    /** The header's state ({@link ArenaLayout#STATE_ACTIVE}, ...). */
    public short state() {
        return segment.get(U16, STATE_OFFSET);
    }

    /** Epoch millis of creation. */
    public long createdMillis() {
        return segment.get(U64, CREATED_OFFSET);
    }

    /** Epoch millis of the end of the trace, or 0 while it runs. */
    public long finishedMillis() {
        return segment.get(U64, FINISHED_OFFSET);
    }

    /** The file this arena lives in now. */
    public java.nio.file.Path file() {
        return region.file();
    }

    /** The byte offset of this arena's base within {@link #file()}. */
    public long fileOffset() {
        return region.fileOffset();
    }

    /** What the trace runs: pipeline, version, trigger and pipeline config. */
    public ConfigBlock config() {
        ConfigBlock c = config;
        if (c == null) {
            int size = segment.get(U32, CONFIG_SIZE_OFFSET);
            byte[] bytes = segment.asSlice(CONFIG_OFFSET, size).toArray(ValueLayout.JAVA_BYTE);
            config = c = ConfigBlock.decode(bytes);
        }
        return c;
    }

    void cacheConfig(ConfigBlock c) {
        this.config = c;
    }

    /**
     * Appends one entry and publishes it.
     *
     * @param kind {@link ArenaLayout#KIND_VALUE} or {@link ArenaLayout#KIND_RAW}
     * @param tag who wrote it (0 for the host, node index + 1 for a node), shown by {@code xerv inspect}
     * @param payload the bytes between position and limit (position is not moved)
     * @return where the payload now lives
     * @throws ArenaLimitException when a node's entry ({@code tag != 0}) is over the store's {@link ArenaStore.Limits}
     * @throws IllegalStateException when the arena cannot grow to hold it
     */
    public RelPtr append(byte kind, int tag, ByteBuffer payload) {
        int length = payload.remaining();
        ArenaStore.Limits limits = store.limits();
        if (tag != 0 && length > limits.valueBytes()) {
            throw ArenaLimitException.value(length, limits.valueBytes(), false);
        }
        synchronized (this) {
            long start = writeOffset;
            long end = align(start + ENTRY_HEADER_LENGTH + length);
            if (tag != 0 && end - dataStart() > limits.dataBytes()) {
                throw ArenaLimitException.data(start - dataStart(), end - start, limits.dataBytes());
            }
            if (end > segment.byteSize()) {
                store.grow(this, end);
            }
            MemorySegment seg = segment;
            seg.set(ValueLayout.JAVA_BYTE, start + ENTRY_KIND_OFFSET, kind);
            seg.set(ValueLayout.JAVA_BYTE, start + ENTRY_FLAGS_OFFSET, (byte) 0);
            seg.set(U16, start + ENTRY_TAG_OFFSET, (short) tag);
            MemorySegment.copy(MemorySegment.ofBuffer(payload), 0, seg, start + ENTRY_HEADER_LENGTH, length);
            // Publish: the length goes last, then the header's write offset.
            seg.set(U32, start + ENTRY_LENGTH_OFFSET, length);
            writeOffset = end;
            seg.set(U64, WRITE_OFFSET_OFFSET, end);
            return new RelPtr(start + ENTRY_HEADER_LENGTH, length);
        }
    }

    /** Encodes a Java object or {@link Value} and appends it; returns a view of the stored value. */
    public FlexValue appendValue(int tag, Object value) {
        RelPtr p = append(KIND_VALUE, tag, ValueCodec.encode(value, encodeLimit(tag)));
        return value(p);
    }

    /**
     * Encodes JSON text and appends it.
     *
     * @throws IllegalArgumentException for malformed JSON (nothing is appended)
     */
    public FlexValue appendJson(int tag, byte[] json) {
        RelPtr p = append(KIND_VALUE, tag, ValueCodec.encodeJson(json, encodeLimit(tag)));
        return value(p);
    }

    /** How many bytes an encoding for {@code tag} may grow to before it stops (so that no oversized copy is built). */
    private long encodeLimit(int tag) {
        return tag == 0 ? Long.MAX_VALUE : store.limits().valueBytes();
    }

    /** A view of the value a pointer names. */
    public FlexValue value(RelPtr p) {
        return FlexValue.root(payload(p), p);
    }

    /**
     * A view of the value whose payload starts at {@code offset} (its size is read from the entry).
     *
     * @throws IllegalArgumentException when no published entry has its payload there
     */
    public FlexValue valueAt(long offset) {
        return value(ptrAt(offset));
    }

    /** The pointer to the payload at {@code offset}, with its size read from the entry header. */
    public RelPtr ptrAt(long offset) {
        long published = writeOffset();
        if (offset < ENTRY_HEADER_LENGTH + CONFIG_OFFSET || offset >= published || (offset & (ALIGNMENT - 1)) != 0) {
            throw new IllegalArgumentException("no entry at offset " + offset + " in arena " + traceId
                    + " (data ends at " + published + ")");
        }
        int size = segment.get(U32, offset - ENTRY_HEADER_LENGTH + ENTRY_LENGTH_OFFSET);
        if (size < 0 || offset + size > published) {
            throw new IllegalArgumentException("entry at offset " + offset + " has a bad length " + size);
        }
        return new RelPtr(offset, size);
    }

    /** The payload bytes a pointer names, read in place (a read-only little-endian view). */
    public ByteBuffer payload(RelPtr p) {
        if (p.offset() + p.size() > segment.byteSize()) {
            throw new IllegalArgumentException("pointer " + p + " is outside arena " + traceId);
        }
        return segment.asSlice(p.offset(), p.size()).asByteBuffer().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Where the data region starts (entries begin here). */
    public long dataStart() {
        return ArenaLayout.dataStart(segment.get(U32, CONFIG_SIZE_OFFSET));
    }

    /** A copy of the published bytes in [from, to), for a log that carries them. */
    public byte[] copy(long from, long to) {
        MemorySegment seg = segment;
        return seg.asSlice(from, to - from).toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * Writes bytes back at {@code offset} (recovery from a log that carried them), growing the arena
     * if needed and moving the write offset past them.
     *
     * @throws IllegalArgumentException when {@code offset} is inside the header or config block
     */
    public void restore(long offset, byte[] bytes) {
        synchronized (this) {
            if (offset < dataStart()) {
                throw new IllegalArgumentException("cannot restore bytes at " + offset + ", before the data region ("
                        + dataStart() + ")");
            }
            long end = offset + bytes.length;
            if (end > segment.byteSize()) {
                store.grow(this, end);
            }
            MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, offset, bytes.length);
            if (end > writeOffset) {
                writeOffset = end;
                segment.set(U64, WRITE_OFFSET_OFFSET, end);
            }
        }
    }

    /** The whole arena as a memory segment (for bridges that map it into guests). */
    public MemorySegment segment() {
        return segment;
    }

    /** An output writer tagging entries with {@code tag}. */
    public ArenaWriter writer(int tag) {
        return new ArenaWriter(this, tag);
    }

    /** Forces the bytes in [from, to) to the storage device. */
    public void force(long from, long to) {
        MemorySegment seg = segment;
        if (to > from) {
            seg.asSlice(from, Math.min(to, seg.byteSize()) - from).force();
        }
    }

    /** Every published entry, in order. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        long end = writeOffset();
        long off = ArenaLayout.dataStart(segment.get(U32, CONFIG_SIZE_OFFSET));
        while (off + ENTRY_HEADER_LENGTH <= end) {
            int len = segment.get(U32, off + ENTRY_LENGTH_OFFSET);
            byte kind = segment.get(ValueLayout.JAVA_BYTE, off + ENTRY_KIND_OFFSET);
            int tag = Short.toUnsignedInt(segment.get(U16, off + ENTRY_TAG_OFFSET));
            if (len < 0 || off + ENTRY_HEADER_LENGTH + len > end) {
                break;
            }
            out.add(new Entry(new RelPtr(off + ENTRY_HEADER_LENGTH, len), kind, tag));
            off = align(off + ENTRY_HEADER_LENGTH + len);
        }
        return out;
    }

    /**
     * One published entry.
     *
     * @param ptr where its payload is
     * @param kind {@link ArenaLayout#KIND_VALUE} or {@link ArenaLayout#KIND_RAW}
     * @param tag who wrote it: 0 the host, n the flow's node n-1
     */
    public record Entry(RelPtr ptr, byte kind, int tag) {
    }

    // Called by the store with this arena's lock held.
    void moveTo(ArenaStore.Region to) {
        retired.add(region);
        region = to;
        segment = to.segment();
        slot = to.slot();
    }

    synchronized long writeOffsetLocked() {
        return writeOffset;
    }

    @Override
    public String toString() {
        return "Arena[" + traceId + ", " + region + "]";
    }
}
