package io.xerv.bench.wasm;

import com.dylibso.chicory.runtime.ExportFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * A compute-heavy guest on Chicory's compiler: the Rust SDK's mandelbrot example, its exported
 * {@code mandelbrot(width, height, max_iter)} called directly, in milliseconds. bench/wasm/v8.mjs
 * times the same export of the same {@code .wasm} file on Node's V8 for comparison.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class WasmComputeBench {

    @Param({"400"})
    int size;

    @Param({"500"})
    int maxIter;

    ExportFunction mandelbrot;

    @Setup
    public void setUp() {
        mandelbrot = BenchGuests.bareInstance(BenchGuests.parse(BenchGuests.rustGuest("mandelbrot"))).export("mandelbrot");
    }

    @Benchmark
    public long mandelbrotCompiled() {
        return mandelbrot.apply(size, size, maxIter)[0];
    }
}
