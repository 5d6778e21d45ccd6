package io.xerv.bench;

import io.vertx.core.Future;
import io.xerv.arena.ArenaStore;
import io.xerv.host.engine.CompiledFlow;
import io.xerv.host.engine.Engine;
import io.xerv.host.engine.EngineConfig;
import io.xerv.host.engine.TraceReport;
import io.xerv.host.engine.TraceStatus;
import io.xerv.wal.Durability;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * What the benchmarks share: finding the repository, starting an engine that frees each arena when
 * its trace ends, the order payloads, and running traces to completion.
 * Stateless; thread-safe.
 */
final class BenchSupport {

    /**
     * The engine's default slots (64 KiB in 16 MiB slabs), but arenas freed as soon as their trace ends:
     * the setting for throughput runs, which would otherwise keep up to 1,000 finished arenas.
     */
    static final ArenaStore.Config FREE_ON_FINISH = ArenaStore.Config.DEFAULT.withRetention(Duration.ZERO);

    /** A trace that has not ended by then is reported as a failure of the benchmark, not waited on forever. */
    static final long TRACE_TIMEOUT_SECONDS = 60;

    private BenchSupport() {
    }

    /**
     * The repository root: {@code -Dxerv.root}, else the first directory from {@code user.dir} upwards
     * that holds the example order flow.
     */
    static Path repoRoot() {
        String configured = System.getProperty("xerv.root");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("examples/flows/order_processing.yaml"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository (examples/flows/order_processing.yaml) from "
                + start + " upwards; run from the repository or pass -Dxerv.root=DIR (with -jvmArgsAppend)");
    }

    /**
     * Starts an engine over a fresh data directory, freeing arenas when their traces end.
     *
     * @param durability when the write-ahead log's records become durable: {@code none}, {@code fsync}
     *     (the engine's default) or {@code batch:<ms>}
     */
    static Engine startEngine(Path dataDir, int eventLoops, String durability) {
        return Engine.start(EngineConfig.defaults(dataDir).withEventLoops(eventLoops).withArenas(FREE_ON_FINISH)
                .withDurability(Durability.parse(durability)));
    }

    /** A bench resource, e.g. {@code payloads/orders.jsonl}. */
    static String resource(String name) {
        try (InputStream in = BenchSupport.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException("bench resource " + name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Order payloads as the webhook would receive them, one per line of {@code payloads/orders.jsonl}; one
     * in ten is risky, so both branches of the order flow run.
     */
    static byte[][] orderPayloads() {
        return resource("payloads/orders.jsonl").lines()
                .filter(l -> !l.isBlank())
                .map(l -> l.getBytes(StandardCharsets.UTF_8))
                .toArray(byte[][]::new);
    }

    /** Writes a flow's YAML into {@code dir} and loads it. */
    static CompiledFlow load(Engine engine, Path dir, String name, String yaml) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, yaml);
        return engine.load(file);
    }

    /**
     * Runs {@code count} traces, keeping at most {@code inFlight} running at once, and waits for all.
     *
     * @throws IllegalStateException when a trace did not complete, naming its status and error
     */
    static void runBatch(Engine engine, CompiledFlow flow, byte[][] payloads, int count, int inFlight)
            throws InterruptedException {
        Semaphore permits = new Semaphore(inFlight);
        CountDownLatch done = new CountDownLatch(count);
        AtomicReference<String> problem = new AtomicReference<>();
        for (int i = 0; i < count; i++) {
            permits.acquireUninterruptibly();
            engine.start(flow, null, payloads[i % payloads.length]).completion().onComplete(ar -> {
                if (ar.failed()) {
                    problem.compareAndSet(null, "trace did not start: " + ar.cause());
                } else if (ar.result().status() != TraceStatus.COMPLETED) {
                    problem.compareAndSet(null, "trace ended " + ar.result().status() + ": " + ar.result().error());
                }
                permits.release();
                done.countDown();
            });
        }
        if (!done.await(TRACE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException(done.getCount() + " of " + count + " traces still running after "
                    + TRACE_TIMEOUT_SECONDS + " s");
        }
        if (problem.get() != null) {
            throw new IllegalStateException(problem.get());
        }
    }

    /**
     * Runs {@code count} traces one after another, each started by the previous one's completion
     * callback on the event loop, and waits for the last: the latency of a trace on an idle loop, with
     * one thread hand-off per batch instead of one per trace.
     *
     * @throws IllegalStateException when a trace did not complete, naming its status and error
     */
    static void runSequential(Engine engine, CompiledFlow flow, byte[] payload, int count) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        startNext(engine, flow, payload, count, done);
        done.get(TRACE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private static void startNext(Engine engine, CompiledFlow flow, byte[] payload, int remaining,
                                  CompletableFuture<Void> done) {
        engine.start(flow, null, payload).completion().onComplete(ar -> {
            if (ar.failed()) {
                done.completeExceptionally(new IllegalStateException("trace did not start", ar.cause()));
            } else if (ar.result().status() != TraceStatus.COMPLETED) {
                done.completeExceptionally(new IllegalStateException(
                        "trace ended " + ar.result().status() + ": " + ar.result().error()));
            } else if (remaining == 1) {
                done.complete(null);
            } else {
                startNext(engine, flow, payload, remaining - 1, done);
            }
        });
    }

    /** Runs one trace and waits for it; returns its report. */
    static TraceReport runOne(Engine engine, CompiledFlow flow, byte[] payload) throws Exception {
        TraceReport r = await(engine.start(flow, null, payload).completion());
        if (r.status() != TraceStatus.COMPLETED) {
            throw new IllegalStateException("trace ended " + r.status() + ": " + r.error());
        }
        return r;
    }

    /** Blocks the (non-Vert.x) benchmark thread until the future completes. */
    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(TRACE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Deletes a directory tree; best effort, for tear-down. */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // Left for the OS to clean up with the temp directory.
                }
            });
        } catch (IOException e) {
            // Same.
        }
    }
}
