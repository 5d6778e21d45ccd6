package io.xerv.wal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static io.xerv.wal.WalFixtures.appendDurably;
import static io.xerv.wal.WalFixtures.nodeDone;
import static io.xerv.wal.WalFixtures.trace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A full disk fails the records it could not write, and the log writes again once space returns.
 * The file system's segments are wrapped by a layer that fails writes (after writing part of them) and
 * syncs while the "disk" is full.
 */
class DiskFullTest {

    private static final Wal.Config SMALL = new Wal.Config(Durability.FSYNC, 4096, 1024, 8);

    @TempDir(factory = MemoryTempDirFactory.class)
    Path dir;

    /** Fails every write (after writing half of it) and every sync while {@link #full} is set. */
    static final class FullDisk implements Storage {
        final AtomicBoolean full = new AtomicBoolean();
        /** No new file can be made (a roll fails), while the open segment still takes writes. */
        final AtomicBoolean noNewFiles = new AtomicBoolean();
        /** How many more writes of a carried block (a buffer that starts with a Carried frame) fail. */
        final java.util.concurrent.atomic.AtomicInteger failCarries = new java.util.concurrent.atomic.AtomicInteger();
        private final Storage files = Storage.FILES;

        private void check() throws IOException {
            if (full.get()) {
                throw new IOException("No space left on device");
            }
        }

        @Override
        public List<Path> list(Path d) throws IOException {
            return files.list(d);
        }

        @Override
        public List<Path> spares(Path d) throws IOException {
            return files.spares(d);
        }

        @Override
        public Segment open(Path file) throws IOException {
            check();
            if (noNewFiles.get()) {
                throw new IOException("No space left on device");
            }
            return wrap(files.open(file));
        }

        @Override
        public Segment reuse(Path file) throws IOException {
            return wrap(files.reuse(file));
        }

        @Override
        public void rename(Path from, Path to) throws IOException {
            files.rename(from, to);
        }

        @Override
        public void delete(Path file) throws IOException {
            files.delete(file);
        }

        @Override
        public void syncDirectory(Path d) throws IOException {
            files.syncDirectory(d);
        }

        private boolean failsCarry(ByteBuffer src) {
            return src.remaining() > RecordDescriptor.TYPE_OFFSET
                    && src.get(src.position() + RecordDescriptor.TYPE_OFFSET) == RecordType.CARRIED.code()
                    && failCarries.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        }

        private Segment wrap(Segment s) {
            return new Segment() {
                @Override
                public void write(ByteBuffer src) throws IOException {
                    if (full.get() || failsCarry(src)) {
                        // A short write: part of the batch reached the file before the space ran out.
                        ByteBuffer half = src.slice(src.position(), src.remaining() / 2);
                        s.write(half);
                        src.position(src.position() + src.remaining() / 2);
                        throw new IOException("No space left on device");
                    }
                    s.write(src);
                }

                @Override
                public void sync() throws IOException {
                    check();
                    s.sync();
                }

                @Override
                public long size() throws IOException {
                    return s.size();
                }

                @Override
                public long position() throws IOException {
                    return s.position();
                }

                @Override
                public ByteBuffer readAll() throws IOException {
                    return s.readAll();
                }

                @Override
                public void truncate(long length) throws IOException {
                    s.truncate(length);
                }

                @Override
                public void reserve(long length) throws IOException {
                    s.reserve(length);
                }

                @Override
                public void release() throws IOException {
                    s.release();
                }

                @Override
                public void close() throws IOException {
                    s.close();
                }
            };
        }
    }

    private static CompletableFuture<Throwable> append(Wal wal, WalRecord r) {
        CompletableFuture<Throwable> told = new CompletableFuture<>();
        try {
            wal.append(r, null, (lsn, error) -> told.complete(error));
        } catch (IllegalStateException refused) {
            // Refused while the log cannot write: the caller hears it at once instead.
            told.complete(refused);
        }
        return told;
    }

    private static void awaitWritable(Wal wal) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (wal.writeProblem() != null && System.nanoTime() < end) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        assertThat(wal.writeProblem()).as("the log writes again").isNull();
    }

    @Test
    void aFullDiskFailsTheAffectedAppendsAndTheLogWritesAgainOnceSpaceReturns() throws Exception {
        FullDisk disk = new FullDisk();
        List<WalRecord> acknowledged = new ArrayList<>();
        try (Wal wal = Wal.open(dir, SMALL, disk)) {
            // Started and never ended: the trace keeps every segment it has records in.
            WalRecord start = WalFixtures.traceStart(trace(1));
            appendDurably(wal, start);
            acknowledged.add(start);
            WalRecord before = nodeDone(trace(1), 1);
            appendDurably(wal, before);
            acknowledged.add(before);

            disk.full.set(true);
            assertThat(append(wal, nodeDone(trace(1), 2)).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(IOException.class).hasMessage("No space left on device");
            assertThat(wal.writeProblem()).contains("cannot write").contains("No space left on device");
            assertThatThrownBy(() -> wal.append(nodeDone(trace(1), 3), null, (lsn, error) -> {
            })).isInstanceOf(IllegalStateException.class).hasMessageContaining("No space left on device");
            assertThat(wal.metrics().writeFailures()).isPositive();

            disk.full.set(false);
            awaitWritable(wal);
            for (int i = 4; i < 400; i++) {
                WalRecord r = nodeDone(trace(1), i);
                appendDurably(wal, r);
                acknowledged.add(r);
            }
        }

        List<WalRecord> recovered = new ArrayList<>();
        try (Wal again = Wal.open(dir, SMALL, recovered::add)) {
            assertThat(again.recovery().truncation()).isNull();
        }
        assertThat(recovered.stream().filter(r -> r.type() != RecordType.CHECKPOINT).toList()).isEqualTo(acknowledged);
    }

    @Test
    void aWriteCutShortByAFullDiskLeavesNoTornFrameInsideTheLog() throws Exception {
        FullDisk disk = new FullDisk();
        try (Wal wal = Wal.open(dir, SMALL, disk)) {
            appendDurably(wal, WalFixtures.traceStart(trace(3)));
            for (int round = 0; round < 5; round++) {
                disk.full.set(true);
                List<CompletableFuture<Throwable>> failed = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    failed.add(append(wal, nodeDone(trace(2), round * 100 + i)));
                }
                for (CompletableFuture<Throwable> f : failed) {
                    Throwable error = f.get(10, TimeUnit.SECONDS);
                    // Each record either failed with the disk, or was refused while the log could not write.
                    assertThat(error).isNotNull();
                }
                disk.full.set(false);
                awaitWritable(wal);
                appendDurably(wal, nodeDone(trace(3), round));
            }
        }

        assertThat(Wal.check(dir).problems()).isEmpty();
        List<WalRecord> recovered = new ArrayList<>();
        try (Wal again = Wal.open(dir, SMALL, recovered::add)) {
            assertThat(again.recovery().truncation()).isNull();
        }
        assertThat(recovered).filteredOn(r -> r.traceId().equals(trace(2))).isEmpty();
        assertThat(recovered).filteredOn(r -> r.traceId().equals(trace(3))).hasSize(6);
    }

    @Test
    void aRollThatFailsOnAFullDiskOpensTheNextSegmentOnceSpaceReturns() throws Exception {
        FullDisk disk = new FullDisk();
        List<WalRecord> acknowledged = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        // No spares: each roll makes a new file, which the full disk refuses.
        try (Wal wal = Wal.open(dir, SMALL.withSpareSegments(0), disk)) {
            WalRecord start = WalFixtures.traceStart(trace(4));
            appendDurably(wal, start);
            acknowledged.add(start);
            disk.noNewFiles.set(true);
            int i = 0;
            // Fill the segment until its roll fails.
            while (wal.writeProblem() == null && i < 1000) {
                WalRecord r = nodeDone(trace(4), i++);
                Throwable error = append(wal, r).get(10, TimeUnit.SECONDS);
                if (error == null) {
                    acknowledged.add(r);
                } else {
                    failures.add(error);
                }
            }
            assertThat(wal.writeProblem()).contains("No space left on device");
            assertThat(append(wal, nodeDone(trace(4), 5000)).get(10, TimeUnit.SECONDS)).isNotNull();

            disk.noNewFiles.set(false);
            awaitWritable(wal);
            for (int k = 0; k < 100; k++) {
                WalRecord r = nodeDone(trace(4), 10_000 + k);
                appendDurably(wal, r);
                acknowledged.add(r);
            }
        }

        assertThat(Wal.check(dir).problems()).isEmpty();
        List<WalRecord> recovered = new ArrayList<>();
        try (Wal again = Wal.open(dir, SMALL, recovered::add)) {
            assertThat(again.recovery().truncation()).isNull();
        }
        assertThat(recovered.stream().filter(r -> r.type() != RecordType.CHECKPOINT).toList()).isEqualTo(acknowledged);
    }
}
