package io.xerv.host.engine;

import io.xerv.host.flow.FlowException;
import io.xerv.host.flow.FlowLoader;
import io.xerv.host.plugin.NodeRegistry;
import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.NodeFactory;
import io.xerv.std.StdPlugin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine's {@link EngineConfig.Limits} and the execution timeout, as a trace meets them. */
class TraceLimitsTest {

    static Engine engine;
    static Path dir;

    static final int NODE_OUTPUT = 64 << 10;
    static final int TRACE = 256 << 10;
    static final int LOG_LINE = 256;

    /** Writes a string of {@code bytes} characters. */
    static final NodeFactory WRITE_NODE = new NodeFactory() {
        public String type() {
            return "test::write";
        }

        public Node create(NodeDefinition d) {
            int n = (int) d.config().get("bytes").asLong();
            return ctx -> Completion.out(ctx.output().write("w".repeat(n)));
        }
    };

    /** Returns a heap string of {@code bytes} characters (the engine writes it). */
    static final NodeFactory RETURN_NODE = new NodeFactory() {
        public String type() {
            return "test::return";
        }

        public Node create(NodeDefinition d) {
            int n = (int) d.config().get("bytes").asLong();
            return ctx -> Completion.out(io.xerv.plugin.Values.of("r".repeat(n)));
        }
    };

    /** Busy for {@code ms} on the event loop (an inline node that is slow). */
    static final NodeFactory SPIN_NODE = new NodeFactory() {
        public String type() {
            return "test::spin";
        }

        public Node create(NodeDefinition d) {
            long ms = d.config().get("ms").asLong();
            return ctx -> {
                long end = System.nanoTime() + ms * 1_000_000L;
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                return Completion.out(ctx.input());
            };
        }
    };

    /** Logs one line of a million characters. */
    static final NodeFactory SHOUT_NODE = new NodeFactory() {
        public String type() {
            return "test::shout";
        }

        public Node create(NodeDefinition d) {
            return ctx -> {
                ctx.log().info("s".repeat(1_000_000));
                return Completion.out(ctx.input());
            };
        }
    };

    @BeforeAll
    static void startEngine() throws Exception {
        dir = Files.createTempDirectory("xerv-limits-test");
        List<NodeFactory> factories = new ArrayList<>(new StdPlugin().nodeFactories());
        factories.addAll(List.of(WRITE_NODE, RETURN_NODE, SPIN_NODE, SHOUT_NODE));
        engine = Engine.start(EngineConfig.defaults(dir).withRegistry(new NodeRegistry(factories)).withEventLoops(2)
                .withLimits(new EngineConfig.Limits(NODE_OUTPUT, TRACE, LOG_LINE)));
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    static CompiledFlow flow(String yaml) throws FlowException {
        return engine.link(FlowLoader.parse("test.yaml", yaml, engine.registry()));
    }

    static TraceReport complete(TraceHandle h) throws Exception {
        return h.completion().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    static NodeReport node(TraceReport r, String id) {
        return r.nodes().stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void aThousandMergesEachOfThePreviousTwoFailAtTheNodeOutputLimitNamingTheNode() throws Exception {
        StringBuilder y = new StringBuilder("name: merges\nnodes:\n");
        StringBuilder e = new StringBuilder("edges:\n");
        int n = 1000;
        for (int i = 0; i < n; i++) {
            y.append("  m").append(i).append(": {type: std::merge}\n");
            if (i == 1) {
                e.append("  - {from: m0, to: m1}\n");
            } else if (i > 1) {
                e.append("  - {from: m").append(i - 1).append(", to: m").append(i).append("}\n");
                e.append("  - {from: m").append(i - 2).append(", to: m").append(i).append("}\n");
            }
        }
        CompiledFlow f = flow(y.append(e).toString());
        TraceReport r = complete(engine.start(f, null, ("{\"s\":\"" + "p".repeat(1000) + "\"}").getBytes()));
        assertThat(r.status()).isEqualTo(TraceStatus.FAILED);
        assertThat(r.error()).matches("node 'm\\d+' failed: a value of more than \\d+ bytes is over the limit of "
                + NODE_OUTPUT + " bytes per node output \\(limits.node_output_bytes\\)");
        String failed = r.error().substring(r.error().indexOf('\'') + 1, r.error().indexOf("' failed"));
        assertThat(Integer.parseInt(failed.substring(1))).as("fails within a few doublings").isLessThan(20);
        assertThat(node(r, "m" + (n - 1)).status()).isEqualTo(NodeStatus.PENDING);
        io.xerv.arena.Arena a = engine.arenas.find(r.traceId()).orElseThrow();
        assertThat(a.writeOffset() - a.dataStart()).isLessThanOrEqualTo(TRACE);
    }

    @Test
    void aNodeOverTheOutputLimitFiresItsErrorPort() throws Exception {
        CompiledFlow f = flow("""
                name: big_handled
                nodes:
                  big: {type: test::write, config: {bytes: 70000}}
                  handle: {type: std::log, config: {message: "handled"}}
                  next: {type: std::log}
                edges:
                  - {from: big.error, to: handle}
                  - {from: big, to: next}
                """);
        TraceReport r = complete(engine.start(f, null, "{}".getBytes()));
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(r, "big").status()).isEqualTo(NodeStatus.FAILED);
        assertThat(node(r, "big").error()).contains("limits.node_output_bytes").contains(String.valueOf(NODE_OUTPUT));
        assertThat(node(r, "handle").status()).isEqualTo(NodeStatus.COMPLETED);
        assertThat(node(r, "next").status()).isEqualTo(NodeStatus.SKIPPED);
    }

    @Test
    void aHeapValueOverTheOutputLimitFailsTheNodeThatReturnedIt() throws Exception {
        CompiledFlow f = flow("""
                name: big_returned
                nodes:
                  big: {type: test::return, config: {bytes: 70000}}
                """);
        TraceReport r = complete(engine.start(f, null, "{}".getBytes()));
        assertThat(r.status()).isEqualTo(TraceStatus.FAILED);
        assertThat(r.error()).startsWith("node 'big' failed: ").contains("limits.node_output_bytes");
    }

    @Test
    void aTraceOverItsArenaLimitFailsTheNodeThatWouldCrossIt() throws Exception {
        StringBuilder y = new StringBuilder("name: filler\nnodes:\n");
        StringBuilder e = new StringBuilder("edges:\n");
        for (int i = 0; i < 10; i++) {
            y.append("  w").append(i).append(": {type: test::write, config: {bytes: 40000}}\n");
            if (i > 0) {
                e.append("  - {from: w").append(i - 1).append(", to: w").append(i).append("}\n");
            }
        }
        TraceReport r = complete(engine.start(flow(y.append(e).toString()), null, "{}".getBytes()));
        assertThat(r.status()).isEqualTo(TraceStatus.FAILED);
        assertThat(r.error()).startsWith("node 'w6' failed: ").contains("limits.trace_bytes").contains(String.valueOf(TRACE));
        assertThat(node(r, "w5").status()).isEqualTo(NodeStatus.COMPLETED);
        assertThat(node(r, "w7").status()).isEqualTo(NodeStatus.PENDING);
    }

    @Test
    void theExecutionTimeoutIsCheckedBeforeEveryNode() throws Exception {
        CompiledFlow f = flow("""
                name: slow_chain
                nodes:
                  slow: {type: test::spin, config: {ms: 300}}
                  check: {type: std::switch, config: {condition: {type: matches, field: s, value: "^a+$"}}}
                  after: {type: std::log}
                edges:
                  - {from: slow, to: check}
                  - {from: check.true, to: after}
                settings:
                  execution_timeout_ms: 50
                """);
        TraceReport r = complete(engine.start(f, null, "{\"s\":\"aaa\"}".getBytes()));
        assertThat(r.status()).isEqualTo(TraceStatus.FAILED);
        assertThat(r.error()).isEqualTo("execution timed out after 50 ms (settings.execution_timeout_ms)");
        assertThat(node(r, "slow").status()).isEqualTo(NodeStatus.COMPLETED);
        assertThat(node(r, "check").status()).as("no node starts past the deadline").isEqualTo(NodeStatus.PENDING);
        assertThat(node(r, "after").status()).isEqualTo(NodeStatus.PENDING);
    }

    @Test
    void aHugeLogLineFromAnyNodeIsCutByTheEngine() throws Exception {
        CompiledFlow f = flow("""
                name: shout
                nodes:
                  shout: {type: test::shout}
                """);
        TraceReport r = complete(engine.start(f, null, "{}".getBytes()));
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        String line = node(r, "shout").logs().get(0);
        assertThat(line).startsWith("INFO " + "s".repeat(LOG_LINE))
                .endsWith("\u2026(truncated " + (1_000_000 - LOG_LINE) + " characters)");
    }

    @Test
    void capLineKeepsWholeCharactersWithinTheByteLimit() {
        String euro = "\u20ac".repeat(100); // 3 bytes each
        String cut = RunContext.capLine(euro, 64);
        assertThat(cut).startsWith("\u20ac".repeat(21)).endsWith("\u2026(truncated 79 characters)");
        assertThat(RunContext.capLine("short", 64)).isEqualTo("short");
    }

    @Test
    void aSplitWhoseResultsTogetherAreOverTheNodeOutputLimitFailsNamingTheSplit() throws Exception {
        CompiledFlow f = flow("""
                name: split_big
                nodes:
                  split: {type: std::split, config: {field: items, mode: parallel}}
                  fill: {type: test::write, config: {bytes: 20000}}
                  after: {type: std::log}
                edges:
                  - {from: split.out, to: fill}
                  - {from: split.done, to: after}
                """);
        TraceReport r = complete(engine.start(f, null, "{\"items\":[1,2,3,4]}".getBytes()));
        assertThat(r.status()).isEqualTo(TraceStatus.FAILED);
        assertThat(r.error()).startsWith("node 'split' failed: its list of results does not fit: ")
                .contains("limits.node_output_bytes");
        assertThat(node(r, "after").status()).isEqualTo(NodeStatus.PENDING);
    }
}
