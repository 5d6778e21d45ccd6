package io.xerv.host.engine;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.xerv.arena.Arena;
import io.xerv.arena.ArenaLayout;
import io.xerv.arena.ArenaStore;
import io.xerv.arena.FlexValue;
import io.xerv.arena.ValueCodec;
import io.xerv.host.flow.FlowDefinition;
import io.xerv.host.flow.FlowException;
import io.xerv.host.flow.FlowLoader;
import io.xerv.host.flow.TriggerDef;
import io.xerv.host.plugin.NodeRegistry;
import io.xerv.plugin.Value;

import io.xerv.wal.Wal;
import io.xerv.wal.WalRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Runs traces of compiled flows: the local engine. Owns a Vert.x instance whose event loops run the
 * traces (each pinned to one context), a virtual-thread worker pool for blocking nodes, and the
 * arena store. Thread-safe; every method may be called from any thread.
 */
public final class Engine implements AutoCloseable {

    static final long ARENA_CLEANUP_MILLIS = 30_000;
    static final long DEADLINE_SWEEP_MILLIS = 50;

    /** A listener for records nobody waits for. */
    static final Wal.Listener IGNORE = (lsn, err) -> {
    };

    final Vertx vertx;
    final ExecutorService workers;
    final LongSupplier clock;
    final ArenaStore arenas;
    final Wal wal;
    private final Map<UUID, TraceLog> unfinished;
    /** What the log held of each trace at start: unfinished ones whole, ended ones their start and end. */
    private final Map<UUID, TraceLog> recorded;
    private final DataDirLock lock;
    /** False with durability {@code none}: nothing is durable, so nothing waits for the log. */
    final boolean waitsForLog;
    private volatile long recoveryMillis = -1;
    private final NodeRegistry registry;
    /** The longest log line a node keeps (limits.log_line_bytes). */
    final int logLineBytes;
    private final Linker linker;
    private final Context[] contexts;
    private final AtomicInteger next = new AtomicInteger();
    private final ConcurrentHashMap<UUID, TraceRun> live = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, TraceRun> hooks = new ConcurrentHashMap<>();
    /** Traces recovery had to fail before they could run (not even an arena to fail them in). */
    private final ConcurrentHashMap<UUID, TraceLog> failedAtRecovery = new ConcurrentHashMap<>();

    private Engine(EngineConfig config) {
        this.clock = config.clock();
        this.registry = config.registry();
        this.linker = new Linker(registry, config.services());
        // Before anything in the directory is opened: a second host fails here, touching nothing.
        this.lock = DataDirLock.take(config.dataDir());
        try {
            this.arenas = ArenaStore.open(config.dataDir().resolve("arenas"), config.arenas());
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        arenas.limits(new ArenaStore.Limits(config.limits().nodeOutputBytes(), config.limits().traceBytes()));
        this.logLineBytes = config.limits().logLineBytes();
        // The log is streamed: each record lands in its trace's log, and an ended trace keeps little.
        TraceLog.Index index = new TraceLog.Index(id -> false);
        try {
            this.wal = Wal.open(config.dataDir().resolve("wal"), config.wal(), index);
        } catch (io.xerv.wal.DamagedLogException e) {
            arenas.close();
            lock.close();
            Path dir = config.dataDir();
            throw new IllegalStateException(e.getMessage() + ". Run `xerv wal check --data-dir " + dir
                    + "` to list every problem, then `xerv wal repair --data-dir " + dir + "` to cut the log at the"
                    + " first one (the segments after it are moved into " + dir.resolve(WAL_QUARANTINE) + "; nothing is"
                    + " deleted)", e);
        } catch (IOException e) {
            arenas.close();
            lock.close();
            throw new UncheckedIOException("cannot open the write-ahead log in " + config.dataDir().resolve("wal")
                    + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arenas.close();
            lock.close();
            throw e;
        }
        // A trace suspended for days must not keep the log from being purged (TraceLog reads the copies).
        wal.carryLongLivedTraces(Wal.DEFAULT_CARRY_AFTER_SEGMENTS);
        this.recorded = index.traces();
        Map<UUID, TraceLog> open = new LinkedHashMap<>();
        recorded.forEach((id, log) -> {
            // A trace whose bytes were logged but whose start never was was never acknowledged.
            if (!log.ended() && log.start() != null) {
                open.put(id, log);
            }
        });
        this.unfinished = open;
        // An arena still active with no unfinished trace in the log belongs to a trace that ended (the
        // crash came between its end record and its arena's update) or that was never acknowledged.
        for (io.xerv.arena.Arena a : arenas.arenas()) {
            if (a.state() == io.xerv.arena.ArenaLayout.STATE_ACTIVE && !open.containsKey(a.traceId())) {
                arenas.finish(a);
            }
        }
        this.waitsForLog = config.durability().mode() != io.xerv.wal.Durability.Mode.NONE;
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.eventLoops()));
        this.workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("xerv-node-", 0).factory());
        this.contexts = new Context[config.eventLoops()];
        for (int i = 0; i < contexts.length; i++) {
            contexts[i] = vertx.getOrCreateContext();
        }
        // Finished arenas are kept for inspection; free those past their retention now and then.
        vertx.setPeriodic(ARENA_CLEANUP_MILLIS, id -> arenas.cleanup(clock.getAsLong()));
        // One sweep enforces every trace's execution_timeout_ms, instead of a timer per trace.
        vertx.setPeriodic(DEADLINE_SWEEP_MILLIS, id -> {
            for (TraceRun r : live.values()) {
                r.context.runOnContext(v -> r.checkDeadline());
            }
        });
    }

    /** The folder of a data directory where a log repair moves what it cuts off. */
    public static final String WAL_QUARANTINE = "wal-quarantine";

    /**
     * Starts an engine. Close it to stop its threads and unmap its arenas.
     *
     * @throws IllegalStateException when another host uses the data directory, or its log is damaged
     *     inside (the message names the damage and the repair command)
     */
    public static Engine start(EngineConfig config) {
        return new Engine(config);
    }

    /** The node types flows may use. */
    public NodeRegistry registry() {
        return registry;
    }

    /** What the host grants nodes and triggers: files, secrets, environment, network. */
    public io.xerv.plugin.HostServices services() {
        return linker.services();
    }

    /** The arena store. */
    public ArenaStore arenas() {
        return arenas;
    }

    /** The Vert.x instance the traces run on. */
    public Vertx vertx() {
        return vertx;
    }

    /**
     * Loads, validates and links a flow file.
     *
     * @throws FlowException with every problem found, each naming file, line and column
     */
    public CompiledFlow load(Path file) throws FlowException {
        return linker.link(FlowLoader.load(file, registry));
    }

    /** Links a flow that was already loaded. */
    public CompiledFlow link(FlowDefinition def) throws FlowException {
        return linker.link(def);
    }

    /**
     * Starts a trace with a JSON payload (encoded once into the trace's arena).
     *
     * @param triggerId the trigger that fires, or null for the flow's only (or only manual) trigger
     * @throws IllegalArgumentException for malformed JSON or an unknown or ambiguous trigger
     */
    public TraceHandle start(CompiledFlow flow, String triggerId, byte[] json) {
        ByteBuffer flex = ValueCodec.encodeJson(json);
        byte[] bytes = new byte[flex.remaining()];
        flex.get(bytes);
        return start(flow, triggerId, ByteBuffer.wrap(bytes));
    }

    /**
     * Starts a trace with a payload value.
     *
     * @throws IllegalArgumentException for an unknown or ambiguous trigger
     */
    public TraceHandle start(CompiledFlow flow, String triggerId, Value payload) {
        ByteBuffer flex = ValueCodec.encode(payload);
        byte[] bytes = new byte[flex.remaining()];
        flex.get(bytes);
        return start(flow, triggerId, ByteBuffer.wrap(bytes));
    }

    /**
     * Starts a trace with a payload already encoded as FlexBuffers (by {@link ValueCodec}), for callers
     * that encode at ingress to refuse bad JSON before queueing it.
     *
     * @throws IllegalArgumentException for an unknown or ambiguous trigger
     */
    public TraceHandle startEncoded(CompiledFlow flow, String triggerId, byte[] flexPayload) {
        return start(flow, triggerId, ByteBuffer.wrap(flexPayload), null, false);
    }

    /**
     * As {@link #startEncoded(CompiledFlow, String, byte[])}, pinning the trace to {@code preferred}
     * when it is an event-loop context of this engine's Vert.x (an HTTP request's, say, so that the
     * request, its trace and its answer stay on one thread); otherwise to the next engine context.
     */
    public TraceHandle startEncoded(CompiledFlow flow, String triggerId, byte[] flexPayload, Context preferred) {
        return start(flow, triggerId, ByteBuffer.wrap(flexPayload), preferred, false);
    }

    /**
     * As {@link #startEncoded(CompiledFlow, String, byte[], Context)} with the caller's own context,
     * building and starting the run before it returns when the caller is on an event-loop context of
     * this engine's Vert.x (an HTTP request's): no task hop between the request and its trace. The
     * nodes that run inline have run by then, so an observer registered afterwards hears the trace
     * from its state at that point, not from its first change. Off such a context it hands the run
     * over as {@code startEncoded} does.
     */
    public TraceHandle startEncodedHere(CompiledFlow flow, String triggerId, byte[] flexPayload) {
        return start(flow, triggerId, ByteBuffer.wrap(flexPayload), Vertx.currentContext(), true);
    }

    private TraceHandle start(CompiledFlow flow, String triggerId, ByteBuffer flexPayload) {
        return start(flow, triggerId, flexPayload, null, false);
    }

    private TraceHandle start(CompiledFlow flow, String triggerId, ByteBuffer flexPayload, Context preferred,
            boolean inline) {
        String trigger = triggerId == null ? flow.defaultTrigger() : pickTrigger(flow, triggerId);
        UUID id = newTraceId();
        Context ctx = preferred != null && preferred.owner() == vertx && preferred.isEventLoopContext()
                ? preferred : contexts[Math.floorMod(next.getAndIncrement(), contexts.length)];
        // The run is built on its context: the arena and all trace state are touched only there.
        TraceRunRef ref = new TraceRunRef();
        if (inline && preferred == ctx && Vertx.currentContext() == ctx) {
            try {
                build(flow, trigger, id, ctx, flexPayload, ref);
            } catch (RuntimeException e) {
                // As for a task: a bug in a run is the context's to report, not the caller's to handle.
                ((io.vertx.core.internal.ContextInternal) ctx).reportException(e);
            }
        } else {
            ctx.runOnContext(v -> build(flow, trigger, id, ctx, flexPayload, ref));
        }
        return ref.handle(this, id, ctx);
    }

    private void build(CompiledFlow flow, String trigger, UUID id, Context ctx, ByteBuffer flexPayload, TraceRunRef ref) {
        Arena arena;
        try {
            arena = arenas.create(id, flow.encodedConfigBlock(trigger));
        } catch (RuntimeException e) {
            ref.fail(e);
            return;
        }
        FlexValue payload = arena.value(arena.append(ArenaLayout.KIND_VALUE, 0, flexPayload));
        TraceRun run = new TraceRun(this, flow, id, trigger, ctx, arena, payload, null, null);
        live.put(id, run);
        ref.set(run);
        run.start();
    }

    /**
     * The traces the write-ahead log shows unfinished when this engine started, not yet recovered.
     */
    public synchronized List<TraceLog> unfinishedTraces() {
        return List.copyOf(unfinished.values());
    }

    /**
     * Resumes the unfinished traces the write-ahead log holds: each is rebuilt from its arena and its
     * records, completed node runs are not run again (their outputs are read back from the arena),
     * and the rest of the trace runs to its end.
     *
     * @param flows finds the compiled flow a trace ran (by its start record: pipeline, version,
     *     digest); traces whose flow is not found stay unfinished for a later call
     * @return the recovered traces
     */
    public synchronized List<TraceHandle> recover(Function<WalRecord.TraceStart, Optional<CompiledFlow>> flows) {
        long t0 = System.nanoTime();
        List<TraceHandle> out = new ArrayList<>();
        for (var it = unfinished.values().iterator(); it.hasNext(); ) {
            TraceLog log = it.next();
            WalRecord.TraceStart start = log.start();
            if (start == null) {
                it.remove();
                continue;
            }
            Optional<CompiledFlow> flow = flows.apply(start);
            if (flow.isEmpty()) {
                continue;
            }
            it.remove();
            UUID id = log.traceId();
            CompiledFlow f = flow.get();
            ArenaRestore.Outcome restored;
            try {
                restored = ArenaRestore.restore(arenas, log, f.encodedConfigBlock(start.trigger()));
            } catch (RuntimeException e) {
                restored = new ArenaRestore.Outcome(arenas.find(id).orElse(null), "arena cannot be restored: " + e);
            }
            if (restored.arena() == null) {
                // Not even an empty arena to fail the run in: the end is recorded all the same.
                System.getLogger(Engine.class.getName()).log(System.Logger.Level.ERROR,
                        "trace " + id + " cannot be recovered: " + restored.problem() + "; the trace fails");
                WalRecord.TraceFailed end = new WalRecord.TraceFailed(id, clock.getAsLong(), restored.problem());
                append(end, null, IGNORE);
                log.records.add(end);
                log.recordCount++;
                log.end = end;
                failedAtRecovery.put(id, log);
                continue;
            }
            io.xerv.arena.Arena arena = restored.arena();
            String problem = restored.problem();
            Context ctx = contexts[Math.floorMod(next.getAndIncrement(), contexts.length)];
            TraceRunRef ref = new TraceRunRef();
            ctx.runOnContext(v -> {
                try {
                    if (problem != null) {
                        // Ended as any failed trace is (end record, report, arena kept for inspection),
                        // so it shows as failed with the reason, never as running.
                        TraceRun run = new TraceRun(this, f, id, start.trigger(), ctx, arena, io.xerv.plugin.Values.NULL,
                                log, null);
                        live.put(id, run);
                        ref.set(run);
                        run.fail(problem);
                        return;
                    }
                    FlexValue payload = arena.value(new io.xerv.arena.RelPtr(start.payloadOffset(), start.payloadSize()));
                    TraceRun run = new TraceRun(this, f, id, start.trigger(), ctx, arena, payload, log, null);
                    live.put(id, run);
                    ref.set(run);
                    run.start();
                } catch (RuntimeException e) {
                    ref.fail(e);
                }
            });
            out.add(ref.handle(this, id, ctx));
        }
        recoveryMillis = (System.nanoTime() - t0) / 1_000_000;
        return out;
    }

    /** How long the last {@link #recover} took to rebuild and restart its traces, or -1. */
    public long recoveryMillis() {
        return recoveryMillis;
    }

    /** The write-ahead log (for inspection and metrics). */
    public Wal wal() {
        return wal;
    }

    /** Appends a record; a closed or failed log is reported to the listener instead of thrown. */
    void append(WalRecord record, Wal.Forcible forcible, Wal.Listener listener) {
        try {
            if (Context.isOnEventLoopThread()) {
                // On an event loop: the writer is woken once, after the loop's current pass (see
                // WalWake), for every record the pass appended.
                wal.appendDeferred(record, forcible, listener == IGNORE && forcible == null ? null : listener);
                walWake.get().arm();
            } else if (listener == IGNORE && forcible == null) {
                wal.append(record);
            } else {
                wal.append(record, forcible, listener);
            }
        } catch (IllegalStateException e) {
            listener.synced(-1, e);
        }
    }

    /**
     * Wakes the WAL writer once per event-loop pass: armed by the first record a pass appends, run as
     * a task queued behind the pass's other work. One per event-loop thread, touched only there.
     */
    private final class WalWake implements io.vertx.core.Handler<Void> {
        private boolean armed;

        void arm() {
            if (!armed) {
                Context current = Vertx.currentContext();
                if (current == null) {
                    wal.wake();
                    return;
                }
                armed = true;
                current.runOnContext(this);
            }
        }

        @Override
        public void handle(Void v) {
            armed = false;
            wal.wake();
        }
    }

    private final io.netty.util.concurrent.FastThreadLocal<WalWake> walWake = new io.netty.util.concurrent.FastThreadLocal<>() {
        @Override
        protected WalWake initialValue() {
            return new WalWake();
        }
    };

    /**
     * Resumes a suspended trace.
     *
     * @param decision one the suspension accepts (for {@code std::wait}: approve, reject, escalate)
     * @return a future that fails with {@link IllegalArgumentException} for an unknown hook id or a
     *     decision the suspension does not accept
     */
    public Future<Void> resume(String hookId, String decision, Value payload) {
        TraceRun run = hooks.get(hookId);
        if (run == null) {
            return Future.failedFuture(new IllegalArgumentException("no suspension with hook id '" + hookId + "'"));
        }
        return Future.future(p -> run.context.runOnContext(v -> {
            String err = run.resume(hookId, decision, payload == null ? io.xerv.plugin.Values.NULL : payload, false);
            if (err == null) {
                p.complete();
            } else {
                p.fail(new IllegalArgumentException(err));
            }
        }));
    }

    /** The hook ids of every suspension waiting now. */
    public List<String> suspendedHooks() {
        return new ArrayList<>(hooks.keySet());
    }

    /** Every suspension waiting now: hook id to the id of the trace that waits on it. */
    public Map<String, UUID> suspensions() {
        Map<String, UUID> out = new LinkedHashMap<>();
        hooks.forEach((hook, run) -> out.put(hook, run.traceId));
        return out;
    }

    /** A trace that is running or suspended. */
    public Optional<TraceHandle> trace(UUID id) {
        TraceRun r = live.get(id);
        return r == null ? Optional.empty() : Optional.of(new TraceHandle(id, r.context, Future.succeededFuture(r)));
    }

    /** Cancels a running or suspended trace. */
    public Future<Void> cancel(UUID id, String why) {
        TraceRun r = live.get(id);
        if (r == null) {
            return Future.failedFuture(new IllegalArgumentException("no running trace " + id));
        }
        return Future.future(p -> r.context.runOnContext(v -> {
            r.cancel(why);
            p.complete();
        }));
    }

    /**
     * Ends an unfinished trace of the log that no deployed flow has resumed: records it as ended with
     * {@code why} (a reason starting with "cancelled" reads as cancelled) and finishes its arena.
     *
     * @return completes once the end record is durable; fails when the trace is not such a trace, or
     *     with the log's failure
     */
    public Future<Void> cancelUnfinished(UUID id, String why) {
        TraceLog log;
        synchronized (this) {
            log = unfinished.remove(id);
        }
        if (log == null) {
            return Future.failedFuture(new IllegalArgumentException("no unfinished trace " + id + " waits for its flow"));
        }
        Promise<Void> done = Promise.promise();
        append(new WalRecord.TraceFailed(id, clock.getAsLong(), why), null, (lsn, err) -> {
            if (err == null) {
                arenas.find(id).ifPresent(arenas::finish);
                done.tryComplete();
            } else {
                synchronized (this) {
                    unfinished.putIfAbsent(id, log);
                }
                done.tryFail(err);
            }
        });
        return done.future();
    }

    /** The number of traces running or suspended. */
    public int liveTraces() {
        return live.size();
    }

    boolean claimHook(String hook, TraceRun run) {
        return hooks.putIfAbsent(hook, run) == null;
    }

    void releaseHook(String hook) {
        hooks.remove(hook);
    }

    void traceEnded(TraceRun run, TraceReport report) {
        if (run.replay != null) {
            arenas.release(run.arena);
            return;
        }
        live.remove(run.traceId);
        arenas.finish(run.arena);
    }

    /**
     * What the write-ahead log recorded of a trace when this engine started (finished or not), or
     * empty when the log holds none of its records (its segments were purged, or it never ran here).
     * Of a trace that had ended only its start and end records are kept ({@link TraceLog#read} reads
     * them all).
     */
    public Optional<TraceLog> recordedTrace(UUID id) {
        TraceLog failed = failedAtRecovery.get(id);
        if (failed != null) {
            return Optional.of(failed);
        }
        return Optional.ofNullable(recorded.get(id));
    }

    /**
     * The outcome of a replay.
     *
     * @param compared node runs compared with the recording
     * @param differences runs whose port or output differ (or that only one side made), as
     *     {@code runKey, node, recordedPort, replayedPort, recorded, replayed} JSON strings
     * @param report the replayed trace
     */
    public record ReplayReport(UUID traceId, int compared, List<List<String>> differences, TraceReport report) {
    }

    /**
     * Re-executes a recorded trace from its recorded payload, with the clock, random numbers and
     * resume decisions it had, in a scratch arena, and compares every node run's port and output
     * with the recording.
     *
     * @throws IllegalArgumentException when the trace has no start record or its arena is gone
     */
    public Future<ReplayReport> replay(CompiledFlow flow, TraceLog recorded) {
        WalRecord.TraceStart start = recorded.start();
        if (start == null) {
            throw new IllegalArgumentException("trace " + recorded.traceId() + " has no TraceStart record left in the log");
        }
        io.xerv.arena.Arena source = arenas.find(recorded.traceId()).orElseThrow(() -> new IllegalArgumentException(
                "the arena of trace " + recorded.traceId() + " is gone (freed by retention); it cannot be replayed"));
        Context ctx = contexts[Math.floorMod(next.getAndIncrement(), contexts.length)];
        Replay replay = new Replay(recorded, source);
        Promise<ReplayReport> out = Promise.promise();
        ctx.runOnContext(v -> {
            try {
                io.xerv.arena.Arena scratch = arenas.create(UUID.randomUUID(), flow.encodedConfigBlock(start.trigger()));
                FlexValue payload = scratch.appendValue(0,
                        source.value(new io.xerv.arena.RelPtr(start.payloadOffset(), start.payloadSize())));
                TraceRun run = new TraceRun(this, flow, recorded.traceId(), start.trigger(), ctx, scratch, payload, null, replay);
                run.completion.future().onComplete(r -> {
                    List<List<String>> diffs = new ArrayList<>();
                    for (Replay.Difference d : replay.finish(flow)) {
                        diffs.add(java.util.Arrays.asList(d.runKey(), d.node(), d.recordedPort(), d.replayedPort(),
                                d.recorded(), d.replayed()));
                    }
                    out.complete(new ReplayReport(recorded.traceId(), replay.compared(), diffs, r.result()));
                });
                run.start();
            } catch (RuntimeException e) {
                out.fail(e);
            }
        });
        return out.future();
    }

    // Version 4 UUIDs from a fast generator: trace ids need to be unique, not secret.
    private static UUID newTraceId() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    static String pickTrigger(CompiledFlow flow, String requested) {
        List<TriggerDef> triggers = flow.definition().triggers();
        if (requested != null) {
            for (TriggerDef t : triggers) {
                if (t.id().equals(requested)) {
                    return requested;
                }
            }
            if (triggers.isEmpty() && requested.equals("manual")) {
                return requested;
            }
            throw new IllegalArgumentException("flow '" + flow.name() + "' has no trigger '" + requested + "'"
                    + (triggers.isEmpty() ? "" : "; triggers: " + ids(triggers)));
        }
        if (triggers.isEmpty()) {
            return "manual";
        }
        if (triggers.size() == 1) {
            return triggers.get(0).id();
        }
        List<TriggerDef> manual = triggers.stream().filter(t -> t.type().equals("manual")).toList();
        if (manual.size() == 1) {
            return manual.get(0).id();
        }
        throw new IllegalArgumentException("flow '" + flow.name() + "' has several triggers (" + ids(triggers)
                + "); pick one with --trigger");
    }

    private static String ids(List<TriggerDef> triggers) {
        return String.join(", ", triggers.stream().map(TriggerDef::id).toList());
    }

    @Override
    public void close() {
        close(CLOSE_WAIT_MILLIS);
    }

    /** How long {@link #close()} waits for Vert.x to stop its event loops. */
    static final long CLOSE_WAIT_MILLIS = 10_000;

    /**
     * Closes, waiting at most {@code waitMillis} for Vert.x: an event loop stuck in a node that never
     * returns must not keep the WAL open for ever. The log is then closed anyway (it syncs what was
     * queued), so every acknowledged record is on disk when this returns.
     */
    void close(long waitMillis) {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(waitMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            System.getLogger(Engine.class.getName()).log(System.Logger.Level.WARNING,
                    "Vert.x did not stop within " + waitMillis + " ms (an event loop is busy); closing the"
                            + " write-ahead log and the arenas anyway");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Closing anyway.
        }
        workers.shutdownNow();
        try {
            wal.close();
            arenas.close();
        } finally {
            lock.close();
        }
    }

    /** Connects a handle to a run that is created on its context a moment later. */
    private static final class TraceRunRef {
        private final Promise<TraceRun> promise = Promise.promise();

        void set(TraceRun r) {
            promise.complete(r);
        }

        void fail(Throwable t) {
            promise.fail(t);
        }

        TraceHandle handle(Engine engine, UUID id, Context ctx) {
            return new TraceHandle(id, ctx, promise.future());
        }
    }
}
