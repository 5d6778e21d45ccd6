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
 * Per-call overhead of a trivial pooled JS node, against a Java node doing the same in the same run:
 * passing the input on unchanged (no copy on either side), and returning a small new map (encoded in
 * JS, checked and appended to the arena by the host; the Java node writes the same map). The long
 * warm-up is needed: the Graal compiler runs as Java code that the JVM itself must first compile.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 20, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JsCallBench {

    static final String INPUT = "{\"id\": \"ORD-1\", \"amount\": 12.5, \"customer\": {\"tier\": \"gold\"}}";

    private JsBench bench;
    private Node jsPassThrough;
    private Node jsSmallMap;
    private Node javaPassThrough;
    private Node javaSmallMap;
    private NodeContext ctx;

    @Setup(Level.Trial)
    public void setUp() {
        bench = new JsBench();
        jsPassThrough = JsBench.inline("export default (input) => input;");
        jsSmallMap = JsBench.inline("export default (input) => ({ id: input.id, ok: true });");
        javaPassThrough = c -> Completion.out(c.input());
        javaSmallMap = c -> Completion.out(c.output().write(java.util.Map.of("id", c.input().get("id").asString(), "ok", true)));
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
    public Completion jsPassThrough() {
        return JsBench.call(jsPassThrough, ctx);
    }

    @Benchmark
    public Completion jsSmallMap() {
        return JsBench.call(jsSmallMap, ctx);
    }

    @Benchmark
    public Completion javaPassThroughBaseline() {
        return JsBench.call(javaPassThrough, ctx);
    }

    @Benchmark
    public Completion javaSmallMapBaseline() {
        return JsBench.call(javaSmallMap, ctx);
    }
}
