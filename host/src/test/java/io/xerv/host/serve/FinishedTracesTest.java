package io.xerv.host.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store against a model: a LinkedHashMap in filing order, where filing an id again moves it to the
 * newest, and that keeps the records filed by the last {@code capacity} puts.
 */
class FinishedTracesTest {

    /** The model: records by id in filing order, each with the put that filed it. */
    private static final class Model {
        private record Filed(long seq, byte[] record) {
        }

        private final int capacity;
        private final LinkedHashMap<UUID, Filed> map = new LinkedHashMap<>();
        private long written;

        Model(int capacity) {
            this.capacity = capacity;
        }

        void put(UUID id, byte[] record) {
            if (capacity == 0) {
                return;
            }
            map.remove(id);
            map.put(id, new Filed(written++, record));
            // A slot is reused after capacity puts: what it held goes, even when the id was filed anew since.
            map.values().removeIf(f -> f.seq() < written - capacity);
        }

        byte[] get(UUID id) {
            Filed f = map.get(id);
            return f == null ? null : f.record();
        }

        List<byte[]> newestFirst() {
            List<byte[]> out = new ArrayList<>();
            map.values().forEach(f -> out.add(f.record()));
            Collections.reverse(out);
            return out;
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 1000})
    void randomPutsAndGetsAgreeWithTheModel(int capacity) {
        Random random = new Random(capacity * 31L + 7);
        // Ids are drawn from a pool, so some are filed again; half of the pool shares one hash, so their
        // probe runs are long, wrap round the index, and deletions shift entries back across them.
        List<UUID> pool = new ArrayList<>();
        for (int i = 0; i < 3 * capacity + 5; i++) {
            long msb = random.nextLong();
            pool.add(i % 2 == 0 ? new UUID(msb, random.nextLong()) : new UUID(msb, msb ^ 0x5DEECE66DL));
        }
        FinishedTraces store = new FinishedTraces(capacity);
        Model model = new Model(capacity);
        int ops = capacity >= 1000 ? 40_000 : 20_000;
        for (int op = 0; op < ops; op++) {
            UUID id = pool.get(random.nextInt(pool.size()));
            if (random.nextInt(4) == 0) {
                assertThat(store.get(id)).as("get %s at op %d", id, op).isSameAs(model.get(id));
            } else {
                byte[] record = ByteBuffer.allocate(Integer.BYTES).putInt(op).array();
                store.put(id, record);
                model.put(id, record);
            }
            if (op % 97 == 0 || op == ops - 1) {
                for (UUID u : pool) {
                    assertThat(store.get(u)).as("get %s at op %d", u, op).isSameAs(model.get(u));
                }
                assertThat(store.newestFirst()).as("order at op %d", op).containsExactlyElementsOf(model.newestFirst());
            }
        }
    }

    @Test
    void capacityZeroKeepsNothing() {
        FinishedTraces store = new FinishedTraces(0);
        UUID id = UUID.randomUUID();
        store.put(id, new byte[] {1});
        assertThat(store.get(id)).isNull();
        assertThat(store.newestFirst()).isEmpty();
    }

    @Test
    void newestFirstListsTheLastCapacityRecordsNewestFirst() {
        FinishedTraces store = new FinishedTraces(3);
        Map<Integer, byte[]> records = new LinkedHashMap<>();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            records.put(i, new byte[] {(byte) i});
            ids.add(UUID.randomUUID());
            store.put(ids.get(i), records.get(i));
        }
        assertThat(store.newestFirst()).containsExactly(records.get(4), records.get(3), records.get(2));
        assertThat(store.get(ids.get(1))).isNull();
        assertThat(store.get(ids.get(2))).isSameAs(records.get(2));
    }

    @Test
    void filingAnIdAgainReplacesItsRecordAndMakesItTheNewest() {
        FinishedTraces store = new FinishedTraces(3);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        byte[] first = {1};
        byte[] second = {2};
        byte[] other = {3};
        store.put(a, first);
        store.put(b, other);
        store.put(a, second);
        assertThat(store.get(a)).isSameAs(second);
        assertThat(store.newestFirst()).containsExactly(second, other);
    }

    @Test
    void aCapacityBeyondTheIndexIsRefused() {
        assertThatThrownBy(() -> new FinishedTraces(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FinishedTraces(FinishedTraces.MAX_CAPACITY + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
    }
}
