package io.xerv.bench.wasm;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import io.xerv.arena.Arena;
import io.xerv.arena.ArenaStore;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The cost of one call of a trivial guest (exports that do nothing), single-threaded, in nanoseconds:
 * <ul>
 *   <li>{@code node}: a {@code wasm} node's whole run on a pooled, compiled instance — take an
 *       instance, open the arena window, write the input table through {@code __xerv_alloc}, call
 *       {@code __xerv_execute}, start and stop the time limit, fire {@code out} with null (appended to
 *       the arena), return the instance;
 *   <li>{@code chicoryExport}: the same module's {@code __xerv_execute} called straight through
 *       Chicory's compiled export, the floor any host on Chicory pays;
 *   <li>{@code nodeInterpreter}: the node on Chicory's interpreter.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class WasmCallBench {

    Path dir;
    ArenaStore store;
    Arena arena;
    Node compiled;
    Node interpreted;
    BenchGuests.Context context;
    ExportFunction bareExecute;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("xerv-wasm-bench");
        store = BenchGuests.store(dir.resolve("arenas"));
        Path noop = BenchGuests.write(dir, "noop", BenchGuests.NOOP);
        WasmNodeFactory f = new WasmNodeFactory();
        compiled = f.create(new NodeDefinition("noop", "wasm", Values.of(Map.of("module", noop.toString())), dir));
        interpreted = f.create(new NodeDefinition("noop", "wasm",
                Values.of(Map.of("module", noop.toString(), "machine", "interpreter")), dir));
        Instance bare = BenchGuests.bareInstance(BenchGuests.parse(noop));
        bareExecute = bare.export("__xerv_execute");
    }

    @Setup(Level.Iteration)
    public void newArena() {
        if (arena != null) {
            store.release(arena);
        }
        // Every call appends its null output: a fresh arena per iteration keeps the arena small.
        arena = BenchGuests.arena(store);
        context = new BenchGuests.Context(arena, arena.appendJson(0, "{\"id\":\"o-1\",\"amount\":12.5}".getBytes()), null);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    @Benchmark
    public Completion node() throws Exception {
        return compiled.execute(context);
    }

    @Benchmark
    public long chicoryExport() {
        return bareExecute.apply(4096, 1)[0];
    }

    @Benchmark
    public Completion nodeInterpreter() throws Exception {
        return interpreted.execute(context);
    }
}
