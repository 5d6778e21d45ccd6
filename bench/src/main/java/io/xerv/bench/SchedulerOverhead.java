package io.xerv.bench;

import io.vertx.core.Context;
import io.xerv.arena.ValueCodec;
import io.xerv.host.engine.CompiledFlow;
import io.xerv.host.engine.Engine;
import io.xerv.host.engine.TraceReport;
import io.xerv.plugin.Completion;
import io.xerv.plugin.Input;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeContext;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.NodeLog;
import io.xerv.plugin.OutputWriter;
import io.xerv.plugin.Resumption;
import io.xerv.plugin.Value;
import io.xerv.plugin.Values;
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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * What the scheduler costs per node: flows that are a chain of {@code length} std nodes of one type,
 * run on one event loop. The cost of one more node is {@code (t(32) - t(1)) / 31}, measured two ways:
 * {@link #chainSequential} runs traces one after another on the loop (each started by the previous
 * one's completion callback), which is the latency of a trace on an idle loop without the thread
 * hand-offs that dominate a single trace started from outside; {@link #chainBatch} keeps 256 traces
 * in flight from the benchmark thread, which is the cost per trace under load.
 *
 * <p>Baselines in the same run: {@link #runOnContextRoundTrip}, the floor of any single trace started
 * from another thread (submit a task to an event loop, wait for it); {@link #runOnContextChain}, one
 * task hop on the loop, the floor of {@link #chainSequential}; and {@link #directExecute}, one
 * {@code execute()} of the same node on a context built here, the node's own work without the
 * scheduler.
 */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 3, time = 2)
public class SchedulerOverhead {

    static final int BATCH = 2_000;
    static final int IN_FLIGHT = 256;

    /** The order the chains receive. */
    static final String PAYLOAD = "{\"id\":\"ord-1001\",\"customer\":{\"id\":\"c-17\",\"name\":\"Ada Lovelace\"},"
            + "\"amount\":25.49,\"currency\":\"EUR\",\"risk_score\":0.05}";

    /** The config of one node of each chain type, as YAML (flow) and as plain Java (direct calls). */
    public enum NodeKind {
        /** A log line with a fixed message; passes the input on. */
        LOG("std::log", "      message: step\n", Map.of("message", "step")),
        /** A condition on a field read in place; passes the input on through port {@code true}. */
        SWITCH("std::switch", "      condition: {type: greater_or_equal, field: risk_score, value: 0}\n",
                Map.of("condition", Map.of("type", "greater_or_equal", "field", "risk_score", "value", 0))),
        /** A new three-field map written to the arena. */
        MAP("std::map", "      mappings:\n"
                + "        - {from: id, to: id}\n"
                + "        - {from: amount, to: amount}\n"
                + "        - {from: risk_score, to: risk_score}\n",
                Map.of("mappings", List.of(Map.of("from", "id", "to", "id"), Map.of("from", "amount", "to", "amount"),
                        Map.of("from", "risk_score", "to", "risk_score"))));

        final String type;
        final String yamlConfig;
        final Map<String, Object> config;

        NodeKind(String type, String yamlConfig, Map<String, Object> config) {
            this.type = type;
            this.yamlConfig = yamlConfig;
            this.config = config;
        }

        String outPort() {
            return this == SWITCH ? ".true" : "";
        }

        /** A flow: trigger {@code manual} -> n0 -> n1 -> ... -> n(length-1). */
        String chainYaml(int length) {
            StringBuilder y = new StringBuilder(256 + length * 128);
            y.append("name: chain_").append(name().toLowerCase()).append('_').append(length).append('\n');
            y.append("version: \"1\"\n");
            y.append("triggers:\n  - id: manual\n    type: manual\n");
            y.append("nodes:\n");
            for (int i = 0; i < length; i++) {
                y.append("  n").append(i).append(":\n    type: ").append(type).append("\n    config:\n").append(yamlConfig);
            }
            y.append("edges:\n  - from: manual\n    to: n0\n");
            for (int i = 1; i < length; i++) {
                y.append("  - from: n").append(i - 1).append(outPort()).append("\n    to: n").append(i).append('\n');
            }
            return y.toString();
        }
    }

    @State(Scope.Benchmark)
    public static class Chain {
        @Param({"LOG", "SWITCH", "MAP"})
        NodeKind node;

        @Param({"1", "32"})
        int length;

        /** The write-ahead log is written but not synced, so the chains measure the scheduler, not the disk. */
        @Param({"none"})
        String durability;

        Path dataDir;
        Engine engine;
        CompiledFlow flow;
        byte[][] payloads = {PAYLOAD.getBytes(StandardCharsets.UTF_8)};

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            dataDir = Files.createTempDirectory("xerv-bench-chain");
            engine = BenchSupport.startEngine(dataDir, 1, durability);
            flow = BenchSupport.load(engine, dataDir, "chain", node.chainYaml(length));
            TraceReport r = BenchSupport.runOne(engine, flow, payloads[0]);
            long ran = r.nodes().stream().filter(n -> n.runs() == 1).count();
            if (ran != length) {
                throw new IllegalStateException("expected " + length + " nodes to run, " + ran + " did: " + r.toJson());
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            engine.close();
            BenchSupport.deleteTree(dataDir);
        }
    }

    @State(Scope.Benchmark)
    public static class Loop {
        Path dataDir;
        Engine engine;
        Context context;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            dataDir = Files.createTempDirectory("xerv-bench-loop");
            engine = BenchSupport.startEngine(dataDir, 1, "none");
            context = engine.vertx().getOrCreateContext();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            engine.close();
            BenchSupport.deleteTree(dataDir);
        }
    }

    @State(Scope.Thread)
    public static class Direct {
        @Param({"LOG", "SWITCH", "MAP"})
        NodeKind node;

        Node instance;
        DirectContext context;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            Path dir = Files.createTempDirectory("xerv-bench-direct");
            try (Engine engine = BenchSupport.startEngine(dir, 1, "none")) {
                instance = engine.registry().find(node.type).orElseThrow()
                        .create(new NodeDefinition("n0", node.type, Values.of(node.config)));
            } finally {
                BenchSupport.deleteTree(dir);
            }
            // Configs without selectors are encoded once at deploy time, as the linker does.
            context = new DirectContext(ValueCodec.parseJson(PAYLOAD), ValueCodec.toHeap(node.config));
            Completion c = instance.execute(context);
            if (c.kind() != Completion.Kind.EMIT) {
                throw new IllegalStateException(node + " did not emit: " + c);
            }
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(BATCH)
    public void chainSequential(Chain s) throws Exception {
        BenchSupport.runSequential(s.engine, s.flow, s.payloads[0], BATCH);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(BATCH)
    public void chainBatch(Chain s) throws InterruptedException {
        BenchSupport.runBatch(s.engine, s.flow, s.payloads, BATCH, IN_FLIGHT);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public Object runOnContextRoundTrip(Loop s) throws Exception {
        CompletableFuture<Object> done = new CompletableFuture<>();
        s.context.runOnContext(v -> done.complete(v));
        return done.get(BenchSupport.TRACE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(BATCH)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public void runOnContextChain(Loop s) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        hop(s.context, BATCH, done);
        done.get(BenchSupport.TRACE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private static void hop(Context context, int remaining, CompletableFuture<Void> done) {
        context.runOnContext(v -> {
            if (remaining == 1) {
                done.complete(null);
            } else {
                hop(context, remaining - 1, done);
            }
        });
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public Completion directExecute(Direct s) throws Exception {
        return s.instance.execute(s.context);
    }

    /**
     * A node context with a fixed input and config; output goes to a heap buffer and log lines to a
     * field. Confined to the benchmark thread.
     */
    static final class DirectContext implements NodeContext {
        private static final UUID TRACE = new UUID(1, 2);

        private final Value input;
        private final Value config;
        private final OutputWriter writer = ValueCodec::toHeap;
        private final NodeLog log = (level, message) -> this.lastLine = message;
        private final RandomGenerator random = new java.util.SplittableRandom(1);
        String lastLine;

        DirectContext(Value input, Value config) {
            this.input = input;
            this.config = config;
        }

        @Override
        public UUID traceId() {
            return TRACE;
        }

        @Override
        public String nodeId() {
            return "n0";
        }

        @Override
        public int attempt() {
            return 1;
        }

        @Override
        public int iteration() {
            return 0;
        }

        @Override
        public long deadlineMillis() {
            return Long.MAX_VALUE;
        }

        @Override
        public Value input() {
            return input;
        }

        @Override
        public Value input(String port) {
            return port.equals("in") ? input : null;
        }

        @Override
        public List<Input> inputs() {
            return List.of(new Input("manual", "out", "in", input));
        }

        @Override
        public Value config() {
            return config;
        }

        @Override
        public Resumption resumption() {
            return null;
        }

        @Override
        public OutputWriter output() {
            return writer;
        }

        @Override
        public NodeLog log() {
            return log;
        }

        @Override
        public long currentTimeMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public RandomGenerator random() {
            return random;
        }

        @Override
        public UUID randomUuid() {
            return new UUID(random.nextLong(), random.nextLong());
        }
    }
}
