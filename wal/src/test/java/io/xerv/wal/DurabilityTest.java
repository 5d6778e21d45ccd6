package io.xerv.wal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurabilityTest {

    @Test
    void fsyncParses() {
        assertThat(Durability.parse("fsync")).isEqualTo(Durability.FSYNC);
    }

    @Test
    void batchParsesWithItsMillis() {
        assertThat(Durability.parse("batch:5")).isEqualTo(new Durability(Durability.Mode.BATCH, 5));
    }

    @Test
    void noneParses() {
        assertThat(Durability.parse("none")).isEqualTo(Durability.NONE);
    }

    @Test
    void caseAndSurroundingSpaceAreIgnored() {
        assertThat(Durability.parse(" FSync ")).isEqualTo(Durability.FSYNC);
        assertThat(Durability.parse("BATCH:10")).isEqualTo(new Durability(Durability.Mode.BATCH, 10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fsync", "batch:5", "none"})
    void toStringParsesBackToTheSameDurability(String s) {
        assertThat(Durability.parse(s).toString()).isEqualTo(s);
        assertThat(Durability.parse(Durability.parse(s).toString())).isEqualTo(Durability.parse(s));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"batch:", "batch:x", "batch:5ms", "sometimes", "", "fsync:1"})
    void anythingElseIsRejectedNamingTheAcceptedForms(String bad) {
        assertThatThrownBy(() -> Durability.parse(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("durability '" + bad + "' is not one of fsync, batch:<ms> (e.g. batch:5), none");
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch:0", "batch:-3"})
    void batchBelowOneMillisecondIsRejectedWithTheValue(String bad) {
        assertThatThrownBy(() -> Durability.parse(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("batch durability needs at least 1 ms, was " + bad.substring(6));
    }

    @Test
    void aModeIsRequired() {
        assertThatThrownBy(() -> new Durability(null, 0)).isInstanceOf(NullPointerException.class).hasMessage("mode");
    }

    @Test
    void configRequiresADurability() {
        assertThatThrownBy(() -> Wal.Config.DEFAULT.withDurability(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("durability");
    }

    @Test
    void configRejectsSegmentsSmallerThan4096Bytes() {
        assertThatThrownBy(() -> Wal.Config.DEFAULT.withSegmentBytes(4095))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("segmentBytes must be at least 4096, was 4095");
        assertThat(Wal.Config.DEFAULT.withSegmentBytes(4096).segmentBytes()).isEqualTo(4096);
    }

    @Test
    void configRejectsAQueueOfFewerThanTwoRecords() {
        assertThatThrownBy(() -> new Wal.Config(Durability.FSYNC, 4096, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("queueCapacity must be at least 2, was 1");
    }

    @Test
    void configRejectsABatchOfNoRecords() {
        assertThatThrownBy(() -> new Wal.Config(Durability.FSYNC, 4096, 2, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxBatch must be at least 1, was 0");
    }

    @Test
    void withersReplaceOnlyTheirField() {
        Wal.Config c = Wal.Config.DEFAULT.withDurability(Durability.NONE).withSegmentBytes(8192);

        assertThat(c).isEqualTo(new Wal.Config(Durability.NONE, 8192, Wal.Config.DEFAULT.queueCapacity(),
                Wal.Config.DEFAULT.maxBatch()));
    }
}
