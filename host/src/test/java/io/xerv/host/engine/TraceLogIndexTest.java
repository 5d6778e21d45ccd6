package io.xerv.host.engine;

import io.xerv.wal.WalRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The streamed index of the log applies carried blocks as the log's own pin tracking does. */
class TraceLogIndexTest {

    private static final UUID TRACE = new UUID(0x7ace, 1);
    private static final UUID OTHER = new UUID(0x7ace, 2);
    private static final long TIME = 1_750_000_000_000L;

    private static final List<WalRecord> ORIGINALS = List.of(
            new WalRecord.TraceStart(TRACE, TIME, "p", "1", "d", "t", 0L, 0),
            new WalRecord.NodeStart(TRACE, TIME + 1, "1", 1, 1),
            new WalRecord.NodeDone(TRACE, TIME + 2, "1", 1, "out", 64L, 8, 1),
            new WalRecord.TraceSuspended(TRACE, TIME + 3, "2", 2, "approve", 0));

    private static List<WalRecord> block(List<WalRecord> records, int upTo) {
        List<WalRecord> out = new ArrayList<>();
        for (int i = 0; i < upTo; i++) {
            out.add(new WalRecord.Carried(TRACE, TIME + 10, i, records.size(), records.get(i)));
        }
        return out;
    }

    private static TraceLog.Index stream(boolean whole, List<WalRecord> records) {
        TraceLog.Index index = new TraceLog.Index(id -> whole);
        records.forEach(index);
        return index;
    }

    @Test
    void streamedIndexReplacesATraceWithItsWholeCarriedBlock() {
        List<WalRecord> log = new ArrayList<>(ORIGINALS);
        log.add(new WalRecord.TraceComplete(OTHER, TIME));
        log.addAll(block(ORIGINALS, ORIGINALS.size()));
        TraceLog t = stream(false, log).traces().get(TRACE);
        assertThat(t.records()).isEqualTo(ORIGINALS);
        assertThat(t.recordCount()).isEqualTo(ORIGINALS.size());
        // The copied NodeStart is not counted on top of the original.
        assertThat(t.startsOf("1")).isEqualTo(1);
        assertThat(t.ended()).isFalse();
    }

    @Test
    void streamedIndexIgnoresACarriedBlockCutShort() {
        WalRecord later = new WalRecord.NodeStart(TRACE, TIME + 20, "2", 2, 1);
        List<WalRecord> log = new ArrayList<>(ORIGINALS);
        log.addAll(block(ORIGINALS, 2));
        log.add(later);
        // A block that then goes on with its third copy is no block any more.
        log.addAll(block(ORIGINALS, ORIGINALS.size()).subList(2, ORIGINALS.size()));
        TraceLog t = stream(false, log).traces().get(TRACE);
        List<WalRecord> expected = new ArrayList<>(ORIGINALS);
        expected.add(later);
        assertThat(t.records()).isEqualTo(expected);
        assertThat(t.startsOf("1")).isEqualTo(1);
    }

    @Test
    void streamedIndexKeepsOnlyStartAndEndOfACarriedTraceThatEnded() {
        WalRecord end = new WalRecord.TraceComplete(TRACE, TIME + 30);
        List<WalRecord> log = new ArrayList<>(ORIGINALS);
        log.addAll(block(ORIGINALS, ORIGINALS.size()));
        log.add(end);
        TraceLog t = stream(false, log).traces().get(TRACE);
        assertThat(t.records()).containsExactly(ORIGINALS.get(0), end);
        assertThat(t.recordCount()).isEqualTo(ORIGINALS.size() + 1);
        assertThat(t.completedRuns()).isEqualTo(1);

        TraceLog whole = stream(true, log).traces().get(TRACE);
        List<WalRecord> expected = new ArrayList<>(ORIGINALS);
        expected.add(end);
        assertThat(whole.records()).isEqualTo(expected);
    }
}
