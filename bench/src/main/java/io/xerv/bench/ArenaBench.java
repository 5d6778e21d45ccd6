package io.xerv.bench;

import io.xerv.arena.Arena;
import io.xerv.arena.ArenaLayout;
import io.xerv.arena.ArenaStore;
import io.xerv.arena.ConfigBlock;
import io.xerv.arena.FlexValue;
import io.xerv.arena.RelPtr;
import io.xerv.arena.ValueCodec;
import io.xerv.plugin.Values;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The arena's hot operations, single-threaded, in nanoseconds per operation:
 * <ul>
 *   <li>appending a small order (JSON parsed straight into FlexBuffers, or already encoded), in a
 *       slot large enough for all the appends, and in the engine's 64 KiB slot, which the arena
 *       outgrows;
 *   <li>reading one field of a 1 KiB map in place, against decoding the whole map
 *       ({@link Values#toJava}), which is what a JSON-passing engine does for every node;
 *   <li>starting and finishing a trace's arena in a reused slab slot, against creating, mapping,
 *       unmapping and deleting a file per trace (the design the slabs avoid), and against a slot
 *       that was never written (what each trace pays while a store that keeps finished arenas
 *       fills up: a new slab is written with zeros by a background thread, which this single
 *       thread outruns, so the score is mostly the cost of preparing 64 KiB of slab).
 * </ul>
 *
 * <p>Arenas are created as the engine creates them: with the config block encoded once per flow
 * and trigger.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ArenaBench {

    /** Appends per arena in the append benchmarks: each invocation starts an arena, fills it, frees it. */
    static final int APPENDS = 1_000;

    /** The engine's slot size (64 KiB): the create/finish benchmarks use it. */
    static final long SLOT_SIZE = ArenaStore.Config.DEFAULT.slotSize();

    /**
     * Slots for the append benchmarks: 1,000 appends of the small order (about 200 KiB) fit, so they
     * measure appends; {@link #appendEncodedPastSlot} measures the same appends in the engine's slots.
     */
    static final long APPEND_SLOT_SIZE = 1 << 20;

    Path dir;
    ArenaStore store;
    ArenaStore appendStore;
    ArenaStore neverFreeingStore;
    byte[] configBytes;
    byte[] smallJson;
    ByteBuffer smallFlex;
    Arena readArena;
    RelPtr bigPtr;
    FlexValue bigView;
    long ids;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("xerv-bench-arena");
        store = ArenaStore.open(dir.resolve("free"), BenchSupport.FREE_ON_FINISH);
        appendStore = ArenaStore.open(dir.resolve("append"),
                BenchSupport.FREE_ON_FINISH.withSlotSize(APPEND_SLOT_SIZE));
        // Keeps every finished arena, so every create takes a slot that was never written.
        neverFreeingStore = ArenaStore.open(dir.resolve("kept"),
                new ArenaStore.Config(SLOT_SIZE, 256, Duration.ofDays(1), Integer.MAX_VALUE));
        Files.createDirectories(dir.resolve("files"));

        ByteBuffer cfg = ValueCodec.encode(Map.of("fraud_threshold", 0.8));
        byte[] pipelineConfig = new byte[cfg.remaining()];
        cfg.get(pipelineConfig);
        configBytes = new ConfigBlock("order_processing", "1.0", "0".repeat(64), "manual", pipelineConfig).encode();

        smallJson = BenchSupport.orderPayloads()[0];
        ByteBuffer flex = ValueCodec.encodeJson(smallJson);
        smallFlex = ByteBuffer.allocateDirect(flex.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        smallFlex.put(flex).flip();

        readArena = store.create(nextId(), configBytes);
        bigPtr = readArena.appendValue(1, bigOrder()).ptr();
        bigView = readArena.value(bigPtr);
        if (bigPtr.size() < 900 || bigPtr.size() > 1300) {
            throw new IllegalStateException("the read benchmarks want a map of about 1 KiB, built " + bigPtr.size() + " B");
        }
        if (!"ada@example.com".equals(readOneField())) {
            throw new IllegalStateException("read the wrong field: " + readOneField());
        }
        System.out.println("sizes: small order " + smallJson.length + " B JSON, " + smallFlex.remaining()
                + " B FlexBuffers; big order " + bigPtr.size() + " B FlexBuffers; config block " + configBytes.length + " B");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
        appendStore.close();
        neverFreeingStore.close();
        BenchSupport.deleteTree(dir);
    }

    private UUID nextId() {
        ids++;
        return new UUID(0x5852_5641L, ids);
    }

    /** An order of about 1 KiB once encoded: customer, address, five items, tags and scalars. */
    static Map<String, Object> bigOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", "ord-1001");
        m.put("created_at", "2026-11-22T10:15:30Z");
        m.put("currency", "EUR");
        m.put("amount", 254.90);
        m.put("risk_score", 0.12);
        m.put("priority", 3);
        m.put("gift", false);
        m.put("channel", "web");
        m.put("customer", Map.of("id", "c-17", "name", "Ada Lovelace", "email", "ada@example.com", "tier", "gold",
                "address", Map.of("street", "12 Analytical Row", "city", "London", "zip", "NW1 6XE", "country", "GB")));
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            items.add(Map.of("sku", "SKU-" + i + "-XL", "name", "Item number " + i, "qty", 1 + i % 3, "price", 19.99 + i));
        }
        m.put("items", items);
        m.put("tags", List.of("new-customer", "express", "newsletter", "eu"));
        m.put("notes", "Leave the parcel with the neighbour at number 14 if nobody answers.");
        return m;
    }

    @Benchmark
    @OperationsPerInvocation(APPENDS)
    public long appendJson() {
        Arena a = appendStore.create(nextId(), configBytes);
        for (int i = 0; i < APPENDS; i++) {
            a.appendJson(1, smallJson);
        }
        long end = a.writeOffset();
        appendStore.finish(a);
        return end;
    }

    @Benchmark
    @OperationsPerInvocation(APPENDS)
    public long appendEncoded() {
        return appendEncoded(appendStore);
    }

    /**
     * The same 200 KiB of appends in the engine's 64 KiB slots: the arena moves to a file of its own
     * (and then to a bigger one) on the way, which is what a trace whose values outgrow its slot pays.
     */
    @Benchmark
    @OperationsPerInvocation(APPENDS)
    public long appendEncodedPastSlot() {
        return appendEncoded(store);
    }

    private long appendEncoded(ArenaStore in) {
        Arena a = in.create(nextId(), configBytes);
        for (int i = 0; i < APPENDS; i++) {
            a.append(ArenaLayout.KIND_VALUE, 1, smallFlex);
        }
        long end = a.writeOffset();
        in.finish(a);
        return end;
    }

    @Benchmark
    public String readOneField() {
        return bigView.get("customer").get("email").asString();
    }

    @Benchmark
    public double readOneFieldFreshView() {
        return readArena.value(bigPtr).get("risk_score").asDouble();
    }

    @Benchmark
    public Object decodeAll() {
        return Values.toJava(bigView);
    }

    @Benchmark
    public Arena createFinishSlot() {
        Arena a = store.create(nextId(), configBytes);
        store.finish(a);
        return a;
    }

    @Benchmark
    public Arena createFinishFreshSlot() {
        Arena a = neverFreeingStore.create(nextId(), configBytes);
        neverFreeingStore.finish(a);
        return a;
    }


    /**
     * The baseline: a sparse file per trace, sized like a slot, mapped, given the same header, then
     * unmapped and deleted (as the store does for an arena that outgrew its slot). No fsync.
     */
    @Benchmark
    public long createFinishFilePerTrace() throws IOException {
        UUID id = nextId();
        Path file = dir.resolve("files").resolve("trace-" + id + ".xa");
        long written;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[1]), SLOT_SIZE - 1);
            try (java.lang.foreign.Arena mapping = java.lang.foreign.Arena.ofShared()) {
                MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, SLOT_SIZE, mapping);
                seg.asSlice(0, ArenaLayout.HEADER_LENGTH).fill((byte) 0);
                seg.set(ValueLayout.JAVA_INT_UNALIGNED, ArenaLayout.MAGIC_OFFSET, ArenaLayout.MAGIC);
                seg.set(ValueLayout.JAVA_LONG_UNALIGNED, ArenaLayout.TRACE_ID_OFFSET, id.getMostSignificantBits());
                seg.set(ValueLayout.JAVA_LONG_UNALIGNED, ArenaLayout.TRACE_ID_OFFSET + 8, id.getLeastSignificantBits());
                seg.set(ValueLayout.JAVA_LONG_UNALIGNED, ArenaLayout.CREATED_OFFSET, System.currentTimeMillis());
                MemorySegment.copy(configBytes, 0, seg, ValueLayout.JAVA_BYTE, ArenaLayout.CONFIG_OFFSET,
                        configBytes.length);
                seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, ArenaLayout.STATE_OFFSET, ArenaLayout.STATE_ACTIVE);
                seg.set(ValueLayout.JAVA_LONG_UNALIGNED, ArenaLayout.FINISHED_OFFSET, System.currentTimeMillis());
                seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, ArenaLayout.STATE_OFFSET, ArenaLayout.STATE_FINISHED);
                written = seg.get(ValueLayout.JAVA_LONG_UNALIGNED, ArenaLayout.CREATED_OFFSET);
            }
        }
        Files.delete(file);
        return written;
    }
}
