package io.xerv.bench;

import io.xerv.host.engine.CompiledFlow;
import io.xerv.host.engine.Engine;
import io.xerv.host.engine.TraceReport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Traces per second of the example order-processing flow ({@code examples/flows/order_processing.yaml}:
 * log, switch on the risk score, one of two logs, merge, log) started in process, as a trigger would.
 *
 * <p>{@link #batch} keeps {@value #IN_FLIGHT} traces in flight and counts a batch of {@value #BATCH}
 * as that many operations, so the score is traces per second. {@link #singleTrace} runs one trace at
 * a time: its percentiles are the latency of an idle engine, including the hand-off from the caller's
 * thread to the event loop and back.
 *
 * <p>{@link Memory} runs with the write-ahead log written but never synced ({@code none}), which
 * measures the engine; {@link Durable} with the engine's default, {@code fsync} (group commit), which
 * measures the engine on this machine's disk.
 */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-Xms2g", "-Xmx2g"})
public class OrderFlowThroughput {

    static final int BATCH = 10_000;
    static final int DURABLE_BATCH = 1_000;
    static final int IN_FLIGHT = 1024;

    /** An engine with the order flow loaded; stops it at the end of the trial. */
    static final class OrderEngine {
        Path dataDir;
        Engine engine;
        CompiledFlow flow;
        byte[][] payloads;
        int next;

        void start(int eventLoops, String durability) throws Exception {
            dataDir = Files.createTempDirectory("xerv-bench-order");
            engine = BenchSupport.startEngine(dataDir, eventLoops, durability);
            flow = engine.load(BenchSupport.repoRoot().resolve("examples/flows/order_processing.yaml"));
            payloads = BenchSupport.orderPayloads();
            // Fail fast, before any measurement, when the flow does not complete.
            for (byte[] p : payloads) {
                BenchSupport.runOne(engine, flow, p);
            }
        }

        TraceReport runOne() throws Exception {
            next = (next + 1) % payloads.length;
            return BenchSupport.runOne(engine, flow, payloads[next]);
        }

        void stop() {
            System.out.println("wal: " + engine.wal().metrics());
            engine.close();
            BenchSupport.deleteTree(dataDir);
        }
    }

    @State(Scope.Benchmark)
    public static class Memory {
        @Param({"1", "2"})
        int eventLoops;

        final OrderEngine order = new OrderEngine();

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            order.start(eventLoops, "none");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            order.stop();
        }
    }

    @State(Scope.Benchmark)
    public static class Durable {
        @Param({"1", "2"})
        int eventLoops;

        final OrderEngine order = new OrderEngine();

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            order.start(eventLoops, "fsync");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            order.stop();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    @Warmup(iterations = 5, time = 2)
    @Measurement(iterations = 4, time = 2)
    public void batch(Memory s) throws InterruptedException {
        BenchSupport.runBatch(s.order.engine, s.order.flow, s.order.payloads, BATCH, IN_FLIGHT);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 4, time = 2)
    @Measurement(iterations = 3, time = 2)
    public TraceReport singleTrace(Memory s) throws Exception {
        return s.order.runOne();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(DURABLE_BATCH)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 3, time = 2)
    public void batchFsync(Durable s) throws InterruptedException {
        BenchSupport.runBatch(s.order.engine, s.order.flow, s.order.payloads, DURABLE_BATCH, IN_FLIGHT);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 3, time = 2)
    public TraceReport singleTraceFsync(Durable s) throws Exception {
        return s.order.runOne();
    }
}
