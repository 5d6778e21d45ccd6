package io.xerv.wal;

/**
 * The layout of one WAL frame. All fields little-endian; frames are packed back to back in a segment.
 *
 * <pre>
 *   0        4        8      9        10         12                28           36
 *   +--------+--------+------+--------+----------+-----------------+------------+--------------+
 *   | length | crc32c | type | version| reserved | trace id (16 B) | time u64   | body ...     |
 *   +--------+--------+------+--------+----------+-----------------+------------+--------------+
 *   |<-------------------------------- length bytes ----------------------------------------->|
 *                     |<------------------- covered by crc32c --------------------------------->|
 * </pre>
 *
 * <ul>
 *   <li>{@code length}: the whole frame, header included; at least {@link #HEADER_LENGTH}. A zero
 *       length ends the segment (the rest is preallocated space).</li>
 *   <li>{@code crc32c}: CRC32C of bytes {@code [TYPE_OFFSET, length)}, so type, version and body are
 *       covered; the length is covered indirectly (a wrong length moves the covered range).</li>
 *   <li>{@code version}: the body layout's version for this type, {@link #VERSION} today.</li>
 *   <li>{@code time}: epoch millis when the record was made.</li>
 * </ul>
 *
 * Bodies are sequences of fixed-width integers and strings ({@code u16 length + UTF-8}); each record
 * class documents its own. A frame is at most {@link #MAX_FRAME_LENGTH} bytes.
 */
public final class RecordDescriptor {

    private RecordDescriptor() {
    }

    public static final int LENGTH_OFFSET = 0;
    public static final int CRC_OFFSET = LENGTH_OFFSET + 4;
    public static final int TYPE_OFFSET = CRC_OFFSET + 4;
    public static final int VERSION_OFFSET = TYPE_OFFSET + 1;
    public static final int RESERVED_OFFSET = VERSION_OFFSET + 1;
    public static final int TRACE_ID_OFFSET = RESERVED_OFFSET + 2;
    public static final int TIME_OFFSET = TRACE_ID_OFFSET + 16;
    public static final int BODY_OFFSET = TIME_OFFSET + 8;
    public static final int HEADER_LENGTH = BODY_OFFSET;

    public static final byte VERSION = 1;
    public static final int MAX_FRAME_LENGTH = 1 << 20;
}
