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
        WalRecord back = WalCodec.decode(in, 0);

        assertThat(back).isEqualTo(r);
        assertThat(in.position()).isEqualTo(f.length).isEqualTo(WalFixtures.lengthOf(f));
    }

    @Test
    void framesBackToBackDecodeInOrder() {
        ByteBuffer b = ByteBuffer.allocate(4096);
        for (WalRecord r : oneOfEach()) {
            WalCodec.encode(r, b);
        }
        b.flip();

        List<WalRecord> back = new java.util.ArrayList<>();
        while (b.hasRemaining()) {
            back.add(WalCodec.decode(b, b.position()));
        }

        assertThat(back).isEqualTo(oneOfEach());
    }

    @Test
    void stringsLongerThan65535BytesAreCutToThatLength() {
        String message = "x".repeat(70_000);

        WalRecord back = WalCodec.decode(ByteBuffer.wrap(frame(
                new WalRecord.NodeError(TRACE, TIME, "1", 1, 1, message, false))), 0);

        assertThat(((WalRecord.NodeError) back).message()).isEqualTo("x".repeat(0xFFFF));
    }

    @Test
    void cutStringsEndOnACharacterBoundary() {
        // 'é' is two UTF-8 bytes: 65535 is odd, so a byte-exact cut would split the last character.
        String message = "é".repeat(40_000);

        String back = ((WalRecord.TraceFailed) WalCodec.decode(ByteBuffer.wrap(frame(
                new WalRecord.TraceFailed(TRACE, TIME, message))), 0)).error();

        assertThat(message).startsWith(back);
        assertThat(back.getBytes(StandardCharsets.UTF_8).length).isEqualTo(0xFFFF - 1);
    }

    @Test
    void encodeIntoAFullBufferOverflows() {
        ByteBuffer small = ByteBuffer.allocate(RecordDescriptor.HEADER_LENGTH);

        assertThatThrownBy(() -> WalCodec.encode(oneOfEach().getFirst(), small))
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
                    () -> WalCodec.decode(ByteBuffer.wrap(bad), 100));

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

        assertThatThrownBy(() -> WalCodec.decode(ByteBuffer.wrap(f), 64))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining(String.format("stored %08x", stored))
                .hasMessageContaining("computed ")
                .hasMessageEndingWith("at offset 64");
    }

    @Test
    void aTornFrameIsRejectedAsTorn() {
        byte[] f = frame(oneOfEach().get(2));

        assertThatThrownBy(() -> WalCodec.decode(ByteBuffer.wrap(Arrays.copyOf(f, f.length - 1)), 0))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageStartingWith("torn frame: length " + f.length + " but " + (f.length - 1) + " bytes left");
        assertThatThrownBy(() -> WalCodec.decode(ByteBuffer.wrap(Arrays.copyOf(f, 10)), 0))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageStartingWith("torn frame header (10 bytes)");
    }

    @Test
    void anUnknownTypeIsRejectedNamingIt() {
        for (int code : new int[] {0, 12, 99, 200}) {
            byte[] f = frame(oneOfEach().get(1));
            f[TYPE_OFFSET] = (byte) code;
            reseal(f);

            assertThatThrownBy(() -> WalCodec.decode(ByteBuffer.wrap(f), 0))
                    .isInstanceOf(CorruptRecordException.class)
                    .hasMessageStartingWith("unknown record type " + code + " ");
        }
    }

    @Test
    void anUnsupportedVersionIsRejectedNamingTypeAndVersion() {
        for (int version : new int[] {0, 2, 255}) {
            byte[] f = frame(oneOfEach().get(1));
            f[VERSION_OFFSET] = (byte) version;
            reseal(f);

            assertThatThrownBy(() -> WalCodec.decode(ByteBuffer.wrap(f), 0))
                    .isInstanceOf(CorruptRecordException.class)
                    .hasMessageStartingWith("unsupported NODE_START version " + version + " ");
        }
    }

    @Test
    void aBodyWithBytesLeftOverIsRejected() {
        byte[] f = Arrays.copyOf(frame(new WalRecord.TraceComplete(TRACE, TIME)), RecordDescriptor.HEADER_LENGTH + 3);
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putInt(LENGTH_OFFSET, f.length);
        reseal(f);

        assertThatThrownBy(() -> WalCodec.decode(ByteBuffer.wrap(f), 0))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageStartingWith("TRACE_COMPLETE body has 3 unread bytes");
    }

    @Test
    void aBodyShorterThanItsFieldsIsRejected() {
        byte[] whole = frame(new WalRecord.LoopIteration(TRACE, TIME, "3@2", 3, 2));
        byte[] f = Arrays.copyOf(whole, whole.length - 2);
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putInt(LENGTH_OFFSET, f.length);
        reseal(f);

        assertThatThrownBy(() -> WalCodec.decode(ByteBuffer.wrap(f), 0))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageStartingWith("LOOP_ITERATION body does not fit its frame");
    }

    @Test
    void aStringLongerThanItsFrameIsRejected() {
        byte[] f = frame(new WalRecord.TraceFailed(new UUID(1, 2), TIME, "boom"));
        // The string's u16 length sits right after the header.
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putShort(RecordDescriptor.BODY_OFFSET, (short) 5);
        reseal(f);

        assertThatThrownBy(() -> WalCodec.decode(ByteBuffer.wrap(f), 0))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageStartingWith("TRACE_FAILED body does not fit its frame");
    }

    /** Stores the CRC of {@code f} as it is now, as a writer with that content would have. */
    private static void reseal(byte[] f) {
        CRC32C c = new CRC32C();
        c.update(f, TYPE_OFFSET, f.length - TYPE_OFFSET);
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putInt(CRC_OFFSET, (int) c.getValue());
    }
}
