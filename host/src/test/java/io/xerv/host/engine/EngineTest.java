package io.xerv.host.engine;

import io.xerv.host.flow.FlowException;
import io.xerv.host.flow.FlowLoader;
import io.xerv.host.plugin.NodeRegistry;
import io.xerv.plugin.Completion;
import io.xerv.plugin.Execution;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.Values;
import io.xerv.std.StdPlugin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineTest {

    static Engine engine;
    static Path dir;
    static final ConcurrentHashMap<UUID, AtomicInteger> FLAKY = new ConcurrentHashMap<>();
    static final ConcurrentHashMap<String, Boolean> VIRTUAL = new ConcurrentHashMap<>();

    /** Fails its first `failures` attempts in each trace, then passes its input on. */
    static final NodeFactory FLAKY_NODE = new NodeFactory() {
        public String type() {
            return "test::flaky";
        }

        public Node create(NodeDefinition d) {
            long failures = d.config().get("failures").asLong();
            return ctx -> FLAKY.computeIfAbsent(ctx.traceId(), k -> new AtomicInteger()).incrementAndGet() <= failures
                    ? Completion.fail("flaky failure on attempt " + ctx.attempt())
                    : Completion.out(ctx.input());
        }
    };

    /** Sleeps on the worker pool, recording whether it ran on a virtual thread. */
    static final NodeFactory SLEEP_NODE = new NodeFactory() {
        public String type() {
            return "test::sleep";
        }

        public Execution execution() {
            return Execution.BLOCKING;
        }

        public Node create(NodeDefinition d) {
            long ms = d.config().get("ms").asLong();
            return ctx -> {
                VIRTUAL.put(ctx.traceId() + "/" + ctx.nodeId(), Thread.currentThread().isVirtual());
                Thread.sleep(ms);
                return Completion.out(ctx.output().write(Map.of("slept", ms)));
            };
        }
    };

    /** Throws a NullPointerException. */
    static final NodeFactory BOOM_NODE = new NodeFactory() {
        public String type() {
            return "test::boom";
        }

        public Node create(NodeDefinition d) {
            return ctx -> {
                Object o = null;
                return Completion.out(Values.of(o.toString()));
            };
        }
    };

    @BeforeAll
    static void startEngine() throws Exception {
        dir = Files.createTempDirectory("xerv-engine-test");
        List<NodeFactory> factories = new ArrayList<>(new StdPlugin().nodeFactories());
        factories.addAll(List.of(FLAKY_NODE, SLEEP_NODE, BOOM_NODE));
        engine = Engine.start(EngineConfig.defaults(dir).withRegistry(new NodeRegistry(factories)).withEventLoops(2));
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    static CompiledFlow flow(String yaml) throws FlowException {
        return engine.link(FlowLoader.parse("test.yaml", yaml, engine.registry()));
    }

    static TraceReport settle(TraceHandle h) throws Exception {
        return h.settled().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    static TraceReport complete(TraceHandle h) throws Exception {
        return h.completion().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    static NodeReport node(TraceReport r, String id) {
        return r.nodes().stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
    }

    static final String WAIT_FLOW = """
            name: approval
            nodes:
              ask:
                type: std::wait
                config: {hook_id: "approve-${trace.id}", timeout_ms: TIMEOUT, timeout_action: escalate}
              approved: {type: std::log, config: {message: approved}}
              rejected: {type: std::log, config: {message: rejected}}
              escalated: {type: std::log, config: {message: escalated}}
            edges:
              - {from: ask.out, to: approved}
              - {from: ask.rejected, to: rejected}
              - {from: ask.escalated, to: escalated}
            """;

    @Test
    void waitSuspendsAndApproveResumesOnTheOutPort() throws Exception {
        CompiledFlow f = flow(WAIT_FLOW.replace("TIMEOUT", "0"));
        TraceHandle h = engine.start(f, null, "{\"order\":7}".getBytes());
        TraceReport suspended = settle(h);
        assertThat(suspended.status()).isEqualTo(TraceStatus.SUSPENDED);
        String hook = "approve-" + h.traceId();
        assertThat(suspended.suspendedHooks()).containsExactly(hook);
        assertThat(engine.suspendedHooks()).contains(hook);

        engine.resume(hook, "approve", Values.mapOf("by", "ann")).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        TraceReport done = complete(h);
        assertThat(done.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(done, "ask").port()).isEqualTo("out");
        assertThat(Values.toJson(node(done, "approved").output())).isEqualTo("{\"by\":\"ann\"}");
        assertThat(node(done, "rejected").status()).isEqualTo(NodeStatus.SKIPPED);
        assertThat(engine.suspendedHooks()).doesNotContain(hook);
    }

    @Test
    void rejectFiresTheRejectedPort() throws Exception {
        CompiledFlow f = flow(WAIT_FLOW.replace("TIMEOUT", "0"));
        TraceHandle h = engine.start(f, null, "{}".getBytes());
        settle(h);
        engine.resume("approve-" + h.traceId(), "Rejected", Values.mapOf("reason", "too big"))
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        TraceReport done = complete(h);
        assertThat(node(done, "ask").port()).isEqualTo("rejected");
        assertThat(node(done, "rejected").status()).isEqualTo(NodeStatus.COMPLETED);
        assertThat(node(done, "approved").status()).isEqualTo(NodeStatus.SKIPPED);
    }

    @Test
    void timeoutAppliesTheTimeoutAction() throws Exception {
        CompiledFlow f = flow(WAIT_FLOW.replace("TIMEOUT", "50"));
        TraceReport done = complete(engine.start(f, null, "{}".getBytes()));
        assertThat(done.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(done, "ask").port()).isEqualTo("escalated");
        assertThat(node(done, "escalated").status()).isEqualTo(NodeStatus.COMPLETED);
    }

    @Test
    void resumeRejectsUnknownHooksAndDecisions() throws Exception {
        assertThatThrownBy(() -> engine.resume("nope", "approve", Values.NULL).toCompletionStage().toCompletableFuture().get())
                .hasMessageContaining("no suspension with hook id 'nope'");
        CompiledFlow f = flow(WAIT_FLOW.replace("TIMEOUT", "0"));
        TraceHandle h = engine.start(f, null, "{}".getBytes());
        settle(h);
        String hook = "approve-" + h.traceId();
        assertThatThrownBy(() -> engine.resume(hook, "maybe", Values.NULL).toCompletionStage().toCompletableFuture().get())
                .hasMessageContaining("decision 'maybe' is not one of [approve, escalate, reject]");
        // still waiting, and cancellable
        assertThat(engine.suspendedHooks()).contains(hook);
        engine.cancel(h.traceId(), "test").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(complete(h).status()).isEqualTo(TraceStatus.CANCELLED);
        assertThat(engine.suspendedHooks()).doesNotContain(hook);
    }

    @Test
    void retriesRunTheNodeAgainUntilItSucceeds() throws Exception {
        CompiledFlow f = flow("""
                name: retry
                nodes:
                  flaky: {type: test::flaky, config: {failures: 2}, retry: {max_attempts: 3, initial_delay_ms: 1, jitter: false}}
                """);
        TraceReport r = complete(engine.start(f, null, "{\"x\":1}".getBytes()));
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(r, "flaky").attempts()).isEqualTo(3);
        assertThat(node(r, "flaky").runs()).isEqualTo(1);
    }

    @Test
    void exhaustedRetriesFireTheErrorPort() throws Exception {
        CompiledFlow f = flow("""
                name: retry_error
                nodes:
                  flaky: {type: test::flaky, config: {failures: 5}, retry: {max_attempts: 2, initial_delay_ms: 1}}
                  handle: {type: std::log, config: {message: "handled ${flaky.error}"}}
                  next: {type: std::log}
                edges:
                  - {from: flaky.error, to: handle}
                  - {from: flaky, to: next}
                """);
        TraceReport r = complete(engine.start(f, null, "{}".getBytes()));
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        NodeReport flaky = node(r, "flaky");
        assertThat(flaky.status()).isEqualTo(NodeStatus.FAILED);
        assertThat(flaky.attempts()).isEqualTo(2);
        assertThat(flaky.error()).isEqualTo("flaky failure on attempt 2");
        assertThat(node(r, "handle").logs()).containsExactly("INFO handled flaky failure on attempt 2");
        assertThat(node(r, "next").status()).isEqualTo(NodeStatus.SKIPPED);
    }

    @Test
    void aFailureWithoutAnErrorEdgeFailsTheTraceAndNamesTheNode() throws Exception {
        CompiledFlow f = flow("""
                name: boom
                nodes:
                  boom: {type: test::boom}
                  after: {type: std::log}
                edges:
                  - {from: boom, to: after}
                """);
        TraceReport r = complete(engine.start(f, null, "{}".getBytes()));
        assertThat(r.status()).isEqualTo(TraceStatus.FAILED);
        assertThat(r.error()).startsWith("node 'boom' failed: java.lang.NullPointerException");
        assertThat(node(r, "after").status()).isEqualTo(NodeStatus.PENDING);
        assertThat(r.result()).isNull();
    }

    @Test
    void blockingNodesRunOnVirtualThreadsAndTimeOut() throws Exception {
        CompiledFlow f = flow("""
                name: slow
                nodes:
                  quick: {type: test::sleep, config: {ms: 1}}
                  slow: {type: test::sleep, config: {ms: 10000}, timeout_ms: 100}
                edges:
                  - {from: quick, to: slow}
                """);
        TraceHandle h = engine.start(f, null, "{}".getBytes());
        TraceReport r = complete(h);
        assertThat(VIRTUAL.get(h.traceId() + "/quick")).isTrue();
        assertThat(r.status()).isEqualTo(TraceStatus.FAILED);
        assertThat(node(r, "quick").status()).isEqualTo(NodeStatus.COMPLETED);
        assertThat(node(r, "slow").error()).isEqualTo("timed out after 100 ms (timeout_ms)");
    }

    @Test
    void executionTimeoutFailsALongTrace() throws Exception {
        CompiledFlow f = flow("""
                name: too_slow
                nodes:
                  slow: {type: test::sleep, config: {ms: 10000}}
                settings: {execution_timeout_ms: 100}
                """);
        TraceReport r = complete(engine.start(f, null, "{}".getBytes()));
        assertThat(r.status()).isEqualTo(TraceStatus.FAILED);
        assertThat(r.error()).contains("execution timed out after 100 ms");
    }

    @Test
    void loopRunsItsBodyUntilMaxIterations() throws Exception {
        CompiledFlow f = flow("""
                name: loop
                nodes:
                  loop: {type: std::loop, config: {max_iterations: 4}}
                  body: {type: std::log, config: {message: "pass ${trace.id}"}}
                  after: {type: std::log, config: {message: done}}
                edges:
                  - {from: loop.continue, to: body}
                  - {from: body, to: loop, loop_back: true}
                  - {from: loop.exit, to: after}
                """);
        TraceReport r = complete(engine.start(f, null, "{\"n\":1}".getBytes()));
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(r, "body").runs()).isEqualTo(4);
        assertThat(node(r, "loop").runs()).isEqualTo(5);
        assertThat(node(r, "loop").port()).isEqualTo("exit");
        assertThat(Values.toJson(r.result())).isEqualTo("{\"n\":1}");
    }

    @Test
    void parallelSplitKeepsItemOrderInItsResults() throws Exception {
        CompiledFlow f = flow("""
                name: split
                nodes:
                  split: {type: std::split, config: {field: items, mode: parallel}}
                  nap: {type: test::sleep, config: {ms: 5}}
                  shape: {type: std::map, config: {mappings: [{from: slept, to: ms}]}}
                  total: {type: std::aggregate, config: {operation: count, array: "", output_field: n}}
                edges:
                  - {from: split.out, to: nap}
                  - {from: nap, to: shape}
                  - {from: split.done, to: total}
                """);
        TraceReport r = complete(engine.start(f, null, "{\"items\":[1,2,3,4,5]}".getBytes()));
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(r, "nap").runs()).isEqualTo(5);
        assertThat(Values.toJson(node(r, "split").output())).isEqualTo("[{\"ms\":5},{\"ms\":5},{\"ms\":5},{\"ms\":5},{\"ms\":5}]");
        assertThat(node(r, "split").port()).isEqualTo("done");
    }

    @Test
    void badStartRequestsAreRejectedWithAMessage() throws Exception {
        CompiledFlow f = flow("""
                name: two
                triggers:
                  - {id: a, type: manual}
                  - {id: b, type: manual}
                nodes:
                  x: {type: std::log}
                """);
        assertThatThrownBy(() -> engine.start(f, null, "{}".getBytes()))
                .hasMessageContaining("several triggers (a, b); pick one with --trigger");
        assertThatThrownBy(() -> engine.start(f, "c", "{}".getBytes()))
                .hasMessageContaining("has no trigger 'c'; triggers: a, b");
        assertThatThrownBy(() -> engine.start(f, "a", "{\"x\":".getBytes()))
                .hasMessageContaining("malformed JSON");
        assertThat(complete(engine.start(f, "b", "[1]".getBytes())).status()).isEqualTo(TraceStatus.COMPLETED);
    }
}
