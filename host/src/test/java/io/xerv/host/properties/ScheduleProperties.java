package io.xerv.host.properties;

import io.xerv.host.engine.CompiledFlow;
import io.xerv.host.engine.Engine;
import io.xerv.host.engine.EngineConfig;
import io.xerv.host.engine.NodeReport;
import io.xerv.host.engine.NodeStatus;
import io.xerv.host.engine.TraceReport;
import io.xerv.host.engine.TraceStatus;
import io.xerv.host.properties.RandomDag.Expected;
import io.xerv.host.properties.RandomDag.Kind;
import io.xerv.plugin.Value;
import io.xerv.plugin.Values;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of the scheduler (DESIGN.md, "Scheduler") over random flows run by the real engine:
 * acyclic flows of {@code test::probe} nodes (see {@link ProbePlugin}), switches and merges; loops of
 * probes; splits over random lists. Probes journal each run with sequence numbers, so the order in
 * which nodes ran can be checked against the edges; {@link RandomDag#expected()} predicts every
 * node's port and value independently of the engine.
 *
 * <p>One engine serves every try; each flow is written to a YAML file and loaded as a user's would be.
 */
class ScheduleProperties {

    private static Path dir;
    private static Engine engine;

    @BeforeContainer
    static void startEngine() throws IOException {
        dir = Files.createTempDirectory("xerv-schedule-properties");
        // The properties are about scheduling; durability has its own tests.
        engine = Engine.start(EngineConfig.defaults(dir).withDurability(io.xerv.wal.Durability.NONE));
    }

    @AfterContainer
    static void stopEngine() throws IOException {
        if (engine != null) {
            engine.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    // ---- random acyclic flows ----

    @Property(tries = 150)
    void everyRandomFlowCompletes(@ForAll("dags") RandomDag dag) throws Exception {
        Outcome o = run(dag.yaml(), dag.payloadJson());
        assertCompleted(o);
        assertThat(o.report().nodes()).allSatisfy(n -> assertThat(n.status())
                .as("status of %s", n.id()).isIn(NodeStatus.COMPLETED, NodeStatus.SKIPPED));
    }

    @Property(tries = 150)
    void completedNodesRunExactlyOnce(@ForAll("dags") RandomDag dag) throws Exception {
        Outcome o = run(dag.yaml(), dag.payloadJson());
        assertCompleted(o);
        for (int i = 0; i < dag.nodes().size(); i++) {
            NodeReport n = o.node(RandomDag.id(i));
            if (n.status() == NodeStatus.COMPLETED) {
                assertThat(n.runs()).as("runs of %s", n.id()).isEqualTo(1);
                if (dag.nodes().get(i).isProbe()) {
                    assertThat(o.runsOf(n.id())).as("journal of %s", n.id()).hasSize(1);
                }
            }
        }
    }

    @Property(tries = 150)
    void completedNodesRunAfterEveryCompletedUpstreamNode(@ForAll("dags") RandomDag dag) throws Exception {
        Outcome o = run(dag.yaml(), dag.payloadJson());
        assertCompleted(o);
        BitSet[] ancestors = dag.ancestors();
        for (Journal.Run p : o.runs()) {
            int pi = index(p.nodeId());
            for (int q = ancestors[pi].nextSetBit(0); q >= 0; q = ancestors[pi].nextSetBit(q + 1)) {
                String qid = RandomDag.id(q);
                if (dag.nodes().get(q).isProbe() && o.node(qid).status() == NodeStatus.COMPLETED) {
                    assertThat(o.runsOf(qid)).as("journal of %s", qid).hasSize(1);
                    assertThat(o.runsOf(qid).get(0).end()).as("%s must end before its descendant %s starts", qid, p.nodeId())
                            .isLessThan(p.start());
                }
            }
        }
    }

    @Property(tries = 150)
    void skippedNodesNeverRun(@ForAll("dags") RandomDag dag) throws Exception {
        Outcome o = run(dag.yaml(), dag.payloadJson());
        assertCompleted(o);
        for (NodeReport n : o.report().nodes()) {
            if (n.status() == NodeStatus.SKIPPED) {
                assertThat(o.runsOf(n.id())).as("journal of skipped %s", n.id()).isEmpty();
                assertThat(n.runs()).as("runs of skipped %s", n.id()).isZero();
                assertThat(n.port()).as("port of skipped %s", n.id()).isNull();
            }
        }
    }

    @Property(tries = 150)
    void aNodeIsSkippedExactlyWhenNoIncomingEdgeFired(@ForAll("dags") RandomDag dag) throws Exception {
        Outcome o = run(dag.yaml(), dag.payloadJson());
        assertCompleted(o);
        for (int j = 0; j < dag.nodes().size(); j++) {
            List<RandomDag.EdgeSpec> in = dag.incoming(j);
            boolean fired = in.isEmpty() || in.stream().anyMatch(e -> {
                NodeReport src = o.node(RandomDag.id(e.from()));
                return src.status() == NodeStatus.COMPLETED && e.port().equals(src.port());
            });
            // A disabled node is skipped whatever reaches it.
            boolean live = fired && dag.nodes().get(j).enabled();
            assertThat(o.node(RandomDag.id(j)).status()).as("status of %s", RandomDag.id(j))
                    .isEqualTo(live ? NodeStatus.COMPLETED : NodeStatus.SKIPPED);
        }
    }

    @Property(tries = 150)
    void nodesFireThePortAndValueTheModelPredicts(@ForAll("dags") RandomDag dag) throws Exception {
        Outcome o = run(dag.yaml(), dag.payloadJson());
        assertCompleted(o);
        List<Expected> expected = dag.expected();
        for (int j = 0; j < expected.size(); j++) {
            Expected e = expected.get(j);
            String id = RandomDag.id(j);
            NodeReport n = o.node(id);
            assertThat(n.port()).as("port of %s", id).isEqualTo(e.port());
            if (e.ran()) {
                assertThat(json(n.output())).as("output of %s", id).isEqualTo(Values.toJson(e.output()));
            }
            if (e.seen() != null) {
                assertThat(o.runsOf(id)).as("journal of %s", id).singleElement()
                        .satisfies(r -> assertThat(r.seen()).as("probes seen by %s", id).isEqualTo(e.seen()));
            }
        }
    }

    @Property(tries = 100)
    void rerunningAFlowWithTheSameInputGivesTheSameReport(@ForAll("dags") RandomDag dag) throws Exception {
        CompiledFlow flow = load(dag.yaml());
        Outcome first = run(flow, dag.payloadJson());
        Outcome second = run(flow, dag.payloadJson());
        assertCompleted(first);
        assertCompleted(second);
        assertThat(summary(second.report())).isEqualTo(summary(first.report()));
    }

    @Property(tries = 100)
    void probesOnTheWorkerPoolGiveTheSameReportAsInlineProbes(@ForAll("dags") RandomDag dag) throws Exception {
        Outcome inline = run(dag.withProbes(Kind.PROBE).yaml(), dag.payloadJson());
        Outcome blocking = run(dag.withProbes(Kind.BLOCKING_PROBE).yaml(), dag.payloadJson());
        assertCompleted(inline);
        assertCompleted(blocking);
        assertThat(summary(blocking.report())).isEqualTo(summary(inline.report()));
    }

    // ---- loops ----

    @Property(tries = 100)
    void loopBodiesRunOncePerIteration(@ForAll("loops") LoopFlow loop) throws Exception {
        checkLoop(loop);
    }

    /*
     * FAILS as of this writing: an engine bug, reported to the lead. Side probes are body nodes that do
     * not lead back to the loop. The engine starts the next iteration as soon as the loop-back edge
     * fires, while a side probe of the current iteration may still be queued or running: a blocking
     * side probe's results are then dropped as stale (it runs k times but the report says runs=1), and
     * an inline one sees the next iteration's number in NodeContext.iteration(). Minimal flows are in
     * the lead's report. Kept on purpose: the body of a loop must run once per iteration, whole.
     */
    @Property(tries = 100)
    void loopBodiesWithSideBranchesRunOncePerIteration(@ForAll("loopsWithSideBranches") LoopFlow loop)
            throws Exception {
        checkLoop(loop);
    }

    private static void checkLoop(LoopFlow loop) throws Exception {
        Outcome o = run(loop.yaml(), "{\"x\": 1}");
        assertCompleted(o);
        int k = loop.maxIterations();
        assertThat(o.node("loop").runs()).as("runs of the loop node").isEqualTo(k + 1);
        assertThat(o.node("loop").port()).as("last port of the loop node").isEqualTo("exit");
        List<Integer> iterations = IntStream.range(0, k).boxed().toList();
        for (int b = 0; b < loop.bodySize(); b++) {
            String id = loop.body(b);
            assertThat(o.runsOf(id).stream().map(Journal.Run::iteration).toList()).as("iterations of %s", id)
                    .isEqualTo(iterations);
            assertThat(o.node(id).runs()).as("runs of %s", id).isEqualTo(k);
        }
        // Within an iteration the body follows its edges, and sees what they carry.
        for (int it = 0; it < k; it++) {
            for (int b = 0; b < loop.bodySize(); b++) {
                String id = loop.body(b);
                Journal.Run r = o.runsOf(id).get(it);
                Set<String> seen = new TreeSet<>();
                for (String[] e : loop.edges()) {
                    if (!e[1].equals(id)) {
                        continue;
                    }
                    if (e[0].equals(LoopFlow.CONTINUE)) {
                        seen.add(it == 0 ? "start" : loop.last());
                    } else {
                        seen.add(e[0]);
                        assertThat(o.runsOf(e[0]).get(it).end())
                                .as("iteration %d: %s ends before %s starts", it, e[0], id)
                                .isLessThan(r.start());
                    }
                }
                assertThat(r.seen()).as("iteration %d: probes seen by %s", it, id).isEqualTo(seen);
            }
        }
        for (int it = 1; it < k; it++) {
            assertThat(maxEnd(o, loop, it - 1)).as("iteration %d ends before iteration %d starts", it - 1, it)
                    .isLessThan(minStart(o, loop, it));
        }
        assertThat(o.runsOf("after")).as("journal of after").hasSize(1);
        Journal.Run after = o.runsOf("after").get(0);
        assertThat(after.seen()).as("after sees the value that came back last").containsExactly(loop.last());
        assertThat(maxEnd(o, loop, k - 1)).as("the body ends before after starts").isLessThan(after.start());
    }

    // ---- splits ----

    @Property(tries = 100)
    void splitBodiesRunOncePerItem(@ForAll("splits") SplitFlow split) throws Exception {
        Outcome o = run(split.yaml(), split.payloadJson());
        assertCompleted(o);
        int n = split.items().size();
        List<Integer> tags = IntStream.range(0, n).boxed().toList();
        for (int b = 0; b < split.bodySize(); b++) {
            String id = SplitFlow.body(b);
            assertThat(o.node(id).runs()).as("runs of %s", id).isEqualTo(n);
            assertThat(o.runsOf(id).stream().map(Journal.Run::tag).sorted().toList()).as("items seen by %s", id)
                    .isEqualTo(tags);
        }
        for (int k = 0; k < n; k++) {
            for (int[] e : split.bodyEdges()) {
                if (e[0] >= 0) {
                    assertThat(item(o, SplitFlow.body(e[0]), k).end())
                            .as("item %d: %s ends before %s starts", k, SplitFlow.body(e[0]), SplitFlow.body(e[1]))
                            .isLessThan(item(o, SplitFlow.body(e[1]), k).start());
                }
            }
        }
        int window = switch (split.mode()) {
            case "sequential" -> 1;
            case "batched" -> split.batchSize();
            default -> Integer.MAX_VALUE;
        };
        if (window < Integer.MAX_VALUE) {
            // Items run in batches of `window`: a batch ends before the next one starts.
            for (int k = window; k < n; k += window) {
                long prevEnd = Long.MIN_VALUE;
                long nextStart = Long.MAX_VALUE;
                for (int b = 0; b < split.bodySize(); b++) {
                    for (Journal.Run r : o.runsOf(SplitFlow.body(b))) {
                        if (r.tag() < k) {
                            prevEnd = Math.max(prevEnd, r.end());
                        } else if (r.tag() < k + window) {
                            nextStart = Math.min(nextStart, r.start());
                        }
                    }
                }
                assertThat(prevEnd).as("items before %d end before items from %d start (%s)", k, k, split.mode())
                        .isLessThan(nextStart);
            }
        }
    }

    @Property(tries = 100)
    void splitDoneHoldsOneResultPerItem(@ForAll("splits") SplitFlow split) throws Exception {
        Outcome o = run(split.yaml(), split.payloadJson());
        assertCompleted(o);
        NodeReport each = o.node("each");
        assertThat(each.port()).as("last port of each").isEqualTo("done");
        assertThat(each.output().size()).as("results on done").isEqualTo(split.items().size());
        assertThat(json(each.output())).as("results on done").isEqualTo(Values.toJson(split.expectedDone()));
        assertThat(o.runsOf("after")).as("journal of after").singleElement().satisfies(after -> {
            Set<String> sinks = new TreeSet<>();
            if (!split.items().isEmpty()) {
                split.sinks().forEach(s -> sinks.add(SplitFlow.body(s)));
            }
            assertThat(after.seen()).as("probes seen by after").isEqualTo(sinks);
            for (Journal.Run r : o.runs()) {
                if (r != after) {
                    assertThat(r.end()).as("%s (item %d) ends before after starts", r.nodeId(), r.tag())
                            .isLessThan(after.start());
                }
            }
        });
    }

    // ---- generators ----

    @Provide
    Arbitrary<RandomDag> dags() {
        Arbitrary<RandomDag.NodeSpec> node = Combinators.combine(
                Arbitraries.frequency(Tuple.of(6, Kind.PROBE), Tuple.of(1, Kind.BLOCKING_PROBE),
                        Tuple.of(4, Kind.SWITCH), Tuple.of(2, Kind.MERGE)),
                digit(),
                Arbitraries.of(RandomDag.CONDITIONS),
                digit(),
                uniform(0, 19).map(i -> i < 19)).as(RandomDag.NodeSpec::new);
        // Present in 85% of cases; shrinks towards absent edges.
        Arbitrary<RandomDag.Link> link = Combinators.combine(
                uniform(0, 24),
                uniform(0, 24),
                Arbitraries.of(true, false),
                uniform(0, 99).map(p -> p >= 15)).as(RandomDag.Link::new);
        return Combinators.combine(
                node.list().ofMinSize(3).ofMaxSize(25),
                link.list().ofSize(25),
                link.list().ofMaxSize(15),
                digit()).as(RandomDag::build);
    }

    @Provide
    Arbitrary<LoopFlow> loops() {
        return loops(0);
    }

    @Provide
    Arbitrary<LoopFlow> loopsWithSideBranches() {
        return loops(1);
    }

    private static Arbitrary<LoopFlow> loops(int minSides) {
        Arbitrary<int[]> shortcut = Combinators.combine(digit(), digit()).as((a, b) -> new int[] {a, b});
        return Combinators.combine(
                uniform(1, 5),
                uniform(1, 5),
                shortcut.list().ofMaxSize(4),
                digit().list().ofMinSize(minSides).ofMaxSize(minSides == 0 ? 0 : 3),
                blocking().list().ofSize(8)).as(LoopFlow::build);
    }

    @Provide
    Arbitrary<SplitFlow> splits() {
        Arbitrary<int[]> extra = Combinators.combine(digit(), digit()).as((a, b) -> new int[] {a, b});
        return Combinators.combine(
                digit().list().ofMaxSize(8),
                uniform(1, 4),
                digit().list().ofSize(4),
                extra.list().ofMaxSize(3),
                Arbitraries.of("sequential", "parallel", "batched"),
                uniform(1, 4),
                blocking().list().ofSize(4)).as(SplitFlow::build);
    }

    /**
     * Integers spread evenly over the range: jqwik's default bias towards small values would leave most
     * edges out and most switches on one side.
     */
    private static Arbitrary<Integer> uniform(int min, int max) {
        return Arbitraries.integers().between(min, max).withDistribution(RandomDistribution.uniform());
    }

    private static Arbitrary<Integer> digit() {
        return uniform(0, 9);
    }

    /** One probe in five runs on the worker pool; shrinks to inline. */
    private static Arbitrary<Boolean> blocking() {
        return uniform(0, 4).map(i -> i == 4);
    }

    // ---- running flows ----

    /** A finished trace and its probes' runs, ordered by start. */
    record Outcome(TraceReport report, Map<String, NodeReport> nodes, List<Journal.Run> runs) {

        NodeReport node(String id) {
            NodeReport n = nodes.get(id);
            assertThat(n).as("report of node %s", id).isNotNull();
            return n;
        }

        List<Journal.Run> runsOf(String id) {
            return runs.stream().filter(r -> r.nodeId().equals(id)).toList();
        }
    }

    private static CompiledFlow load(String yaml) throws Exception {
        Path file = Files.createTempFile(dir, "flow-", ".yaml");
        Files.writeString(file, yaml);
        try {
            return engine.load(file);
        } finally {
            Files.delete(file);
        }
    }

    private static Outcome run(String yaml, String payload) throws Exception {
        return run(load(yaml), payload);
    }

    private static Outcome run(CompiledFlow flow, String payload) throws Exception {
        TraceReport r = engine.start(flow, null, payload.getBytes(StandardCharsets.UTF_8)).completion()
                .toCompletionStage().toCompletableFuture().get(10, SECONDS);
        Map<String, NodeReport> nodes = new LinkedHashMap<>();
        r.nodes().forEach(n -> nodes.put(n.id(), n));
        return new Outcome(r, nodes, Journal.take(r.traceId()));
    }

    private static void assertCompleted(Outcome o) {
        assertThat(o.report().status()).as("trace status (error: %s)", o.report().error())
                .isEqualTo(TraceStatus.COMPLETED);
    }

    private static int index(String id) {
        return Integer.parseInt(id.substring(1));
    }

    private static String json(Value v) {
        return v == null ? null : Values.toJson(v);
    }

    /** What a rerun must reproduce: each node's status, port, output and run count, and the result. */
    private static List<String> summary(TraceReport r) {
        List<String> out = new ArrayList<>();
        for (NodeReport n : r.nodes()) {
            out.add(n.id() + " " + n.status() + " " + n.port() + " " + json(n.output()) + " runs=" + n.runs());
        }
        out.add("result " + json(r.result()));
        return out;
    }

    private static Journal.Run item(Outcome o, String id, int tag) {
        List<Journal.Run> runs = o.runsOf(id).stream().filter(r -> r.tag() == tag).toList();
        assertThat(runs).as("runs of %s for item %d", id, tag).hasSize(1);
        return runs.get(0);
    }

    private static long maxEnd(Outcome o, LoopFlow loop, int iteration) {
        long max = Long.MIN_VALUE;
        for (int b = 0; b < loop.bodySize(); b++) {
            max = Math.max(max, o.runsOf(loop.body(b)).get(iteration).end());
        }
        return max;
    }

    private static long minStart(Outcome o, LoopFlow loop, int iteration) {
        long min = Long.MAX_VALUE;
        for (int b = 0; b < loop.bodySize(); b++) {
            min = Math.min(min, o.runsOf(loop.body(b)).get(iteration).start());
        }
        return min;
    }
}
