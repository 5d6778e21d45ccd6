package io.xerv.wal.fuzz;

import io.xerv.wal.CorruptRecordException;
import io.xerv.wal.RecordDescriptor;
import io.xerv.wal.WalCodec;
import io.xerv.wal.WalRecord;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * What the WAL's frame reader promises for any bytes: each frame either decodes to a record and the
 * reader moves past exactly its length, or it is reported as a {@link CorruptRecordException} at
 * the frame's offset. Nothing else is thrown, and the reader never allocates more than a small
 * multiple of the bytes it was given (a corrupt length must not become an allocation). Shared by
 * the fuzz properties and the corpus test. Stateless.
 */
final class WalFrameContract {

    /**
     * Bytes {@link WalCodec#decode} may allocate beyond a multiple of the bytes it was given: the
     * record, its strings' headers, an exception's stack trace. Far below what a trusted corrupt
     * length would cost (up to 2 GiB).
     */
    static final long ALLOCATION_SLACK = 1 << 20;

    /** Strings decoded from malformed UTF-8 take two bytes per input byte, beside the input's copy. */
    static final int ALLOCATION_PER_BYTE = 8;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private WalFrameContract() {
    }

    /** What a scan of one segment found: the records before the end, and the damage that ended it, if any. */
    record Scan(List<WalRecord> records, CorruptRecordException damage, int end) {
    }

    /**
     * Scans {@code segmentBytes} as recovery does (a zero length or the segment's end frame ends the
     * log; the first damaged frame stops it) and checks the contract at every frame.
     */
    static Scan scan(byte[] segmentBytes, int segment) {
        ByteBuffer b = ByteBuffer.wrap(segmentBytes).order(ByteOrder.LITTLE_ENDIAN);
        List<WalRecord> records = new ArrayList<>();
        while (b.hasRemaining()) {
            int pos = b.position();
            if (b.remaining() >= 4 && b.getInt(pos) == 0) {
                return new Scan(records, null, pos);
            }
            boolean ends;
            try {
                ends = WalCodec.endsSegment(b, segment);
            } catch (RuntimeException | Error e) {
                throw new AssertionError("endsSegment threw at offset " + pos + " instead of answering", e);
            }
            assertThat(b.position()).as("endsSegment moved the buffer").isEqualTo(pos);
            if (ends) {
                return new Scan(records, null, pos);
            }
            Object outcome = decode(b, pos, segment);
            if (outcome instanceof CorruptRecordException e) {
                return new Scan(records, e, pos);
            }
            records.add((WalRecord) outcome);
        }
        return new Scan(records, null, b.position());
    }

    /**
     * Decodes one frame at {@code b}'s position and checks the contract; returns the record or the
     * {@link CorruptRecordException}.
     */
    static Object decode(ByteBuffer b, long position, int segment) {
        int start = b.position();
        int remaining = b.remaining();
        long storedLength = remaining >= 4 ? Integer.toUnsignedLong(b.order(ByteOrder.LITTLE_ENDIAN).getInt(start)) : -1;
        long before = THREADS.getCurrentThreadAllocatedBytes();
        Object outcome;
        try {
            outcome = WalCodec.decode(b, position, segment);
        } catch (CorruptRecordException e) {
            outcome = e;
        } catch (RuntimeException | Error e) {
            throw new AssertionError("decode threw " + e.getClass().getName() + " at offset " + position
                    + " (stored length " + storedLength + ", " + remaining + " bytes left) instead of a CorruptRecordException", e);
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        long bound = (long) ALLOCATION_PER_BYTE * Math.min(remaining, RecordDescriptor.MAX_FRAME_LENGTH) + ALLOCATION_SLACK;
        assertThat(allocated).as("bytes allocated decoding a frame at offset %d with stored length %d and %d bytes left",
                position, storedLength, remaining).isLessThanOrEqualTo(bound);
        if (outcome instanceof CorruptRecordException e) {
            assertThat(e.position()).as("offset named by: %s", e.getMessage()).isEqualTo(position);
            assertThat(e.getMessage()).endsWith(" at offset " + position);
        } else if (outcome instanceof WalRecord r) {
            assertThat(r).isNotNull();
            assertThat((long) b.position() - start).as("bytes consumed by %s", r.type()).isEqualTo(storedLength);
        } else {
            fail("decode returned " + outcome);
        }
        return outcome;
    }
}
