package io.xerv.wal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static io.xerv.wal.WalFixtures.appendDurably;
import static io.xerv.wal.WalFixtures.nodeDone;
import static io.xerv.wal.WalFixtures.trace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The writer's group commit: what it forces, writes and syncs, in which order, and how it fails. */
class GroupCommitTest {

    private static final Path DIR = Path.of("/lossy/wal");

    @ParameterizedTest
    @ValueSource(strings = {"fsync", "batch:1"})
    void arenaBytesAreForcedBeforeTheRecordIsWritten(String durability) throws Exception {
        List<Event> events = runConcurrently(Durability.parse(durability));
        Map<String, Map<Integer, Integer>> at = positions(events);

        assertThat(at.get("ack")).hasSize(4 * 300);
        at.get("ack").keySet().forEach(id -> assertThat(at.get("force").get(id)).as("record %d", id)
                .isNotNull()
                .isLessThan(at.get("write").get(id)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fsync", "batch:1"})
    void aRecordIsAcknowledgedOnlyAfterTheSyncThatFollowsItsWrite(String durability) throws Exception {
        List<Event> events = runConcurrently(Durability.parse(durability));
        Map<String, Map<Integer, Integer>> at = positions(events);

        assertThat(at.get("ack")).hasSize(4 * 300);
        at.get("ack").forEach((id, ack) -> {
            int sync = at.get("write").get(id) + 1;
            while (!events.get(sync).kind().equals("sync")) {
                sync++;
            }
            assertThat(ack).as("record %d", id).isGreaterThan(sync);
        });
    }

    @Test
    void aForcibleSharedByManyRecordsIsForcedOncePerSync() throws Exception {
        RecordingStorage storage = new RecordingStorage(new LossyStorage());
        AtomicInteger forces = new AtomicInteger();
        Wal.Forcible arena = forces::incrementAndGet;
        int n = 500;
        CountDownLatch acked = new CountDownLatch(n);
        long syncs;
        try (Wal wal = Wal.open(DIR, Wal.Config.DEFAULT, storage)) {
            for (int i = 0; i < n; i++) {
                wal.append(nodeDone(trace(1), i), arena, (lsn, error) -> acked.countDown());
            }
            assertThat(acked.await(10, TimeUnit.SECONDS)).isTrue();
            syncs = wal.metrics().syncs();
        }

        assertThat(forces.get()).isEqualTo(syncs);
    }

    @Test
    void concurrentAppendsShareSyncs() throws Exception {
        // A sync as slow as a slow disk's, so appenders pile up behind it even on a busy machine.
        RecordingStorage storage = new RecordingStorage(new LossyStorage(),
                () -> LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)));
        Wal.Metrics metrics;
        try (Wal wal = Wal.open(DIR, Wal.Config.DEFAULT, storage)) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                // Each appender waits for its record, as a trace waits before firing the next node.
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 100; i++) {
                        appendDurably(wal, nodeDone(trace(thread), i));
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            metrics = wal.metrics();
        }

        assertThat(metrics.records()).isEqualTo(800);
        assertThat(metrics.syncs()).isLessThan(metrics.records() / 3);
        assertThat(metrics.meanBatch()).isGreaterThan(3);
        assertThat(metrics.maxBatch()).isLessThanOrEqualTo(8);
    }

    @Test
    void aFailedSyncFailsItsRecordsAndEveryLaterAppend() throws Exception {
        RecordingStorage storage = new RecordingStorage(new LossyStorage(), () -> {
            throw new IOException("disk full");
        });
        try (Wal wal = Wal.open(DIR, Wal.Config.DEFAULT, storage)) {
            CompletableFuture<Throwable> told = new CompletableFuture<>();
            wal.append(nodeDone(trace(1), 1), null, (lsn, error) -> told.complete(error));

            assertThat(told.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class).hasMessage("disk full");
            assertThatThrownBy(() -> wal.append(nodeDone(trace(1), 2), null, (lsn, error) -> {
            }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("failed: disk full");
        }
    }

    @Test
    void aFailedWriteFailsEveryRecordOfItsBatch() throws Exception {
        Storage broken = new RecordingStorage(new LossyStorage()) {
            @Override
            void onWrite() throws IOException {
                throw new IOException("I/O error");
            }
        };
        try (Wal wal = Wal.open(DIR, Wal.Config.DEFAULT, broken)) {
            CompletableFuture<Throwable> told = new CompletableFuture<>();
            wal.append(nodeDone(trace(1), 1), null, (lsn, error) -> told.complete(error));

            assertThat(told.get(10, TimeUnit.SECONDS)).hasMessage("I/O error");
        }
    }

    @Test
    void aThrowingListenerDoesNotFailTheLog() throws Exception {
        try (Wal wal = Wal.open(DIR, Wal.Config.DEFAULT, new LossyStorage())) {
            CountDownLatch called = new CountDownLatch(1);
            wal.append(nodeDone(trace(1), 1), null, (lsn, error) -> {
                called.countDown();
                throw new IllegalStateException("listener bug");
            });
            assertThat(called.await(10, TimeUnit.SECONDS)).isTrue();

            assertThat(appendDurably(wal, nodeDone(trace(1), 2))).isEqualTo(2);
        }
    }

    @Test
    void aCrashWhileArenaBytesAreForcedLeavesTheRecordOutOfTheLog() throws Exception {
        LossyStorage disk = new LossyStorage();
        WalRecord before = nodeDone(trace(1), 1);
        WalRecord during = nodeDone(trace(1), 2);
        CompletableFuture<Throwable> told = new CompletableFuture<>();
        try (Wal wal = Wal.open(DIR, Wal.Config.DEFAULT, disk)) {
            appendDurably(wal, before);
            // The machine dies while the arena is forced, after the OS wrote back all it had.
            wal.append(during, disk::crashKeepingPending, (lsn, error) -> told.complete(error));
            assertThat(told.get(10, TimeUnit.SECONDS)).isNotNull();
        }

        List<WalRecord> reopenedRecords = new ArrayList<>();
        try (Wal reopened = Wal.open(DIR, Wal.Config.DEFAULT, disk.restarted(), reopenedRecords::add)) {
            assertThat(reopenedRecords).containsExactly(before);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fsync", "batch:50", "none"})
    void closeWritesEveryQueuedRecordFirst(String durability) throws Exception {
        LossyStorage disk = new LossyStorage();
        List<WalRecord> appended = new ArrayList<>();
        AtomicInteger acked = new AtomicInteger();
        try (Wal wal = Wal.open(DIR, Wal.Config.DEFAULT.withDurability(Durability.parse(durability)), disk)) {
            for (int i = 0; i < 1000; i++) {
                WalRecord r = nodeDone(trace(1), i);
                appended.add(r);
                wal.append(r, null, (lsn, error) -> {
                    if (error == null) {
                        acked.incrementAndGet();
                    }
                });
            }
        }

        assertThat(acked).hasValue(1000);
        List<WalRecord> reopenedRecords = new ArrayList<>();
        try (Wal reopened = Wal.open(DIR, Wal.Config.DEFAULT, disk.restarted(), reopenedRecords::add)) {
            assertThat(reopenedRecords).isEqualTo(appended);
        }
    }

    @Test
    void appendAfterCloseIsRejected() throws Exception {
        Wal wal = Wal.open(DIR, Wal.Config.DEFAULT, new LossyStorage());
        wal.close();

        assertThatThrownBy(() -> wal.append(nodeDone(trace(1), 1), null, (lsn, error) -> {
        }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the WAL in " + DIR + " is closed");
    }

    /** 4 threads append 300 records each, each with its own forcible; returns what the writer did. */
    private static List<Event> runConcurrently(Durability durability) throws Exception {
        RecordingStorage storage = new RecordingStorage(new LossyStorage());
        int threads = 4;
        int perThread = 300;
        CountDownLatch acked = new CountDownLatch(threads * perThread);
        try (Wal wal = Wal.open(DIR, Wal.Config.DEFAULT.withDurability(durability), storage)) {
            List<Thread> started = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                started.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perThread; i++) {
                        int id = thread * perThread + i;
                        wal.append(nodeDone(trace(thread), id), () -> storage.log("force", id), (lsn, error) -> {
                            if (error == null) {
                                storage.log("ack", id);
                            }
                            acked.countDown();
                        });
                        if (i % 50 == 0) {
                            LockSupport.parkNanos(200_000);
                        }
                    }
                }));
            }
            for (Thread t : started) {
                t.join();
            }
            assertThat(acked.await(10, TimeUnit.SECONDS)).isTrue();
        }
        return storage.events();
    }

    /** For each kind of event, where the one event of that kind for each record is. */
    private static Map<String, Map<Integer, Integer>> positions(List<Event> events) {
        Map<String, Map<Integer, Integer>> out = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            for (int id : e.ids()) {
                Integer before = out.computeIfAbsent(e.kind(), k -> new HashMap<>()).put(id, i);
                assertThat(before).as("one %s of record %d", e.kind(), id).isNull();
            }
        }
        return out;
    }

    /** What happened: a write (with the node ids of the records it held), a sync, a force or an ack. */
    record Event(String kind, List<Integer> ids) {
    }

    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }

    /**
     * A storage that logs the writes and syncs of its segments, running {@code beforeSync} before
     * each sync. Thread-safe.
     */
    static class RecordingStorage implements Storage {
        private final Storage delegate;
        private final IoAction beforeSync;
        private final List<Event> events = Collections.synchronizedList(new ArrayList<>());

        RecordingStorage(Storage delegate) {
            this(delegate, () -> {
            });
        }

        RecordingStorage(Storage delegate, IoAction beforeSync) {
            this.delegate = delegate;
            this.beforeSync = beforeSync;
        }

        void log(String kind, int id) {
            events.add(new Event(kind, List.of(id)));
        }

        List<Event> events() {
            synchronized (events) {
                return List.copyOf(events);
            }
        }

        void onWrite() throws IOException {
        }

        @Override
        public List<Path> list(Path dir) throws IOException {
            return delegate.list(dir);
        }

        @Override
        public List<Path> spares(Path dir) throws IOException {
            return delegate.spares(dir);
        }

        @Override
        public void delete(Path file) throws IOException {
            delegate.delete(file);
        }

        @Override
        public void rename(Path from, Path to) throws IOException {
            delegate.rename(from, to);
        }

        @Override
        public void syncDirectory(Path dir) throws IOException {
            delegate.syncDirectory(dir);
        }

        @Override
        public Segment reuse(Path file) throws IOException {
            return recording(delegate.reuse(file));
        }

        @Override
        public Segment open(Path file) throws IOException {
            return recording(delegate.open(file));
        }

        private Segment recording(Segment s) {
            return new Segment() {
                @Override
                public void write(ByteBuffer src) throws IOException {
                    onWrite();
                    events.add(new Event("write", nodeIds(src.duplicate())));
                    s.write(src);
                }

                @Override
                public void sync() throws IOException {
                    beforeSync.run();
                    s.sync();
                    events.add(new Event("sync", List.of()));
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
                public void close() throws IOException {
                    s.close();
                }
            };
        }

        private static List<Integer> nodeIds(ByteBuffer frames) {
            List<Integer> ids = new ArrayList<>();
            while (frames.hasRemaining()) {
                int segment = WalFixtures.tagOf(frames);
                if (WalCodec.endsSegment(frames, segment)) {
                    frames.position(frames.position() + RecordDescriptor.HEADER_LENGTH);
                    continue;
                }
                if (WalCodec.decode(frames, frames.position(), segment) instanceof WalRecord.NodeDone d) {
                    ids.add(d.node());
                }
            }
            return ids;
        }
    }
}
