package io.xerv.arena;

/**
 * The on-disk layout of one arena. All fields are little-endian.
 *
 * <pre>
 *  Header (256 bytes) at the arena's base
 *   0                   4         6         8
 *   +-------------------+---------+---------+-----------------------------------+
 *   | magic "XRVA"      | version | state   | trace id (msb u64, lsb u64)        |
 *   +-------------------+---------+---------+-----------------------------------+
 *  24 write offset u64  (end of the last published entry; arena-relative)
 *  32 capacity u64      (bytes usable from the base, header included)
 *  40 config offset u64 (always {@link #CONFIG_OFFSET})
 *  48 config size u32   52 slot u32 (slab slot index, or -1 for a dedicated file)
 *  56 created u64       64 updated u64       72 finished u64 (epoch millis; 0 while active)
 *  80 .. 255 reserved (zero)
 *
 *  Config block at 256: {@code config size} bytes (a Fory-encoded {@link ConfigBlock})
 *  Data region from the first 8-aligned offset after the config block:
 *
 *   +----------------+------+-------+-----------+---------------------------+---------+
 *   | length u32     | kind | flags | tag u16   | payload (length bytes)    | pad to 8|
 *   +----------------+------+-------+-----------+---------------------------+---------+
 *   0                4      5       6           8
 * </pre>
 *
 * <p>An entry is published by writing its length last (after kind, tag and payload), then advancing
 * the header's write offset; a reader that scans entries stops at a zero length. A {@link RelPtr}
 * points at the payload, so {@code ptr.offset() - ENTRY_HEADER_LENGTH} is the entry's start.
 */
public final class ArenaLayout {

    private ArenaLayout() {
    }

    /** "XRVA" read as a little-endian u32. */
    public static final int MAGIC = 0x41565258;
    public static final short VERSION = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = MAGIC_OFFSET + 4;
    public static final int STATE_OFFSET = VERSION_OFFSET + 2;
    public static final int TRACE_ID_OFFSET = STATE_OFFSET + 2;
    public static final int WRITE_OFFSET_OFFSET = TRACE_ID_OFFSET + 16;
    public static final int CAPACITY_OFFSET = WRITE_OFFSET_OFFSET + 8;
    public static final int CONFIG_OFFSET_OFFSET = CAPACITY_OFFSET + 8;
    public static final int CONFIG_SIZE_OFFSET = CONFIG_OFFSET_OFFSET + 8;
    public static final int SLOT_OFFSET = CONFIG_SIZE_OFFSET + 4;
    public static final int CREATED_OFFSET = SLOT_OFFSET + 4;
    public static final int UPDATED_OFFSET = CREATED_OFFSET + 8;
    public static final int FINISHED_OFFSET = UPDATED_OFFSET + 8;
    public static final int HEADER_LENGTH = 256;

    /** Where the config block starts. */
    public static final int CONFIG_OFFSET = HEADER_LENGTH;

    /** Entries and their payloads start at multiples of this. */
    public static final int ALIGNMENT = 8;

    public static final int ENTRY_LENGTH_OFFSET = 0;
    public static final int ENTRY_KIND_OFFSET = ENTRY_LENGTH_OFFSET + 4;
    public static final int ENTRY_FLAGS_OFFSET = ENTRY_KIND_OFFSET + 1;
    public static final int ENTRY_TAG_OFFSET = ENTRY_FLAGS_OFFSET + 1;
    public static final int ENTRY_HEADER_LENGTH = ENTRY_TAG_OFFSET + 2;

    /** Entry kind: a FlexBuffers-encoded value. */
    public static final byte KIND_VALUE = 1;
    /** Entry kind: raw bytes that no reader decodes. */
    public static final byte KIND_RAW = 2;

    /** Header state: the slot holds no arena. */
    public static final short STATE_FREE = 0;
    /** Header state: the trace is running or suspended. */
    public static final short STATE_ACTIVE = 1;
    /** Header state: the trace ended; kept for inspection until retention removes it. */
    public static final short STATE_FINISHED = 2;
    /** Header state: the arena outgrew this slot and moved to a dedicated file. */
    public static final short STATE_MOVED = 3;

    /** Rounds up to {@link #ALIGNMENT}. */
    public static long align(long n) {
        return (n + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** The first data offset for a config block of {@code configSize} bytes. */
    public static long dataStart(int configSize) {
        return align(CONFIG_OFFSET + (long) configSize);
    }

    /** A state's name for {@code xerv inspect}. */
    public static String stateName(short state) {
        return switch (state) {
            case STATE_FREE -> "free";
            case STATE_ACTIVE -> "active";
            case STATE_FINISHED -> "finished";
            case STATE_MOVED -> "moved";
            default -> "unknown(" + state + ")";
        };
    }
}
