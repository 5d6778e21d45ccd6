package io.xerv.host.recovery;

import io.xerv.arena.ArenaLayout;
import io.xerv.arena.ArenaStore;
import io.xerv.wal.Wal;
import io.xerv.wal.WalRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The engine's crash guarantee, judged from outside: a child JVM ({@link CrashChild}) running a load
 * of traces is killed with SIGKILL at random moments and restarted on the same data directory; after
 * the last restart every acknowledged trace has completed exactly once, and no node run that the
 * write-ahead log recorded as completed ran again (the flow's {@code test::count} nodes log each run).
 *
 * <p>20 kills by default; {@code -Dxerv.soak} makes it 100, {@code -Dxerv.crash.runs=K} sets K.
 * {@code -Dxerv.crash.traces} sets the new traces per child (300), {@code -Dxerv.crash.seed} the seed
 * of the kill delays (printed with the summary).
 */
class CrashTest {

    /**
     * A diamond with a switch, a blocking branch and two merges, then a loop of two passes; every
     * test::count node logs its runs.
     */
    static final String FLOW = """
            name: crash
            version: "1"
            nodes:
              a: {type: test::count}
              route: {type: std::switch, config: {condition: {type: is_true, field: odd}}}
              b: {type: test::count}
              c: {type: test::count_blocking, config: {sleep_ms: 2}}
              join: {type: std::merge, config: {strategy: any}}
              d: {type: test::count}
              both: {type: std::merge, config: {strategy: all, output: list}}
              z: {type: test::count}
              again: {type: std::loop, config: {max_iterations: 2}}
              l: {type: test::count}
              end: {type: test::count}
            edges:
              - {from: a, to: route}
              - {from: route.true, to: b}
              - {from: route.false, to: c}
              - {from: b, to: join}
              - {from: c, to: join}
              - {from: a, to: d}
              - {from: join, to: both}
              - {from: d, to: both}
              - {from: both, to: z}
              - {from: z, to: again}
              - {from: again.continue, to: l}
              - {from: l, to: again, loop_back: true}
              - {from: again.exit, to: end}
            """;

    /** The runs ("node iteration") of count nodes every trace makes, whichever branch it takes. */
    static final List<String> ALWAYS = List.of("a 0", "d 0", "z 0", "l 0", "l 1", "end 0");

    /**
     * Runs ("node iteration") that depend on an earlier one through nodes that do not log: the later
     * one may run only after the earlier one's last run, whose completion then was durable.
     */
    static final List<List<String>> ORDER = List.of(List.of("a 0", "b 0"), List.of("a 0", "c 0"),
            List.of("a 0", "d 0"), List.of("b 0", "z 0"), List.of("c 0", "z 0"), List.of("d 0", "z 0"),
            List.of("z 0", "l 0"), List.of("l 0", "l 1"), List.of("l 1", "end 0"));

    /** a, b or c, z, l twice, end: the result's hop count. */
    static final int HOPS = 6;

    static final List<String> JVM_FLAGS = List.of("--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    @TempDir
    Path tmp;

    @Test
    void everyAcknowledgedTraceCompletesExactlyOnceAcrossKills() throws Exception {
        int kills = Integer.getInteger("xerv.crash.runs", System.getProperty("xerv.soak") != null ? 100 : 20);
        int traces = Integer.getInteger("xerv.crash.traces", 300);
        long seed = Long.getLong("xerv.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        Path data = tmp.resolve("data");
        Path log = tmp.resolve("runs.log");
        Path flow = tmp.resolve("crash.yaml");
        Files.writeString(flow, FLOW);
        Files.createFile(log);
        long t0 = System.nanoTime();

        int killedAlive = 0;
        int endedBeforeKill = 0;
        for (int k = 0; k < kills; k++) {
            Path out = tmp.resolve("child-" + k + ".out");
            long from = Files.size(log);
            Process p = child(data, log, traces, flow, out);
            boolean alive;
            try {
                awaitBoot(p, log, from, out);
                Thread.sleep(50 + random.nextInt(551));
                alive = p.isAlive();
            } finally {
                p.destroyForcibly();
            }
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("child %d did not die", k).isTrue();
            int code = p.exitValue();
            if (code != 0 && code != 137) {
                fail("child " + k + " exited with " + code + ":\n" + tail(out));
            }
            if (alive && code == 137) {
                killedAlive++;
            } else {
                endedBeforeKill++;
            }
        }
        long killing = System.nanoTime() - t0;
        // A run that is not killed recovers whatever the last kill left; the next one only reads.
        finish(child(data, log, 0, flow, tmp.resolve("child-final.out")), tmp.resolve("child-final.out"));
        long verifyFrom = Files.size(log);
        finish(child(data, log, 0, flow, tmp.resolve("child-verify.out")), tmp.resolve("child-verify.out"));
        long finishing = System.nanoTime() - t0 - killing;

        Children children = Children.read(log, verifyFrom);
        Journal journal = Journal.read(data.resolve("wal"), children.nodeIds);
        children.check();
        journal.check(children);
        long activeArenas;
        try (ArenaStore arenas = ArenaStore.open(data.resolve("arenas"), ArenaStore.Config.DEFAULT)) {
            activeArenas = arenas.arenas().stream().filter(a -> a.state() == ArenaLayout.STATE_ACTIVE).count();
        }
        System.out.printf("crash test (seed %d): %d children killed while running, %d ended before the kill; "
                        + "%d traces acknowledged, %d recovered after a kill, %d node runs repeated after a kill, "
                        + "%d torn WAL tails cut, %d arenas left active after every trace ended; kills took %d s, "
                        + "the clean runs after them %d s%n", seed, killedAlive, endedBeforeKill, children.acked.size(),
                children.recovering, children.reruns, children.truncations, activeArenas, killing / 1_000_000_000,
                finishing / 1_000_000_000);
        assertThat(killedAlive).as("children killed while running").isGreaterThan(0);
    }

    private static Process child(Path data, Path log, int traces, Path flow, Path out) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
                data.toString(), log.toString(), Integer.toString(traces), flow.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    /**
     * Waits for the child's BOOT line, its first: the kill delay counts from there, not from JVM
     * start-up.
     */
    private static void awaitBoot(Process p, Path log, long from, Path out) throws Exception {
        String boot = "BOOT " + p.pid() + "\n";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        ByteBuffer head = ByteBuffer.allocate(boot.length());
        try (FileChannel ch = FileChannel.open(log)) {
            while (true) {
                ch.read(head, from + head.position());
                if (!head.hasRemaining()) {
                    String first = new String(head.array(), StandardCharsets.UTF_8);
                    assertThat(first).as("the child's first line").isEqualTo(boot);
                    return;
                }
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    fail("child never booted:\n" + tail(out));
                }
                Thread.sleep(5);
            }
        }
    }

    private static void finish(Process p, Path out) throws Exception {
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the recovering child did not end within 180 s:\n" + tail(out));
        }
        assertThat(p.exitValue()).as("exit code of the recovering child; its output:\n%s", tail(out)).isZero();
    }

    private static String tail(Path out) throws IOException {
        List<String> lines = Files.readAllLines(out);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static void assertNone(List<String> problems, String what) {
        if (!problems.isEmpty()) {
            fail(problems.size() + " " + what + ", the first ones:\n"
                    + String.join("\n", problems.subList(0, Math.min(40, problems.size()))));
        }
    }

    /** One run of a node as a child logged it: in which boot, which attempt, and its line number. */
    record Run(int boot, int attempt, int line) {
    }

    /** What the children's log says, across every boot. */
    static final class Children {
        final Map<UUID, Boolean> acked = new LinkedHashMap<>();
        final Map<UUID, List<String>> done = new HashMap<>();
        /** By "traceId nodeId iteration", in log order. */
        final Map<String, List<Run>> runs = new HashMap<>();
        final Map<Integer, String> nodeIds = new TreeMap<>();
        final List<String> noAcks = new ArrayList<>();
        /** ENDED lines of the last (read-only) boot, by trace. */
        final Map<UUID, Integer> endedAtLastBoot = new HashMap<>();
        final List<String> lastBoot = new ArrayList<>();
        int recovering;
        int reruns;
        int truncations;

        static Children read(Path log, long lastBootOffset) throws IOException {
            Children c = new Children();
            byte[] all = Files.readAllBytes(log);
            String text = new String(all, StandardCharsets.UTF_8);
            int lastBootChar = new String(all, 0, (int) lastBootOffset, StandardCharsets.UTF_8).length();
            assertThat(text).as("the log ends with a whole line").endsWith("\n");
            int boot = -1;
            int pos = 0;
            int number = 0;
            for (String line : text.split("\n")) {
                number++;
                boolean last = pos >= lastBootChar;
                pos += line.length() + 1;
                String[] w = line.split(" ", 4);
                switch (w[0]) {
                    case "BOOT" -> boot++;
                    case "NODE" -> c.nodeIds.put(Integer.parseInt(w[1]), w[2]);
                    case "TRUNCATED" -> c.truncations++;
                    case "RECOVERING" -> c.recovering++;
                    case "ACK" -> c.acked.put(UUID.fromString(w[1]), Boolean.parseBoolean(w[2]));
                    case "NOACK" -> c.noAcks.add(line);
                    case "DONE" -> c.done.computeIfAbsent(UUID.fromString(w[1]), k -> new ArrayList<>())
                            .add(line.substring(w[0].length() + w[1].length() + 2));
                    case "RUN" -> {
                        String[] r = line.split(" ");
                        c.runs.computeIfAbsent(r[1] + " " + r[2] + " " + r[3], k -> new ArrayList<>())
                                .add(new Run(boot, Integer.parseInt(r[4]), number));
                    }
                    case "ENDED" -> {
                        if (last) {
                            c.endedAtLastBoot.merge(UUID.fromString(w[1]), 1, Integer::sum);
                        }
                    }
                    case "OPEN", "UNRECOVERED", "EXIT" -> {
                    }
                    default -> fail("unexpected log line: " + line);
                }
                if (last) {
                    c.lastBoot.add(line);
                }
            }
            for (List<Run> r : c.runs.values()) {
                c.reruns += r.size() - 1;
            }
            return c;
        }

        void check() {
            assertThat(noAcks).as("traces whose start could not be made durable").isEmpty();
            assertThat(lastBoot).as("the read-only boot").contains("OPEN 0").anyMatch(l -> l.startsWith("EXIT"))
                    .noneMatch(l -> l.startsWith("RECOVERING") || l.startsWith("UNRECOVERED") || l.startsWith("DONE"));
            List<String> problems = new ArrayList<>();
            endedAtLastBoot.forEach((id, n) -> {
                if (n != 1) {
                    problems.add(id + ": " + n + " TraceComplete records");
                }
            });
            for (var e : acked.entrySet()) {
                UUID id = e.getKey();
                boolean odd = e.getValue();
                if (endedAtLastBoot.getOrDefault(id, 0) != 1) {
                    problems.add(id + ": acknowledged, but " + endedAtLastBoot.getOrDefault(id, 0)
                            + " TraceComplete records at the end");
                    continue;
                }
                for (String run : ALWAYS) {
                    if (!runs.containsKey(id + " " + run)) {
                        problems.add(id + ": completed without the run " + run);
                    }
                }
                String taken = odd ? "b" : "c";
                String untaken = odd ? "c" : "b";
                if (!runs.containsKey(id + " " + taken + " 0") || runs.containsKey(id + " " + untaken + " 0")) {
                    problems.add(id + ": odd=" + odd + " but the switch sent it to "
                            + (runs.containsKey(id + " b 0") ? "b " : "") + (runs.containsKey(id + " c 0") ? "c" : ""));
                }
                List<String> d = done.getOrDefault(id, List.of());
                if (d.size() == 1 && !d.get(0).equals("completed {\"hops\":" + HOPS + ",\"odd\":" + odd + "}")) {
                    problems.add(id + ": ended " + d.get(0));
                }
            }
            done.forEach((id, d) -> {
                if (d.size() > 1) {
                    problems.add(id + ": reported ended " + d.size() + " times: " + d);
                }
                if (!d.get(0).startsWith("completed ")) {
                    problems.add(id + ": ended " + d.get(0));
                }
            });
            for (UUID id : endedAtLastBoot.keySet()) {
                for (List<String> pair : ORDER) {
                    List<Run> before = runs.get(id + " " + pair.get(0));
                    List<Run> after = runs.get(id + " " + pair.get(1));
                    if (before != null && after != null && after.get(0).line() < before.get(before.size() - 1).line()) {
                        problems.add(id + ": " + pair.get(1) + " ran " + after + " before the last run of "
                                + pair.get(0) + " " + before);
                    }
                }
            }
            runs.forEach((key, list) -> {
                for (int i = 1; i < list.size(); i++) {
                    Run before = list.get(i - 1);
                    Run now = list.get(i);
                    if (now.attempt() <= before.attempt() || now.boot() <= before.boot()) {
                        problems.add(key + ": ran again without a crash between, or with no higher attempt: " + list);
                        break;
                    }
                }
            });
            assertNone(problems, "problems found in the children's log");
        }
    }

    /** What the write-ahead log holds at the end, read without changing it after the last child. */
    static final class Journal {
        final Map<UUID, Integer> starts = new HashMap<>();
        final Map<UUID, Integer> completes = new HashMap<>();
        final List<WalRecord.TraceFailed> failed = new ArrayList<>();
        /** By "traceId runKey": the attempts of NodeStart records, in log order. */
        final Map<String, List<Integer>> nodeStarts = new HashMap<>();
        final Map<String, List<WalRecord.NodeDone>> nodeDone = new HashMap<>();
        /**
         * "traceId runKey" to the children's "traceId nodeId iteration". A node's run keys first appear
         * in the order of its runs, and the flow's only loop runs its passes one after another, so the
         * n-th run key of a node is its iteration n.
         */
        final Map<String, String> runs = new HashMap<>();
        private final Map<String, Integer> runKeysSeen = new HashMap<>();

        static Journal read(Path dir, Map<Integer, String> nodeIds) throws IOException {
            Journal j = new Journal();
            List<WalRecord> records = new ArrayList<>();
            Wal.Recovery log = Wal.read(dir, records::add);
            assertThat(log.truncation()).as("a clean shutdown leaves no torn tail").isNull();
            for (WalRecord r : records) {
                switch (r) {
                    case WalRecord.TraceStart s -> j.starts.merge(s.traceId(), 1, Integer::sum);
                    case WalRecord.TraceComplete c -> j.completes.merge(c.traceId(), 1, Integer::sum);
                    case WalRecord.TraceFailed f -> j.failed.add(f);
                    case WalRecord.NodeStart s -> j.nodeStarts.computeIfAbsent(j.run(s.traceId(), s.runKey(),
                            nodeIds.get(s.node())), k -> new ArrayList<>()).add(s.attempt());
                    case WalRecord.NodeDone d -> j.nodeDone.computeIfAbsent(j.run(d.traceId(), d.runKey(),
                            nodeIds.get(d.node())), k -> new ArrayList<>()).add(d);
                    default -> {
                    }
                }
            }
            return j;
        }

        private String run(UUID trace, String runKey, String nodeId) {
            String key = trace + " " + runKey;
            runs.computeIfAbsent(key, k -> trace + " " + nodeId + " "
                    + (runKeysSeen.merge(trace + " " + nodeId, 1, Integer::sum) - 1));
            return key;
        }

        void check(Children children) {
            List<String> problems = new ArrayList<>();
            failed.forEach(f -> problems.add(f.traceId() + ": TraceFailed " + f.error()));
            starts.forEach((id, n) -> {
                if (n != 1) {
                    problems.add(id + ": " + n + " TraceStart records");
                }
                if (completes.getOrDefault(id, 0) != 1) {
                    problems.add(id + ": started, but " + completes.getOrDefault(id, 0) + " TraceComplete records");
                }
            });
            for (UUID id : children.acked.keySet()) {
                if (!starts.containsKey(id)) {
                    problems.add(id + ": acknowledged, but no TraceStart record");
                }
            }
            Set<String> keys = new HashSet<>(nodeStarts.keySet());
            keys.addAll(nodeDone.keySet());
            for (String key : keys) {
                List<Integer> attempts = nodeStarts.getOrDefault(key, List.of());
                List<WalRecord.NodeDone> d = nodeDone.getOrDefault(key, List.of());
                for (int i = 0; i < attempts.size(); i++) {
                    if (attempts.get(i) != i + 1) {
                        problems.add(key + ": NodeStart attempts " + attempts + ", not 1, 2, ...");
                        break;
                    }
                }
                if (d.size() != 1) {
                    problems.add(key + ": " + d.size() + " NodeDone records");
                    continue;
                }
                List<Run> ran = children.runs.get(runs.get(key));
                if (attempts.isEmpty()) {
                    // Only a pure node's start goes unlogged; test::count is not pure.
                    if (ran != null) {
                        problems.add(key + " (" + runs.get(key) + "): a test::count run has a NodeDone but no NodeStart");
                    } else if (d.get(0).attempt() < 1) {
                        problems.add(key + ": NodeDone attempt " + d.get(0).attempt());
                    }
                    continue;
                }
                if (d.get(0).attempt() != attempts.size()) {
                    problems.add(key + ": NodeDone attempt " + d.get(0).attempt() + " after NodeStart attempts " + attempts);
                }
                if (ran != null) {
                    // A test::count run happens after its NodeStart is durable, and none after its NodeDone.
                    for (Run r : ran) {
                        if (!attempts.contains(r.attempt())) {
                            problems.add(key + " (" + runs.get(key) + "): ran attempt " + r.attempt()
                                    + " without a NodeStart record " + attempts);
                        }
                    }
                    int lastRun = ran.get(ran.size() - 1).attempt();
                    if (lastRun != d.get(0).attempt()) {
                        problems.add(key + " (" + runs.get(key) + "): ran attempts " + ran + " but NodeDone says attempt "
                                + d.get(0).attempt());
                    }
                }
            }
            Set<String> recorded = new HashSet<>(runs.values());
            children.runs.forEach((run, list) -> {
                if (!recorded.contains(run)) {
                    problems.add(run + ": ran " + list + " without any NodeStart record");
                }
            });
            assertNone(problems, "problems found in the write-ahead log");
        }
    }
}
