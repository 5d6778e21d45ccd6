package io.xerv.wal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.xerv.wal.WalFixtures.nodeDone;
import static io.xerv.wal.WalFixtures.traceStart;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crashes a disk that loses unsynced writes while the log writes into reused segment files, over
 * several process lifetimes, and checks that each restart recovers exactly a run of the log: no
 * frame an earlier use of a file left, no hole, nothing acknowledged lost.
 */
class SegmentReuseCrashTest {

    private static final Path DIR = Path.of("/lossy/wal");
    // Tiny segments and traces that mostly end, so the log rolls, purges and reuses all the time.
    private static final Wal.Config CONFIG = Wal.Config.DEFAULT.withSegmentBytes(4096).withMaxBatch(16);
    private static final int LIVES = 4;

    static IntStream seeds() {
        return IntStream.range(0, 40);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void eachRestartRecoversARunOfTheLogWithEveryAcknowledgedUnfinishedRecord(int seed) throws Exception {
        Random random = new Random(seed);
        LossyStorage disk = new LossyStorage();
        // The log as the next process sees it: what the last one recovered, then what it appended.
        List<WalRecord> log = new ArrayList<>();
        Lifetime previous = null;
        long reused = 0;
        for (int life = 0; life <= LIVES; life++) {
            List<WalRecord> walRecords = new ArrayList<>();
            Wal wal = Wal.open(DIR, CONFIG, disk, walRecords::add);
            List<WalRecord> recovered = withoutCheckpoints(walRecords);
            if (previous != null) {
                assertRunOf(log, recovered, previous.acknowledged, "life " + life);
                Set<WalRecord> got = new HashSet<>(recovered);
                Lifetime p = previous;
                assertThat(p.acknowledged.stream().filter(r -> !p.ended.contains(r.traceId()) && !got.contains(r)).toList())
                        .as("life %d: acknowledged records of unfinished traces that were not recovered", life)
                        .isEmpty();
            }
            if (life == LIVES) {
                wal.close();
                break;
            }
            log = new ArrayList<>(recovered);
            previous = new Lifetime(wal, random, life);
            previous.endUnfinished(recovered, log);
            previous.appendUntilCrash(disk, log);
            reused += wal.metrics().reusedSegments();
            wal.close();
            disk = disk.restarted();
        }
        assertThat(reused).as("segments written into reused files").isPositive();
    }

    /** {@code recovered} is a contiguous run of {@code log}, after which {@code log} holds nothing acknowledged. */
    private static void assertRunOf(List<WalRecord> log, List<WalRecord> recovered, Set<WalRecord> acknowledged, String what) {
        if (recovered.isEmpty()) {
            return;
        }
        int from = log.indexOf(recovered.getFirst());
        assertThat(from).as("%s: the first recovered record %s was appended", what, recovered.getFirst()).isNotNegative();
        assertThat(from + recovered.size()).as("%s: recovered past the log", what).isLessThanOrEqualTo(log.size());
        assertThat(recovered).as("%s: a run of the log", what).isEqualTo(log.subList(from, from + recovered.size()));
        assertThat(log.subList(from + recovered.size(), log.size()).stream().filter(acknowledged::contains).toList())
                .as("%s: acknowledged after the recovered run", what).isEmpty();
    }

    private static List<WalRecord> withoutCheckpoints(List<WalRecord> records) {
        return records.stream().filter(r -> r.type() != RecordType.CHECKPOINT).toList();
    }

    /** One process: appends traces from one thread, in log order, until the disk crashes. */
    private static final class Lifetime {
        final Wal wal;
        final Random random;
        final int life;
        final Set<WalRecord> acknowledged = ConcurrentHashMap.newKeySet();
        /** Traces whose end record was acknowledged: their segments may be purged. */
        final Set<UUID> ended = ConcurrentHashMap.newKeySet();

        Lifetime(Wal wal, Random random, int life) {
            this.wal = wal;
            this.random = random;
            this.life = life;
        }

        /** Fails the recovered traces that had not ended, as a host's recovery does with traces it cannot resume. */
        void endUnfinished(List<WalRecord> recovered, List<WalRecord> log) throws InterruptedException {
            Set<UUID> open = new java.util.LinkedHashSet<>();
            for (WalRecord r : recovered) {
                if (r.type() == RecordType.TRACE_START) {
                    open.add(r.traceId());
                } else if (r.type().endsTrace()) {
                    open.remove(r.traceId());
                }
            }
            for (UUID trace : open) {
                WalRecord end = new WalRecord.TraceFailed(trace, WalFixtures.TIME, "not resumed");
                log.add(end);
                wal.append(end, null, (lsn, error) -> {
                    if (error == null) {
                        acknowledged.add(end);
                        ended.add(end.traceId());
                    }
                });
            }
        }

        void appendUntilCrash(LossyStorage disk, List<WalRecord> log) throws InterruptedException {
            int crashAfter = 400 + random.nextInt(2000);
            for (int n = 0; acknowledged.size() < crashAfter; n++) {
                UUID trace = new UUID(life + 1, n);
                List<WalRecord> records = new ArrayList<>();
                records.add(traceStart(trace));
                for (int i = random.nextInt(5); i >= 0; i--) {
                    records.add(nodeDone(trace, records.size()));
                }
                // One trace in a lifetime stays open until the next process ends it.
                if (n != crashAfter / 10) {
                    records.add(new WalRecord.TraceComplete(trace, WalFixtures.TIME));
                }
                CountDownLatch last = new CountDownLatch(1);
                for (WalRecord r : records) {
                    log.add(r);
                    wal.append(r, null, (lsn, error) -> {
                        if (error == null) {
                            acknowledged.add(r);
                            if (r.type().endsTrace()) {
                                ended.add(r.traceId());
                            }
                        }
                        if (r == records.getLast()) {
                            last.countDown();
                        }
                    });
                }
                if (random.nextInt(3) == 0) {
                    assertThat(last.await(5, TimeUnit.SECONDS)).as("trace %s durable", trace).isTrue();
                }
            }
            if (random.nextBoolean()) {
                disk.crashTearing(random);
            } else {
                disk.crash();
            }
        }
    }
}
