package io.xerv.wal;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import static io.xerv.wal.WalFixtures.TIME;
import static io.xerv.wal.WalFixtures.appendDurably;
import static io.xerv.wal.WalFixtures.frameOffsets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A log cut or damaged anywhere near its end recovers exactly the whole records before the damage,
 * and keeps working. Runs on the file system.
 */
class TornTailTest {

    private static final String FIRST = "wal-000001.log";
    private static final String SECOND = "wal-000002.log";
    private static final UUID A = WalFixtures.trace(1);
    private static final UUID B = WalFixtures.trace(2);

    /** Small records of several types, so frames of different lengths end the log. */
    private static final List<WalRecord> RECORDS = List.of(
            new WalRecord.TraceStart(A, TIME, "p", "1", "d", "t", 64L, 8),
            new WalRecord.NodeStart(A, TIME, "1", 1, 1),
            new WalRecord.NodeDone(A, TIME, "1", 1, "out", 128L, 8, 1),
            new WalRecord.TraceStart(B, TIME, "p", "1", "d", "t", 256L, 8),
            new WalRecord.LoopIteration(B, TIME, "2@1", 2, 1),
            new WalRecord.NodeError(B, TIME, "2@1", 2, 1, "no", false),
            new WalRecord.TraceComplete(A, TIME));

    private static final List<WalRecord> LATER = List.of(
            new WalRecord.NodeStart(B, TIME, "3", 3, 1),
            new WalRecord.TraceFailed(B, TIME, "no"));

    // Hundreds of truncations are logged at WARNING; the assertions read them from recovery() instead.
    private static final Logger WAL_LOG = Logger.getLogger(Wal.class.getName());
    private static Level walLogLevel;

    @TempDir(factory = MemoryTempDirFactory.class)
    Path tmp;

    @BeforeAll
    static void quietTruncationWarnings() {
        walLogLevel = WAL_LOG.getLevel();
        WAL_LOG.setLevel(Level.SEVERE);
    }

    @AfterAll
    static void restoreLogLevel() {
        WAL_LOG.setLevel(walLogLevel);
    }

    private byte[] first;
    private byte[] second;
    private List<Integer> offsets;

    @BeforeEach
    void writeLog() throws IOException {
        Path log = tmp.resolve("log");
        try (Wal wal = Wal.open(log, Wal.Config.DEFAULT)) {
            RECORDS.forEach(r -> appendDurably(wal, r));
        }
        first = Files.readAllBytes(log.resolve(FIRST));
        // Each open starts a segment: the second run writes the second one.
        try (Wal wal = Wal.open(log, Wal.Config.DEFAULT)) {
            LATER.forEach(r -> appendDurably(wal, r));
        }
        second = Files.readAllBytes(log.resolve(SECOND));
        offsets = frameOffsets(first, 1);
        assertThat(offsets).hasSize(RECORDS.size() + 1).endsWith(first.length);
    }

    @Test
    void aCutAnywhereInTheLastRecordsRecoversExactlyTheWholeRecordsBeforeIt() throws IOException {
        for (int cut = offsets.get(RECORDS.size() - 3); cut <= first.length; cut++) {
            int whole = wholeFramesBefore(cut);
            Path dir = copy("cut-" + cut, Arrays.copyOf(first, cut), null);

            List<WalRecord> walRecords = new ArrayList<>();
            try (Wal wal = Wal.open(dir, Wal.Config.DEFAULT, walRecords::add)) {
                assertThat(walRecords).as("cut at %d", cut).isEqualTo(RECORDS.subList(0, whole));
                if (offsets.contains(cut)) {
                    assertThat(wal.recovery().truncation()).as("cut at %d", cut).isNull();
                } else {
                    assertThat(wal.recovery().truncation()).as("cut at %d", cut)
                            .startsWith(FIRST + " at offset " + offsets.get(whole) + ": ");
                }
            }
            // The torn frame is gone, so nothing is appended after it.
            assertThat(Files.size(dir.resolve(FIRST))).as("cut at %d", cut).isEqualTo(offsets.get(whole).longValue());
        }
    }

    @Test
    void aLogRecoveredFromACutTakesNewRecordsAndKeepsThem() throws IOException {
        for (int cut = offsets.get(RECORDS.size() - 3); cut <= first.length; cut++) {
            int whole = wholeFramesBefore(cut);
            Path dir = copy("cut-" + cut, Arrays.copyOf(first, cut), null);
            WalRecord added = new WalRecord.NodeStart(B, TIME, "after-" + cut, 9, 1);

            try (Wal wal = Wal.open(dir, Wal.Config.DEFAULT)) {
                assertThat(appendDurably(wal, added)).isEqualTo(whole + 1);
            }

            List<WalRecord> walRecords = new ArrayList<>();
            try (Wal wal = Wal.open(dir, Wal.Config.DEFAULT, walRecords::add)) {
                List<WalRecord> expected = new ArrayList<>(RECORDS.subList(0, whole));
                expected.add(added);
                assertThat(walRecords).as("cut at %d", cut).isEqualTo(expected);
                assertThat(wal.recovery().truncation()).isNull();
            }
        }
    }

    @Test
    void aFlippedBitInTheLastFrameEndsTheLogRightBeforeIt() throws IOException {
        List<Integer> secondOffsets = frameOffsets(second, 2);
        int last = secondOffsets.get(LATER.size() - 1);
        for (int bit = last * 8; bit < second.length * 8; bit++) {
            Path dir = copy("bit-" + bit, first, flip(second, bit));

            List<WalRecord> walRecords = new ArrayList<>();
            try (Wal wal = Wal.open(dir, Wal.Config.DEFAULT, walRecords::add)) {
                List<WalRecord> expected = new ArrayList<>(RECORDS);
                expected.addAll(LATER.subList(0, LATER.size() - 1));
                assertThat(walRecords).as("bit %d", bit).isEqualTo(expected);
                assertThat(wal.recovery().truncation()).as("bit %d", bit).startsWith(SECOND + " at offset " + last + ": ");
            }
            assertThat(Files.size(dir.resolve(SECOND))).as("bit %d", bit).isEqualTo(last);
        }
    }

    @Test
    void aFlippedByteInsideTheLogStopsTheOpenNamingTheFrameAndChangesNothing() throws IOException {
        int lastFrame = RECORDS.size() - 1;
        List<Integer> bits = new ArrayList<>();
        for (int bit = offsets.get(lastFrame) * 8; bit < first.length * 8; bit++) {
            bits.add(bit);
        }
        // Earlier frames: a spread of bits that lands in every header field and body.
        for (int bit = 5; bit < offsets.get(lastFrame) * 8; bit += 37) {
            bits.add(bit);
        }
        for (int bit : bits) {
            int frame = frameHolding(bit / 8);
            byte[] damaged = flip(first, bit);
            Path dir = copy("bit-" + bit, damaged, second);

            assertThatThrownBy(() -> Wal.open(dir, Wal.Config.DEFAULT))
                    .as("bit %d", bit)
                    .isInstanceOf(DamagedLogException.class)
                    .hasMessageContaining("is damaged inside: " + FIRST + " at offset " + offsets.get(frame) + ": ")
                    .hasMessageContaining("1 later segment follow");
            assertThat(Files.readAllBytes(dir.resolve(FIRST))).as("bit %d", bit).isEqualTo(damaged);
            assertThat(Files.readAllBytes(dir.resolve(SECOND))).as("bit %d", bit).isEqualTo(second);
        }
    }

    @Test
    void readingADamagedLogReportsTheDamageButChangesNothing() throws IOException {
        int lastFrame = RECORDS.size() - 1;
        byte[] damaged = flip(first, (offsets.get(lastFrame) + RecordDescriptor.TIME_OFFSET) * 8);
        Path dir = copy("read", damaged, second);

        List<WalRecord> records = new ArrayList<>();
        Wal.Recovery read = Wal.read(dir, records::add);

        assertThat(records).isEqualTo(RECORDS.subList(0, lastFrame));
        assertThat(read.records()).isEqualTo(lastFrame);
        assertThat(read.truncation()).startsWith(FIRST + " at offset " + offsets.get(lastFrame) + ": CRC32C mismatch")
                .contains("damage inside the log");
        assertThat(Files.readAllBytes(dir.resolve(FIRST))).isEqualTo(damaged);
        assertThat(Files.readAllBytes(dir.resolve(SECOND))).isEqualTo(second);
        assertThat(Storage.FILES.list(dir)).hasSize(2);
    }

    /** How many frames end at or before {@code cut}. */
    private int wholeFramesBefore(int cut) {
        int n = 0;
        while (n < RECORDS.size() && offsets.get(n + 1) <= cut) {
            n++;
        }
        return n;
    }

    /** The index of the frame that holds byte {@code at}. */
    private int frameHolding(int at) {
        int n = 0;
        while (offsets.get(n + 1) <= at) {
            n++;
        }
        return n;
    }

    private Path copy(String name, byte[] firstSegment, byte[] secondSegment) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve(name));
        Files.write(dir.resolve(FIRST), firstSegment);
        if (secondSegment != null) {
            Files.write(dir.resolve(SECOND), secondSegment);
        }
        return dir;
    }

    private static byte[] flip(byte[] bytes, int bit) {
        byte[] out = bytes.clone();
        out[bit / 8] ^= (byte) (1 << (bit % 8));
        return out;
    }
}
