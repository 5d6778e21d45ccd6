package io.xerv.wal;

/**
 * The layout of one WAL frame. All fields little-endian; frames are packed back to back in a segment.
 *
 * <pre>
 *   0        4        8      9        10         12                28           36
 *   +--------+--------+------+--------+----------+-----------------+------------+--------------+
 *   | length | crc32c | type | version| seg tag  | trace id (16 B) | time u64   | body ...     |
 *   +--------+--------+------+--------+----------+-----------------+------------+--------------+
 *   |<-------------------------------- length bytes ----------------------------------------->|
 *                     |<------------------- covered by crc32c --------------------------------->|
 * </pre>
 *
 * <ul>
 *   <li>{@code length}: the whole frame, header included; at least {@link #HEADER_LENGTH}. A zero
 *       length ends the segment (the rest is preallocated space).</li>
 *   <li>{@code crc32c}: CRC32C of the segment's number (u32) followed by bytes
 *       {@code [TYPE_OFFSET, length)}, so type, version, tag and body are covered, and a frame is
 *       valid only in the segment it was written for; the length is covered indirectly (a wrong
 *       length moves the covered range).</li>
 *   <li>{@code version}: {@link #VERSION} today. Frames of {@link #LEGACY_VERSION} (still read) had
 *       a zero tag and a checksum of the bytes alone.</li>
 *   <li>{@code seg tag}: the low 16 bits of the segment's number. Segment files are reused, so a
 *       frame written for an earlier segment may follow a segment's last frame; the tag lets a scan
 *       check it against the earlier segments whose numbers have that tag, and stop there without
 *       reporting damage.</li>
 *   <li>{@code time}: epoch millis when the record was made.</li>
 * </ul>
 *
 * A segment that the log rolled away from ends with an end-of-segment frame: a header only, of type
 * {@link #SEGMENT_END_TYPE}, zero trace id.
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
    /** Where the segment tag sits: the field that was reserved (zero) in {@link #LEGACY_VERSION}. */
    public static final int TAG_OFFSET = RESERVED_OFFSET;
    public static final int TRACE_ID_OFFSET = RESERVED_OFFSET + 2;
    public static final int TIME_OFFSET = TRACE_ID_OFFSET + 16;
    public static final int BODY_OFFSET = TIME_OFFSET + 8;
    public static final int HEADER_LENGTH = BODY_OFFSET;

    public static final byte VERSION = 2;
    /** Frames without the segment tag and checksum seed, written before segment files were reused. */
    public static final byte LEGACY_VERSION = 1;
    /** The type code of the frame that ends a segment (not a {@link RecordType}: it holds no record). */
    public static final int SEGMENT_END_TYPE = 15;
    public static final int MAX_FRAME_LENGTH = 1 << 20;
}
