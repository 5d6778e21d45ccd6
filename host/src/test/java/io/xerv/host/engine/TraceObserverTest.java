package io.xerv.host.engine;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.xerv.arena.ValueCodec;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Observers of a trace hear each change as the engine makes it: every node's runs and outcomes, the
 * trace's suspensions and resumes, and its end, on the trace's context, in order, once each.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TraceObserverTest {

    static Engine engine;
    static Path dir;

    /** Entered, by trace: counted down when a trace's {@code test::gate} starts. */
    static final ConcurrentHashMap<UUID, CountDownLatch> ENTERED = new ConcurrentHashMap<>();
    /** Opened, by trace: a trace's {@code test::gate} returns once the test counts this down. */
    static final ConcurrentHashMap<UUID, CountDownLatch> OPEN = new ConcurrentHashMap<>();

    static CountDownLatch latch(Map<UUID, CountDownLatch> m, UUID trace) {
        return m.computeIfAbsent(trace, k -> new CountDownLatch(1));
    }

    /** Sleeps {@code ms} on the worker pool, then passes its input on. */
    static final NodeFactory NAP_NODE = new NodeFactory() {
        public String type() {
            return "test::nap";
        }

        public Execution execution() {
            return Execution.BLOCKING;
        }

        public Node create(NodeDefinition d) {
            long ms = d.config().get("ms").asLong();
            return ctx -> {
                Thread.sleep(ms);
                return Completion.out(ctx.input());
            };
        }
    };

    /** Waits on the worker pool until the test opens it, then passes its input on. */
    static final NodeFactory GATE_NODE = new NodeFactory() {
        public String type() {
            return "test::gate";
        }

        public Execution execution() {
            return Execution.BLOCKING;
        }

        public Node create(NodeDefinition d) {
            return ctx -> {
                latch(ENTERED, ctx.traceId()).countDown();
                if (!latch(OPEN, ctx.traceId()).await(30, TimeUnit.SECONDS)) {
                    return Completion.fail("the test never opened the gate");
                }
                return Completion.out(ctx.input());
            };
        }
    };

    static final String SLOW = """
            name: slow
            nodes:
              first: {type: test::nap, config: {ms: 20}}
              second: {type: test::nap, config: {ms: 20}}
              last: {type: std::log, config: {message: last}}
            edges:
              - {from: first, to: second}
              - {from: second, to: last}
            """;

    static final String FAST = """
            name: fast
            nodes:
              validate: {type: std::log, config: {message: "order ${trigger.id}"}}
              risky: {type: std::switch, config: {condition: {type: greater_than, field: risk_score, value: 0.8}}}
              flag: {type: std::log, config: {message: flagged}}
              pass: {type: std::log, config: {message: passed}}
            edges:
              - {from: validate, to: risky}
              - {from: risky.true, to: flag}
              - {from: risky.false, to: pass}
            """;

    static final String GATED = """
            name: gated
            nodes:
              first: {type: std::log, config: {message: first}}
              gate: {type: test::gate}
              last: {type: std::log, config: {message: last}}
            edges:
              - {from: first, to: gate}
              - {from: gate, to: last}
            """;

    static final String WAIT = """
            name: approval
            nodes:
              first: {type: std::log, config: {message: first}}
              ask: {type: std::wait, config: {hook_id: "approve-${trace.id}", timeout_ms: 0}}
              approved: {type: std::log, config: {message: approved}}
              rejected: {type: std::log, config: {message: rejected}}
            edges:
              - {from: first, to: ask}
              - {from: ask.out, to: approved}
              - {from: ask.rejected, to: rejected}
            """;

    @BeforeAll
    static void startEngine() throws Exception {
        dir = Files.createTempDirectory("xerv-observer-test");
        engine = start(dir);
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    static Engine start(Path data) {
        List<NodeFactory> factories = new ArrayList<>(new StdPlugin().nodeFactories());
        factories.addAll(List.of(NAP_NODE, GATE_NODE));
        return Engine.start(EngineConfig.defaults(data).withRegistry(new NodeRegistry(factories)).withEventLoops(2));
    }

    static CompiledFlow flow(Engine e, String yaml) throws Exception {
        return e.link(FlowLoader.parse("test.yaml", yaml, e.registry()));
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    /** What an observer heard, one line a call: "node ID STATUS", "status STATUS" or "end STATUS". */
    static final class Heard implements TraceObserver {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final Set<Context> contexts = ConcurrentHashMap.newKeySet();
        /** The port and output (as JSON) of each node's last completed run, read during the call. */
        final Map<String, String> outputs = new ConcurrentHashMap<>();
        final CompletableFuture<TraceReport> end = new CompletableFuture<>();

        @Override
        public void nodeChanged(NodeReport n) {
            contexts.add(Vertx.currentContext());
            lines.add("node " + n.id() + " " + n.status().label());
            if (n.status() == NodeStatus.COMPLETED) {
                outputs.put(n.id(), n.port() + " " + Values.toJson(n.output()));
            }
        }

        @Override
        public void statusChanged(TraceStatus status) {
            contexts.add(Vertx.currentContext());
            lines.add("status " + status.label());
        }

        @Override
        public void ended(TraceReport report) {
            contexts.add(Vertx.currentContext());
            lines.add("end " + report.status().label());
            end.complete(report);
        }

        TraceReport awaitEnd() throws Exception {
            return end.get(20, TimeUnit.SECONDS);
        }

        void awaitLines(int n) throws InterruptedException {
            while (lines.size() < n) {
                Thread.sleep(5);
            }
        }
    }

    /**
     * Starts a trace on a context of the engine's and registers the observers in the same task, before
     * the trace's run is built: they hear it from its first change.
     */
    static TraceHandle startObserved(CompiledFlow flow, String json, TraceObserver... observers) throws Exception {
        ByteBuffer b = ValueCodec.encodeJson(json);
        byte[] payload = new byte[b.remaining()];
        b.get(payload);
        Context ctx = engine.vertx().getOrCreateContext();
        CompletableFuture<TraceHandle> started = new CompletableFuture<>();
        ctx.runOnContext(v -> {
            TraceHandle h = engine.startEncoded(flow, null, payload, ctx);
            for (TraceObserver o : observers) {
                h.observe(o);
            }
            started.complete(h);
        });
        return started.get(20, TimeUnit.SECONDS);
    }

    static void awaitObservers(TraceHandle h, int n) throws Exception {
        while (await(h.observerCount()) != n) {
            Thread.sleep(5);
        }
    }

    @Test
    void eachNodeIsHeardRunningThenCompletedInTheFlowsOrderThenTheEnd() throws Exception {
        Heard heard = new Heard();
        TraceHandle h = startObserved(flow(engine, SLOW), "{\"n\":1}", heard);

        assertThat(heard.awaitEnd().status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(heard.lines).containsExactly(
                "status running",
                "node first running", "node first completed",
                "node second running", "node second completed",
                "node last running", "node last completed",
                "end completed");
        assertThat(heard.outputs).containsEntry("second", "out {\"n\":1}");
        assertThat(heard.contexts).as("every call on the trace's one context").hasSize(1).doesNotContainNull();
        assertThat(await(h.observerCount())).as("a trace drops its observers once it ended").isZero();
    }

    @Test
    void aFastFlowIsHeardRunningForEveryNodeItRuns() throws Exception {
        Heard heard = new Heard();
        startObserved(flow(engine, FAST), "{\"id\":\"o-1\",\"risk_score\":0.93}", heard);

        assertThat(heard.awaitEnd().status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(heard.lines).containsExactly(
                "status running",
                "node validate running", "node validate completed",
                "node risky running", "node risky completed",
                "node pass skipped",
                "node flag running", "node flag completed",
                "end completed");
        assertThat(heard.outputs).containsEntry("risky", "true {\"id\":\"o-1\",\"risk_score\":0.93}");
    }

    @Test
    void aTraceStartedHereHasRunItsInlineNodesBeforeTheCallReturns() throws Exception {
        ByteBuffer b = ValueCodec.encodeJson("{\"id\":\"o-3\",\"risk_score\":0.93}");
        byte[] payload = new byte[b.remaining()];
        b.get(payload);
        Context ctx = engine.vertx().getOrCreateContext();
        Heard heard = new Heard();
        CompiledFlow fast = flow(engine, FAST);
        CompletableFuture<TraceHandle> started = new CompletableFuture<>();
        ctx.runOnContext(v -> {
            TraceHandle h = engine.startEncodedHere(fast, null, payload);
            // Registered in the same task, after the call: the nodes have already run.
            h.observe(heard);
            started.complete(h);
        });
        TraceHandle h = started.get(20, TimeUnit.SECONDS);

        assertThat(heard.awaitEnd().status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(heard.lines).doesNotContain("node validate running", "node risky running", "node flag running");
        assertThat(heard.lines).contains("node validate completed", "node risky completed", "node pass skipped",
                "node flag completed");
        assertThat(heard.lines.getLast()).isEqualTo("end completed");
        assertThat(await(h.completion()).status()).isEqualTo(TraceStatus.COMPLETED);
    }

    @Test
    void aTraceStartedHereOffAnEventLoopIsHandedToOne() throws Exception {
        ByteBuffer b = ValueCodec.encodeJson("{\"id\":\"o-4\",\"risk_score\":0.1}");
        byte[] payload = new byte[b.remaining()];
        b.get(payload);
        TraceHandle h = engine.startEncodedHere(flow(engine, FAST), null, payload);

        TraceReport r = await(h.completion());
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(r.nodes()).extracting(NodeReport::id, NodeReport::status).contains(
                org.assertj.core.groups.Tuple.tuple("pass", NodeStatus.COMPLETED),
                org.assertj.core.groups.Tuple.tuple("flag", NodeStatus.SKIPPED));
    }

    @Test
    void aLateObserverHearsTheStateThenEveryLaterChangeOnce() throws Exception {
        TraceHandle h = engine.start(flow(engine, GATED), null, "{}".getBytes());
        assertThat(latch(ENTERED, h.traceId()).await(20, TimeUnit.SECONDS)).isTrue();

        Heard heard = new Heard();
        h.observe(heard);
        heard.awaitLines(3);
        latch(OPEN, h.traceId()).countDown();

        assertThat(heard.awaitEnd().status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(heard.lines).containsExactly(
                "node first completed", "node gate running", "status running",
                "node gate completed",
                "node last running", "node last completed",
                "end completed");
    }

    @Test
    void anObserverOfAnEndedTraceHearsItsStateAndEnd() throws Exception {
        TraceHandle h = engine.start(flow(engine, GATED), null, "{}".getBytes());
        latch(OPEN, h.traceId()).countDown();
        await(h.completion());

        Heard heard = new Heard();
        h.observe(heard);
        assertThat(heard.awaitEnd().status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(heard.lines).containsExactly(
                "node first completed", "node gate completed", "node last completed", "end completed");
        assertThat(await(h.observerCount())).isZero();
    }

    @Test
    void aSuspensionAndItsResumeAreHeard() throws Exception {
        Heard heard = new Heard();
        TraceHandle h = startObserved(flow(engine, WAIT), "{}", heard);
        assertThat(await(h.settled()).status()).isEqualTo(TraceStatus.SUSPENDED);
        assertThat(heard.lines).containsExactly(
                "status running",
                "node first running", "node first completed",
                "node ask running", "node ask suspended",
                "status suspended");

        await(engine.resume("approve-" + h.traceId(), "approve", Values.mapOf("by", "ann")));
        assertThat(heard.awaitEnd().status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(heard.lines.subList(6, heard.lines.size())).containsExactly(
                "status running",
                "node ask running", "node ask completed",
                "node rejected skipped",
                "node approved running", "node approved completed",
                "end completed");
        assertThat(heard.outputs).containsEntry("ask", "out {\"by\":\"ann\"}");
    }

    @Test
    void aRecoveredTraceIsHeardFromItsStateAfterTheRestart(@TempDir Path data) throws Exception {
        Engine first = start(data);
        UUID id;
        try {
            TraceHandle h = first.start(flow(first, WAIT), null, "{}".getBytes());
            assertThat(await(h.settled()).status()).isEqualTo(TraceStatus.SUSPENDED);
            id = h.traceId();
        } finally {
            first.close();
        }

        Engine second = start(data);
        try {
            CompiledFlow f = flow(second, WAIT);
            List<TraceHandle> recovered = second.recover(s -> Optional.of(f));
            assertThat(recovered).extracting(TraceHandle::traceId).containsExactly(id);
            TraceHandle h = recovered.get(0);
            assertThat(await(h.settled()).status()).isEqualTo(TraceStatus.SUSPENDED);

            Heard heard = new Heard();
            h.observe(heard);
            heard.awaitLines(3);
            assertThat(heard.lines).containsExactly("node first completed", "node ask suspended", "status suspended");

            await(second.resume("approve-" + id, "approve", Values.mapOf("by", "bob")));
            assertThat(heard.awaitEnd().status()).isEqualTo(TraceStatus.COMPLETED);
            assertThat(heard.lines.subList(3, heard.lines.size())).containsExactly(
                    "status running",
                    "node ask running", "node ask completed",
                    "node rejected skipped",
                    "node approved running", "node approved completed",
                    "end completed");
        } finally {
            second.close();
        }
    }

    @Test
    void anObserverThatThrowsIsDroppedAndTheTraceGoesOn() throws Exception {
        AtomicInteger liveCalls = new AtomicInteger();
        TraceObserver throwsOnANode = new TraceObserver() {
            @Override
            public void nodeChanged(NodeReport node) {
                liveCalls.incrementAndGet();
                throw new IllegalStateException("observer bug");
            }
        };
        AtomicInteger snapshotCalls = new AtomicInteger();
        AtomicInteger laterCalls = new AtomicInteger();
        TraceObserver throwsOnTheState = new TraceObserver() {
            @Override
            public void statusChanged(TraceStatus status) {
                snapshotCalls.incrementAndGet();
                throw new IllegalStateException("observer bug");
            }

            @Override
            public void nodeChanged(NodeReport node) {
                laterCalls.incrementAndGet();
            }
        };
        Heard heard = new Heard();
        TraceHandle h = startObserved(flow(engine, FAST), "{\"id\":\"o-2\",\"risk_score\":0.1}",
                throwsOnANode, throwsOnTheState, heard);

        TraceReport done = await(h.completion());
        assertThat(done.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(heard.awaitEnd().status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(heard.lines).containsExactly(
                "status running",
                "node validate running", "node validate completed",
                "node risky running", "node risky completed",
                "node flag skipped",
                "node pass running", "node pass completed",
                "end completed");
        assertThat(liveCalls).as("dropped after its first throw").hasValue(1);
        assertThat(snapshotCalls).hasValue(1);
        assertThat(laterCalls).as("never registered past its snapshot").hasValue(0);
        assertThat(await(h.observerCount())).isZero();
    }

    @Test
    void aClosedObservationHearsNothingMoreAndLeavesTheTrace() throws Exception {
        TraceHandle h = engine.start(flow(engine, GATED), null, "{}".getBytes());
        assertThat(latch(ENTERED, h.traceId()).await(20, TimeUnit.SECONDS)).isTrue();
        Heard heard = new Heard();
        TraceHandle.Observation o = h.observe(heard);
        heard.awaitLines(3);
        assertThat(await(h.observerCount())).isEqualTo(1);

        o.close();
        o.close();
        awaitObservers(h, 0);
        latch(OPEN, h.traceId()).countDown();
        assertThat(await(h.completion()).status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(heard.lines).containsExactly("node first completed", "node gate running", "status running");
    }
}
