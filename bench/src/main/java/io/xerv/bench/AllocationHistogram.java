package io.xerv.bench;

import io.xerv.host.engine.CompiledFlow;
import io.xerv.host.engine.Engine;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Exact allocation per trace, by class: runs traces one at a time and diffs the heap's class
 * histogram before and after. Meant to run with a collector that frees nothing and without TLABs,
 * so every object allocated is still counted:
 *
 * <pre>{@code
 * java -XX:+UnlockExperimentalVMOptions -XX:+UseEpsilonGC -XX:-UseTLAB -Xms12g -Xmx12g \
 *      --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
 *      -cp 'bench/target/xerv-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*' \
 *      io.xerv.bench.AllocationHistogram order 20000
 * }</pre>
 *
 * <p>Arguments: {@code order} (the example order flow) or {@code chain:KIND:LENGTH} (a
 * {@link SchedulerOverhead} chain, e.g. {@code chain:LOG:32}); the number of traces; the write-ahead
 * log's durability ({@code none} unless given). Counts include every thread: the caller's (the
 * trigger's JSON encoding), the event loop and the log's writer.
 */
public final class AllocationHistogram {

    private AllocationHistogram() {
    }

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "order";
        int traces = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        String durability = args.length > 2 ? args[2] : "none";
        Path dir = Files.createTempDirectory("xerv-alloc");
        try (Engine engine = BenchSupport.startEngine(dir, 1, durability)) {
            CompiledFlow flow;
            byte[][] payloads;
            if (what.equals("order")) {
                flow = engine.load(BenchSupport.repoRoot().resolve("examples/flows/order_processing.yaml"));
                payloads = BenchSupport.orderPayloads();
            } else if (what.startsWith("chain:")) {
                String[] p = what.split(":");
                SchedulerOverhead.NodeKind kind = SchedulerOverhead.NodeKind.valueOf(p[1].toUpperCase(Locale.ROOT));
                flow = BenchSupport.load(engine, dir, "chain", kind.chainYaml(Integer.parseInt(p[2])));
                payloads = new byte[][] {SchedulerOverhead.PAYLOAD.getBytes(StandardCharsets.UTF_8)};
            } else {
                throw new IllegalArgumentException("expected 'order' or 'chain:KIND:LENGTH', got " + what);
            }
            run(engine, flow, payloads, traces); // warm up: classes loaded, caches filled
            Map<String, long[]> before = histogram();
            run(engine, flow, payloads, traces);
            Map<String, long[]> after = histogram();
            print(what, traces, before, after);
        } finally {
            BenchSupport.deleteTree(dir);
        }
    }

    private static void run(Engine engine, CompiledFlow flow, byte[][] payloads, int traces) throws Exception {
        for (int i = 0; i < traces; i++) {
            BenchSupport.runOne(engine, flow, payloads[i % payloads.length]);
        }
    }

    /** Class name to {instances, bytes}, of every object on the heap, reachable or not. */
    private static Map<String, long[]> histogram() throws Exception {
        String out = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[] {"-all"}}, new String[] {String[].class.getName()});
        Map<String, long[]> m = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                m.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return m;
    }

    private static void print(String what, int traces, Map<String, long[]> before, Map<String, long[]> after) {
        record Row(String type, long count, long bytes) {
        }
        List<Row> rows = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            long bytes = e.getValue()[1] - b[1];
            if (bytes > 0) {
                rows.add(new Row(e.getKey(), e.getValue()[0] - b[0], bytes));
                total += bytes;
            }
        }
        rows.sort((x, y) -> Long.compare(y.bytes, x.bytes));
        System.out.printf(Locale.ROOT, "%s: %.0f B allocated per trace (%d traces, one at a time, one event loop)%n",
                what, (double) total / traces, traces);
        System.out.printf(Locale.ROOT, "%10s %10s  %s%n", "objects", "bytes", "class (per trace)");
        for (Row r : rows.subList(0, Math.min(40, rows.size()))) {
            System.out.printf(Locale.ROOT, "%10.2f %10.1f  %s%n", (double) r.count / traces, (double) r.bytes / traces, r.type);
        }
    }
}
