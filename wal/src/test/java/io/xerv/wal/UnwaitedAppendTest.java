package io.xerv.wal;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.xerv.wal.WalFixtures.appendDurably;
import static io.xerv.wal.WalFixtures.nodeDone;
import static io.xerv.wal.WalFixtures.trace;
import static org.assertj.core.api.Assertions.assertThat;

/** Records nobody waits for ride along with the next sync somebody waits for. */
class UnwaitedAppendTest {

    static final Path DIR = Path.of("/wal");

    @Test
    void unwaitedRecordsAreDurableOnceALaterWaitedRecordIsAcknowledged() throws Exception {
        LossyStorage disk = new LossyStorage();
        List<WalRecord> expected = new ArrayList<>();
        Wal wal = Wal.open(DIR, Wal.Config.DEFAULT, disk);
        for (int i = 0; i < 500; i++) {
            WalRecord r = nodeDone(trace(1), i);
            wal.append(r);
            expected.add(r);
        }
        WalRecord last = nodeDone(trace(2), 0);
        appendDurably(wal, last);
        expected.add(last);
        disk.crash();

        List<WalRecord> againRecords = new ArrayList<>();
        try (Wal again = Wal.open(DIR, Wal.Config.DEFAULT, disk.restarted(), againRecords::add)) {
            assertThat(againRecords).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void unwaitedRecordsAloneStillGetSynced() throws Exception {
        LossyStorage disk = new LossyStorage();
        try (Wal wal = Wal.open(DIR, Wal.Config.DEFAULT, disk)) {
            for (int i = 0; i < 10; i++) {
                wal.append(nodeDone(trace(3), i));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (wal.metrics().syncs() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(wal.metrics().syncs()).isPositive();
            assertThat(wal.metrics().records()).isEqualTo(10);
        }
    }

    @Test
    void unwaitedRecordsDoNotEachCostASync() throws Exception {
        LossyStorage disk = new LossyStorage();
        try (Wal wal = Wal.open(DIR, Wal.Config.DEFAULT, disk)) {
            for (int i = 0; i < 2000; i++) {
                wal.append(nodeDone(trace(4), i));
            }
            appendDurably(wal, nodeDone(trace(5), 0));
            // Without waiters the writer syncs when a batch is full or LAZY_SYNC_MILLIS passed, not
            // for every record or every drain.
            assertThat(wal.metrics().records()).isEqualTo(2001);
            assertThat(wal.metrics().syncs()).isLessThan(wal.metrics().records() / 10);
        }
    }
}
