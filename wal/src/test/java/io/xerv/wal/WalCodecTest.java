package io.xerv.wal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;

import static io.xerv.wal.RecordDescriptor.CRC_OFFSET;
import static io.xerv.wal.RecordDescriptor.LENGTH_OFFSET;
import static io.xerv.wal.RecordDescriptor.TYPE_OFFSET;
import static io.xerv.wal.RecordDescriptor.VERSION_OFFSET;
import static io.xerv.wal.WalFixtures.SEGMENT;
import static io.xerv.wal.WalFixtures.TIME;
import static io.xerv.wal.WalFixtures.TRACE;
import static io.xerv.wal.WalFixtures.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class WalCodecTest {

    static List<WalRecord> oneOfEach() {
        return WalFixtures.oneOfEach();
    }

    /** Frames of different types and sizes whose every bit the flip test visits. */
    static List<WalRecord> flipped() {
        return List.of(
                new WalRecord.TraceComplete(TRACE, TIME),
                new WalRecord.NodeDone(TRACE, TIME, "2[1]/7@3", 7, "out", 8192L, 77, 1),
                new WalRecord.TraceStart(TRACE, TIME, "orders", "1.2.0", "sha256:ab12", "http", 4096L, 512));
    }

    @Test
    void samplesCoverEveryRecordType() {
        assertThat(oneOfEach()).extracting(WalRecord::type).containsExactlyInAnyOrder(RecordType.values());
    }

    @ParameterizedTest
    @MethodSource("oneOfEach")
    void everyRecordTypeRoundTrips(WalRecord r) {
        byte[] f = frame(r);

        ByteBuffer in = ByteBuffer.wrap(f);
        WalRecord back = WalCodec.decode(in, 0, SEGMENT);

        assertThat(back).isEqualTo(r);
        assertThat(in.position()).isEqualTo(f.length).isEqualTo(WalFixtures.lengthOf(f));
    }

    @Test
    void framesBackToBackDecodeInOrder() {
        ByteBuffer b = ByteBuffer.allocate(4096);
        for (WalRecord r : oneOfEach()) {
            WalCodec.encode(r, b, SEGMENT);
        }
        b.flip();

        List<WalRecord> back = new java.util.ArrayList<>();
        while (b.hasRemaining()) {
            back.add(WalCodec.decode(b, b.position(), SEGMENT));
        }

        assertThat(back).isEqualTo(oneOfEach());
    }

    @Test
    void stringsLongerThan65535BytesAreCutToThatLength() {
        String message = "x".repeat(70_000);

        WalRecord back = WalCodec.decode(ByteBuffer.wrap(frame(
                new WalRecord.NodeError(TRACE, TIME, "1", 1, 1, message, false))), 0, SEGMENT);

        assertThat(((WalRecord.NodeError) back).message()).isEqualTo("x".repeat(0xFFFF));
    }

    @Test
    void cutStringsEndOnACharacterBoundary() {
        // 'é' is two UTF-8 bytes: 65535 is odd, so a byte-exact cut would split the last character.
        String message = "é".repeat(40_000);

        String back = ((WalRecord.TraceFailed) WalCodec.decode(ByteBuffer.wrap(frame(
                new WalRecord.TraceFailed(TRACE, TIME, message))), 0, SEGMENT)).error();

        assertThat(message).startsWith(back);
        assertThat(back.getBytes(StandardCharsets.UTF_8).length).isEqualTo(0xFFFF - 1);
    }

    @Test
    void encodeIntoAFullBufferOverflows() {
        ByteBuffer small = ByteBuffer.allocate(RecordDescriptor.HEADER_LENGTH);

        assertThatThrownBy(() -> WalCodec.encode(oneOfEach().getFirst(), small, SEGMENT))
                .isInstanceOf(BufferOverflowException.class);
    }

    @ParameterizedTest
    @MethodSource("flipped")
    void aFrameWithAnyBitFlippedIsRejected(WalRecord r) {
        byte[] good = frame(r);
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            int flippedBit = bit;

            CorruptRecordException e = catchThrowableOfType(CorruptRecordException.class,
                    () -> WalCodec.decode(ByteBuffer.wrap(bad), 100, SEGMENT));

            assertThat(e).as("bit %d of %s", flippedBit, r.type()).isNotNull();
            assertThat(e.position()).isEqualTo(100);
            if (bit / 8 < LENGTH_OFFSET + 4) {
                // A longer length is torn, a too short or too long one is bad, and a shorter one moves
                // the range the CRC covers.
                assertThat(e).as("bit %d", flippedBit)
                        .hasMessageMatching("(bad frame length|torn frame|CRC32C mismatch).*");
            } else {
                assertThat(e).as("bit %d", flippedBit).hasMessageStartingWith("CRC32C mismatch");
            }
        }
    }

    @Test
    void crcMismatchShowsStoredAndComputedValues() {
        byte[] f = frame(oneOfEach().get(1));
        int stored = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).getInt(CRC_OFFSET);
        f[f.length - 1] ^= 1;

        assertThatThrownBy(() -> WalCodec.decode(ByteBuffer.wrap(f), 64, SEGMENT))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining(String.format("stored %08x", stored))
                .hasMessageContaining("computed ")
                .hasMessageEndingWith("at offset 64");
    }

    @Test
    void aTornFrameIsRejectedAsTorn() {
        byte[] f = frame(oneOfEach().get(2));

        assertThatThrownBy(() -> WalCodec.decode(ByteBuffer.wrap(Arrays.copyOf(f, f.length - 1)), 0, SEGMENT))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageStartingWith("torn frame: length " + f.length + " but " + (f.length - 1) + " bytes left");
        assertThatThrownBy(() -> WalCodec.decode(ByteBuffer.wrap(Arrays.copyOf(f, 10)), 0, SEGMENT))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageStartingWith("torn frame header (10 bytes)");
    }

    @Test
    void anUnknownTypeIsRejectedNamingIt() {
        for (int code : new int[] {0, 13, 99, 200}) {
            byte[] f = frame(oneOfEach().get(1));
            f[TYPE_OFFSET] = (byte) code;
            reseal(f);

            assertThatThrownBy(() -> WalCodec.decode(ByteBuffer.wrap(f), 0, SEGMENT))
                    .isInstanceOf(CorruptRecordException.class)
                    .hasMessageStartingWith("unknown record type " + code + " ");
        }
    }

    @Test
    void anUnsupportedVersionIsRejectedNamingTypeAndVersion() {
        for (int version : new int[] {0, 3, 255}) {
            byte[] f = frame(oneOfEach().get(1));
            f[VERSION_OFFSET] = (byte) version;
            reseal(f);

            assertThatThrownBy(() -> WalCodec.decode(ByteBuffer.wrap(f), 0, SEGMENT))
                    .isInstanceOf(CorruptRecordException.class)
                    .hasMessageStartingWith("unsupported NODE_START version " + version + " ");
        }
    }

    @Test
    void aBodyWithBytesLeftOverIsRejected() {
        byte[] f = Arrays.copyOf(frame(new WalRecord.TraceComplete(TRACE, TIME)), RecordDescriptor.HEADER_LENGTH + 3);
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putInt(LENGTH_OFFSET, f.length);
        reseal(f);

        assertThatThrownBy(() -> WalCodec.decode(ByteBuffer.wrap(f), 0, SEGMENT))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageStartingWith("TRACE_COMPLETE body has 3 unread bytes");
    }

    @Test
    void aBodyShorterThanItsFieldsIsRejected() {
        byte[] whole = frame(new WalRecord.LoopIteration(TRACE, TIME, "3@2", 3, 2));
        byte[] f = Arrays.copyOf(whole, whole.length - 2);
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putInt(LENGTH_OFFSET, f.length);
        reseal(f);

        assertThatThrownBy(() -> WalCodec.decode(ByteBuffer.wrap(f), 0, SEGMENT))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageStartingWith("LOOP_ITERATION body does not fit its frame");
    }

    @Test
    void aStringLongerThanItsFrameIsRejected() {
        byte[] f = frame(new WalRecord.TraceFailed(new UUID(1, 2), TIME, "boom"));
        // The string's u16 length sits right after the header.
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putShort(RecordDescriptor.BODY_OFFSET, (short) 5);
        reseal(f);

        assertThatThrownBy(() -> WalCodec.decode(ByteBuffer.wrap(f), 0, SEGMENT))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageStartingWith("TRACE_FAILED body does not fit its frame");
    }

    @Test
    void aFrameIsValidOnlyInTheSegmentItWasWrittenFor() {
        ByteBuffer b = ByteBuffer.allocate(4096);
        WalCodec.encode(oneOfEach().get(2), b, 3);
        b.flip();

        // Read where segment 3's file was reused for segment 7: an earlier use's frame ends the log.
        assertThat(WalCodec.endsSegment(b, 7)).isTrue();
        assertThat(b.position()).isZero();
        assertThatThrownBy(() -> WalCodec.decode(b, 0, 7)).hasMessageStartingWith("CRC32C mismatch");
        // In its own segment it is a record, and a frame of a later segment is damage, not an end.
        assertThat(WalCodec.endsSegment(b, 3)).isFalse();
        assertThat(WalCodec.decode(b.duplicate(), 0, 3)).isEqualTo(oneOfEach().get(2));
        assertThat(WalCodec.endsSegment(b, 2)).isFalse();
    }

    @Test
    void aFrameFrom65536SegmentsEarlierHasTheSameTagButNotTheSameChecksum() {
        ByteBuffer b = ByteBuffer.allocate(4096);
        WalCodec.encode(oneOfEach().get(2), b, 5);
        b.flip();

        assertThat(WalCodec.endsSegment(b, 5 + 0x10000)).isFalse();
        assertThatThrownBy(() -> WalCodec.decode(b, 0, 5 + 0x10000)).hasMessageStartingWith("CRC32C mismatch");
        // Twice 65536 segments on, the tag differs again and the earlier segment is found.
        assertThat(WalCodec.endsSegment(b, 5 + 0x10000 + 3)).isTrue();
    }

    @Test
    void aDamagedFrameOfAnEarlierSegmentIsNotTakenForTheEnd() {
        byte[] f = frame(oneOfEach().get(0));
        for (int bit : new int[] {CRC_OFFSET * 8, RecordDescriptor.TAG_OFFSET * 8, (f.length - 1) * 8}) {
            byte[] bad = f.clone();
            bad[bit / 8] ^= 1;
            assertThat(WalCodec.endsSegment(ByteBuffer.wrap(bad), SEGMENT + 4)).as("bit %d", bit).isFalse();
        }
        assertThat(WalCodec.endsSegment(ByteBuffer.wrap(f), SEGMENT + 4)).isTrue();
    }

    @Test
    void theEndFrameEndsItsSegmentAndIsNoRecord() {
        ByteBuffer b = ByteBuffer.allocate(256);
        WalCodec.encodeSegmentEnd(b, 9, TIME);
        b.flip();

        assertThat(b.remaining()).isEqualTo(RecordDescriptor.HEADER_LENGTH);
        assertThat(WalCodec.endsSegment(b, 9)).isTrue();
        assertThatThrownBy(() -> WalCodec.decode(b.duplicate(), 0, 9)).hasMessageStartingWith("end-of-segment frame inside the log");
        byte[] bad = new byte[b.remaining()];
        b.duplicate().get(bad);
        bad[RecordDescriptor.TIME_OFFSET] ^= 1;
        assertThat(WalCodec.endsSegment(ByteBuffer.wrap(bad), 9)).isFalse();
    }

    @ParameterizedTest
    @MethodSource("oneOfEach")
    void legacyFramesWithoutTagStillDecodeInAnySegment(WalRecord r) {
        byte[] f = WalFixtures.legacyFrame(r);

        assertThat(WalCodec.decode(ByteBuffer.wrap(f), 0, 1)).isEqualTo(r);
        assertThat(WalCodec.decode(ByteBuffer.wrap(f), 0, 4242)).isEqualTo(r);
        assertThat(WalCodec.endsSegment(ByteBuffer.wrap(f), 4242)).isFalse();
    }

    /** Stores the CRC of {@code f} as it is now, as a writer with that content would have. */
    private static void reseal(byte[] f) {
        CRC32C c = new CRC32C();
        if (f[VERSION_OFFSET] != RecordDescriptor.LEGACY_VERSION) {
            c.update(new byte[] {SEGMENT, 0, 0, 0});
        }
        c.update(f, TYPE_OFFSET, f.length - TYPE_OFFSET);
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putInt(CRC_OFFSET, (int) c.getValue());
    }
}
