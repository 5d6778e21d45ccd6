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
 * Decoding a 1 MiB input through the SDK inside the host: the input is an arena entry handed to JS
 * as a view (no copy); one node reads one field of every record lazily, the other decodes the whole
 * value into plain objects. bench/js/node-bench.mjs does the same over the same bytes in Node.js.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 15, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JsDecodeBench {

    /** Records of about 140 bytes of FlexBuffers each; 1 MiB in all (checked in setUp). */
    static String input() {
        StringBuilder sb = new StringBuilder("{\"records\":[");
        for (int i = 0; i < RECORDS; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"id\":\"R-").append(i).append("\",\"amount\":").append(i % 1000).append(".25")
                    .append(",\"customer\":{\"country\":\"").append(i % 2 == 0 ? "FR" : "US").append("\",\"tier\":")
                    .append(i % 5).append("},\"tags\":[\"a").append(i % 7).append("\",\"b\"]}");
        }
        return sb.append("]}").toString();
    }

    static final int RECORDS = 7400;

    /** Writes the input's FlexBuffers bytes (as the host encodes them) to a file, for bench/js/node-bench.mjs. */
    public static void main(String[] args) throws java.io.IOException {
        java.nio.ByteBuffer b = io.xerv.arena.ValueCodec.encodeJson(input());
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        java.nio.file.Files.write(java.nio.file.Path.of(args[0]), bytes);
    }

    private JsBench bench;
    private Node sumOneField;
    private Node decodeAll;
    private NodeContext ctx;

    @Setup(Level.Trial)
    public void setUp() {
        bench = new JsBench();
        sumOneField = JsBench.inline("""
                export default (input) => {
                  let sum = 0;
                  for (const r of input.records) sum += r.amount;
                  return sum;
                };
                """);
        decodeAll = JsBench.inline("""
                import { toJS } from '@xerv/sdk-js-guest';
                export default (input) => toJS(input).records.length;
                """);
        ctx = bench.trace(input());
        int size = ((io.xerv.arena.FlexValue) ctx.input()).ptr().size();
        if (size < 1_000_000 || size > 1_150_000) {
            throw new IllegalStateException("the input is " + size + " bytes, not about 1 MiB");
        }
    }

    @Setup(Level.Iteration)
    public void newTrace() {
        ctx = bench.trace(input());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        bench.close();
    }

    @Benchmark
    public Completion lazySumOfOneFieldPerRecord() {
        return JsBench.call(sumOneField, ctx);
    }

    @Benchmark
    public Completion decodeWholeValue() {
        return JsBench.call(decodeAll, ctx);
    }
}
