package io.xerv.wal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.xerv.wal.WalFixtures.TIME;
import static io.xerv.wal.WalFixtures.appendAllDurably;
import static io.xerv.wal.WalFixtures.nodeDone;
import static io.xerv.wal.WalFixtures.traceStart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Damage inside the log (not at its end) stops the open and changes nothing; {@link Wal#check} reports
 * it, {@link Wal#repair} cuts there and moves what follows aside. Runs on the file system.
 */
class DamagedLogTest {

    private static final Wal.Config SMALL = new Wal.Config(Durability.FSYNC, 4096, 1024, 8);

    @TempDir(factory = MemoryTempDirFactory.class)
    Path tmp;

    /** A log of several segments whose traces are all suspended (unfinished), so nothing is purged. */
    private List<WalRecord> writeLog(Path dir, int traces) throws IOException {
        List<WalRecord> written = new ArrayList<>();
        try (Wal wal = Wal.open(dir, SMALL)) {
            for (int t = 0; t < traces; t++) {
                UUID trace = WalFixtures.trace(t);
                List<WalRecord> records = List.of(traceStart(trace), nodeDone(trace, 1),
                        new WalRecord.TraceSuspended(trace, TIME, "1", 2, "hook-" + t, 0));
                appendAllDurably(wal, records);
                written.addAll(records);
            }
        }
        return written;
    }

    private static void flipByte(Path file, int at) throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[at] ^= 0x40;
        Files.write(file, b);
    }

    /** Where each frame of the segment's log starts, up to its end frame or the zeros past its data. */
    private static List<Integer> frameOffsets(byte[] bytes, int segment) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        List<Integer> offsets = new ArrayList<>();
        while (b.remaining() >= 4 && b.getInt(b.position()) != 0 && !WalCodec.endsSegment(b, segment)) {
            offsets.add(b.position());
            WalCodec.decode(b, b.position(), segment);
        }
        return offsets;
    }

    private static List<WalRecord> traced(List<WalRecord> records) {
        return records.stream().filter(r -> r.type() != RecordType.CHECKPOINT).toList();
    }

    @Test
    void oneFlippedByteInTheMiddleOfASegmentStopsTheOpenAndDeletesNothing() throws IOException {
        Path dir = tmp.resolve("wal");
        writeLog(dir, 150);
        List<Path> segments = Storage.FILES.list(dir);
        assertThat(segments).hasSizeGreaterThan(3);
        Path damaged = segments.get(1);
        int index = WalFixtures.segmentNumber(damaged);
        List<Integer> offsets = frameOffsets(Files.readAllBytes(damaged), index).stream().toList();
        int frame = offsets.get(offsets.size() / 2);
        flipByte(damaged, frame + RecordDescriptor.BODY_OFFSET + 1);
        List<byte[]> before = new ArrayList<>();
        for (Path f : segments) {
            before.add(Files.readAllBytes(f));
        }

        assertThatThrownBy(() -> Wal.open(dir, SMALL))
                .isInstanceOf(DamagedLogException.class)
                .hasMessageContaining("is damaged inside: " + damaged.getFileName() + " at offset " + frame
                        + ": CRC32C mismatch: stored ")
                .hasMessageContaining(", computed ")
                .hasMessageContaining((segments.size() - 2) + " later segments follow")
                .hasMessageContaining("nothing was changed")
                .satisfies(e -> {
                    Wal.Problem p = ((DamagedLogException) e).problem();
                    assertThat(p.segment()).isEqualTo(damaged);
                    assertThat(p.offset()).isEqualTo(frame);
                    assertThat(p.tail()).isFalse();
                });
        assertThat(Storage.FILES.list(dir)).isEqualTo(segments);
        for (int i = 0; i < segments.size(); i++) {
            assertThat(Files.readAllBytes(segments.get(i))).as("%s", segments.get(i).getFileName()).isEqualTo(before.get(i));
        }
    }

    @Test
    void aFlippedByteFollowedByValidFramesInTheLastSegmentStopsTheOpen() throws IOException {
        Path dir = tmp.resolve("wal");
        writeLog(dir, 150);
        Path last = Storage.FILES.list(dir).getLast();
        List<Integer> offsets = frameOffsets(Files.readAllBytes(last), WalFixtures.segmentNumber(last));
        assertThat(offsets).hasSizeGreaterThan(4);
        int frame = offsets.get(1);
        flipByte(last, frame + RecordDescriptor.TIME_OFFSET);
        byte[] damaged = Files.readAllBytes(last);

        assertThatThrownBy(() -> Wal.open(dir, SMALL))
                .isInstanceOf(DamagedLogException.class)
                .hasMessageContaining(last.getFileName() + " at offset " + frame + ": CRC32C mismatch")
                .hasMessageContaining("valid frames follow in the same segment");
        assertThat(Files.readAllBytes(last)).isEqualTo(damaged);
    }

    @Test
    void aTornFrameAtTheTrueTailIsStillTruncated() throws IOException {
        Path dir = tmp.resolve("wal");
        List<WalRecord> written = writeLog(dir, 150);
        Path last = Storage.FILES.list(dir).getLast();
        List<Integer> offsets = frameOffsets(Files.readAllBytes(last), WalFixtures.segmentNumber(last));
        int lastFrame = offsets.getLast();
        byte[] bytes = Files.readAllBytes(last);
        Files.write(last, java.util.Arrays.copyOf(bytes, lastFrame + 10));

        List<WalRecord> recovered = new ArrayList<>();
        try (Wal wal = Wal.open(dir, SMALL, recovered::add)) {
            assertThat(wal.recovery().truncation()).startsWith(last.getFileName() + " at offset " + lastFrame + ": ");
        }
        assertThat(traced(recovered)).isEqualTo(written.subList(0, written.size() - 1));
    }

    @Test
    void checkReportsEveryProblemAndChangesNothing() throws IOException {
        Path dir = tmp.resolve("wal");
        writeLog(dir, 150);
        List<Path> segments = Storage.FILES.list(dir);
        Path a = segments.get(0);
        Path b = segments.get(2);
        int frameA = frameOffsets(Files.readAllBytes(a), 1).get(3);
        int frameB = frameOffsets(Files.readAllBytes(b), WalFixtures.segmentNumber(b)).get(2);
        flipByte(a, frameA + RecordDescriptor.BODY_OFFSET);
        flipByte(b, frameB + RecordDescriptor.BODY_OFFSET);
        byte[] beforeA = Files.readAllBytes(a);

        Wal.Check check = Wal.check(dir);

        assertThat(check.damaged()).isTrue();
        assertThat(check.segments()).isEqualTo(segments.size());
        assertThat(check.problems()).extracting(Wal.Problem::segment, Wal.Problem::offset, Wal.Problem::tail)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(a, (long) frameA, false),
                        org.assertj.core.groups.Tuple.tuple(b, (long) frameB, false));
        assertThat(check.problems().getFirst().detail()).startsWith("CRC32C mismatch: stored ");
        assertThat(Files.readAllBytes(a)).isEqualTo(beforeA);
        assertThat(Storage.FILES.list(dir)).isEqualTo(segments);
    }

    @Test
    void checkOfAnIntactLogFindsNoDamage() throws IOException {
        Path dir = tmp.resolve("wal");
        List<WalRecord> written = writeLog(dir, 20);

        Wal.Check check = Wal.check(dir);

        assertThat(check.problems()).isEmpty();
        assertThat(check.damaged()).isFalse();
        assertThat(check.records()).isGreaterThanOrEqualTo(written.size());
    }

    @Test
    void repairCutsAtTheFirstBadFrameAndMovesLaterSegmentsIntoQuarantine() throws IOException {
        Path dir = tmp.resolve("wal");
        List<WalRecord> written = writeLog(dir, 150);
        List<Path> segments = Storage.FILES.list(dir);
        Path damaged = segments.get(1);
        byte[] original = Files.readAllBytes(damaged);
        int frame = frameOffsets(original, WalFixtures.segmentNumber(damaged)).get(2);
        flipByte(damaged, frame + RecordDescriptor.BODY_OFFSET);
        byte[] damagedBytes = Files.readAllBytes(damaged);
        List<WalRecord> keptBefore = new ArrayList<>();
        Wal.read(dir, keptBefore::add);
        Path quarantine = tmp.resolve("quarantine");

        Wal.Repair repair = Wal.repair(dir, quarantine);

        assertThat(repair.cutAt().segment()).isEqualTo(damaged);
        assertThat(repair.cutAt().offset()).isEqualTo(frame);
        assertThat(repair.keptRecords()).isEqualTo(keptBefore.size());
        assertThat(repair.keptSegments()).isEqualTo(2);
        assertThat(repair.copied()).isEqualTo(quarantine.resolve(damaged.getFileName()));
        assertThat(Files.readAllBytes(repair.copied())).isEqualTo(damagedBytes);
        assertThat(repair.moved()).extracting(Path::getFileName)
                .containsExactlyElementsOf(segments.subList(2, segments.size()).stream().map(Path::getFileName).toList());
        for (Path moved : repair.moved()) {
            assertThat(moved).exists();
        }
        assertThat(Storage.FILES.list(dir)).containsExactly(segments.get(0), damaged);
        assertThat(Files.size(damaged)).isEqualTo(frame);

        List<WalRecord> recovered = new ArrayList<>();
        try (Wal wal = Wal.open(dir, SMALL, recovered::add)) {
            assertThat(wal.recovery().truncation()).isNull();
        }
        assertThat(recovered).isEqualTo(keptBefore);
        assertThat(traced(recovered)).isEqualTo(written.subList(0, traced(recovered).size()));
        assertThat(Wal.check(dir).problems()).isEmpty();
    }
}
