package io.xerv.wal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.xerv.wal.WalFixtures.TIME;
import static io.xerv.wal.WalFixtures.appendAllDurably;
import static io.xerv.wal.WalFixtures.nodeDone;
import static io.xerv.wal.WalFixtures.traceStart;
import static org.assertj.core.api.Assertions.assertThat;

/** Rolling into segments and purging the segments whose traces have all ended. Runs on the file system. */
class SegmentTest {

    // Small batches too: the log rolls only after a sync, so one big batch would make one big segment.
    private static final Wal.Config SMALL = new Wal.Config(Durability.FSYNC, 4096, 1024, 8);
    private static final UUID UNFINISHED = WalFixtures.trace(1_000_000);

    @TempDir(factory = MemoryTempDirFactory.class)
    Path dir;

    private int nextTrace;

    @Test
    void theLogRollsIntoSegmentsStartingWithACheckpoint() throws IOException {
        try (Wal wal = Wal.open(dir, SMALL)) {
            for (int i = 0; i < 5; i++) {
                appendAllDurably(wal, unfinishedTrace());
            }
            for (int i = 0; i < 200; i++) {
                WalFixtures.appendDurably(wal, nodeDone(WalFixtures.trace(0), i));
            }
        }

        List<Path> files = Storage.FILES.list(dir);
        assertThat(files).hasSizeGreaterThan(3);
        for (Path f : files.subList(0, files.size() - 1)) {
            // Records were appended one by one, so each segment rolled right after crossing the size.
            assertThat(Files.size(f)).as("%s", f.getFileName()).isBetween(4096L, 4096L + 100);
        }
        for (Path f : files.subList(0, files.size() - 1)) {
            // A rolled segment ends with its end frame.
            byte[] bytes = Files.readAllBytes(f);
            java.nio.ByteBuffer end = java.nio.ByteBuffer.wrap(bytes, bytes.length - RecordDescriptor.HEADER_LENGTH,
                    RecordDescriptor.HEADER_LENGTH).slice();
            assertThat(WalCodec.endsSegment(end, segmentIndex(f))).as("%s ends with its end frame", f.getFileName()).isTrue();
        }
        for (int i = 1; i < files.size(); i++) {
            WalRecord first = WalFixtures.read(files.get(i)).getFirst();
            assertThat(first).isInstanceOf(WalRecord.Checkpoint.class);
            assertThat(((WalRecord.Checkpoint) first).segment()).isEqualTo(i + 1);
            assertThat(((WalRecord.Checkpoint) first).unfinishedTraces()).isEqualTo(5);
        }
    }

    @Test
    void aLiveSegmentIsSizedAheadAndTrimmedToItsRecordsOnClose() throws IOException {
        Wal.Config big = new Wal.Config(Durability.FSYNC, 1 << 20, 1024, 8);
        List<WalRecord> records = unfinishedTrace();
        Path segment;
        try (Wal wal = Wal.open(dir, big)) {
            appendAllDurably(wal, records);
            segment = Storage.FILES.list(dir).getLast();
            // The whole segment is reserved at once, so appends do not change the file's size.
            assertThat(Files.size(segment)).isEqualTo(1 << 20);
            assertThat(WalFixtures.read(segment)).hasSize(records.size());
        }
        assertThat(Files.size(segment)).isLessThan(4096);
        assertThat(WalFixtures.read(segment)).hasSize(records.size());
        List<WalRecord> againRecords = new ArrayList<>();
        try (Wal again = Wal.open(dir, big, againRecords::add)) {
            assertThat(againRecords).hasSize(records.size());
            assertThat(again.recovery().truncation()).isNull();
        }
    }

    @Test
    void aSegmentLeftSizedAheadByACrashRecoversWholeWithoutATruncation() throws IOException {
        Wal.Config big = new Wal.Config(Durability.FSYNC, 1 << 20, 1024, 8);
        Path copy = Files.createDirectories(dir.resolve("crashed"));
        Path live = Files.createDirectories(dir.resolve("live"));
        List<WalRecord> records = new ArrayList<>();
        try (Wal wal = Wal.open(live, big)) {
            for (int i = 0; i < 3; i++) {
                List<WalRecord> t = unfinishedTrace();
                appendAllDurably(wal, t);
                records.addAll(t);
            }
            // What a kill -9 leaves: the synced records, then the reserved zeros.
            for (Path f : Storage.FILES.list(live)) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        assertThat(Files.size(Storage.FILES.list(copy).getLast())).isEqualTo(1 << 20);
        List<WalRecord> recoveredRecords = new ArrayList<>();
        try (Wal recovered = Wal.open(copy, big, recoveredRecords::add)) {
            assertThat(recovered.recovery().truncation()).isNull();
            assertThat(recoveredRecords).hasSize(records.size());
            assertThat(recoveredRecords.getLast().traceId()).isEqualTo(records.getLast().traceId());
        }
    }

    @Test
    void segmentsWhoseTracesAllEndedAreDeleted() throws IOException {
        long purged;
        int last;
        try (Wal wal = Wal.open(dir, SMALL)) {
            finishedTraces(wal, 60);
            purged = wal.metrics().purgedSegments();
            last = segmentIndex(Storage.FILES.list(dir).getLast());
        }

        List<Path> files = Storage.FILES.list(dir);
        assertThat(last).isGreaterThan(3);
        // Only the open segment and, if a trace was running at the last roll, the one before it.
        assertThat(files).hasSizeBetween(1, 2);
        assertThat(purged).isEqualTo(last - files.size());
    }

    @Test
    void aSegmentHoldingTheStartOfAnUnfinishedTraceIsKept() throws IOException {
        int first;
        long purged;
        try (Wal wal = Wal.open(dir, SMALL)) {
            finishedTraces(wal, 30);
            appendAllDurably(wal, List.of(traceStart(UNFINISHED)));
            first = segmentHolding(UNFINISHED);
            finishedTraces(wal, 45);
            purged = wal.metrics().purgedSegments();
        }

        List<Path> files = Storage.FILES.list(dir);
        assertThat(first).isGreaterThan(1);
        assertThat(purged).isEqualTo(first - 1);
        assertThat(files).extracting(SegmentTest::segmentIndex)
                .isEqualTo(range(first, segmentIndex(files.getLast())));
        assertThat(files.size()).isGreaterThan(2);
    }

    @Test
    void reopeningRecoversEveryRecordOfUnfinishedTraces() throws IOException {
        List<WalRecord> unfinished = new ArrayList<>();
        try (Wal wal = Wal.open(dir, SMALL)) {
            finishedTraces(wal, 30);
            for (int i = 0; i < 40; i++) {
                WalRecord r = i == 0 ? traceStart(UNFINISHED) : nodeDone(UNFINISHED, i);
                unfinished.add(r);
                appendAllDurably(wal, List.of(r));
                finishedTraces(wal, 1);
            }
            assertThat(wal.metrics().purgedSegments()).isPositive();
        }

        List<WalRecord> walRecords = new ArrayList<>();
        try (Wal wal = Wal.open(dir, SMALL, walRecords::add)) {
            assertThat(walRecords).filteredOn(r -> r.traceId().equals(UNFINISHED)).isEqualTo(unfinished);
            assertThat(wal.recovery().truncation()).isNull();
        }
    }

    @Test
    void anUnfinishedTraceKeepsItsSegmentAcrossRestarts() throws IOException {
        try (Wal wal = Wal.open(dir, SMALL)) {
            finishedTraces(wal, 30);
            appendAllDurably(wal, List.of(traceStart(UNFINISHED)));
        }
        int first = segmentHolding(UNFINISHED);
        int restartedIn = segmentIndex(Storage.FILES.list(dir).getLast()) + 1;

        try (Wal wal = Wal.open(dir, SMALL)) {
            finishedTraces(wal, 45);
        }

        List<Path> files = Storage.FILES.list(dir);
        assertThat(segmentIndex(files.getLast())).as("rolled after the restart").isGreaterThan(restartedIn + 1);
        assertThat(segmentIndex(files.getFirst())).isEqualTo(first);
    }

    @Test
    void aSegmentIsDeletedOnceItsLastUnfinishedTraceEnds() throws IOException {
        try (Wal wal = Wal.open(dir, SMALL)) {
            finishedTraces(wal, 30);
            appendAllDurably(wal, List.of(traceStart(UNFINISHED)));
            int first = segmentHolding(UNFINISHED);
            finishedTraces(wal, 30);
            assertThat(segmentIndex(Storage.FILES.list(dir).getFirst())).isEqualTo(first);

            appendAllDurably(wal, List.of(new WalRecord.TraceFailed(UNFINISHED, TIME, "cancelled")));
            finishedTraces(wal, 30);

            assertThat(segmentIndex(Storage.FILES.list(dir).getFirst())).isGreaterThan(first);
        }
    }

    @Test
    void purgedSegmentsAreKeptAsSparesAndWrittenAgainInsteadOfNewFiles() throws IOException {
        Set<Object> files = new HashSet<>();
        long purged;
        long reused;
        int last;
        try (Wal wal = Wal.open(dir, SMALL)) {
            for (int i = 0; i < 40; i++) {
                finishedTraces(wal, 10);
                for (Path f : allFiles()) {
                    try {
                        files.add(Files.getAttribute(f, "unix:ino"));
                    } catch (java.nio.file.NoSuchFileException e) {
                        // Renamed (kept as a spare, or written again) since the listing: counted under its new name.
                    }
                }
                assertThat(Storage.FILES.spares(dir)).hasSizeLessThanOrEqualTo(SMALL.spareSegments());
            }
            purged = wal.metrics().purgedSegments();
            reused = wal.metrics().reusedSegments();
            last = segmentIndex(Storage.FILES.list(dir).getLast());
        }

        assertThat(last).isGreaterThan(15);
        assertThat(purged).isEqualTo(last - Storage.FILES.list(dir).size());
        // Every segment after the first few was written into a spare: the log made no new file.
        assertThat(reused).isGreaterThan(last - 5L);
        assertThat(files).as("distinct files over %d segments", last).hasSizeLessThanOrEqualTo(2 + SMALL.spareSegments() + 1);
        try (Wal again = Wal.open(dir, SMALL)) {
            assertThat(again.recovery().truncation()).isNull();
        }
    }

    @Test
    void rollingCostsNoSyncOfItsOwn() throws IOException {
        GroupCommitTest.RecordingStorage storage = new GroupCommitTest.RecordingStorage(Storage.FILES);
        int appends = 0;
        long rolled;
        try (Wal wal = Wal.open(dir, SMALL, storage)) {
            for (int i = 0; i < 400; i++) {
                WalFixtures.appendDurably(wal, nodeDone(WalFixtures.trace(0), i));
                appends++;
            }
            rolled = segmentIndex(Storage.FILES.list(dir).getLast()) - 1;
        }
        assertThat(rolled).isGreaterThan(3);
        // One sync per durable append: the end frame rides with the last batch, the checkpoint with the next.
        assertThat(storage.events()).filteredOn(e -> e.kind().equals("sync")).hasSize(appends);
    }

    @Test
    void aLogWithoutSyncsDeletesPurgedSegments() throws IOException {
        try (Wal wal = Wal.open(dir, SMALL.withDurability(Durability.NONE))) {
            finishedTraces(wal, 60);
            assertThat(wal.metrics().purgedSegments()).isPositive();
            assertThat(wal.metrics().reusedSegments()).isZero();
            assertThat(wal.metrics().syncs()).isZero();
        }
        assertThat(Storage.FILES.spares(dir)).isEmpty();
        assertThat(allFiles()).hasSizeBetween(1, 2);
    }

    @Test
    void withoutSparesPurgedSegmentsAreDeleted() throws IOException {
        try (Wal wal = Wal.open(dir, SMALL.withSpareSegments(0))) {
            finishedTraces(wal, 60);
            assertThat(wal.metrics().purgedSegments()).isPositive();
            assertThat(wal.metrics().reusedSegments()).isZero();
        }
        assertThat(Storage.FILES.spares(dir)).isEmpty();
        assertThat(allFiles()).hasSizeBetween(1, 2);
    }

    @Test
    void aLogKilledWhileWritingAReusedFileRecoversItsOwnRecordsOnly() throws IOException {
        Path live = Files.createDirectories(dir.resolve("live"));
        Path copy = Files.createDirectories(dir.resolve("killed"));
        List<WalRecord> unfinished = new ArrayList<>();
        List<WalRecord> lastSegment;
        try (Wal wal = Wal.open(live, SMALL)) {
            finishedTraces(wal, 60);
            long reusedBefore = wal.metrics().reusedSegments();
            assertThat(reusedBefore).isPositive();
            for (int i = 0; i < 3; i++) {
                unfinished.addAll(unfinishedTrace());
            }
            appendAllDurably(wal, unfinished);
            // The live segment is a reused file: past its records lie an earlier segment's frames.
            Path segment = Storage.FILES.list(live).getLast();
            assertThat(Files.size(segment)).isGreaterThan(4096L);
            lastSegment = WalFixtures.read(segment);
            for (Path f : Storage.FILES.list(live)) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }

        List<WalRecord> recoveredRecords = new ArrayList<>();
        try (Wal recovered = Wal.open(copy, SMALL, recoveredRecords::add)) {
            List<WalRecord> records = recoveredRecords;
            assertThat(records).endsWith(lastSegment.toArray(WalRecord[]::new));
            Set<UUID> open = new HashSet<>();
            unfinished.forEach(r -> open.add(r.traceId()));
            assertThat(records).filteredOn(r -> open.contains(r.traceId())).isEqualTo(unfinished);
            List<WalRecord> traced = records.stream().filter(r -> r.type() != RecordType.CHECKPOINT).toList();
            assertThat(new HashSet<>(traced)).as("no record twice").hasSize(traced.size());
        }
    }

    @Test
    void legacySegmentsAreReadAndDeletedRatherThanReused() throws IOException {
        UUID old = WalFixtures.trace(999_999);
        List<WalRecord> legacy = List.of(traceStart(old), nodeDone(old, 1), new WalRecord.TraceComplete(old, TIME));
        Files.createDirectories(dir);
        try (var out = Files.newOutputStream(dir.resolve("wal-000001.log"))) {
            for (WalRecord r : legacy) {
                out.write(WalFixtures.legacyFrame(r));
            }
        }

        List<WalRecord> walRecords = new ArrayList<>();
        try (Wal wal = Wal.open(dir, SMALL, walRecords::add)) {
            assertThat(walRecords).isEqualTo(legacy);
            assertThat(wal.recovery().truncation()).isNull();
            finishedTraces(wal, 60);
            assertThat(wal.metrics().reusedSegments()).isPositive();
        }
        assertThat(dir.resolve("wal-000001.log")).doesNotExist();
        assertThat(dir.resolve("spare-000001.log")).doesNotExist();
    }

    private List<Path> allFiles() throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    /** Appends {@code n} whole traces, ending half of them complete and half failed. */
    private void finishedTraces(Wal wal, int n) {
        List<WalRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            UUID trace = WalFixtures.trace(nextTrace++);
            records.add(traceStart(trace));
            records.add(nodeDone(trace, 1));
            records.add(nodeDone(trace, 2));
            records.add(nextTrace % 2 == 0 ? new WalRecord.TraceComplete(trace, TIME)
                    : new WalRecord.TraceFailed(trace, TIME, "boom"));
        }
        appendAllDurably(wal, records);
    }

    private List<WalRecord> unfinishedTrace() {
        UUID trace = WalFixtures.trace(nextTrace++);
        return List.of(traceStart(trace), nodeDone(trace, 1));
    }

    private int segmentHolding(UUID trace) throws IOException {
        for (Path f : Storage.FILES.list(dir)) {
            if (WalFixtures.read(f).stream().anyMatch(r -> r.type() == RecordType.TRACE_START && r.traceId().equals(trace))) {
                return segmentIndex(f);
            }
        }
        throw new AssertionError("no segment starts trace " + trace);
    }

    private static int segmentIndex(Path f) {
        return WalFixtures.segmentNumber(f);
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(i);
        }
        return out;
    }
}
