package io.xerv.wal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.xerv.wal.WalFixtures.TIME;
import static io.xerv.wal.WalFixtures.appendAllDurably;
import static io.xerv.wal.WalFixtures.nodeDone;
import static io.xerv.wal.WalFixtures.traceStart;
import static org.assertj.core.api.Assertions.assertThat;

/** Long-lived traces carried forward: the log stays short, and a carried trace reads as it was written. */
class CarryTest {

    private static final Wal.Config SMALL = new Wal.Config(Durability.FSYNC, 4096, 1024, 8, 0);
    private static final UUID WAITING = WalFixtures.trace(1_000_000);

    @TempDir(factory = MemoryTempDirFactory.class)
    Path dir;

    private int nextTrace;

    @Test
    void anUnfinishedTraceIsCarriedSoItsSegmentsArePurged() throws IOException {
        List<WalRecord> written = List.of(traceStart(WAITING), nodeDone(WAITING, 1),
                new WalRecord.TraceSuspended(WAITING, TIME, "2", 2, "approve", 0));
        try (Wal wal = Wal.open(dir, SMALL)) {
            wal.carryLongLivedTraces(2);
            appendAllDurably(wal, written);
            finishedTraces(wal, 400);
            assertThat(wal.metrics().carriedTraces()).isPositive();
            assertThat(Storage.FILES.list(dir)).hasSizeLessThanOrEqualTo(4)
                    .noneMatch(p -> p.getFileName().toString().equals("wal-000001.log"));
        }
        List<WalRecord> recovered = new ArrayList<>();
        try (Wal wal = Wal.open(dir, SMALL, recovered::add)) {
            assertThat(fold(recovered, WAITING)).isEqualTo(written);
            // The restarted log knows where the trace is now: it keeps purging behind it.
            wal.carryLongLivedTraces(2);
            long before = wal.metrics().purgedSegments();
            finishedTraces(wal, 200);
            assertThat(wal.metrics().purgedSegments()).isGreaterThan(before);
        }
        recovered.clear();
        try (Wal wal = Wal.open(dir, SMALL, recovered::add)) {
            assertThat(fold(recovered, WAITING)).isEqualTo(written);
        }
        // The carried frames are frames like any other to the check of the whole log.
        Wal.Check check = Wal.check(dir);
        assertThat(check.problems()).isEmpty();
        assertThat(check.records()).isEqualTo(recovered.size());
    }

    @Test
    void anIncompleteCarriedBlockNeitherReplacesNorUnpins() throws IOException {
        List<WalRecord> written = List.of(traceStart(WAITING), nodeDone(WAITING, 1), nodeDone(WAITING, 2));
        try (Wal wal = Wal.open(dir, SMALL)) {
            appendAllDurably(wal, written);
            finishedTraces(wal, 60);
            // Two copies of a block of three, then a record of the trace that is no copy: a crash cut it.
            appendAllDurably(wal, List.of(new WalRecord.Carried(WAITING, TIME, 0, 3, written.get(0)),
                    new WalRecord.Carried(WAITING, TIME, 1, 3, written.get(1)), nodeDone(WAITING, 3)));
            finishedTraces(wal, 60);
            assertThat(Storage.FILES.list(dir)).anyMatch(p -> p.getFileName().toString().equals("wal-000001.log"));
        }
        List<WalRecord> recovered = new ArrayList<>();
        try (Wal wal = Wal.open(dir, SMALL, recovered::add)) {
            List<WalRecord> expected = new ArrayList<>(written);
            expected.add(nodeDone(WAITING, 3));
            assertThat(fold(recovered, WAITING)).isEqualTo(expected);
        }
    }

    @Test
    void aCarryThatFailsOnAFullDiskKeepsTheTracePinnedAndCarriesItAtALaterRoll() throws Exception {
        DiskFullTest.FullDisk disk = new DiskFullTest.FullDisk();
        disk.failCarries.set(1);
        List<WalRecord> written = List.of(traceStart(WAITING), nodeDone(WAITING, 1),
                new WalRecord.TraceSuspended(WAITING, TIME, "2", 2, "approve", 0));
        try (Wal wal = Wal.open(dir, SMALL, disk)) {
            wal.carryLongLivedTraces(2);
            appendAllDurably(wal, written);
            // Finished traces until the log has carried the waiting trace: the first carry fails
            // half written, the writer cuts the segment back and writes again, a later roll carries.
            for (int i = 0; i < 2000 && (wal.metrics().carriedTraces() == 0 || segmentOneExists()); i++) {
                UUID trace = WalFixtures.trace(nextTrace++);
                for (WalRecord r : List.of(traceStart(trace), nodeDone(trace, 1), new WalRecord.TraceComplete(trace, TIME))) {
                    java.util.concurrent.CompletableFuture<Throwable> told = new java.util.concurrent.CompletableFuture<>();
                    try {
                        wal.append(r, null, (lsn, error) -> told.complete(error));
                    } catch (IllegalStateException refused) {
                        told.complete(refused);
                    }
                    if (told.get(10, java.util.concurrent.TimeUnit.SECONDS) != null) {
                        awaitWritable(wal);
                    }
                }
            }
            assertThat(disk.failCarries.get()).as("the first carry failed").isZero();
            assertThat(wal.metrics().writeFailures()).isPositive();
            assertThat(wal.metrics().carriedTraces()).isPositive();
            assertThat(segmentOneExists()).as("the waiting trace's first segment purged").isFalse();
        }
        assertThat(Wal.check(dir).problems()).isEmpty();
        List<WalRecord> recovered = new ArrayList<>();
        try (Wal wal = Wal.open(dir, SMALL, recovered::add)) {
            assertThat(wal.recovery().truncation()).isNull();
        }
        assertThat(fold(recovered, WAITING)).isEqualTo(written);
    }

    private boolean segmentOneExists() throws IOException {
        return Storage.FILES.list(dir).stream().anyMatch(p -> p.getFileName().toString().equals("wal-000001.log"));
    }

    private static void awaitWritable(Wal wal) {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (wal.writeProblem() != null && System.nanoTime() < end) {
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(5));
        }
        assertThat(wal.writeProblem()).as("the log writes again").isNull();
    }

    private static List<WalRecord> fold(List<WalRecord> records, UUID trace) {
        Carrier.Fold f = new Carrier.Fold();
        for (WalRecord r : records) {
            if (r.traceId().equals(trace)) {
                f.add(r, 0);
            }
        }
        return f.records;
    }

    private void finishedTraces(Wal wal, int n) {
        List<WalRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            UUID trace = WalFixtures.trace(nextTrace++);
            records.add(traceStart(trace));
            records.add(nodeDone(trace, 1));
            records.add(new WalRecord.TraceComplete(trace, TIME));
        }
        appendAllDurably(wal, records);
    }
}
