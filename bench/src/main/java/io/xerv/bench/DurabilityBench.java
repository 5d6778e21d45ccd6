package io.xerv.bench;

import io.vertx.core.Future;
import io.xerv.host.engine.CompiledFlow;
import io.xerv.host.engine.Engine;
import io.xerv.host.engine.EngineConfig;
import io.xerv.host.engine.TraceHandle;
import io.xerv.host.engine.TraceReport;
import io.xerv.host.engine.TraceStatus;
import io.xerv.wal.Durability;
import io.xerv.wal.Wal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * End-to-end durability benchmark of the order-processing flow, one run, one JVM (not JMH: the
 * quantities are a closed loop's throughput and the latency of every trace, and a recovery that
 * happens once).
 *
 * <p>In order, each mode in a fresh data directory under {@code -Dxerv.bench.dir} (default
 * {@code /tmp}): {@code fsync} with group commit (the engine's default), {@code none}, {@code fsync}
 * with one sync per record ({@code maxBatch 1}), {@code batch:2}. Each mode keeps K traces in flight
 * (a semaphore; the driving thread encodes each payload, as a trigger would), lets each K settle, and
 * measures traces/s (a trace counts when its completion future completes, which with {@code fsync}
 * means its TraceComplete record is synced), every trace's latency from {@code Engine.start} to its
 * completion callback, and the WAL's counters over the window. Then recovery: 10,000 traces of the
 * order flow with a {@code std::wait} appended all suspend, the engine closes, and a fresh JVM (and
 * then this one, warm) times {@code Engine.start} (WAL scan included) plus {@code Engine.recover}
 * until every recovered trace has settled (suspended again). Around it all, the raw fdatasync
 * latency of a 128-byte append in the same directory.
 *
 * <p>Run with {@code bench/durability.sh}. Properties: {@code xerv.bench.seconds} (measured window
 * per K, default 10), {@code xerv.bench.loops} (event loops, default one per core: the engine's
 * default), {@code xerv.bench.recoverTraces} (default 10,000). Not thread-safe; one run per JVM.
 */
public final class DurabilityBench {

    static final int LATENCY_CAPACITY = 4 << 20;
    static final int LIGHT_LOAD = 8;

    /** Latencies of one window, recorded from the event loops. */
    private static final long[] LATENCIES = new long[LATENCY_CAPACITY];

    private record Mode(String label, Wal.Config wal, int[] loads) {
    }

    /** WAL counters at one moment; the mean sync time is kept as a total so windows subtract. */
    private record WalSnapshot(long records, long syncs, long batches, double syncMicrosTotal) {
        static WalSnapshot of(Wal.Metrics m) {
            return new WalSnapshot(m.records(), m.syncs(), m.batches(), m.meanSyncMicros() * m.syncs());
        }
    }

    /** One measured window. */
    private record Window(String mode, int inFlight, double seconds, long traces, double p50Micros,
                          double p99Micros, double maxMicros, long records, long syncs, long batches,
                          double meanSyncMicros, String load) {
        double perSecond() {
            return traces / seconds;
        }
    }

    private record SyncBaseline(String when, long syncs, double seconds, double p50Micros, double p99Micros) {
    }

    private record Recovery(String jvm, long unfinished, long records, int segments, double engineStartMillis,
                            double scanMillis, double loadMillis, long recoverMillis, double settledMillis,
                            double totalMillis, long suspended, String walAfter) {
    }

    private DurabilityBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("--recover")) {
            // The child JVM of the cold recovery: prints one line the parent parses.
            Recovery r = recover("fresh JVM", Path.of(args[1]), Path.of(args[2]), loops());
            System.out.println("RECOVERY " + r.unfinished() + " " + r.records() + " " + r.segments() + " "
                    + r.engineStartMillis() + " " + r.scanMillis() + " " + r.loadMillis() + " " + r.recoverMillis()
                    + " " + r.settledMillis() + " " + r.totalMillis() + " " + r.suspended() + " " + r.walAfter().replace(' ', '_'));
            return;
        }
        Path base = Path.of(System.getProperty("xerv.bench.dir", "/tmp"));
        double seconds = Double.parseDouble(System.getProperty("xerv.bench.seconds", "10"));
        int loops = loops();
        int recoverTraces = Integer.getInteger("xerv.bench.recoverTraces", 10_000);
        Path orderFlow = BenchSupport.repoRoot().resolve("examples/flows/order_processing.yaml");
        byte[][] payloads = BenchSupport.orderPayloads();

        System.out.printf("# DurabilityBench %s, %d cores, %s, event loops %d, window %.0f s per load, data under %s%n",
                java.time.Instant.now(), Runtime.getRuntime().availableProcessors(),
                Runtime.version(), loops, seconds, base);
        System.out.println("# jvm args: " + ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.println("# load average at start: " + loadAverage());

        List<SyncBaseline> baselines = new ArrayList<>();
        baselines.add(fdatasync(base, "before", 2.0));
        print(baselines.getLast());

        // JIT warm-up on an engine of its own, so the first mode is not measured cold.
        System.out.println("# warm-up: durability none, 256 in flight, 8 s");
        runMode(base, new Mode("warm-up", Wal.Config.DEFAULT.withDurability(Durability.NONE), new int[0]),
                orderFlow, payloads, loops, 8, seconds);

        List<Mode> modes = List.of(
                new Mode("fsync (group commit)", Wal.Config.DEFAULT, new int[]{256, 2048, LIGHT_LOAD}),
                new Mode("none", Wal.Config.DEFAULT.withDurability(Durability.NONE), new int[]{256, 2048, LIGHT_LOAD}),
                new Mode("fsync, maxBatch 1", Wal.Config.DEFAULT.withMaxBatch(1), new int[]{256, LIGHT_LOAD}),
                new Mode("batch:2", Wal.Config.DEFAULT.withDurability(Durability.parse("batch:2")),
                        new int[]{256, 2048, LIGHT_LOAD}));
        List<Window> windows = new ArrayList<>();
        for (Mode m : modes) {
            windows.addAll(runMode(base, m, orderFlow, payloads, loops, 3, seconds));
        }

        List<Recovery> recoveries = recoveryRun(base, orderFlow, payloads, loops, recoverTraces);

        baselines.add(fdatasync(base, "after", 2.0));
        print(baselines.getLast());
        System.out.println("# load average at end: " + loadAverage());
        report(windows, recoveries, baselines);
    }

    private static int loops() {
        return Integer.getInteger("xerv.bench.loops", Runtime.getRuntime().availableProcessors());
    }

    // ---- throughput and latency ----

    private static List<Window> runMode(Path base, Mode mode, Path flowFile, byte[][] payloads, int loops,
                                        double warmSeconds, double seconds) throws Exception {
        Path dir = Files.createTempDirectory(base, "xerv-durability-");
        List<Window> out = new ArrayList<>();
        Engine engine = Engine.start(EngineConfig.defaults(dir).withEventLoops(loops)
                .withArenas(BenchSupport.FREE_ON_FINISH).withWal(mode.wal()));
        try {
            CompiledFlow flow = engine.load(flowFile);
            for (byte[] p : payloads) {
                BenchSupport.runOne(engine, flow, p);
            }
            drive(engine, flow, payloads, mode.label(), 256, warmSeconds, 0);
            for (int k : mode.loads()) {
                // A short settle per load, then the window; the light load needs less of both.
                boolean light = k == LIGHT_LOAD;
                Window w = drive(engine, flow, payloads, mode.label(), k, light ? 1 : 2, light ? Math.min(5, seconds) : seconds);
                out.add(w);
                print(w);
            }
            Wal.Metrics m = engine.wal().metrics();
            System.out.printf("#   %s whole run: %s, sync p50 <= %d us, p99 <= %d us (power-of-two buckets)%n",
                    mode.label(), m, m.syncMicrosQuantile(0.5), m.syncMicrosQuantile(0.99));
        } finally {
            engine.close();
            BenchSupport.deleteTree(dir);
        }
        return out;
    }

    /**
     * Keeps {@code inFlight} traces running for {@code settle + measure} seconds; counts the traces
     * that complete inside the measured window and records their latencies; then waits for the rest.
     */
    private static Window drive(Engine engine, CompiledFlow flow, byte[][] payloads, String mode, int inFlight,
                                double settle, double measure) throws Exception {
        Semaphore permits = new Semaphore(inFlight);
        AtomicInteger latencyCount = new AtomicInteger();
        LongAdder inWindow = new LongAdder();
        AtomicReference<String> problem = new AtomicReference<>();
        long t0 = System.nanoTime();
        long settleEnd = t0 + (long) (settle * 1e9);
        long measureEnd = settleEnd + (long) (measure * 1e9);
        // Set by this thread as it crosses the boundaries; read by the completion callbacks.
        AtomicLongArray window = new AtomicLongArray(new long[]{Long.MAX_VALUE, Long.MAX_VALUE});
        WalSnapshot before = null;
        WalSnapshot after = null;
        int i = 0;
        while (true) {
            long now = System.nanoTime();
            if (before == null && now >= settleEnd) {
                before = WalSnapshot.of(engine.wal().metrics());
                window.set(0, now);
            }
            if (now >= measureEnd) {
                after = WalSnapshot.of(engine.wal().metrics());
                window.set(1, now);
                break;
            }
            if (!permits.tryAcquire(BenchSupport.TRACE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException(mode + ", " + inFlight + " in flight: no trace completed in "
                        + BenchSupport.TRACE_TIMEOUT_SECONDS + " s");
            }
            long start = System.nanoTime();
            engine.start(flow, null, payloads[i++ % payloads.length]).completion().onComplete(ar -> {
                long end = System.nanoTime();
                if (ar.failed()) {
                    problem.compareAndSet(null, "trace did not start: " + ar.cause());
                } else if (ar.result().status() != TraceStatus.COMPLETED) {
                    problem.compareAndSet(null, "trace ended " + ar.result().status() + ": " + ar.result().error());
                }
                if (end >= window.get(0) && end < window.get(1)) {
                    inWindow.increment();
                    int at = latencyCount.getAndIncrement();
                    if (at < LATENCY_CAPACITY) {
                        LATENCIES[at] = end - start;
                    }
                }
                permits.release();
            });
        }
        if (!permits.tryAcquire(inFlight, BenchSupport.TRACE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException(mode + ": traces still running " + BenchSupport.TRACE_TIMEOUT_SECONDS
                    + " s after the window");
        }
        if (problem.get() != null) {
            throw new IllegalStateException(mode + ": " + problem.get());
        }
        int n = Math.min(latencyCount.get(), LATENCY_CAPACITY);
        long[] sorted = Arrays.copyOf(LATENCIES, n);
        Arrays.sort(sorted);
        double secs = (window.get(1) - window.get(0)) / 1e9;
        long syncs = after.syncs() - before.syncs();
        return new Window(mode, inFlight, secs, inWindow.sum(), quantileMicros(sorted, 0.5),
                quantileMicros(sorted, 0.99), n == 0 ? 0 : sorted[n - 1] / 1e3,
                after.records() - before.records(), syncs, after.batches() - before.batches(),
                syncs == 0 ? 0 : (after.syncMicrosTotal() - before.syncMicrosTotal()) / syncs, loadAverage());
    }

    private static double quantileMicros(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1e3;
    }

    // ---- recovery ----

    /** The order flow with a {@code std::wait} after its last node: every trace suspends there. */
    private static String waitingFlow(Path orderFlow) throws IOException {
        String yaml = Files.readString(orderFlow);
        String node = """

                  hold:
                    type: std::wait
                    config:
                      hook_id: "hold-${trace.id}"
                """;
        String edge = "  - from: final_log\n    to: hold\n";
        int edges = yaml.indexOf("\nedges:");
        int settings = yaml.indexOf("\nsettings:");
        if (edges < 0 || settings < edges) {
            throw new IllegalStateException("the order flow no longer has 'edges:' before 'settings:'; update waitingFlow");
        }
        return yaml.substring(0, edges) + node + yaml.substring(edges, settings).stripTrailing() + "\n" + edge
                + yaml.substring(settings);
    }

    private static List<Recovery> recoveryRun(Path base, Path orderFlow, byte[][] payloads, int loops, int count)
            throws Exception {
        Path dir = Files.createTempDirectory(base, "xerv-recovery-");
        Path flowFile = dir.resolve("order_processing_hold.yaml");
        Files.writeString(flowFile, waitingFlow(orderFlow));
        List<Recovery> out = new ArrayList<>();
        try {
            System.out.printf("# recovery: starting %,d traces that suspend (fsync group commit)%n", count);
            long t0 = System.nanoTime();
            try (Engine engine = Engine.start(config(dir, loops))) {
                CompiledFlow flow = engine.load(flowFile);
                Semaphore permits = new Semaphore(1024);
                AtomicReference<String> problem = new AtomicReference<>();
                for (int i = 0; i < count; i++) {
                    permits.acquire();
                    engine.start(flow, null, payloads[i % payloads.length]).settled().onComplete(ar -> {
                        if (ar.failed() || ar.result().status() != TraceStatus.SUSPENDED) {
                            problem.compareAndSet(null, ar.failed() ? String.valueOf(ar.cause())
                                    : "trace " + ar.result().status() + ": " + ar.result().error());
                        }
                        permits.release();
                    });
                }
                if (!permits.tryAcquire(1024, BenchSupport.TRACE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("recovery set-up: traces did not suspend in time");
                }
                if (problem.get() != null) {
                    throw new IllegalStateException("recovery set-up: " + problem.get());
                }
                System.out.printf("#   %,d suspended in %.1f s; %s%n", engine.suspendedHooks().size(),
                        (System.nanoTime() - t0) / 1e9, engine.wal().metrics());
            }
            System.out.printf("#   data dir after close: wal %s, arenas %s%n", du(dir.resolve("wal")), du(dir.resolve("arenas")));
            Recovery cold = recoverInChild(dir, flowFile);
            out.add(cold);
            print(cold);
            Recovery warm = recover("this JVM (warm)", dir, flowFile, loops);
            out.add(warm);
            print(warm);
        } finally {
            BenchSupport.deleteTree(dir);
        }
        return out;
    }

    private static EngineConfig config(Path dir, int loops) {
        return EngineConfig.defaults(dir).withEventLoops(loops).withArenas(BenchSupport.FREE_ON_FINISH);
    }

    /** Starts an engine over {@code dir}, recovers its unfinished traces and waits until each has settled. */
    private static Recovery recover(String jvm, Path dir, Path flowFile, int loops) throws Exception {
        long t0 = System.nanoTime();
        Engine engine = Engine.start(config(dir, loops));
        try {
            long t1 = System.nanoTime();
            CompiledFlow flow = engine.load(flowFile);
            long t2 = System.nanoTime();
            int unfinished = engine.unfinishedTraces().size();
            List<TraceHandle> handles = engine.recover(start -> Optional.of(flow));
            List<Future<TraceReport>> settled = new ArrayList<>(handles.size());
            for (TraceHandle h : handles) {
                settled.add(h.settled());
            }
            Future.all(settled).toCompletionStage().toCompletableFuture()
                    .get(BenchSupport.TRACE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            long t3 = System.nanoTime();
            long suspended = settled.stream().filter(f -> f.result().status() == TraceStatus.SUSPENDED).count();
            Wal.Recovery scan = engine.wal().recovery();
            return new Recovery(jvm, unfinished, scan.records(), scan.segments(), (t1 - t0) / 1e6,
                    scan.nanos() / 1e6, (t2 - t1) / 1e6, engine.recoveryMillis(), (t3 - t2) / 1e6, (t3 - t0) / 1e6,
                    suspended, engine.wal().metrics().toString());
        } finally {
            engine.close();
        }
    }

    /** The same recovery in a fresh JVM with this one's flags: a restart after a crash starts cold. */
    private static Recovery recoverInChild(Path dir, Path flowFile) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(DurabilityBench.class.getName());
        cmd.add("--recover");
        cmd.add(dir.toString());
        cmd.add(flowFile.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String line = null;
        StringBuilder all = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                all.append(l).append('\n');
                if (l.startsWith("RECOVERY ")) {
                    line = l;
                }
            }
        }
        int exit = p.waitFor();
        if (exit != 0 || line == null) {
            throw new IllegalStateException("the recovery JVM exited " + exit + ":\n" + all);
        }
        String[] f = line.split(" ");
        return new Recovery("fresh JVM", Long.parseLong(f[1]), Long.parseLong(f[2]), Integer.parseInt(f[3]),
                Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]), Long.parseLong(f[7]),
                Double.parseDouble(f[8]), Double.parseDouble(f[9]), Long.parseLong(f[10]), f[11].replace('_', ' '));
    }

    // ---- the disk's own sync latency ----

    /** Appends 128 bytes and fdatasyncs ({@code force(false)}), in a loop, in a file under {@code base}. */
    private static SyncBaseline fdatasync(Path base, String when, double seconds) throws IOException {
        Path dir = Files.createTempDirectory(base, "xerv-fdatasync-");
        try (FileChannel ch = FileChannel.open(dir.resolve("probe.log"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            ByteBuffer record = ByteBuffer.allocateDirect(128);
            long[] samples = new long[1 << 20];
            int n = 0;
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds * 1e9);
            long now = t0;
            while (now < end && n < samples.length) {
                record.clear();
                ch.write(record);
                ch.force(false);
                long after = System.nanoTime();
                samples[n++] = after - now;
                now = after;
            }
            long[] sorted = Arrays.copyOf(samples, n);
            Arrays.sort(sorted);
            return new SyncBaseline(when, n, (now - t0) / 1e9, quantileMicros(sorted, 0.5), quantileMicros(sorted, 0.99));
        } finally {
            BenchSupport.deleteTree(dir);
        }
    }

    // ---- output ----

    private static void print(Window w) {
        System.out.printf(Locale.ROOT, "#   %-22s K=%-5d %,10.0f traces/s  p50 %,9.1f us  p99 %,10.1f us  max %,10.1f us"
                        + "  records/trace %.1f  syncs/s %,.0f  records/batch %.1f  mean sync %.0f us  load %s%n",
                w.mode(), w.inFlight(), w.perSecond(), w.p50Micros(), w.p99Micros(), w.maxMicros(),
                w.traces() == 0 ? 0 : (double) w.records() / w.traces(), w.syncs() / w.seconds(),
                w.batches() == 0 ? 0 : (double) w.records() / w.batches(), w.meanSyncMicros(), w.load());
    }

    private static void print(SyncBaseline b) {
        System.out.printf(Locale.ROOT, "# fdatasync of a 128 B append (%s): %,d syncs in %.1f s = %,.0f/s, p50 %.1f us, p99 %.1f us%n",
                b.when(), b.syncs(), b.seconds(), b.syncs() / b.seconds(), b.p50Micros(), b.p99Micros());
    }

    private static void print(Recovery r) {
        System.out.printf(Locale.ROOT, "#   recovery in %s: %,d unfinished, %,d records in %d segments; Engine.start %.0f ms"
                        + " (WAL scan %.0f ms), load flow %.0f ms, recover() %d ms, until all settled %.0f ms; total %.0f ms;"
                        + " %,d suspended again; wal after: %s%n",
                r.jvm(), r.unfinished(), r.records(), r.segments(), r.engineStartMillis(), r.scanMillis(), r.loadMillis(),
                r.recoverMillis(), r.settledMillis(), r.totalMillis(), r.suspended(), r.walAfter());
    }

    private static void report(List<Window> windows, List<Recovery> recoveries, List<SyncBaseline> baselines) {
        StringBuilder sb = new StringBuilder("\n## Order flow, end to end\n\n");
        sb.append("| durability | K in flight | traces/s | p50 | p99 | max | WAL records/trace | syncs/s | records/sync"
                + " (mean batch) | mean sync | load avg (1/5/15 min) |\n");
        sb.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Window w : windows) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %s | %s | %s | %.1f | %s | %s | %s | %s |%n",
                    w.mode(), w.inFlight(), w.perSecond(), time(w.p50Micros()), time(w.p99Micros()), time(w.maxMicros()),
                    w.traces() == 0 ? 0 : (double) w.records() / w.traces(),
                    w.syncs() == 0 ? "—" : String.format(Locale.ROOT, "%,.0f", w.syncs() / w.seconds()),
                    w.syncs() == 0 ? String.format(Locale.ROOT, "(%.1f per write)", (double) w.records() / Math.max(1, w.batches()))
                            : String.format(Locale.ROOT, "%.1f", (double) w.records() / w.syncs()),
                    w.syncs() == 0 ? "—" : time(w.meanSyncMicros()), w.load()));
        }
        Map<String, Window> best = new LinkedHashMap<>();
        for (Window w : windows) {
            if (w.inFlight() != LIGHT_LOAD) {
                best.merge(w.mode(), w, (a, b) -> b.perSecond() > a.perSecond() ? b : a);
            }
        }
        sb.append("\nBest throughput per mode: ");
        Window none = best.get("none");
        List<String> parts = new ArrayList<>();
        for (Window w : best.values()) {
            parts.add(String.format(Locale.ROOT, "%s %,.0f/s at K=%d%s", w.mode(), w.perSecond(), w.inFlight(),
                    none == null || w == none ? "" : String.format(Locale.ROOT, " (%.2f× none)", w.perSecond() / none.perSecond())));
        }
        sb.append(String.join("; ", parts)).append(".\n");

        sb.append("\n## Recovery of unfinished (suspended) traces\n\n");
        sb.append("| JVM | unfinished | records scanned | segments | Engine.start | of which WAL scan | load flow | recover() |"
                + " until all settled | **total** |\n");
        sb.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Recovery r : recoveries) {
            sb.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %d | %.0f ms | %.0f ms | %.0f ms | %d ms | %.0f ms | **%.0f ms** |%n",
                    r.jvm(), r.unfinished(), r.records(), r.segments(), r.engineStartMillis(), r.scanMillis(),
                    r.loadMillis(), r.recoverMillis(), r.settledMillis(), r.totalMillis()));
        }

        sb.append("\n## The disk: fdatasync of a 128 B append, same directory\n\n| when | syncs/s | p50 | p99 |\n| --- | --- | --- | --- |\n");
        for (SyncBaseline b : baselines) {
            sb.append(String.format(Locale.ROOT, "| %s | %,.0f | %s | %s |%n", b.when(), b.syncs() / b.seconds(),
                    time(b.p50Micros()), time(b.p99Micros())));
        }
        System.out.print(sb);
    }

    private static String time(double micros) {
        if (micros >= 10_000) {
            return String.format(Locale.ROOT, "%,.0f ms", micros / 1000);
        }
        if (micros >= 1000) {
            return String.format(Locale.ROOT, "%.2f ms", micros / 1000);
        }
        return String.format(Locale.ROOT, "%.0f µs", micros);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static String du(Path dir) {
        try (var s = Files.walk(dir)) {
            long[] sum = {0, 0};
            s.filter(Files::isRegularFile).forEach(p -> {
                sum[0]++;
                try {
                    sum[1] += Files.size(p);
                } catch (IOException e) {
                    // Counted as empty.
                }
            });
            return String.format(Locale.ROOT, "%d files, %.1f MiB", sum[0], sum[1] / 1048576.0);
        } catch (IOException e) {
            return "?";
        }
    }
}
