package io.xerv.wal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.xerv.wal.WalFixtures.TIME;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recovery hands each record to the caller as it reads it and keeps none: a log many times the size of
 * the heap is opened in a JVM whose heap could not hold its records.
 */
class StreamingRecoveryTest {

    private static final int RECORD_BYTES = 60_000;
    private static final int RECORDS = 1_500; // 90 MB of arena bytes, against a 32 MB heap

    @TempDir(factory = MemoryTempDirFactory.class)
    Path dir;

    /** Opens the log in args[0] and prints how many records it handed over and their total bytes. */
    public static void main(String[] args) throws Exception {
        long[] seen = {0, 0};
        try (Wal wal = Wal.open(Path.of(args[0]), Wal.Config.DEFAULT.withSegmentBytes(4 << 20), r -> {
            seen[0]++;
            if (r instanceof WalRecord.ArenaData a) {
                seen[1] += a.bytes().length;
            }
        })) {
            System.out.println("RECOVERED " + seen[0] + " " + seen[1] + " " + wal.recovery().records());
        }
    }

    @Test
    void startUpMemoryDoesNotGrowWithTheLog() throws Exception {
        UUID trace = WalFixtures.trace(1);
        Wal.Config config = Wal.Config.DEFAULT.withSegmentBytes(4 << 20).withDurability(Durability.NONE);
        List<WalRecord> batch = new ArrayList<>();
        try (Wal wal = Wal.open(dir, config)) {
            WalFixtures.appendDurably(wal, WalFixtures.traceStart(trace));
            byte[] bytes = new byte[RECORD_BYTES];
            for (int i = 0; i < RECORDS; i++) {
                bytes[i % RECORD_BYTES] = (byte) i;
                batch.add(new WalRecord.ArenaData(trace, TIME, (long) i * RECORD_BYTES, bytes.clone()));
                if (batch.size() == 50) {
                    WalFixtures.appendAllDurably(wal, batch);
                    batch.clear();
                }
            }
        }

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-cp", System.getProperty("java.class.path"), StreamingRecoveryTest.class.getName(),
                dir.toString()).redirectErrorStream(true).start();
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
            r.lines().forEach(out::add);
        }
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("the child's output").contains("RECOVERED " + (RECORDS + 1 + countCheckpoints(out)) + " "
                + (long) RECORDS * RECORD_BYTES + " " + (RECORDS + 1 + countCheckpoints(out)));
        assertThat(child.exitValue()).isZero();
    }

    // The log's checkpoints (one per rolled segment) are records too; read their number off the line.
    private static int countCheckpoints(List<String> out) {
        for (String line : out) {
            if (line.startsWith("RECOVERED ")) {
                return Integer.parseInt(line.split(" ")[1]) - RECORDS - 1;
            }
        }
        return 0;
    }

    @Test
    void theVisitorSeesEachRecordAsItIsReadInLogOrder() throws Exception {
        List<WalRecord> written = new ArrayList<>();
        try (Wal wal = Wal.open(dir, new Wal.Config(Durability.FSYNC, 4096, 1024, 8))) {
            for (int i = 0; i < 5; i++) {
                written.add(WalFixtures.traceStart(WalFixtures.trace(i)));
            }
            for (int i = 0; i < 300; i++) {
                WalRecord r = WalFixtures.nodeDone(WalFixtures.trace(i % 5), i);
                written.add(r);
            }
            WalFixtures.appendAllDurably(wal, written);
        }
        List<WalRecord> seen = new ArrayList<>();
        long[] counted = new long[1];
        try (Wal wal = Wal.open(dir, Wal.Config.DEFAULT, r -> {
            // The scan's count goes up with each record handed over: nothing is gathered first.
            counted[0]++;
            seen.add(r);
        })) {
            assertThat(wal.recovery().records()).isEqualTo(counted[0]);
        }
        assertThat(seen.stream().filter(r -> r.type() != RecordType.CHECKPOINT).toList()).isEqualTo(written);
    }
}
