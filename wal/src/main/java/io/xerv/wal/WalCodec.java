package io.xerv.wal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.zip.CRC32C;

import static io.xerv.wal.RecordDescriptor.*;

/** Encodes and decodes WAL frames (layout in {@link RecordDescriptor}). Stateless and thread-safe. */
public final class WalCodec {

    private WalCodec() {
    }

    /**
     * Appends one frame for segment {@code segment} at {@code out}'s position and advances it.
     *
     * Strings longer than 65535 UTF-8 bytes are cut to the last whole character within that length.
     *
     * @throws java.nio.BufferOverflowException when {@code out} has no room (the caller grows it)
     * @throws IllegalArgumentException when the frame would exceed {@link RecordDescriptor#MAX_FRAME_LENGTH}
     */
    public static void encode(WalRecord r, ByteBuffer out, int segment) {
        out.order(ByteOrder.LITTLE_ENDIAN);
        int start = out.position();
        out.position(start + TYPE_OFFSET);
        out.put((byte) r.type().code());
        out.put(VERSION);
        out.putShort(tag(segment));
        out.putLong(r.traceId().getMostSignificantBits());
        out.putLong(r.traceId().getLeastSignificantBits());
        out.putLong(r.timeMillis());
        switch (r) {
            case WalRecord.TraceStart t -> {
                str(out, t.pipeline());
                str(out, t.version());
                str(out, t.digest());
                str(out, t.trigger());
                out.putLong(t.payloadOffset());
                out.putInt(t.payloadSize());
            }
            case WalRecord.NodeStart n -> {
                str(out, n.runKey());
                out.putInt(n.node());
                out.putInt(n.attempt());
            }
            case WalRecord.NodeDone n -> {
                str(out, n.runKey());
                out.putInt(n.node());
                str(out, n.port());
                out.putLong(n.offset());
                out.putInt(n.size());
                out.putInt(n.attempt());
            }
            case WalRecord.NodeError n -> {
                str(out, n.runKey());
                out.putInt(n.node());
                out.putInt(n.attempt());
                str(out, n.message());
                out.put((byte) (n.last() ? 1 : 0));
            }
            case WalRecord.TraceComplete c -> {
            }
            case WalRecord.TraceFailed f -> str(out, f.error());
            case WalRecord.TraceSuspended s -> {
                str(out, s.runKey());
                out.putInt(s.node());
                str(out, s.hookId());
                out.putLong(s.deadlineMillis());
            }
            case WalRecord.TraceResumed s -> {
                str(out, s.hookId());
                str(out, s.decision());
                out.putLong(s.payloadOffset());
                out.putInt(s.payloadSize());
                out.put((byte) (s.timedOut() ? 1 : 0));
            }
            case WalRecord.Checkpoint c -> {
                out.putLong(c.unfinishedTraces());
                out.putInt(c.segment());
            }
            case WalRecord.LoopIteration l -> {
                str(out, l.runKey());
                out.putInt(l.node());
                out.putInt(l.iteration());
            }
            case WalRecord.ArenaData a -> {
                out.putLong(a.offset());
                out.putInt(a.bytes().length);
                out.put(a.bytes());
            }
            case WalRecord.Carried c -> {
                out.putInt(c.index());
                out.putInt(c.count());
                // The copied record as a whole frame of its own, checksummed for no segment (0): the
                // carrying frame's checksum covers it where it is.
                encode(c.record(), out, 0);
            }
        }
        int end = out.position();
        int length = end - start;
        if (length > MAX_FRAME_LENGTH) {
            throw new IllegalArgumentException("WAL record of " + length + " bytes is larger than " + MAX_FRAME_LENGTH);
        }
        seal(out, start, length, segment);
    }

    /**
     * Appends the frame that ends segment {@code segment}: what follows it in the file is not part of
     * the log (a reused file holds an earlier use's frames there).
     */
    public static void encodeSegmentEnd(ByteBuffer out, int segment, long timeMillis) {
        out.order(ByteOrder.LITTLE_ENDIAN);
        int start = out.position();
        out.position(start + TYPE_OFFSET);
        out.put((byte) SEGMENT_END_TYPE);
        out.put(VERSION);
        out.putShort(tag(segment));
        out.putLong(0).putLong(0);
        out.putLong(timeMillis);
        seal(out, start, HEADER_LENGTH, segment);
    }

    private static void seal(ByteBuffer out, int start, int length, int segment) {
        out.putInt(start + CRC_OFFSET, crc(out, start + TYPE_OFFSET, start + length, segment, VERSION));
        // The length goes last: a frame without it reads as the end of the log.
        out.putInt(start + LENGTH_OFFSET, length);
    }

    /** The segment tag stored in a frame: the low 16 bits of its segment's number. */
    private static short tag(int segment) {
        return (short) segment;
    }

    /**
     * Whether the log of segment {@code segment} ends at {@code in}'s position although a frame
     * seems to start there: an end-of-segment frame of this segment, or a whole, intact frame written
     * for an earlier segment (a reused file's earlier contents). A damaged frame is neither: that is
     * for {@link #decode} to report. Does not move {@code in}.
     */
    public static boolean endsSegment(ByteBuffer in, int segment) {
        in.order(ByteOrder.LITTLE_ENDIAN);
        int start = in.position();
        if (in.remaining() < HEADER_LENGTH) {
            return false;
        }
        int length = in.getInt(start + LENGTH_OFFSET);
        if (length < HEADER_LENGTH || length > MAX_FRAME_LENGTH || length > in.remaining()
                || in.get(start + VERSION_OFFSET) != VERSION) {
            return false;
        }
        int stored = in.getInt(start + CRC_OFFSET);
        int tag = Short.toUnsignedInt(in.getShort(start + TAG_OFFSET));
        if (tag == (segment & 0xFFFF)) {
            return Byte.toUnsignedInt(in.get(start + TYPE_OFFSET)) == SEGMENT_END_TYPE
                    && stored == crc(in, start + TYPE_OFFSET, start + length, segment, VERSION);
        }
        // The latest two earlier segments whose number has this tag; files are reused within a few.
        int earlier = segment - ((segment - tag) & 0xFFFF);
        for (int candidate = earlier; candidate > 0 && candidate > earlier - 2 * 0x10000; candidate -= 0x10000) {
            if (stored == crc(in, start + TYPE_OFFSET, start + length, candidate, VERSION)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where the next whole, intact frame written for segment {@code segment} starts after
     * {@code from} (exclusive), or -1 when none does: whether valid frames follow a damaged one, which
     * tells damage inside the log from a write a crash cut short at its end. Frames an earlier use of a
     * reused file left (written for other segments) do not count. Does not move {@code in}; reads
     * every offset, so it is for the error path only.
     */
    public static int nextFrame(ByteBuffer in, int from, int segment) {
        in.order(ByteOrder.LITTLE_ENDIAN);
        int limit = in.limit();
        for (int at = from + 1; at + HEADER_LENGTH <= limit; at++) {
            int length = in.getInt(at + LENGTH_OFFSET);
            if (length < HEADER_LENGTH || length > MAX_FRAME_LENGTH || length > limit - at) {
                continue;
            }
            int version = in.get(at + VERSION_OFFSET);
            int tag = Short.toUnsignedInt(in.getShort(at + TAG_OFFSET));
            if (!(version == VERSION && tag == (segment & 0xFFFF)) && !(version == LEGACY_VERSION && tag == 0)) {
                continue;
            }
            int code = Byte.toUnsignedInt(in.get(at + TYPE_OFFSET));
            if (RecordType.of(code) == null && code != SEGMENT_END_TYPE) {
                continue;
            }
            if (in.getInt(at + CRC_OFFSET) == crc(in, at + TYPE_OFFSET, at + length, segment, version)) {
                return at;
            }
        }
        return -1;
    }

    /**
     * Decodes the frame at {@code in}'s position (which must hold a whole frame as its length says)
     * and advances past it.
     *
     * @param position the frame's offset in its segment, for messages
     * @param segment the number of the segment it was read from, which its checksum covers
     * @throws CorruptRecordException when the frame is damaged or belongs to another segment
     */
    public static WalRecord decode(ByteBuffer in, long position, int segment) {
        in.order(ByteOrder.LITTLE_ENDIAN);
        int start = in.position();
        if (in.remaining() < HEADER_LENGTH) {
            throw new CorruptRecordException("torn frame header (" + in.remaining() + " bytes)", position);
        }
        int length = in.getInt(start + LENGTH_OFFSET);
        if (length < HEADER_LENGTH || length > MAX_FRAME_LENGTH) {
            throw new CorruptRecordException("bad frame length " + length, position);
        }
        if (length > in.remaining()) {
            throw new CorruptRecordException("torn frame: length " + length + " but " + in.remaining() + " bytes left", position);
        }
        int stored = in.getInt(start + CRC_OFFSET);
        int version = Byte.toUnsignedInt(in.get(start + VERSION_OFFSET));
        int computed = crc(in, start + TYPE_OFFSET, start + length, segment, version);
        if (stored != computed) {
            throw CorruptRecordException.crc(stored, computed, position);
        }
        ByteBuffer b = in.slice(start, length).order(ByteOrder.LITTLE_ENDIAN);
        in.position(start + length);
        int code = Byte.toUnsignedInt(b.get(TYPE_OFFSET));
        RecordType type = RecordType.of(code);
        if (type == null) {
            throw new CorruptRecordException(code == SEGMENT_END_TYPE ? "end-of-segment frame inside the log"
                    : "unknown record type " + code, position);
        }
        if (version != VERSION && version != LEGACY_VERSION) {
            throw new CorruptRecordException("unsupported " + type + " version " + version, position);
        }
        b.position(TRACE_ID_OFFSET);
        UUID trace = new UUID(b.getLong(), b.getLong());
        long time = b.getLong();
        try {
            WalRecord r = switch (type) {
                case TRACE_START -> new WalRecord.TraceStart(trace, time, str(b), str(b), str(b), str(b), b.getLong(), b.getInt());
                case NODE_START -> new WalRecord.NodeStart(trace, time, str(b), b.getInt(), b.getInt());
                case NODE_DONE -> new WalRecord.NodeDone(trace, time, str(b), b.getInt(), str(b), b.getLong(), b.getInt(), b.getInt());
                case NODE_ERROR -> new WalRecord.NodeError(trace, time, str(b), b.getInt(), b.getInt(), str(b), b.get() != 0);
                case TRACE_COMPLETE -> new WalRecord.TraceComplete(trace, time);
                case TRACE_FAILED -> new WalRecord.TraceFailed(trace, time, str(b));
                case TRACE_SUSPENDED -> new WalRecord.TraceSuspended(trace, time, str(b), b.getInt(), str(b), b.getLong());
                case TRACE_RESUMED -> new WalRecord.TraceResumed(trace, time, str(b), str(b), b.getLong(), b.getInt(), b.get() != 0);
                case CHECKPOINT -> new WalRecord.Checkpoint(trace, time, b.getLong(), b.getInt());
                case LOOP_ITERATION -> new WalRecord.LoopIteration(trace, time, str(b), b.getInt(), b.getInt());
                case ARENA_DATA -> {
                    long offset = b.getLong();
                    int n = b.getInt();
                    if (n < 0 || n > b.remaining()) {
                        throw new java.nio.BufferUnderflowException();
                    }
                    byte[] bytes = new byte[n];
                    b.get(bytes);
                    yield new WalRecord.ArenaData(trace, time, offset, bytes);
                }
                case CARRIED -> {
                    int index = b.getInt();
                    int count = b.getInt();
                    yield new WalRecord.Carried(trace, time, index, count, decode(b, position, 0));
                }
            };
            if (b.hasRemaining()) {
                throw new CorruptRecordException(type + " body has " + b.remaining() + " unread bytes", position);
            }
            return r;
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new CorruptRecordException(type + " body does not fit its frame", position);
        }
    }

    private static final ThreadLocal<CRC32C> CRC = ThreadLocal.withInitial(CRC32C::new);

    // No slice, no new checksum per frame: the writer encodes every record of the log. From version 2
    // on, the checksum starts with the segment's number, so a frame is valid in its own segment only.
    private static int crc(ByteBuffer b, int from, int to, int segment, int version) {
        CRC32C c = CRC.get();
        c.reset();
        if (version != LEGACY_VERSION) {
            c.update(segment);
            c.update(segment >>> 8);
            c.update(segment >>> 16);
            c.update(segment >>> 24);
        }
        int position = b.position();
        int limit = b.limit();
        b.limit(to).position(from);
        c.update(b);
        b.limit(limit).position(position);
        return (int) c.getValue();
    }

    private static void str(ByteBuffer out, String s) {
        int len = s.length();
        if (len <= 0xFFFF && out.remaining() >= 2 + len) {
            // ASCII, the common case (ids, ports, names), goes straight in.
            int at = out.position();
            int i = 0;
            while (i < len) {
                char ch = s.charAt(i);
                if (ch >= 0x80) {
                    break;
                }
                out.put(at + 2 + i, (byte) ch);
                i++;
            }
            if (i == len) {
                out.putShort(at, (short) len);
                out.position(at + 2 + len);
                return;
            }
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        // Only messages grow this long; keep their start rather than lose the record, and cut on a
        // character boundary so the kept start is still valid UTF-8.
        int n = Math.min(bytes.length, 0xFFFF);
        while (n < bytes.length && n > 0 && (bytes[n] & 0xC0) == 0x80) {
            n--;
        }
        out.putShort((short) n);
        out.put(bytes, 0, n);
    }

    private static String str(ByteBuffer in) {
        int n = Short.toUnsignedInt(in.getShort());
        if (n > in.remaining()) {
            throw new java.nio.BufferUnderflowException();
        }
        byte[] bytes = new byte[n];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
