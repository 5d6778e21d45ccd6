package io.xerv.host.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store against models: with small records, a LinkedHashMap in filing order, where filing an id
 * again moves it to the newest, and that keeps the records filed by the last {@code capacity} puts; with
 * records of random sizes, the newest records whose bytes fit in the data ring.
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
                assertThat(store.get(id)).as("get %s at op %d", id, op).isEqualTo(model.get(id));
            } else {
                byte[] record = ByteBuffer.allocate(Integer.BYTES).putInt(op).array();
                store.put(id, ByteBuffer.wrap(record));
                model.put(id, record);
            }
            if (op % 97 == 0 || op == ops - 1) {
                for (UUID u : pool) {
                    assertThat(store.get(u)).as("get %s at op %d", u, op).isEqualTo(model.get(u));
                }
                assertThat(newestFirst(store)).as("order at op %d", op).containsExactlyElementsOf(model.newestFirst());
            }
        }
    }

    @Test
    void capacityZeroKeepsNothing() {
        FinishedTraces store = new FinishedTraces(0);
        UUID id = UUID.randomUUID();
        store.put(id, ByteBuffer.wrap(new byte[] {1}));
        assertThat(store.get(id)).isNull();
        assertThat(newestFirst(store)).isEmpty();
    }

    @Test
    void newestFirstListsTheLastCapacityRecordsNewestFirst() {
        FinishedTraces store = new FinishedTraces(3);
        Map<Integer, byte[]> records = new LinkedHashMap<>();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            records.put(i, new byte[] {(byte) i});
            ids.add(UUID.randomUUID());
            store.put(ids.get(i), ByteBuffer.wrap(records.get(i)));
        }
        assertThat(newestFirst(store)).containsExactly(records.get(4), records.get(3), records.get(2));
        assertThat(store.get(ids.get(1))).isNull();
        assertThat(store.get(ids.get(2))).isEqualTo(records.get(2));
    }

    @Test
    void filingAnIdAgainReplacesItsRecordAndMakesItTheNewest() {
        FinishedTraces store = new FinishedTraces(3);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        byte[] first = {1};
        byte[] second = {2};
        byte[] other = {3};
        store.put(a, ByteBuffer.wrap(first));
        store.put(b, ByteBuffer.wrap(other));
        store.put(a, ByteBuffer.wrap(second));
        assertThat(store.get(a)).isEqualTo(second);
        assertThat(newestFirst(store)).containsExactly(second, other);
    }

    @Test
    void aCapacityBeyondTheIndexIsRefused() {
        assertThatThrownBy(() -> new FinishedTraces(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FinishedTraces(FinishedTraces.MAX_CAPACITY + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
    }

    @Test
    void aRingOfNoBytesIsRefused() {
        assertThatThrownBy(() -> new FinishedTraces(10, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ringBytes");
    }

    // ------------------------------------------------------------------ the data ring

    private static final int RING_BYTES = 16 << 10;
    private static final int MAX_RECORD = 3000;

    /**
     * The data ring's model: every record filed (ids are never filed again), each at the position it
     * takes in an endless ring that wraps a record to the next lap when it would cross the end. The
     * store keeps the newest records, at most {@code capacity}, whose bytes the last {@code ringBytes}
     * positions hold.
     */
    private static final class RingModel {
        private record Filed(UUID id, byte[] record, long start) {
        }

        private final int capacity;
        private final int ringBytes;
        private final List<Filed> filed = new ArrayList<>();
        private long head;

        RingModel(int capacity, int ringBytes) {
            this.capacity = capacity;
            this.ringBytes = ringBytes;
        }

        void put(UUID id, byte[] record) {
            long lap = head / ringBytes;
            if (head + record.length > (lap + 1) * ringBytes) {
                head = (lap + 1) * ringBytes;
            }
            filed.add(new Filed(id, record, head));
            head += record.length;
        }

        /** The records kept, the newest first. */
        List<Filed> kept() {
            List<Filed> out = new ArrayList<>();
            for (int i = filed.size() - 1; i >= 0 && out.size() < capacity; i--) {
                Filed f = filed.get(i);
                if (f.start() < head - ringBytes) {
                    break;
                }
                out.add(f);
            }
            return out;
        }
    }

    private static List<byte[]> newestFirst(FinishedTraces store) {
        List<byte[]> out = new ArrayList<>();
        store.forEachNewestFirst(out::add);
        return out;
    }

    private static byte[] randomRecord(Random random, int length) {
        byte[] record = new byte[length];
        random.nextBytes(record);
        return record;
    }

    @Test
    void recordsOfRandomSizesWrapTheRingAndTheNewestThatFitAreKept() {
        Random random = new Random(42);
        FinishedTraces store = new FinishedTraces(50, RING_BYTES);
        RingModel model = new RingModel(50, RING_BYTES);
        for (int op = 0; op < 5_000; op++) {
            UUID id = new UUID(random.nextLong(), random.nextLong());
            byte[] record = randomRecord(random, 1 + random.nextInt(MAX_RECORD));
            store.put(id, ByteBuffer.wrap(record));
            model.put(id, record);

            List<RingModel.Filed> kept = model.kept();
            List<byte[]> listed = newestFirst(store);
            assertThat(listed).as("records at op %d", op).hasSize(kept.size());
            int bytes = 0;
            for (int i = 0; i < kept.size(); i++) {
                assertThat(listed.get(i)).as("record %d at op %d", i, op).isEqualTo(kept.get(i).record());
                bytes += kept.get(i).record().length;
            }
            // The newest records whose bytes fit: at most the ring and, once a record was dropped for room,
            // at least the ring less the tail left unused at a wrap and the part of a record the head has
            // passed (each less than a record).
            assertThat(bytes).as("bytes kept at op %d", op).isLessThanOrEqualTo(RING_BYTES);
            if (kept.size() < Math.min(50, model.filed.size())) {
                assertThat(bytes).as("bytes kept at op %d", op).isGreaterThan(RING_BYTES - 2 * MAX_RECORD);
            }
            // The record just filed is kept, and the one filed before the oldest kept is not.
            assertThat(store.get(id)).isEqualTo(record);
            int before = model.filed.size() - kept.size() - 1;
            if (before >= 0) {
                assertThat(store.get(model.filed.get(before).id())).as("dropped at op %d", op).isNull();
            }
        }
    }

    @Test
    void everyKeptRecordReadsBackExactlyAfterThousandsOfPuts() {
        Random random = new Random(7);
        FinishedTraces store = new FinishedTraces(200, 64 << 10);
        RingModel model = new RingModel(200, 64 << 10);
        for (int op = 0; op < 20_000; op++) {
            UUID id = new UUID(random.nextLong(), random.nextLong());
            byte[] record = randomRecord(random, 1 + random.nextInt(MAX_RECORD));
            // From the middle of a larger buffer, and a direct one every other time: only position..limit is filed.
            ByteBuffer source = op % 2 == 0 ? ByteBuffer.allocate(record.length + 20)
                    : ByteBuffer.allocateDirect(record.length + 20);
            source.position(10).put(record).position(10).limit(10 + record.length);
            store.put(id, source);
            model.put(id, record);
            assertThat(source.position()).isEqualTo(10);
        }
        Set<UUID> kept = new HashSet<>();
        for (RingModel.Filed f : model.kept()) {
            assertThat(store.get(f.id())).as("record of %s", f.id()).isEqualTo(f.record());
            kept.add(f.id());
        }
        assertThat(kept).hasSizeGreaterThan(10);
        for (RingModel.Filed f : model.filed) {
            if (!kept.contains(f.id())) {
                assertThat(store.get(f.id())).isNull();
            }
        }
    }

    @Test
    void aRecordLargerThanAQuarterOfTheRingIsKeptOnTheHeapWithoutEvictingTheOthers() {
        Random random = new Random(3);
        FinishedTraces store = new FinishedTraces(50, RING_BYTES);
        List<UUID> ids = new ArrayList<>();
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(UUID.randomUUID());
            records.add(randomRecord(random, 2_000));
            store.put(ids.get(i), ByteBuffer.wrap(records.get(i)));
        }
        UUID huge = UUID.randomUUID();
        byte[] hugeRecord = randomRecord(random, 3 * RING_BYTES);
        store.put(huge, ByteBuffer.wrap(hugeRecord));

        assertThat(store.get(huge)).isEqualTo(hugeRecord);
        for (int i = 0; i < 6; i++) {
            assertThat(store.get(ids.get(i))).isEqualTo(records.get(i));
        }
        assertThat(newestFirst(store).getFirst()).isEqualTo(hugeRecord);
        assertThat(newestFirst(store)).hasSize(7);
    }

    @Test
    void aRecordOnTheHeapLeavesInFilingOrderOnceTheRingHasComeRound() {
        FinishedTraces store = new FinishedTraces(50, RING_BYTES);
        UUID first = UUID.randomUUID();
        store.put(first, ByteBuffer.wrap(new byte[1_000]));
        UUID huge = UUID.randomUUID();
        store.put(huge, ByteBuffer.wrap(new byte[RING_BYTES / 4 + 1]));
        // 16 records of 1,000 bytes after the huge one: the ring comes round over the first one's bytes.
        for (int i = 0; i < 16; i++) {
            store.put(UUID.randomUUID(), ByteBuffer.wrap(new byte[1_000]));
        }
        assertThat(store.get(first)).isNull();
        assertThat(store.get(huge)).hasSize(RING_BYTES / 4 + 1);
        // One more, and the huge one's place in the ring (where the first record ended) is written over.
        store.put(UUID.randomUUID(), ByteBuffer.wrap(new byte[1_000]));
        assertThat(store.get(huge)).isNull();
        assertThat(newestFirst(store)).hasSize(16);
    }

    @Test
    void anEmptyRecordIsKept() {
        FinishedTraces store = new FinishedTraces(3, RING_BYTES);
        UUID id = UUID.randomUUID();
        store.put(id, ByteBuffer.allocate(0));
        assertThat(store.get(id)).isEmpty();
    }

    @Test
    void forEachNewestFirstStopsWhenTheVisitorReturnsFalse() {
        FinishedTraces store = new FinishedTraces(10, RING_BYTES);
        for (int i = 0; i < 10; i++) {
            store.put(UUID.randomUUID(), ByteBuffer.wrap(new byte[] {(byte) i}));
        }
        List<byte[]> visited = new ArrayList<>();
        store.forEachNewestFirst(r -> {
            visited.add(r);
            return visited.size() < 3;
        });
        assertThat(visited).containsExactly(new byte[] {9}, new byte[] {8}, new byte[] {7});
    }
}
