package io.xerv.wal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

import static io.xerv.wal.WalFixtures.nodeDone;
import static io.xerv.wal.WalFixtures.traceStart;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crashes a disk that loses unsynced writes (LazyFS-style) while many threads append, and checks
 * what a restarted log recovers.
 */
class LostWritesTest {

    private static final Path DIR = Path.of("/lossy/wal");
    // Small segments, so crashes also land around rolls.
    private static final Wal.Config CONFIG = Wal.Config.DEFAULT.withSegmentBytes(16 * 1024);

    // One crash per seed, shared by the tests that judge it.
    private static final Map<Integer, CrashRun> RUNS = new ConcurrentHashMap<>();

    static IntStream seeds() {
        return IntStream.range(0, 50);
    }

    private static CrashRun run(int seed) throws Exception {
        CrashRun run = RUNS.get(seed);
        if (run == null) {
            run = CrashRun.go(seed, CONFIG);
            RUNS.put(seed, run);
        }
        return run;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyAcknowledgedRecordSurvivesACrash(int seed) throws Exception {
        CrashRun run = run(seed);

        Set<WalRecord> recovered = new HashSet<>(run.recovered);
        // Filtered by hand: AssertJ's containsAll compares every pair, too slow for these sizes.
        assertThat(run.acknowledged.stream().filter(r -> !recovered.contains(r)).toList())
                .as("acknowledged but not recovered, of %d acknowledged", run.acknowledged.size())
                .isEmpty();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void eachTraceRecoversAPrefixOfWhatItAppended(int seed) throws Exception {
        CrashRun run = run(seed);

        Map<UUID, List<WalRecord>> byTrace = new LinkedHashMap<>();
        for (WalRecord r : run.recovered) {
            if (r.type() != RecordType.CHECKPOINT) {
                byTrace.computeIfAbsent(r.traceId(), t -> new ArrayList<>()).add(r);
            }
        }
        byTrace.forEach((trace, records) -> assertThat(run.appended.get(trace))
                .as("trace %s", trace)
                .startsWith(records.toArray(WalRecord[]::new)));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void noRecoveredRecordPointsAtArenaBytesForcedAfterTheCrash(int seed) throws Exception {
        CrashRun run = run(seed);

        assertThat(run.recovered.stream()
                .filter(r -> r.type() != RecordType.CHECKPOINT && !run.forcedBeforeCrash.contains(r))
                .toList())
                .as("recovered, but their arena bytes were not forced before the crash")
                .isEmpty();
    }

    @Test
    void withoutSyncsAcknowledgedRecordsAreLost() throws Exception {
        LossyStorage disk = new LossyStorage();
        int n = 100;
        CountDownLatch acked = new CountDownLatch(n);
        try (Wal wal = Wal.open(DIR, CONFIG.withDurability(Durability.NONE), disk)) {
            for (int i = 0; i < n; i++) {
                wal.append(nodeDone(WalFixtures.trace(1), i), null, (lsn, error) -> {
                    if (error == null) {
                        acked.countDown();
                    }
                });
            }
            assertThat(acked.await(5, TimeUnit.SECONDS)).isTrue();
            disk.crash();
        }

        List<WalRecord> reopenedRecords = new ArrayList<>();
        try (Wal reopened = Wal.open(DIR, CONFIG, disk.restarted(), reopenedRecords::add)) {
            assertThat(reopenedRecords).isEmpty();
        }
    }

    @Test
    void batchModeAcknowledgesOnlyWhatASyncMadeDurable() throws Exception {
        LossyStorage disk = new LossyStorage();
        int n = 2000;
        CountDownLatch acked = new CountDownLatch(n);
        AtomicInteger ackedWithBytesPending = new AtomicInteger();
        List<WalRecord> appended = new ArrayList<>();
        // Records without a TRACE_START belong to no unfinished trace, so rolled segments would be purged.
        Wal.Config config = Wal.Config.DEFAULT.withDurability(Durability.parse("batch:2"));
        try (Wal wal = Wal.open(DIR, config, disk)) {
            for (int i = 0; i < n; i++) {
                WalRecord r = nodeDone(WalFixtures.trace(i % 7), i);
                appended.add(r);
                wal.append(r, null, (lsn, error) -> {
                    if (error == null) {
                        // The writer tells listeners right after its sync, before writing more.
                        if (disk.pendingBytes() != 0) {
                            ackedWithBytesPending.incrementAndGet();
                        }
                        acked.countDown();
                    }
                });
                if (i % 100 == 0) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
            }
            assertThat(acked.await(5, TimeUnit.SECONDS)).isTrue();
            disk.crash();
            assertThat(wal.metrics().syncs()).isBetween(1L, (long) n / 10);
        }

        assertThat(ackedWithBytesPending).hasValue(0);
        List<WalRecord> reopenedRecords = new ArrayList<>();
        try (Wal reopened = Wal.open(DIR, config, disk.restarted(), reopenedRecords::add)) {
            assertThat(reopenedRecords)
                    .filteredOn(r -> r.type() != RecordType.CHECKPOINT)
                    .isEqualTo(appended);
        }
    }

    /**
     * Producers append traces (a TRACE_START, then NODE_DONEs) with fsync durability until the disk
     * crashes after a random amount of acknowledged work, tearing or dropping unsynced bytes; then the
     * log is reopened on the restarted disk.
     */
    private record CrashRun(Map<UUID, List<WalRecord>> appended, Set<WalRecord> acknowledged,
                            Set<WalRecord> forcedBeforeCrash, List<WalRecord> recovered) {

        static CrashRun go(int seed, Wal.Config config) throws Exception {
            Random random = new Random(seed);
            LossyStorage disk = new LossyStorage();
            Map<UUID, List<WalRecord>> appended = new ConcurrentHashMap<>();
            Set<WalRecord> acknowledged = ConcurrentHashMap.newKeySet();
            Set<WalRecord> forced = ConcurrentHashMap.newKeySet();
            Set<Throwable> failedBeforeCrash = ConcurrentHashMap.newKeySet();
            AtomicBoolean stop = new AtomicBoolean();
            Wal wal = Wal.open(DIR, config, disk);

            int producers = 2 + random.nextInt(6);
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                Random own = new Random(seed * 1000L + p);
                int producer = p + 1;
                threads.add(Thread.ofPlatform().name("producer-" + p).start(() -> {
                    for (int n = 0; !stop.get(); n++) {
                        UUID trace = new UUID(producer, n);
                        List<WalRecord> records = new ArrayList<>();
                        records.add(traceStart(trace));
                        for (int i = own.nextInt(6); i >= 0; i--) {
                            records.add(nodeDone(trace, records.size()));
                        }
                        appended.put(trace, records);
                        CountDownLatch last = new CountDownLatch(1);
                        try {
                            for (WalRecord r : records) {
                                wal.append(r, () -> {
                                    if (disk.crashes() == 0) {
                                        forced.add(r);
                                    }
                                }, (lsn, error) -> {
                                    if (error == null) {
                                        acknowledged.add(r);
                                    } else if (disk.crashes() == 0) {
                                        failedBeforeCrash.add(error);
                                    }
                                    if (r == records.getLast()) {
                                        last.countDown();
                                    }
                                });
                            }
                            // Every few traces wait for durability, as a node waits before it fires.
                            if (own.nextInt(4) == 0 && !last.await(2, TimeUnit.SECONDS)) {
                                return;
                            }
                        } catch (IllegalStateException | InterruptedException e) {
                            return;
                        }
                    }
                }));
            }

            int ackedBeforeCrash = 1 + random.nextInt(1500);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (acknowledged.size() < ackedBeforeCrash && System.nanoTime() < deadline) {
                LockSupport.parkNanos(50_000);
            }
            int ackedAtCrash = acknowledged.size();
            LockSupport.parkNanos(random.nextInt(300_000));
            if (random.nextBoolean()) {
                disk.crashTearing(random);
            } else {
                disk.crash();
            }
            stop.set(true);
            // The old process is gone: its writer fails on its next disk access and its appends stop.
            wal.close();
            for (Thread t : threads) {
                t.join(5_000);
                assertThat(t.isAlive()).as("%s stopped", t.getName()).isFalse();
            }

            assertThat(ackedAtCrash).as("acknowledged before the crash").isGreaterThanOrEqualTo(ackedBeforeCrash);
            assertThat(failedBeforeCrash).as("writes that failed before the crash").isEmpty();
            List<WalRecord> reopenedRecords = new ArrayList<>();
            try (Wal reopened = Wal.open(DIR, config, disk.restarted(), reopenedRecords::add)) {
                return new CrashRun(appended, Set.copyOf(acknowledged), Set.copyOf(forced),
                        reopenedRecords);
            }
        }
    }
}
