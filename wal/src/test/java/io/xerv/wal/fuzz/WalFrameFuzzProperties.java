package io.xerv.wal.fuzz;

import io.xerv.wal.RecordDescriptor;
import io.xerv.wal.WalCodec;
import io.xerv.wal.WalRecord;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;

import static io.xerv.wal.RecordDescriptor.CRC_OFFSET;
import static io.xerv.wal.RecordDescriptor.HEADER_LENGTH;
import static io.xerv.wal.RecordDescriptor.LENGTH_OFFSET;
import static io.xerv.wal.RecordDescriptor.TYPE_OFFSET;
import static io.xerv.wal.RecordDescriptor.VERSION_OFFSET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz targets for the WAL's frame reader ({@link WalCodec#decode}, {@link WalCodec#endsSegment}
 * and the scan recovery runs over a segment): random bytes, frames whose every header field is
 * random but whose checksum is right (so the body decoder sees garbage), and valid segments with bits
 * flipped, bytes overwritten or a tail cut. {@link WalFrameContract} is the contract each checks.
 *
 * <p>Each target runs twice: a few hundred tries in the default build, and with the {@code soak} tag
 * for a {@link SoakBudget} of tries or time ({@code ./mvnw -Psoak verify -pl wal}).
 */
class WalFrameFuzzProperties {

    private static final int DEFAULT_TRIES = 300;

    // ---- targets ----

    @Property(tries = DEFAULT_TRIES)
    void randomBytesAreRecordsOrDamageAtAnOffset(@ForAll("randomBytes") byte[] bytes, @ForAll("segments") int segment) {
        WalFrameContract.scan(bytes, segment);
    }

    @Property(tries = DEFAULT_TRIES)
    void sealedGarbageFramesAreRecordsOrDamageAtAnOffset(@ForAll("sealedGarbage") byte[] bytes, @ForAll("segments") int segment) {
        WalFrameContract.scan(reseal(bytes, segment), segment);
    }

    @Property(tries = DEFAULT_TRIES)
    void mutatedSegmentsKeepEveryFrameBeforeTheDamage(@ForAll("segmentsOfRecords") List<WalRecord> records,
            @ForAll("segments") int segment, @ForAll("mutations") Mutation mutation) {
        mutatedSegment(records, segment, mutation);
    }

    @Property(tries = DEFAULT_TRIES)
    void aFlippedBitInAFrameIsReportedAtItsOffset(@ForAll("segmentsOfRecords") List<WalRecord> records,
            @ForAll("segments") int segment, @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int bitSeed) {
        flippedBit(records, segment, bitSeed);
    }

    // ---- the same targets for the soak run, within a SoakBudget ----

    @Property
    @Tag("soak")
    @AddLifecycleHook(SoakBudget.class)
    void soakRandomBytes(@ForAll("randomBytes") byte[] bytes, @ForAll("segments") int segment) {
        WalFrameContract.scan(bytes, segment);
    }

    @Property
    @Tag("soak")
    @AddLifecycleHook(SoakBudget.class)
    void soakSealedGarbageFrames(@ForAll("sealedGarbage") byte[] bytes, @ForAll("segments") int segment) {
        WalFrameContract.scan(reseal(bytes, segment), segment);
    }

    @Property
    @Tag("soak")
    @AddLifecycleHook(SoakBudget.class)
    void soakMutatedSegments(@ForAll("segmentsOfRecords") List<WalRecord> records, @ForAll("segments") int segment,
            @ForAll("mutations") Mutation mutation) {
        mutatedSegment(records, segment, mutation);
    }

    @Property
    @Tag("soak")
    @AddLifecycleHook(SoakBudget.class)
    void soakFlippedBits(@ForAll("segmentsOfRecords") List<WalRecord> records, @ForAll("segments") int segment,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int bitSeed) {
        flippedBit(records, segment, bitSeed);
    }

    // ---- checks ----

    private static void mutatedSegment(List<WalRecord> records, int segment, Mutation mutation) {
        Encoded e = encode(records, segment);
        byte[] damaged = mutation.apply(e.bytes);
        int firstChange = firstDifference(e.bytes, damaged);
        WalFrameContract.Scan scan = WalFrameContract.scan(damaged, segment);
        // Every frame that ends before the first changed byte is read back as written.
        for (int i = 0; i < records.size() && e.ends[i] <= firstChange; i++) {
            assertThat(scan.records().size()).as("records read before the damage at %d", firstChange).isGreaterThan(i);
            assertThat(scan.records().get(i)).isEqualTo(records.get(i));
        }
    }

    private static void flippedBit(List<WalRecord> records, int segment, int bitSeed) {
        Encoded e = encode(records, segment);
        int bit = bitSeed % (e.used * 8);
        byte[] damaged = e.bytes.clone();
        damaged[bit / 8] ^= (byte) (1 << (bit % 8));
        int frame = 0;
        while (e.ends[frame] <= bit / 8) {
            frame++;
        }
        int frameStart = frame == 0 ? 0 : e.ends[frame - 1];
        WalFrameContract.Scan scan = WalFrameContract.scan(damaged, segment);
        assertThat(scan.records()).as("records before the flipped bit %d", bit).isEqualTo(records.subList(0, frame));
        assertThat(scan.end()).isEqualTo(frameStart);
        // A cleared length ends the log there (a write not yet published); any other flip is damage.
        boolean zeroLength = ByteBuffer.wrap(damaged).order(ByteOrder.LITTLE_ENDIAN).getInt(frameStart) == 0;
        if (!zeroLength) {
            assertThat(scan.damage()).as("a flipped bit %d in frame %d", bit, frame).isNotNull();
        }
    }

    // ---- generators ----

    @Provide
    Arbitrary<Integer> segments() {
        return Arbitraries.oneOf(Arbitraries.integers().between(1, 300), Arbitraries.integers().between(1, Integer.MAX_VALUE),
                Arbitraries.of(0x10000, 0x10001, 0xFFFF, 0x20007));
    }

    @Provide
    Arbitrary<byte[]> randomBytes() {
        Arbitrary<byte[]> any = Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
        // A header whose length field is one of the interesting values, then random bytes.
        Arbitrary<byte[]> withLength = Combinators.combine(lengths(), Arbitraries.bytes().array(byte[].class).ofMaxSize(512))
                .as((len, rest) -> {
                    byte[] b = Arrays.copyOf(rest, Math.max(rest.length, 4));
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0, len);
                    return b;
                });
        return Arbitraries.oneOf(any, withLength);
    }

    /** Header and body random, length right; {@link #reseal} sets the checksum for the segment. */
    @Provide
    Arbitrary<byte[]> sealedGarbage() {
        Arbitrary<Integer> type = Arbitraries.oneOf(Arbitraries.integers().between(0, 16), Arbitraries.integers().between(0, 255));
        Arbitrary<Integer> version = Arbitraries.oneOf(Arbitraries.of(1, 2), Arbitraries.integers().between(0, 255));
        Arbitrary<byte[]> body = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(600),
                strings().list().ofMaxSize(6).map(WalFrameFuzzProperties::stringFields));
        return Combinators.combine(type, version, body).as((t, v, bodyBytes) -> {
            byte[] f = new byte[HEADER_LENGTH + bodyBytes.length];
            f[TYPE_OFFSET] = (byte) (int) t;
            f[VERSION_OFFSET] = (byte) (int) v;
            System.arraycopy(bodyBytes, 0, f, HEADER_LENGTH, bodyBytes.length);
            return f;
        });
    }

    @Provide
    Arbitrary<List<WalRecord>> segmentsOfRecords() {
        return records().list().ofMinSize(1).ofMaxSize(12);
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        Arbitrary<Integer> where = Arbitraries.integers().between(0, Integer.MAX_VALUE);
        return Arbitraries.oneOf(
                Combinators.combine(where, Arbitraries.integers().between(1, 16)).as(Mutation.FlipBits::new),
                Combinators.combine(where, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(8)).as(Mutation.Overwrite::new),
                Combinators.combine(where, lengths()).as(Mutation.Length::new),
                where.map(Mutation.Cut::new));
    }

    private static Arbitrary<Integer> lengths() {
        return Arbitraries.oneOf(
                Arbitraries.of(0, 1, HEADER_LENGTH - 1, HEADER_LENGTH, HEADER_LENGTH + 1, RecordDescriptor.MAX_FRAME_LENGTH,
                        RecordDescriptor.MAX_FRAME_LENGTH + 1, Integer.MAX_VALUE, Integer.MIN_VALUE, -1, 1 << 30, 0x7FFF_FFF0),
                Arbitraries.integers());
    }

    private static Arbitrary<String> strings() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings().all().ofMaxLength(20),
                // Longer than a string field can say: the writer cuts these, a lying frame does not.
                Arbitraries.integers().between(33_000, 36_000).map(n -> "aé\u20ac".repeat(n / 3)));
    }

    private static Arbitrary<WalRecord> records() {
        Arbitrary<UUID> trace = Arbitraries.longs().tuple2().map(t -> new UUID(t.get1(), t.get2()));
        Arbitrary<Long> time = Arbitraries.longs();
        Arbitrary<String> s = Arbitraries.oneOf(Arbitraries.strings().alpha().numeric().withChars("[]/@.:-").ofMaxLength(24),
                Arbitraries.strings().withCharRange('\u0080', '\uD7FF').ofMaxLength(12));
        Arbitrary<Integer> i = Arbitraries.integers();
        Arbitrary<Long> l = Arbitraries.longs();
        return Arbitraries.oneOf(
                Combinators.combine(trace, time, s, s, s, s, l, i).as(WalRecord.TraceStart::new),
                Combinators.combine(trace, time, s, i, i).as(WalRecord.NodeStart::new),
                Combinators.combine(trace, time, s, i, s, l, i, i).as(WalRecord.NodeDone::new),
                Combinators.combine(trace, time, s, i, i, s, Arbitraries.of(true, false)).as(WalRecord.NodeError::new),
                Combinators.combine(trace, time).as(WalRecord.TraceComplete::new),
                Combinators.combine(trace, time, s).as(WalRecord.TraceFailed::new),
                Combinators.combine(trace, time, s, i, s, l).as(WalRecord.TraceSuspended::new),
                Combinators.combine(trace, time, s, s, l, i, Arbitraries.of(true, false)).as(WalRecord.TraceResumed::new),
                Combinators.combine(trace, time, l, i).as(WalRecord.Checkpoint::new),
                Combinators.combine(trace, time, s, i, i).as(WalRecord.LoopIteration::new),
                Combinators.combine(trace, time, l, Arbitraries.bytes().array(byte[].class).ofMaxSize(300)).as(WalRecord.ArenaData::new));
    }

    // ---- frames ----

    /** A segment's bytes and where each record's frame ends; a segment-end frame and zeros follow the records. */
    private record Encoded(byte[] bytes, int[] ends, int used) {
    }

    private static Encoded encode(List<WalRecord> records, int segment) {
        ByteBuffer out = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        int[] ends = new int[records.size() + 1];
        for (int i = 0; i < records.size(); i++) {
            WalCodec.encode(records.get(i), out, segment);
            ends[i] = out.position();
        }
        WalCodec.encodeSegmentEnd(out, segment, 1L);
        ends[records.size()] = out.position();
        int used = out.position();
        return new Encoded(Arrays.copyOf(out.array(), used + 64), ends, used);
    }

    /** Strings as the body encodes them ({@code u16} length, UTF-8), with an occasional lying length. */
    private static byte[] stringFields(List<String> strings) {
        ByteBuffer b = ByteBuffer.allocate(strings.stream().mapToInt(s -> 2 + 3 * s.length()).sum() + 16).order(ByteOrder.LITTLE_ENDIAN);
        int n = 0;
        for (String s : strings) {
            byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int len = Math.min(utf8.length, 0xFFFF);
            b.putShort((short) (n++ % 3 == 2 ? 0xFFFF : len));
            b.put(utf8, 0, len);
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    /** Writes the frame's length and the checksum for {@code segment}, as the writer does. */
    static byte[] reseal(byte[] frame, int segment) {
        ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(LENGTH_OFFSET, frame.length);
        CRC32C c = new CRC32C();
        if (Byte.toUnsignedInt(frame[VERSION_OFFSET]) != RecordDescriptor.LEGACY_VERSION) {
            c.update(segment);
            c.update(segment >>> 8);
            c.update(segment >>> 16);
            c.update(segment >>> 24);
        }
        c.update(frame, TYPE_OFFSET, frame.length - TYPE_OFFSET);
        b.putInt(CRC_OFFSET, (int) c.getValue());
        return frame;
    }

    private static int firstDifference(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            if (a[i] != b[i]) {
                return i;
            }
        }
        return n;
    }

    /** A change to a segment's bytes; {@code where} is reduced modulo the length. */
    sealed interface Mutation {
        byte[] apply(byte[] segment);

        record FlipBits(int where, int count) implements Mutation {
            public byte[] apply(byte[] segment) {
                byte[] b = segment.clone();
                java.util.Random r = new java.util.Random(where);
                for (int i = 0; i < count; i++) {
                    int bit = r.nextInt(b.length * 8);
                    b[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                return b;
            }
        }

        record Overwrite(int where, byte[] with) implements Mutation {
            public byte[] apply(byte[] segment) {
                byte[] b = segment.clone();
                int at = where % b.length;
                System.arraycopy(with, 0, b, at, Math.min(with.length, b.length - at));
                return b;
            }
        }

        /** Overwrites four aligned bytes with a length-like value: the field a frame's reader trusts most. */
        record Length(int where, int length) implements Mutation {
            public byte[] apply(byte[] segment) {
                byte[] b = segment.clone();
                int at = Math.min(where % b.length, b.length - 4) & ~3;
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, length);
                return b;
            }
        }

        record Cut(int where) implements Mutation {
            public byte[] apply(byte[] segment) {
                return Arrays.copyOf(segment, where % (segment.length + 1));
            }
        }
    }
}
