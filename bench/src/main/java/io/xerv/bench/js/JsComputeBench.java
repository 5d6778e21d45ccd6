package io.xerv.bench.js;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeContext;
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

import java.util.concurrent.TimeUnit;

/**
 * A compute-heavy JS node in the host: the SDK's mandelbrot example (160x120 points, 500 iterations,
 * the Rust example's sample input) called through the js node type with a real arena. bench/js/run.sh
 * runs it once with the Graal compiler and once without, and times the same function in Node.js.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 12, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JsComputeBench {

    static final String INPUT = "{\"width\": 160, \"height\": 120, \"max_iter\": 500}";

    private JsBench bench;
    private Node node;
    private NodeContext ctx;

    @Setup(Level.Trial)
    public void setUp() {
        bench = new JsBench();
        node = JsBench.script("sdk-js-guest/examples/mandelbrot.js");
        ctx = bench.trace(INPUT);
    }

    @Setup(Level.Iteration)
    public void newTrace() {
        ctx = bench.trace(INPUT);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        bench.close();
    }

    @Benchmark
    public Completion mandelbrot160x120x500() {
        return JsBench.call(node, ctx);
    }
}
