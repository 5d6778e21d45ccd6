package io.xerv.host.engine;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.xerv.arena.Arena;
import io.xerv.arena.FlexValue;
import io.xerv.host.engine.CompiledFlow.CEdge;
import io.xerv.host.engine.CompiledFlow.CNode;
import io.xerv.host.flow.SelectorRef;
import io.xerv.plugin.Completion;
import io.xerv.plugin.Execution;
import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.Readiness;
import io.xerv.plugin.Resumption;
import io.xerv.plugin.Suspension;
import io.xerv.plugin.Value;
import io.xerv.plugin.Values;
import io.xerv.wal.WalRecord;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Future;

import static io.xerv.host.engine.Frame.*;

/**
 * The scheduler of one trace: a dataflow over the flow's nodes. A node runs as soon as its incoming
 * edges have settled (fired or skipped) as its readiness asks; an untaken port skips its edges, and
 * skips propagate, so a merge waits only for live inputs. Loops rerun their body per iteration;
 * splits run their body once per item, each item in a frame of its own.
 *
 * <p>Confined to the trace's Vert.x context: every method runs there, so no state needs a lock.
 * Blocking nodes run on the engine's worker pool and hand their completion back to the context.
 */
final class TraceRun {

    /** A loop that runs more iterations than this fails its trace, whatever its config says. */
    static final int MAX_LOOP_ITERATIONS = 1_000_000;

    /** Inline runs in one go before the trace yields its event loop to others. */
    static final int DRAIN_SLICE = 1024;

    final Engine engine;
    final CompiledFlow flow;
    final UUID traceId;
    final String triggerId;
    final Context context;
    final Arena arena;
    final Value payload;
    private Value traceIdValue;
    final SplittableRandom random;
    final long startNanos = System.nanoTime();
    final Frame root;
    /** What the WAL recorded of this trace before a restart, or null for a new trace. */
    final TraceLog log;
    /** For a replay: the recorded trace this run re-executes and compares against; else null. */
    final Replay replay;
    final Promise<Void> started = Promise.promise();
    /**
     * Set on the trace's context once the end record is appended; read by the log's writer, which
     * then leaves acknowledging the start to the end record's listener.
     */
    private volatile boolean endLogged;
    /** Set by the log's writer when the start is durable and acknowledging it was left to the end. */
    private volatile boolean startDurable;

    private final CNode[] nodes;
    private final CEdge[] edges;
    private final ArrayDeque<Frame> readyFrames = new ArrayDeque<>();
    private final ArrayDeque<int[]> readyTasks = new ArrayDeque<>();
    private boolean draining;

    // What the report shows: the last run of each node.
    final NodeStatus[] status;
    final String[] port;
    final Value[] output;
    final long[] nanos;
    final int[] runs;
    final int[] attempts;
    final String[] error;
    final List<String>[] logs;

    TraceStatus state = TraceStatus.RUNNING;
    String failure;
    private int running;
    private final Map<String, Waiting> waiting = new LinkedHashMap<>(2);
    private final List<Future<?>> blocking = new ArrayList<>(0);
    private long deadlineNanos;
    /** The arena offset up to which the log carries this trace's bytes. */
    private long loggedUpTo;
    private TraceReport finalReport;
    /** Who hears this trace's changes, or null when no one does (the common case: one branch per change). */
    private TraceObserver[] observers;
    /** Hears the trace suspend and resume (a pipeline's concurrency slots); null without one. */
    java.util.function.Consumer<TraceStatus> suspensions;
    final Promise<TraceReport> completion = Promise.promise();
    Promise<TraceReport> settled = Promise.promise();
    /** As {@link #settled}, but completed as the trace ends, before its end record is durable. */
    Promise<TraceReport> outcome = Promise.promise();

    /** A node waiting on a suspension. */
    record Waiting(Frame frame, int node, int gen, int attempt, Suspension suspension, long timer) {
    }

    @SuppressWarnings("unchecked")
    TraceRun(Engine engine, CompiledFlow flow, UUID traceId, String triggerId, Context context, Arena arena, Value payload,
             TraceLog log, Replay replay) {
        this.log = log;
        this.replay = replay;
        this.loggedUpTo = log != null ? arena.writeOffset() : arena.dataStart();
        this.engine = engine;
        this.flow = flow;
        this.traceId = traceId;
        this.triggerId = triggerId;
        this.context = context;
        this.arena = arena;
        this.payload = payload;
        this.random = new SplittableRandom(traceId.getMostSignificantBits() ^ traceId.getLeastSignificantBits());
        this.nodes = flow.nodes;
        this.edges = flow.edges;
        int n = nodes.length;
        this.root = new Frame(n, edges.length, null, -1, 0, null, "");
        status = new NodeStatus[n];
        java.util.Arrays.fill(status, NodeStatus.PENDING);
        port = new String[n];
        output = new Value[n];
        nanos = new long[n];
        runs = new int[n];
        attempts = new int[n];
        error = new String[n];
        logs = new List[n];
    }

    // ---- starting ----

    void start() {
        long timeout = flow.definition.settings().executionTimeoutMs();
        if (timeout > 0) {
            // Checked by the engine's sweep and between bursts of inline work; no timer per trace.
            deadlineNanos = System.nanoTime() + timeout * 1_000_000L;
        }
        if (log == null && replay == null) {
            io.xerv.arena.RelPtr p = ((io.xerv.arena.FlexValue) payload).ptr();
            logArena();
            append(new WalRecord.TraceStart(traceId, engine.clock.getAsLong(), flow.name(), flow.version(),
                    flow.digest(), triggerId, p.offset(), p.size()), forcible(),
                    // Completed on the trace's context: what waits for the start (the acknowledgement,
                    // the answer) runs there, not on the log's writer, which goes on to the next sync.
                    (lsn, err) -> {
                        if (err == null && endLogged) {
                            // The end record follows in the log and its listener completes the start
                            // too: one task for both (see end()).
                            startDurable = true;
                            return;
                        }
                        context.runOnContext(v -> {
                            if (err == null) {
                                started.tryComplete();
                            } else {
                                started.tryFail(err);
                                fail("write-ahead log failed: " + err.getMessage());
                            }
                        });
                    });
        } else {
            started.tryComplete();
        }
        root.active++; // held until the entry nodes are placed
        for (CEdge c : edges) {
            if (c.from < 0) {
                settle(root, c.index, c.trigger.equals(triggerId) ? payload : null);
            }
        }
        for (CNode n : nodes) {
            if (n.in.length == 0 && root.state[n.index] == PENDING) {
                if (n.enabled) {
                    enqueue(root, n.index);
                } else {
                    skip(root, n.index);
                }
            }
        }
        release(root);
        drain();
    }

    // ---- edges and readiness ----

    private void settle(Frame f, int e, Value value) {
        if (f.edgeState[e] != EDGE_PENDING) {
            return;
        }
        CEdge c = edges[e];
        if (value != null && c.condition != null) {
            boolean pass;
            try {
                pass = c.condition.evaluate(ref -> lookup(f, ref));
            } catch (RuntimeException ex) {
                fail("edge condition '" + c.condition.text() + "' failed: " + message(ex));
                return;
            }
            if (!pass) {
                value = null;
            }
        }
        f.edgeState[e] = value != null ? EDGE_FIRED : EDGE_SKIPPED;
        f.edgeValue[e] = value;
        if (c.loopBack) {
            loopBack(f, c, value);
            return;
        }
        int t = c.to;
        f.settled[t]++;
        if (value != null) {
            f.fired[t]++;
        }
        checkReady(f, t);
    }

    private void checkReady(Frame f, int t) {
        if (f.state[t] != PENDING) {
            return;
        }
        CNode n = nodes[t];
        int total = n.in.length;
        int s = f.settled[t];
        int fired = f.fired[t];
        boolean run;
        Readiness r = n.readiness;
        switch (r.kind()) {
            case ANY -> {
                if (fired >= 1) {
                    run = true;
                } else if (s == total) {
                    run = false;
                } else {
                    return;
                }
            }
            case COUNT -> {
                if (fired >= r.count()) {
                    run = true;
                } else if (s == total) {
                    run = fired > 0;
                } else {
                    return;
                }
            }
            default -> {
                if (s < total) {
                    return;
                }
                run = fired > 0;
            }
        }
        if (run && n.enabled) {
            enqueue(f, t);
        } else {
            skip(f, t);
        }
    }

    private void enqueue(Frame f, int node) {
        f.state[node] = QUEUED;
        f.active++;
        hold(f, node, 1);
        readyFrames.add(f);
        readyTasks.add(new int[] {node, f.gen[node], 1});
    }

    private void skip(Frame f, int i) {
        f.state[i] = SKIPPED;
        if (runs[i] == 0 || f.owner < 0) {
            status[i] = NodeStatus.SKIPPED;
            port[i] = null;
            output[i] = null;
            if (observers != null) {
                nodeChanged(i);
            }
        }
        for (int e : nodes[i].out) {
            settle(f, e, null);
        }
    }

    // ---- running nodes ----

    void drain() {
        if (draining) {
            return;
        }
        draining = true;
        int done = 0;
        try {
            Frame f;
            while ((f = readyFrames.poll()) != null) {
                // The trace's deadline holds for every node: checked before each one is dispatched.
                if (!state.isFinal() && pastDeadline()) {
                    readyFrames.addFirst(f);
                    return;
                }
                if (++done % DRAIN_SLICE == 0) {
                    // A long burst of inline work: let other traces on this event loop run before continuing.
                    readyFrames.addFirst(f);
                    context.runOnContext(v -> drain());
                    return;
                }
                int[] task = readyTasks.poll();
                if (state.isFinal() || f.gen[task[0]] != task[1] || f.state[task[0]] != QUEUED) {
                    releaseNode(f, task[0]);
                    continue;
                }
                execute(f, task[0], task[2], null);
            }
        } finally {
            draining = false;
        }
        if (!state.isFinal() && running == 0 && readyFrames.isEmpty() && !waiting.isEmpty()
                && state != TraceStatus.SUSPENDED) {
            state = TraceStatus.SUSPENDED;
            if (observers != null) {
                statusChanged();
            }
            if (suspensions != null) {
                suspensions.accept(state);
            }
            TraceReport r = report();
            settled.tryComplete(r);
            outcome.tryComplete(r);
        }
    }

    /** Fails the trace when it has run past its execution timeout; true when it did (or had already ended). */
    private boolean pastDeadline() {
        if (deadlineNanos != 0 && !state.isFinal() && System.nanoTime() - deadlineNanos > 0) {
            fail("execution timed out after " + flow.definition.settings().executionTimeoutMs()
                    + " ms (settings.execution_timeout_ms)");
        }
        return state.isFinal();
    }

    private void execute(Frame f, int i, int attempt, Resumption resumption) {
        CNode n = nodes[i];
        String key = runKey(f, i);
        if (log != null && resumption == null) {
            WalRecord.NodeDone d = log.done.get(key);
            if (d != null) {
                replayDone(f, i, d);
                return;
            }
            if (attempt == 1) {
                // Runs that started before the crash but never completed count as attempts.
                attempt += log.startsOf(key);
            }
        }
        f.state[i] = RUNNING;
        status[i] = NodeStatus.RUNNING;
        if (observers != null) {
            nodeChanged(i);
        }
        long startMillis = replay != null ? replay.startMillis(key, engine.clock.getAsLong()) : engine.clock.getAsLong();
        int gen = f.gen[i];
        int att = attempt;
        if (n.pure) {
            // A pure node may run again after a crash without harm: its start is not logged at all (its
            // NodeDone carries the start time instead, for replays), and nothing waits for the log.
            run(f, i, att, resumption, key, startMillis);
            return;
        }
        if (!engine.waitsForLog || replay != null) {
            append(new WalRecord.NodeStart(traceId, startMillis, key, i, attempt), forcible(), Engine.IGNORE);
            run(f, i, att, resumption, key, startMillis);
            return;
        }
        // Any other node runs once its start is durable, so after a crash its next run knows its
        // attempt. That also makes every record before it durable: its inputs' NodeDone records.
        running++;
        append(new WalRecord.NodeStart(traceId, startMillis, key, i, attempt), forcible(),
                (lsn, err) -> context.runOnContext(v -> {
                    running--;
                    if (err != null) {
                        fail("write-ahead log failed: " + err.getMessage());
                    } else if (state.isFinal() || f.gen[i] != gen || f.state[i] != RUNNING) {
                        releaseNode(f, i);
                    } else {
                        run(f, i, att, resumption, key, startMillis);
                    }
                    drain();
                }));
    }

    private void run(Frame f, int i, int attempt, Resumption resumption, String key, long startMillis) {
        CNode n = nodes[i];
        RunContext ctx = new RunContext(this, f, n, attempt, resumption, key, startMillis);
        int gen = f.gen[i];
        if (n.execution == Execution.INLINE) {
            long t0 = System.nanoTime();
            Completion c = call(n, ctx);
            complete(f, i, gen, attempt, c, System.nanoTime() - t0, key, startMillis);
            return;
        }
        int att = attempt;
        running++;
        boolean[] timedOut = new boolean[1];
        long[] timer = {-1};
        Future<?> task = engine.workers.submit(() -> {
            long t0 = System.nanoTime();
            Completion c = call(n, ctx);
            long dt = System.nanoTime() - t0;
            context.runOnContext(v -> {
                if (timer[0] >= 0) {
                    engine.vertx.cancelTimer(timer[0]);
                }
                if (timedOut[0]) {
                    return;
                }
                running--;
                complete(f, i, gen, att, c, dt, key, startMillis);
                drain();
            });
        });
        blocking.add(task);
        if (n.timeoutMs > 0) {
            timer[0] = engine.vertx.setTimer(n.timeoutMs, id -> {
                timedOut[0] = true;
                task.cancel(true);
                running--;
                complete(f, i, gen, att, Completion.fail("timed out after " + n.timeoutMs + " ms (timeout_ms)"),
                        n.timeoutMs * 1_000_000L, key, startMillis);
                drain();
            });
        }
    }

    private static Completion call(CNode n, RunContext ctx) {
        try {
            Completion c = n.node.execute(ctx);
            if (c == null) {
                return Completion.fail("node returned no completion");
            }
            return c;
        } catch (Throwable t) {
            return Completion.fail(message(t), t);
        }
    }

    static String message(Throwable t) {
        String m = t.getMessage();
        if (t instanceof RuntimeException && !(t instanceof IllegalArgumentException)
                && !(t instanceof IllegalStateException) && !(t instanceof io.xerv.plugin.ValueTypeException)) {
            return t.getClass().getName() + (m == null ? "" : ": " + m);
        }
        return m == null ? t.getClass().getName() : m;
    }

    private void complete(Frame f, int i, int gen, int attempt, Completion c, long dt, String key, long startMillis) {
        if (state.isFinal() || f.gen[i] != gen || f.state[i] != RUNNING) {
            releaseNode(f, i);
            return;
        }
        CNode n = nodes[i];
        nanos[i] += dt;
        attempts[i] = attempt;
        if (n.timeoutMs > 0 && n.execution == Execution.INLINE && dt > n.timeoutMs * 1_000_000L
                && c.kind() != Completion.Kind.FAIL) {
            c = Completion.fail("took " + dt / 1_000_000 + " ms, more than timeout_ms " + n.timeoutMs);
        }
        if (c.kind() == Completion.Kind.EMIT && !(c.value() instanceof FlexValue fv && fv.ptr() != null)) {
            try {
                c = Completion.emit(c.port(), inArena(i, c.value())); // a heap value: written here, within the limits
            } catch (RuntimeException ex) {
                c = Completion.fail(message(ex), ex);
            }
        }
        switch (c.kind()) {
            case EMIT -> {
                FlexValue v = inArena(i, c.value());
                runs[i]++;
                f.state[i] = DONE;
                f.out[i] = v;
                status[i] = NodeStatus.COMPLETED;
                port[i] = c.port();
                output[i] = v;
                error[i] = null;
                if (observers != null) {
                    nodeChanged(i);
                }
                String firedPort = c.port();
                if (replay != null) {
                    replay.compare(key, n.id, firedPort, v);
                }
                // No wait here: whatever runs next waits for its own NodeStart, which comes after this.
                logArena();
                // A pure node's start is not logged: its NodeDone's time is the start time (what the node's
                // clock read), so that a replay gives it the same clock.
                long doneMillis = n.pure ? startMillis : engine.clock.getAsLong();
                append(new WalRecord.NodeDone(traceId, doneMillis, key, i, firedPort, v.ptr().offset(),
                        v.ptr().size(), attempt), forcible(), Engine.IGNORE);
                if (!pastDeadline()) {
                    proceed(f, i, firedPort, v);
                }
                releaseNode(f, i);
            }
            case FAIL -> failed(f, i, gen, attempt, c, key);
            case SUSPEND -> suspend(f, i, gen, attempt, c.suspension(), key);
        }
    }

    /** What follows a run that fired {@code firedPort}. */
    private void proceed(Frame f, int i, String firedPort, Value v) {
        CNode n = nodes[i];
        if (n.isSplit && firedPort.equals(NodeFactory.DEFAULT_OUTPUT)) {
            startSplit(f, i, v);
        } else if (n.isLoop && !firedPort.equals(NodeFactory.ERROR_PORT)) {
            loopEmitted(f, i, firedPort, v);
        } else {
            fire(f, i, firedPort, v);
        }
    }

    /**
     * Logs the bytes appended to the arena since the last record, ahead of the records that point at
     * them: the log then never points at arena bytes a crash could lose, and recovery writes them back.
     */
    private void logArena() {
        if (replay != null) {
            return;
        }
        long end = arena.writeOffset();
        while (loggedUpTo < end) {
            int n = (int) Math.min(WalRecord.ArenaData.MAX_BYTES, end - loggedUpTo);
            engine.append(new WalRecord.ArenaData(traceId, 0, loggedUpTo, arena.copy(loggedUpTo, loggedUpTo + n)), null,
                    Engine.IGNORE);
            loggedUpTo += n;
        }
    }

    /** Appends to the WAL; a replay writes nothing and goes on at once. */
    private void append(WalRecord record, io.xerv.wal.Wal.Forcible forcible, io.xerv.wal.Wal.Listener listener) {
        if (replay != null) {
            listener.synced(0, null);
        } else {
            engine.append(record, forcible, listener);
        }
    }

    private io.xerv.wal.Wal.Forcible forcible() {
        return null;
    }

    /** Completes a run from its record after a restart: the node does not run again. */
    private void replayDone(Frame f, int i, WalRecord.NodeDone d) {
        FlexValue v = arena.value(new io.xerv.arena.RelPtr(d.offset(), d.size()));
        runs[i]++;
        attempts[i] = d.attempt();
        f.out[i] = v;
        output[i] = v;
        port[i] = d.port();
        if (d.port().equals(NodeFactory.ERROR_PORT)) {
            f.state[i] = FAILED;
            status[i] = NodeStatus.FAILED;
            error[i] = v.get("error") == null ? "failed before the restart" : Values.toText(v.get("error"));
        } else {
            f.state[i] = DONE;
            status[i] = NodeStatus.COMPLETED;
        }
        if (observers != null) {
            nodeChanged(i);
        }
        proceed(f, i, d.port(), v);
        releaseNode(f, i);
    }

    /**
     * Names one run of node {@code i}: the frame's path (split items), the node, and the iterations of
     * the loops around it. Stable across restarts.
     */
    String runKey(Frame f, int i) {
        CNode n = nodes[i];
        if (f.path.isEmpty() && !n.isLoop && n.loopOwner < 0) {
            return n.key;
        }
        StringBuilder sb = new StringBuilder(f.path).append(i);
        if (n.isLoop || n.loopOwner >= 0) {
            sb.append('@');
            if (n.isLoop) {
                sb.append(f.iteration[i]).append('.');
            }
            for (int l = n.loopOwner; l >= 0 && inFrame(f, l); l = nodes[l].loopOwner) {
                sb.append(f.iteration[l]).append('.');
            }
        }
        return sb.toString();
    }

    private void failed(Frame f, int i, int gen, int attempt, Completion c, String key) {
        CNode n = nodes[i];
        boolean retry = n.retry != null && attempt < n.retry.maxAttempts();
        append(new WalRecord.NodeError(traceId, engine.clock.getAsLong(), key, i, attempt, c.message(), !retry),
                null, Engine.IGNORE);
        if (retry) {
            f.state[i] = RETRYING;
            error[i] = c.message();
            long delay = n.retry.delayMillis(attempt, random);
            running++;
            engine.vertx.setTimer(Math.max(1, delay), id -> {
                running--;
                if (state.isFinal() || f.gen[i] != gen || f.state[i] != RETRYING) {
                    releaseNode(f, i);
                } else {
                    execute(f, i, attempt + 1, null);
                }
                drain();
            });
            return;
        }
        runs[i]++;
        f.state[i] = FAILED;
        status[i] = NodeStatus.FAILED;
        port[i] = NodeFactory.ERROR_PORT;
        error[i] = c.message();
        boolean handled = false;
        for (int e : n.out) {
            handled |= edges[e].fromPort.equals(NodeFactory.ERROR_PORT);
        }
        FlexValue err = null;
        if (handled) {
            try {
                err = arena.appendValue(i + 1, Map.of("error", c.message(), "node", n.id, "attempts", attempt));
            } catch (io.xerv.arena.ArenaLimitException full) {
                c = Completion.fail(c.message() + "; its error value did not fit either: " + full.getMessage());
                handled = false;
            }
        }
        if (handled) {
            output[i] = err;
            f.out[i] = err;
            if (observers != null) {
                nodeChanged(i);
            }
            logArena();
            append(new WalRecord.NodeDone(traceId, engine.clock.getAsLong(), key, i, NodeFactory.ERROR_PORT,
                    err.ptr().offset(), err.ptr().size(), attempt), forcible(), Engine.IGNORE);
            fire(f, i, NodeFactory.ERROR_PORT, err);
            releaseNode(f, i);
        } else {
            output[i] = null;
            if (observers != null) {
                nodeChanged(i);
            }
            fail("node '" + n.id + "' failed" + (attempt > 1 ? " after " + attempt + " attempts" : "") + ": " + c.message());
        }
    }

    private void fire(Frame f, int i, String firedPort, Value v) {
        for (int e : nodes[i].out) {
            settle(f, e, edges[e].fromPort.equals(firedPort) ? v : null);
        }
    }

    private FlexValue inArena(int i, Value v) {
        if (v instanceof FlexValue fv && fv.ptr() != null) {
            return fv;
        }
        return arena.appendValue(i + 1, v);
    }

    // ---- loops ----

    private void loopEmitted(Frame f, int l, String firedPort, Value v) {
        CNode n = nodes[l];
        f.loopInput[l] = v;
        if (firedPort.equals("continue")) {
            if (f.iteration[l] + 1 >= MAX_LOOP_ITERATIONS) {
                fail("loop '" + n.id + "' ran " + MAX_LOOP_ITERATIONS + " iterations; stopped");
                return;
            }
            resetBody(f, n);
            for (int e : n.out) {
                if (edges[e].fromPort.equals("continue")) {
                    settle(f, e, v);
                }
            }
            checkLoopBacksSkipped(f, l);
            return;
        }
        f.pendingLoopBack[l] = null;
        f.loopExited[l] = true;
        for (int e : n.out) {
            CEdge c = edges[e];
            if (c.fromPort.equals(firedPort)) {
                settle(f, e, v);
            } else if (!c.fromPort.equals("continue") || f.iteration[l] == 0) {
                settle(f, e, null);
            }
        }
    }

    private void resetBody(Frame f, CNode loop) {
        for (int b = loop.body.nextSetBit(0); b >= 0; b = loop.body.nextSetBit(b + 1)) {
            f.state[b] = PENDING;
            f.settled[b] = 0;
            f.fired[b] = 0;
            f.gen[b]++;
            f.out[b] = null;
            f.iteration[b] = 0;
            f.loopExited[b] = false;
            f.pendingLoopBack[b] = null;
        }
        for (int e : loop.bodyEdges) {
            f.edgeState[e] = EDGE_PENDING;
            f.edgeValue[e] = null;
        }
    }

    private void loopBack(Frame f, CEdge c, Value value) {
        int l = c.to;
        if (f.state[l] != DONE) {
            return;
        }
        if (value != null) {
            // The next iteration starts once this one's body is idle, side branches included.
            f.pendingLoopBack[l] = value;
            if (f.bodyActive[l] == 0) {
                startIteration(f, l);
            }
            return;
        }
        checkLoopBacksSkipped(f, l);
    }

    private void startIteration(Frame f, int l) {
        Value v = f.pendingLoopBack[l];
        f.pendingLoopBack[l] = null;
        f.iteration[l]++;
        append(new WalRecord.LoopIteration(traceId, engine.clock.getAsLong(), runKey(f, l), l, f.iteration[l]),
                null, Engine.IGNORE);
        f.loopInput[l] = v;
        enqueue(f, l);
    }

    // Counts work inside the bodies of the loops enclosing node i (in this frame).
    private void hold(Frame f, int i, int delta) {
        for (int l = nodes[i].loopOwner; l >= 0 && inFrame(f, l); l = nodes[l].loopOwner) {
            f.bodyActive[l] += delta;
            if (delta < 0 && f.bodyActive[l] == 0 && f.pendingLoopBack[l] != null && !state.isFinal()) {
                startIteration(f, l);
            }
        }
    }

    private boolean inFrame(Frame f, int node) {
        return f.owner < 0 || nodes[f.owner].body.get(node);
    }

    private void releaseNode(Frame f, int i) {
        hold(f, i, -1);
        release(f);
    }

    // A body whose every path back to the loop was skipped ends the loop with its last value.
    private void checkLoopBacksSkipped(Frame f, int l) {
        CNode n = nodes[l];
        if (f.state[l] != DONE || n.loopBackIn.length == 0 || f.loopExited[l]) {
            return;
        }
        for (int e : n.loopBackIn) {
            if (f.edgeState[e] != EDGE_SKIPPED) {
                return;
            }
        }
        port[l] = "exit";
        f.loopExited[l] = true;
        f.out[l] = f.loopInput[l];
        output[l] = f.loopInput[l];
        for (int e : n.out) {
            if (edges[e].fromPort.equals("exit")) {
                settle(f, e, f.loopInput[l]);
            } else if (!edges[e].fromPort.equals("continue")) {
                settle(f, e, null);
            }
        }
    }

    // ---- splits ----

    private void startSplit(Frame f, int s, Value list) {
        if (list.type() != io.xerv.plugin.ValueType.LIST) {
            fail("split '" + nodes[s].id + "' emitted a " + list.type().label() + " on 'out'; it must emit a list");
            return;
        }
        Frame.SplitRun run = new Frame.SplitRun(f, s, list);
        f.active++;
        hold(f, s, 1);
        if (run.size == 0) {
            finishSplit(run);
            return;
        }
        launchItems(run);
    }

    private void launchItems(Frame.SplitRun run) {
        CNode n = nodes[run.node];
        if (n.batched && run.running > 0) {
            return;
        }
        while (run.next < run.size && run.running < n.window && !state.isFinal()) {
            int k = run.next++;
            run.running++;
            Frame child = new Frame(nodes.length, edges.length, run.frame, run.node, k, run,
                    run.frame.path + run.node + "[" + k + "]/");
            Value item = run.list.get(k);
            child.state[run.node] = DONE;
            child.out[run.node] = item;
            child.active++;
            for (int e : n.out) {
                if (edges[e].fromPort.equals(NodeFactory.DEFAULT_OUTPUT)) {
                    settle(child, e, item);
                }
            }
            release(child);
        }
    }

    private void itemDone(Frame child) {
        Frame.SplitRun run = child.split;
        CNode n = nodes[run.node];
        Value result;
        if (n.bodySinks.length == 1) {
            result = child.state[n.bodySinks[0]] == DONE ? child.out[n.bodySinks[0]] : Values.NULL;
        } else {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int b : n.bodySinks) {
                if (child.state[b] == DONE) {
                    m.put(nodes[b].id, child.out[b]);
                }
            }
            result = Values.of(m);
        }
        run.results[child.item] = result;
        run.running--;
        run.done++;
        if (run.done == run.size) {
            finishSplit(run);
        } else {
            launchItems(run);
        }
    }

    private void finishSplit(Frame.SplitRun run) {
        int s = run.node;
        Value results;
        try {
            results = arena.appendValue(s + 1, java.util.Arrays.asList((Object[]) run.results));
        } catch (io.xerv.arena.ArenaLimitException full) {
            fail("node '" + nodes[s].id + "' failed: its list of results does not fit: " + full.getMessage());
            return;
        }
        Frame f = run.frame;
        port[s] = "done";
        output[s] = results;
        f.out[s] = results;
        for (int e : nodes[s].out) {
            String p = edges[e].fromPort;
            if (p.equals("done")) {
                settle(f, e, results);
            } else if (!p.equals(NodeFactory.DEFAULT_OUTPUT)) {
                settle(f, e, null);
            }
        }
        hold(f, s, -1);
        release(f);
    }

    // ---- suspension ----

    private void suspend(Frame f, int i, int gen, int attempt, Suspension s, String key) {
        String hook = s.hookId();
        if (waiting.containsKey(hook) || !engine.claimHook(hook, this)) {
            failed(f, i, gen, attempt, Completion.fail("hook id '" + hook + "' is already waiting in another suspension"), key);
            return;
        }
        f.state[i] = SUSPENDED;
        status[i] = NodeStatus.SUSPENDED;
        if (observers != null) {
            nodeChanged(i);
        }
        long now = engine.clock.getAsLong();
        long deadline = s.timeoutMillis() > 0 ? now + s.timeoutMillis() : 0;
        WalRecord.TraceSuspended before = log == null ? null : log.suspended.get(key);
        if (before != null) {
            deadline = before.deadlineMillis(); // a restart does not extend the wait
        } else if (engine.waitsForLog && replay == null) {
            // Reported suspended only once the suspension is durable.
            running++;
            append(new WalRecord.TraceSuspended(traceId, now, key, i, hook, deadline), forcible(),
                    (lsn, err) -> context.runOnContext(v -> {
                        running--;
                        if (err != null) {
                            fail("write-ahead log failed: " + err.getMessage());
                        }
                        drain();
                    }));
        } else {
            append(new WalRecord.TraceSuspended(traceId, now, key, i, hook, deadline), forcible(), Engine.IGNORE);
        }
        long timer = -1;
        if (deadline > 0 && replay == null) {
            timer = engine.vertx.setTimer(Math.max(1, deadline - now), id -> resume(hook, s.timeoutDecision(), Values.NULL, true));
        }
        waiting.put(hook, new Waiting(f, i, gen, attempt, s, timer));
        TraceLog recorded = log != null ? log : replay != null ? replay.recorded() : null;
        WalRecord.TraceResumed decided = recorded == null ? null : recorded.resumed.get(hook);
        if (decided != null) {
            // Resumed before the restart, but the resumed run had not completed: resume it again.
            Arena from = replay != null ? replay.source() : arena;
            Value data = decided.payloadOffset() == 0 ? Values.NULL
                    : from.value(new io.xerv.arena.RelPtr(decided.payloadOffset(), decided.payloadSize()));
            context.runOnContext(v -> resume(hook, decided.decision(), data, decided.timedOut()));
        }
    }

    /** Resumes a suspension; returns an error message, or null when resumed. On the trace's context. */
    String resume(String hook, String decision, Value data, boolean timedOut) {
        Waiting w = waiting.get(hook);
        if (w == null || state.isFinal()) {
            return "no suspension with hook id '" + hook + "'";
        }
        String d = normaliseDecision(decision);
        if (!w.suspension().decisions().contains(d)) {
            return "decision '" + decision + "' is not one of " + new java.util.TreeSet<>(w.suspension().decisions());
        }
        waiting.remove(hook);
        engine.releaseHook(hook);
        if (w.timer() >= 0 && !timedOut) {
            engine.vertx.cancelTimer(w.timer());
        }
        if (state == TraceStatus.SUSPENDED) {
            state = TraceStatus.RUNNING;
            if (observers != null) {
                statusChanged();
            }
            if (suspensions != null) {
                suspensions.accept(state);
            }
            settled = Promise.promise();
            outcome = Promise.promise();
        }
        Frame f = w.frame();
        if (f.gen[w.node()] != w.gen() || f.state[w.node()] != SUSPENDED) {
            releaseNode(f, w.node());
        } else {
            FlexValue stored;
            try {
                stored = data.isNull() ? null : inArena(w.node(), data);
            } catch (io.xerv.arena.ArenaLimitException full) {
                fail("node '" + nodes[w.node()].id + "' failed: the data it was resumed with does not fit: " + full.getMessage());
                return null;
            }
            logArena();
            append(new WalRecord.TraceResumed(traceId, engine.clock.getAsLong(), hook, d,
                    stored == null ? 0 : stored.ptr().offset(), stored == null ? 0 : stored.ptr().size(), timedOut),
                    forcible(), Engine.IGNORE);
            execute(f, w.node(), w.attempt(), new Resumption(d, stored == null ? Values.NULL : stored, timedOut));
        }
        drain();
        return null;
    }

    private static String normaliseDecision(String d) {
        String s = d == null ? "" : d.strip().toLowerCase(java.util.Locale.ROOT);
        return switch (s) {
            case "approved" -> "approve";
            case "rejected" -> "reject";
            case "escalated" -> "escalate";
            default -> s;
        };
    }

    List<Waiting> waiting() {
        return List.copyOf(waiting.values());
    }

    // ---- frames and the end of the trace ----

    private void release(Frame f) {
        if (--f.active > 0 || state.isFinal()) {
            return;
        }
        if (f.parent != null) {
            itemDone(f);
        } else {
            finish();
        }
    }

    private void finish() {
        if (state.isFinal()) {
            return;
        }
        state = TraceStatus.COMPLETED;
        end();
    }

    void fail(String message) {
        if (state.isFinal()) {
            return;
        }
        state = TraceStatus.FAILED;
        failure = message;
        end();
    }

    void cancel(String why) {
        if (state.isFinal()) {
            return;
        }
        state = TraceStatus.CANCELLED;
        failure = why;
        end();
    }

    private void end() {
        for (Waiting w : waiting.values()) {
            if (w.timer() >= 0) {
                engine.vertx.cancelTimer(w.timer());
            }
            engine.releaseHook(w.suspension().hookId());
        }
        for (Future<?> f : blocking) {
            f.cancel(true);
        }
        readyFrames.clear();
        readyTasks.clear();
        TraceReport r = report();
        finalReport = r;
        if (observers != null) {
            ended(r);
        }
        outcome.tryComplete(r);
        WalRecord last = state == TraceStatus.COMPLETED
                ? new WalRecord.TraceComplete(traceId, engine.clock.getAsLong())
                : new WalRecord.TraceFailed(traceId, engine.clock.getAsLong(), failure == null ? state.label() : failure);
        logArena();
        if (!engine.waitsForLog || replay != null) {
            append(last, forcible(), Engine.IGNORE);
            engine.traceEnded(this, r);
            settled.tryComplete(r);
            completion.tryComplete(r);
            return;
        }
        // The trace is reported ended once its end is durable. The log keeps its order, so that also
        // makes the start durable: a start not yet acknowledged is acknowledged here, in the same task.
        endLogged = true;
        append(last, forcible(), (lsn, err) -> context.runOnContext(v -> {
            if (err == null || startDurable) {
                started.tryComplete();
            }
            engine.traceEnded(this, r);
            settled.tryComplete(r);
            completion.tryComplete(r);
        }));
    }

    /** Fails the trace when it has run past its execution timeout (called by the engine's sweep). */
    void checkDeadline() {
        if (deadlineNanos != 0 && !state.isFinal() && state != TraceStatus.SUSPENDED
                && System.nanoTime() - deadlineNanos > 0) {
            fail("execution timed out after " + flow.definition.settings().executionTimeoutMs()
                    + " ms (settings.execution_timeout_ms)");
        }
    }

    TraceReport finalReport() {
        return finalReport;
    }

    /** A snapshot of the trace. On the trace's context. */
    TraceReport report() {
        List<NodeReport> list = new ArrayList<>(nodes.length);
        for (int i = 0; i < nodes.length; i++) {
            NodeStatus st = status[i];
            if (state == TraceStatus.COMPLETED && st == NodeStatus.PENDING) {
                st = NodeStatus.SKIPPED;
            }
            list.add(new NodeReport(nodes[i].id, nodes[i].type, st, port[i], output[i], nanos[i] / 1000, runs[i],
                    attempts[i], error[i], logs[i] == null ? List.of() : List.copyOf(logs[i])));
        }
        Value result = null;
        if (state == TraceStatus.COMPLETED) {
            result = result();
        }
        List<String> hooks = new ArrayList<>(waiting.keySet());
        return new TraceReport(traceId, flow.name(), flow.version(), triggerId, state, list, result, failure, hooks,
                (System.nanoTime() - startNanos) / 1000);
    }

    private Value result() {
        List<Integer> done = new ArrayList<>(1);
        for (int s : flow.sinks) {
            if (root.state[s] == DONE || (nodes[s].isSplit && root.out[s] != null)) {
                done.add(s);
            }
        }
        if (done.size() == 1) {
            return root.out[done.get(0)];
        }
        if (done.isEmpty()) {
            return Values.NULL;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int s : done) {
            m.put(nodes[s].id, root.out[s]);
        }
        return Values.of(m);
    }

    // ---- observers ----

    /**
     * Registers an observer: it hears the trace as it is now, then every change. Snapshot and
     * registration happen in this one task on the trace's context, so nothing falls between them.
     */
    void observe(TraceObserver o) {
        TraceReport now = finalReport != null ? finalReport : report();
        try {
            for (NodeReport n : now.nodes()) {
                if (n.status() != NodeStatus.PENDING) {
                    o.nodeChanged(n);
                }
            }
            if (now.status().isFinal()) {
                o.ended(now);
                return;
            }
            o.statusChanged(now.status());
        } catch (RuntimeException e) {
            observerFailed(o, e);
            return;
        }
        // A new array for each change: a change being told goes on over the array it read.
        if (observers == null) {
            observers = new TraceObserver[] {o};
        } else {
            observers = java.util.Arrays.copyOf(observers, observers.length + 1);
            observers[observers.length - 1] = o;
        }
    }

    void unobserve(TraceObserver o) {
        TraceObserver[] os = observers;
        if (os == null) {
            return;
        }
        int k = java.util.Arrays.asList(os).indexOf(o);
        if (k < 0) {
            return;
        }
        if (os.length == 1) {
            observers = null;
            return;
        }
        TraceObserver[] fewer = new TraceObserver[os.length - 1];
        System.arraycopy(os, 0, fewer, 0, k);
        System.arraycopy(os, k + 1, fewer, k, os.length - k - 1);
        observers = fewer;
    }

    int observerCount() {
        return observers == null ? 0 : observers.length;
    }

    private void nodeChanged(int i) {
        tell(new NodeReport(nodes[i].id, nodes[i].type, status[i], port[i], output[i], nanos[i] / 1000, runs[i],
                attempts[i], error[i], logs[i] == null ? List.of() : List.copyOf(logs[i])));
    }

    private void tell(NodeReport n) {
        for (TraceObserver o : observers) {
            try {
                o.nodeChanged(n);
            } catch (RuntimeException e) {
                observerFailed(o, e);
            }
        }
    }

    private void statusChanged() {
        for (TraceObserver o : observers) {
            try {
                o.statusChanged(state);
            } catch (RuntimeException e) {
                observerFailed(o, e);
            }
        }
    }

    private void ended(TraceReport r) {
        for (int i = 0; i < nodes.length && observers != null; i++) {
            // The report shows the nodes a completed trace never reached as skipped: so are they told.
            if (status[i] == NodeStatus.PENDING && r.nodes().get(i).status() != NodeStatus.PENDING) {
                tell(r.nodes().get(i));
            }
        }
        TraceObserver[] os = observers;
        observers = null;
        if (os == null) {
            return;
        }
        for (TraceObserver o : os) {
            try {
                o.ended(r);
            } catch (RuntimeException e) {
                observerFailed(o, e);
            }
        }
    }

    private void observerFailed(TraceObserver o, RuntimeException e) {
        System.getLogger(TraceRun.class.getName()).log(System.Logger.Level.DEBUG,
                () -> "trace " + traceId + ": dropping an observer that threw", e);
        unobserve(o);
    }

    // ---- selectors ----

    Value lookup(Frame f, SelectorRef ref) {
        Value base = switch (ref.root()) {
            case TRACE_ID -> traceIdValue == null ? traceIdValue = Values.of(traceId.toString()) : traceIdValue;
            case TRIGGER -> payload;
            case PIPELINE_CONFIG -> flow.pipelineConfig;
            case NODE -> {
                Integer idx = flow.index.get(ref.nodeId());
                yield idx == null ? null : f.output(idx);
            }
        };
        if (base == null) {
            return null;
        }
        return ref.path() == null ? base : ref.path().resolve(base);
    }

    void log(int node, String line) {
        if (logs[node] == null) {
            logs[node] = new ArrayList<>(2);
        }
        if (logs[node].size() < 1000) {
            logs[node].add(line);
        }
    }

    boolean hasOpenWork() {
        return running > 0;
    }
}
