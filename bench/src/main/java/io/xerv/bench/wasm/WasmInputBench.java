package io.xerv.bench.wasm;

import io.xerv.arena.Arena;
import io.xerv.arena.ArenaStore;
import io.xerv.arena.FlexValue;
import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.Values;
import io.xerv.wasm.WasmNodeFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A 1 MiB input read by a Rust guest (the SDK's conformance example), in place through the arena
 * window against copied into guest memory with {@code __xerv_read_bytes}, in microseconds per run:
 * <ul>
 *   <li>{@code sum}: the guest reads every byte of a 1 MiB bytes field and fires the sum;
 *   <li>{@code field}: the guest reads one short field of the same 1 MiB value and fires it.
 * </ul>
 * Each run is a whole node run on a pooled compiled instance.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class WasmInputBench {

    @Param({"in_place", "copy"})
    String inputMode;

    @Param({"sum", "field"})
    String op;

    Path dir;
    ArenaStore store;
    Arena arena;
    Node node;
    BenchGuests.Context context;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("xerv-wasm-bench");
        store = BenchGuests.store(dir.resolve("arenas"));
        node = new WasmNodeFactory().create(new NodeDefinition("reader", "wasm", Values.of(Map.of(
                "module", BenchGuests.rustGuest("conformance").toString(), "input_mode", inputMode, "memory_pages", 256)), dir));
    }

    @Setup(Level.Iteration)
    public void newArena() {
        if (arena != null) {
            store.release(arena);
        }
        arena = BenchGuests.arena(store);
        byte[] data = new byte[1 << 20];
        new Random(1).nextBytes(data);
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("op", op.equals("sum") ? "sum" : "port");
        input.put("port", "out");
        input.put("data", data);
        FlexValue v = arena.appendValue(0, input);
        context = new BenchGuests.Context(arena, v, null);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    @Benchmark
    public Completion read1MiB() throws Exception {
        Completion c = node.execute(context);
        if (c.kind() != Completion.Kind.EMIT) {
            throw new IllegalStateException(c.message());
        }
        return c;
    }
}
