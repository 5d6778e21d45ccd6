package io.xerv.host.recovery;

import io.vertx.core.Future;
import io.xerv.arena.ArenaLayout;
import io.xerv.arena.ArenaStore;
import io.xerv.arena.ConfigBlock;
import io.xerv.host.engine.CompiledFlow;
import io.xerv.host.engine.Engine;
import io.xerv.host.engine.EngineConfig;
import io.xerv.host.engine.NodeReport;
import io.xerv.host.engine.TraceHandle;
import io.xerv.host.engine.TraceLog;
import io.xerv.host.engine.TraceReport;
import io.xerv.host.engine.TraceStatus;
import io.xerv.host.flow.FlowLoader;
import io.xerv.host.plugin.NodeRegistry;
import io.xerv.plugin.Completion;
import io.xerv.plugin.Execution;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.Value;
import io.xerv.plugin.Values;
import io.xerv.std.StdPlugin;
import io.xerv.wal.Wal;
import io.xerv.wal.WalRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Traces survive an engine restart on the same data directory: suspensions come back with their
 * deadlines, completed node runs are read back instead of run again, and the run a restart cut off
 * runs again with its next attempt. The engine is closed cleanly here ({@link CrashTest} kills it);
 * the states only a kill leaves behind are written straight into the arena store and the log.
 */
class RecoveryTest {

    /** Attempts of every run, by "traceId/nodeId/iteration", in the order they ran. */
    static final ConcurrentHashMap<String, List<Integer>> RUNS = new ConcurrentHashMap<>();

    /** Counted down when a trace's {@code test::stall} node starts its first attempt. */
    static final ConcurrentHashMap<UUID, CountDownLatch> STALLED = new ConcurrentHashMap<>();

    static final CountNode.Recorder RECORD = (trace, node, iteration, attempt) ->
            RUNS.computeIfAbsent(trace + "/" + node + "/" + iteration, k -> new CopyOnWriteArrayList<>()).add(attempt);

    /** Attempts of every test::stall run, by "traceId/nodeId/input as JSON" (split items share an iteration). */
    static final ConcurrentHashMap<String, List<Integer>> ITEM_RUNS = new ConcurrentHashMap<>();

    /**
     * Passes its input on, but blocks its first attempt on the worker pool far longer than any test
     * waits, so the engine is closed under it; later attempts return at once. Config {@code at_iteration}
     * and {@code on} (an input, as JSON) narrow the runs that block; by default every first attempt does.
     */
    static final NodeFactory STALL_NODE = new NodeFactory() {
        public String type() {
            return "test::stall";
        }

        public Execution execution() {
            return Execution.BLOCKING;
        }

        public Node create(NodeDefinition d) {
            Value atIteration = d.config().get("at_iteration");
            Value on = d.config().get("on");
            return ctx -> {
                RECORD.ran(ctx.traceId(), ctx.nodeId(), ctx.iteration(), ctx.attempt());
                String input = Values.toJson(ctx.input());
                ITEM_RUNS.computeIfAbsent(ctx.traceId() + "/" + ctx.nodeId() + "/" + input,
                        k -> new CopyOnWriteArrayList<>()).add(ctx.attempt());
                boolean here = (atIteration == null || atIteration.asLong() == ctx.iteration())
                        && (on == null || Values.toJson(on).equals(input));
                if (ctx.attempt() == 1 && here) {
                    STALLED.computeIfAbsent(ctx.traceId(), k -> new CountDownLatch(1)).countDown();
                    Thread.sleep(TimeUnit.MINUTES.toMillis(5));
                }
                return Completion.out(ctx.input());
            };
        }
    };

    static final String WAIT_FLOW = """
            name: approval
            nodes:
              first: {type: test::count}
              ask:
                type: std::wait
                config: {hook_id: "approve-${trace.id}", timeout_ms: TIMEOUT, timeout_action: escalate}
              approved: {type: test::count}
              escalated: {type: test::count}
            edges:
              - {from: first, to: ask}
              - {from: ask.out, to: approved}
              - {from: ask.escalated, to: escalated}
            """;

    static final String STALL_FLOW = """
            name: stall
            nodes:
              first: {type: test::count}
              second: {type: test::count}
              stall: {type: test::stall}
              last: {type: test::count}
            edges:
              - {from: first, to: second}
              - {from: second, to: stall}
              - {from: stall, to: last}
            """;

    @TempDir
    Path dir;

    private final List<Engine> open = new ArrayList<>();

    @AfterEach
    void closeEngines() {
        open.forEach(Engine::close);
    }

    private Engine start(LongSupplier clock) {
        List<NodeFactory> factories = new ArrayList<>(new StdPlugin().nodeFactories());
        factories.add(CountNode.inline(RECORD));
        factories.add(STALL_NODE);
        Engine e = Engine.start(EngineConfig.defaults(dir).withRegistry(new NodeRegistry(factories))
                .withEventLoops(2).withClock(clock));
        open.add(e);
        return e;
    }

    private Engine start() {
        return start(System::currentTimeMillis);
    }

    /** Closes an engine as a clean shutdown does: its log flushes what was queued. */
    private void stop(Engine e) {
        open.remove(e);
        e.close();
    }

    private static CompiledFlow link(Engine e, String yaml) throws Exception {
        return e.link(FlowLoader.parse("test.yaml", yaml, e.registry()));
    }

    /** Finds a flow by the name its traces were started with. */
    private static Function<WalRecord.TraceStart, Optional<CompiledFlow>> resolver(CompiledFlow flow) {
        return start -> start.pipeline().equals(flow.name()) && start.digest().equals(flow.digest())
                ? Optional.of(flow) : Optional.empty();
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static NodeReport node(TraceReport r, String id) {
        return r.nodes().stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
    }

    private static List<Integer> runs(UUID trace, String node) {
        return RUNS.getOrDefault(trace + "/" + node + "/0", List.of());
    }

    /** Starts a trace of the wait flow and returns it once it is suspended. */
    private static TraceHandle suspended(Engine e, CompiledFlow flow) throws Exception {
        TraceHandle h = e.start(flow, null, "{}".getBytes());
        await(h.started());
        assertThat(await(h.settled()).status()).isEqualTo(TraceStatus.SUSPENDED);
        return h;
    }

    private static TraceHandle only(List<TraceHandle> handles) {
        assertThat(handles).hasSize(1);
        return handles.get(0);
    }

    @Test
    void suspendedTraceSurvivesARestartAndCompletesWhenResumed() throws Exception {
        Engine first = start();
        UUID id = suspended(first, link(first, WAIT_FLOW.replace("TIMEOUT", "0"))).traceId();
        stop(first);

        Engine second = start();
        CompiledFlow flow = link(second, WAIT_FLOW.replace("TIMEOUT", "0"));
        assertThat(second.unfinishedTraces()).extracting(TraceLog::traceId).containsExactly(id);
        TraceHandle h = only(second.recover(resolver(flow)));
        assertThat(h.traceId()).isEqualTo(id);
        assertThat(await(h.settled()).status()).isEqualTo(TraceStatus.SUSPENDED);
        String hook = "approve-" + id;
        assertThat(second.suspendedHooks()).containsExactly(hook);

        await(second.resume(hook, "approve", Values.mapOf("by", "ann")));
        TraceReport done = await(h.completion());
        assertThat(done.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(done, "ask").port()).isEqualTo("out");
        assertThat(Values.toJson(node(done, "ask").output())).isEqualTo("{\"by\":\"ann\"}");
        assertThat(runs(id, "first")).as("a run completed before the restart").containsExactly(1);
        assertThat(runs(id, "approved")).containsExactly(1);
        assertThat(runs(id, "escalated")).isEmpty();
        assertThat(second.suspendedHooks()).isEmpty();
    }

    @Test
    void waitWhoseTimeoutPassedWhileTheEngineWasDownTimesOutAtOnce() throws Exception {
        Engine first = start();
        UUID id = suspended(first, link(first, WAIT_FLOW.replace("TIMEOUT", "60000"))).traceId();
        stop(first);

        // Two minutes of downtime, seen through the clock: the wait's deadline has passed.
        Engine second = start(() -> System.currentTimeMillis() + 120_000);
        CompiledFlow flow = link(second, WAIT_FLOW.replace("TIMEOUT", "60000"));
        long t0 = System.nanoTime();
        TraceReport done = await(only(second.recover(resolver(flow))).completion());
        long tookMillis = (System.nanoTime() - t0) / 1_000_000;

        assertThat(done.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(done, "ask").port()).isEqualTo("escalated");
        assertThat(runs(id, "escalated")).containsExactly(1);
        assertThat(runs(id, "first")).containsExactly(1);
        assertThat(tookMillis).as("ms from recover() to the timeout").isLessThan(5_000);
    }

    @Test
    void waitKeepsItsDeadlineAcrossARestart() throws Exception {
        Engine first = start();
        UUID id = suspended(first, link(first, WAIT_FLOW.replace("TIMEOUT", "60000"))).traceId();
        stop(first);

        // 59.5 s of the minute passed while down: half a second is left, not a fresh minute.
        Engine second = start(() -> System.currentTimeMillis() + 59_500);
        CompiledFlow flow = link(second, WAIT_FLOW.replace("TIMEOUT", "60000"));
        TraceHandle h = only(second.recover(resolver(flow)));
        assertThat(await(h.settled()).status()).isIn(TraceStatus.SUSPENDED, TraceStatus.COMPLETED);
        TraceReport done = await(h.completion());

        assertThat(done.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(done, "ask").port()).isEqualTo("escalated");
        assertThat(runs(id, "escalated")).containsExactly(1);
    }

    @Test
    void completedRunsAreNotRepeatedAndTheInterruptedRunRunsAgainWithItsNextAttempt() throws Exception {
        Engine first = start();
        TraceHandle started = first.start(link(first, STALL_FLOW), null, "{\"odd\":true}".getBytes());
        UUID id = started.traceId();
        await(started.started());
        assertThat(STALLED.computeIfAbsent(id, k -> new CountDownLatch(1)).await(20, TimeUnit.SECONDS)).isTrue();
        stop(first);

        Engine second = start();
        CompiledFlow flow = link(second, STALL_FLOW);
        assertThat(second.unfinishedTraces()).singleElement().satisfies(log -> {
            assertThat(log.traceId()).isEqualTo(id);
            assertThat(log.completedRuns()).as("first and second completed").isEqualTo(2);
        });
        TraceReport done = await(only(second.recover(resolver(flow))).completion());

        assertThat(done.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(runs(id, "first")).containsExactly(1);
        assertThat(runs(id, "second")).containsExactly(1);
        assertThat(runs(id, "stall")).containsExactly(1, 2);
        assertThat(runs(id, "last")).containsExactly(1);
        assertThat(node(done, "stall").attempts()).isEqualTo(2);
        // first, second and last each add a hop; the outputs of the first two were read back.
        assertThat(CountNode.hops(done.result())).isEqualTo(3);
        assertThat(Values.toJson(done.result().get("odd"))).isEqualTo("true");
    }

    static final String RESUMED_FLOW = """
            name: resumed
            nodes:
              ask: {type: std::wait, config: {hook_id: "resume-${trace.id}"}}
              stall: {type: test::stall}
              last: {type: test::count}
            edges:
              - {from: ask.rejected, to: stall}
              - {from: stall, to: last}
            """;

    @Test
    void resumedWaitIsNotAskedAgainWhenTheRunAfterItWasCutOff() throws Exception {
        Engine first = start();
        UUID id = suspended(first, link(first, RESUMED_FLOW)).traceId();
        await(first.resume("resume-" + id, "reject", Values.mapOf("reason", "too big")));
        assertThat(STALLED.computeIfAbsent(id, k -> new CountDownLatch(1)).await(20, TimeUnit.SECONDS)).isTrue();
        stop(first);

        Engine second = start();
        CompiledFlow flow = link(second, RESUMED_FLOW);
        TraceHandle h = only(second.recover(resolver(flow)));
        assertThat(await(h.settled()).status()).as("not suspended again").isEqualTo(TraceStatus.COMPLETED);
        TraceReport done = await(h.completion());

        assertThat(node(done, "ask").port()).isEqualTo("rejected");
        assertThat(node(done, "ask").output().get("reason").asString()).as("read back from the arena").isEqualTo("too big");
        assertThat(runs(id, "stall")).containsExactly(1, 2);
        assertThat(runs(id, "last")).containsExactly(1);
        assertThat(second.suspendedHooks()).isEmpty();
    }

    static final String LOOP_FLOW = """
            name: looped
            nodes:
              rep: {type: std::loop, config: {max_iterations: 4}}
              body: {type: test::count}
              gate: {type: test::stall, config: {at_iteration: 2}}
              after: {type: test::count}
            edges:
              - {from: rep.continue, to: body}
              - {from: body, to: gate}
              - {from: gate, to: rep, loop_back: true}
              - {from: rep.exit, to: after}
            """;

    @Test
    void loopIterationsThatCompletedAreNotRepeated() throws Exception {
        Engine first = start();
        UUID id = first.start(link(first, LOOP_FLOW), null, "{}".getBytes()).traceId();
        assertThat(STALLED.computeIfAbsent(id, k -> new CountDownLatch(1)).await(20, TimeUnit.SECONDS)).isTrue();
        stop(first);

        Engine second = start();
        TraceReport done = await(only(second.recover(resolver(link(second, LOOP_FLOW)))).completion());

        assertThat(done.status()).isEqualTo(TraceStatus.COMPLETED);
        for (int i = 0; i < 4; i++) {
            assertThat(RUNS.get(id + "/body/" + i)).as("body, iteration %d", i).containsExactly(1);
            assertThat(RUNS.get(id + "/gate/" + i)).as("gate, iteration %d", i).containsExactly(i == 2 ? new Integer[] {1, 2} : new Integer[] {1});
        }
        assertThat(runs(id, "after")).containsExactly(1);
        assertThat(node(done, "body").runs()).isEqualTo(4);
        // each pass adds a hop to the value coming back, and after adds one
        assertThat(CountNode.hops(done.result())).isEqualTo(5);
    }

    static final String SPLIT_FLOW = """
            name: items
            nodes:
              each: {type: std::split, config: {mode: sequential}}
              work: {type: test::stall, config: {on: 3}}
            edges:
              - {from: each.out, to: work}
            """;

    @Test
    void splitItemsThatCompletedAreNotRepeated() throws Exception {
        Engine first = start();
        UUID id = first.start(link(first, SPLIT_FLOW), null, "[1, 2, 3, 4]".getBytes()).traceId();
        assertThat(STALLED.computeIfAbsent(id, k -> new CountDownLatch(1)).await(20, TimeUnit.SECONDS)).isTrue();
        stop(first);

        Engine second = start();
        TraceReport done = await(only(second.recover(resolver(link(second, SPLIT_FLOW)))).completion());

        assertThat(done.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(Values.toJson(done.result())).isEqualTo("[1,2,3,4]");
        assertThat(ITEM_RUNS.get(id + "/work/1")).containsExactly(1);
        assertThat(ITEM_RUNS.get(id + "/work/2")).containsExactly(1);
        assertThat(ITEM_RUNS.get(id + "/work/3")).containsExactly(1, 2);
        assertThat(ITEM_RUNS.get(id + "/work/4")).containsExactly(1);
    }

    @Test
    void noTraceIsUnfinishedAfterEveryTraceCompleted() throws Exception {
        Engine first = start();
        CompiledFlow stall = link(first, STALL_FLOW);
        List<TraceHandle> handles = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            TraceHandle h = first.start(stall, null, "{}".getBytes());
            handles.add(h);
            await(h.started());
        }
        UUID waiting = suspended(first, link(first, WAIT_FLOW.replace("TIMEOUT", "0"))).traceId();
        for (TraceHandle h : handles) {
            // Let each stalled trace go past the stall: it is unfinished when the engine stops.
            assertThat(STALLED.computeIfAbsent(h.traceId(), k -> new CountDownLatch(1)).await(20, TimeUnit.SECONDS)).isTrue();
        }
        stop(first);

        Engine second = start();
        CompiledFlow stall2 = link(second, STALL_FLOW);
        CompiledFlow wait2 = link(second, WAIT_FLOW.replace("TIMEOUT", "0"));
        assertThat(second.unfinishedTraces()).hasSize(21);
        List<TraceHandle> recovered = second.recover(start -> Optional.of(start.pipeline().equals("stall") ? stall2 : wait2));
        assertThat(recovered).hasSize(21);
        for (TraceHandle h : recovered) {
            if (h.traceId().equals(waiting)) {
                await(h.settled());
                await(second.resume("approve-" + waiting, "approve", Values.NULL));
            }
        }
        for (TraceHandle h : recovered) {
            assertThat(await(h.completion()).status()).isEqualTo(TraceStatus.COMPLETED);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(await(second.start(wait2, null, "{}".getBytes()).settled()).status()).isEqualTo(TraceStatus.SUSPENDED);
        }
        second.suspendedHooks().forEach(hook -> second.resume(hook, "reject", Values.NULL));
        assertThat(second.unfinishedTraces()).isEmpty();
        waitUntil(() -> second.liveTraces() == 0);
        stop(second);

        Engine third = start();
        assertThat(third.unfinishedTraces()).isEmpty();
        assertThat(third.recover(start -> Optional.empty())).isEmpty();
    }

    @Test
    void traceWhoseFlowIsNotFoundStaysUnfinished() throws Exception {
        Engine first = start();
        UUID id = suspended(first, link(first, WAIT_FLOW.replace("TIMEOUT", "0"))).traceId();
        stop(first);

        Engine second = start();
        assertThat(second.recover(start -> Optional.empty())).isEmpty();
        assertThat(second.unfinishedTraces()).extracting(TraceLog::traceId).containsExactly(id);
        assertThat(second.suspendedHooks()).isEmpty();

        // A later call that finds the flow recovers it.
        CompiledFlow flow = link(second, WAIT_FLOW.replace("TIMEOUT", "0"));
        TraceHandle h = only(second.recover(resolver(flow)));
        assertThat(await(h.settled()).status()).isEqualTo(TraceStatus.SUSPENDED);
        assertThat(second.unfinishedTraces()).isEmpty();
    }

    @Test
    void recoveryOfManyUnfinishedTracesReportsItsTime() throws Exception {
        int traces = 500;
        Engine first = start();
        CompiledFlow flow = link(first, WAIT_FLOW.replace("TIMEOUT", "0"));
        List<TraceHandle> handles = new ArrayList<>();
        for (int i = 0; i < traces; i++) {
            handles.add(first.start(flow, null, "{}".getBytes()));
        }
        for (TraceHandle h : handles) {
            assertThat(await(h.settled()).status()).isEqualTo(TraceStatus.SUSPENDED);
        }
        stop(first);

        Engine second = start();
        CompiledFlow flow2 = link(second, WAIT_FLOW.replace("TIMEOUT", "0"));
        assertThat(second.unfinishedTraces()).hasSize(traces);
        assertThat(second.recoveryMillis()).as("before recover()").isEqualTo(-1);
        List<TraceHandle> recovered = second.recover(resolver(flow2));
        assertThat(second.recoveryMillis()).isGreaterThanOrEqualTo(0);
        for (TraceHandle h : recovered) {
            assertThat(await(h.settled()).status()).isEqualTo(TraceStatus.SUSPENDED);
        }
        assertThat(second.suspendedHooks()).hasSize(traces);
        System.out.printf("recovery of %d suspended traces: WAL scan %d ms (%d records), recover() %d ms%n", traces,
                second.wal().recovery().nanos() / 1_000_000, second.wal().recovery().records(),
                second.recoveryMillis());
    }

    /**
     * A kill between a new trace's arena and its durable TraceStart leaves an arena marked active that
     * no WAL record names: nothing will recover it, so it must not hold its slot for ever.
     */
    @Test
    void arenaOfATraceWhoseStartNeverBecameDurableDoesNotStayActive() throws Exception {
        UUID orphan = UUID.randomUUID();
        try (ArenaStore store = ArenaStore.open(dir.resolve("arenas"), ArenaStore.Config.DEFAULT)) {
            store.create(orphan, new ConfigBlock("approval", "", "0", "manual", new byte[0]));
        }

        Engine e = start();
        assertThat(e.unfinishedTraces()).isEmpty();
        e.recover(start -> Optional.empty());

        assertThat(e.arenas().find(orphan).filter(a -> a.state() == ArenaLayout.STATE_ACTIVE))
                .as("the arena of a trace the WAL never acknowledged").isEmpty();
    }

    /**
     * A kill between a trace's durable TraceComplete and marking its arena finished leaves the arena
     * active, though the trace ended: nothing will finish it, so it must not hold its slot for ever.
     */
    @Test
    void arenaOfATraceThatEndedDoesNotStayActive() throws Exception {
        UUID ended = UUID.randomUUID();
        try (ArenaStore store = ArenaStore.open(dir.resolve("arenas"), ArenaStore.Config.DEFAULT)) {
            store.create(ended, new ConfigBlock("approval", "", "0", "manual", new byte[0]));
        }
        try (Wal wal = Wal.open(dir.resolve("wal"), Wal.Config.DEFAULT)) {
            CountDownLatch durable = new CountDownLatch(2);
            wal.append(new WalRecord.TraceStart(ended, 1, "approval", "", "0", "manual", 0, 0), null,
                    (lsn, err) -> durable.countDown());
            wal.append(new WalRecord.TraceComplete(ended, 2), null, (lsn, err) -> durable.countDown());
            assertThat(durable.await(20, TimeUnit.SECONDS)).isTrue();
        }

        Engine e = start();
        assertThat(e.unfinishedTraces()).isEmpty();
        e.recover(start -> Optional.empty());

        assertThat(e.arenas().find(ended).filter(a -> a.state() == ArenaLayout.STATE_ACTIVE))
                .as("the arena of a trace the WAL shows ended").isEmpty();
    }

    private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting").isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
