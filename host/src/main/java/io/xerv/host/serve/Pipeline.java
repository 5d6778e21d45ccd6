package io.xerv.host.serve;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.xerv.host.engine.CompiledFlow;
import io.xerv.host.engine.TraceHandle;
import io.xerv.host.engine.TraceReport;
import io.xerv.host.engine.TraceStatus;
import io.xerv.host.flow.FlowSettings;
import io.xerv.host.flow.TriggerDef;
import io.xerv.host.trigger.TriggerListener;
import io.xerv.host.trigger.TriggerListeners;
import org.jctools.queues.MpmcArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One deployed pipeline: its versions, state, trigger listeners, queue, breaker and counters. Owned
 * by {@link PipelineController}. Lifecycle methods are called with the pipeline's monitor held; the
 * submit and trace-end paths are lock-free.
 */
final class Pipeline {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    /** One deployed version of the flow. */
    static final class Version {
        final Pipeline pipeline;
        final CompiledFlow flow;
        final String label;
        final long deployedAt;
        final Path baseDir;
        final AtomicInteger running = new AtomicInteger();
        /** Once superseded: the timer that cancels what still runs after the drain grace period, or -1. */
        volatile long graceTimer = -1;
        /** The ids of the flow's triggers, for a check per submission that allocates nothing. */
        final Set<String> triggerIds;

        Version(Pipeline pipeline, CompiledFlow flow, String label, long deployedAt, Path baseDir) {
            this.pipeline = pipeline;
            this.flow = flow;
            this.triggerIds = Set.copyOf(flow.definition().triggers().stream().map(TriggerDef::id).toList());
            this.label = label;
            this.deployedAt = deployedAt;
            this.baseDir = baseDir;
        }
    }

    /** A submission waiting for a slot. */
    record Pending(String trigger, byte[] flex, Promise<Accepted> promise) {
    }

    /** An accepted trace that has not ended. */
    static final class Live {
        final UUID traceId;
        final Pipeline pipeline;
        final Version version;
        final TraceHandle handle;
        final long startedAt;
        /** Whether the trace holds one of the pipeline's running slots: not while it is suspended. */
        final java.util.concurrent.atomic.AtomicBoolean holdsSlot = new java.util.concurrent.atomic.AtomicBoolean(true);

        Live(UUID traceId, Pipeline pipeline, Version version, TraceHandle handle, long startedAt) {
            this.traceId = traceId;
            this.pipeline = pipeline;
            this.version = version;
            this.handle = handle;
            this.startedAt = startedAt;
        }
    }

    final PipelineController controller;
    final String name;
    volatile PipelineState state = PipelineState.STOPPED;
    final List<Version> versions = new CopyOnWriteArrayList<>();
    volatile Version current;
    volatile FlowSettings settings;
    /** Traces that hold a slot: accepted, not ended and not suspended. A resumed trace may take it over the limit. */
    final AtomicInteger running = new AtomicInteger();
    /** Traces accepted and not ended, suspended ones included (what a drain waits for). */
    final AtomicInteger alive = new AtomicInteger();
    final AtomicInteger queued = new AtomicInteger();
    private final MpmcArrayQueue<Pending> queue;
    final CircuitBreaker breaker;
    ServeMetrics.PipelineMeters meters;
    private final Map<String, TriggerListener> listeners = new LinkedHashMap<>();
    private final Set<String> pausedTriggers = ConcurrentHashMap.newKeySet();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder endedMicros = new LongAdder();
    private final LongAdder ended = new LongAdder();
    private Promise<Void> drained;
    private long drainTimer = -1;
    private int revision;

    Pipeline(PipelineController controller, String name, FlowSettings settings) {
        this.controller = controller;
        this.name = name;
        this.settings = settings;
        // JCTools needs a capacity of at least 2; the counter holds the configured bound exactly.
        this.queue = new MpmcArrayQueue<>(Math.max(2, settings.maxQueuedTraces()));
        this.breaker = new CircuitBreaker(settings, System::currentTimeMillis);
    }

    // ---------------------------------------------------------------- versions

    Version addVersion(CompiledFlow flow, Path baseDir, long now) {
        revision++;
        String label = flow.version();
        for (Version v : versions) {
            if (v.label.equals(label)) {
                label = flow.version() + "+r" + revision;
                break;
            }
        }
        Version v = new Version(this, flow, label, now, baseDir);
        versions.add(v);
        current = v;
        settings = flow.definition().settings();
        breaker.settings(settings);
        return v;
    }

    /** Refuses a new version while {@code max_concurrent_versions} versions still have traces. */
    void checkVersionRoom() {
        retireIdle();
        int busy = 0;
        for (Version v : versions) {
            if (v == current || v.running.get() > 0) {
                busy++;
            }
        }
        if (busy >= settings.maxConcurrentVersions()) {
            throw new Refusal(Refusal.Reason.CONFLICT, "pipeline '" + name + "' already runs " + busy
                    + " versions (max_concurrent_versions " + settings.maxConcurrentVersions()
                    + "); wait for older versions' traces to finish");
        }
    }

    /**
     * A new version took over: restart listeners on it and close the breaker (the flow changed). The
     * versions it superseded keep running their traces for their {@code drain_grace_period_ms}; what
     * still runs then is cancelled.
     */
    void versionDeployed(Version v) {
        breaker.reset();
        retireIdle();
        if (state == PipelineState.RUNNING || state == PipelineState.PAUSED) {
            closeListeners();
            openListeners();
        }
        for (Version old : versions) {
            if (old != v && old.graceTimer < 0) {
                startGracePeriod(old, v);
            }
        }
        LOG.info("pipeline {} version {} deployed; new traces run it", name, v.label);
    }

    private void startGracePeriod(Version old, Version successor) {
        long grace = old.flow.definition().settings().drainGracePeriodMs();
        old.graceTimer = controller.engineRef().vertx().setTimer(Math.max(1, grace), id -> {
            List<UUID> left = controller.liveTraceIds(old);
            if (!left.isEmpty()) {
                LOG.warn("pipeline {} version {}: drain grace period ({} ms) passed; cancelling its {} traces still running",
                        name, old.label, grace, left.size());
            }
            String why = "pipeline '" + name + "' version " + old.label + " was superseded by version "
                    + successor.label + " and its drain grace period (" + grace + " ms) passed";
            for (UUID trace : left) {
                controller.engineRef().cancel(trace, why);
            }
        });
    }

    private void retireIdle() {
        versions.removeIf(v -> {
            if (v != current && v.running.get() == 0) {
                release(v);
                return true;
            }
            return false;
        });
    }

    /** Closes what a retired version's nodes hold (JS contexts, WASM instances). */
    private void release(Version v) {
        if (v.graceTimer >= 0) {
            controller.engineRef().vertx().cancelTimer(v.graceTimer);
        }
        for (String problem : v.flow.close()) {
            LOG.warn("pipeline {} version {}: closing {}", name, v.label, problem);
        }
    }

    // ---------------------------------------------------------------- lifecycle

    void start() {
        switch (state) {
            case RUNNING -> {
            }
            case PAUSED -> resume();
            case DRAINING -> throw new Refusal(Refusal.Reason.CONFLICT, "pipeline '" + name
                    + "' is draining; start it again once it has stopped");
            case STOPPED -> {
                state = PipelineState.RUNNING;
                openListeners();
            }
        }
    }

    void pause() {
        switch (state) {
            case PAUSED -> {
            }
            case RUNNING -> {
                state = PipelineState.PAUSED;
                listeners.values().forEach(TriggerListener::pause);
            }
            default -> throw new Refusal(Refusal.Reason.CONFLICT, "pipeline '" + name + "' is " + state.label()
                    + "; only a running pipeline can be paused");
        }
    }

    void resume() {
        switch (state) {
            case RUNNING -> {
            }
            case PAUSED -> {
                state = PipelineState.RUNNING;
                listeners.forEach((id, l) -> {
                    if (!pausedTriggers.contains(id)) {
                        l.resume();
                    }
                });
            }
            default -> throw new Refusal(Refusal.Reason.CONFLICT, "pipeline '" + name + "' is " + state.label()
                    + "; only a paused pipeline can be resumed (start a stopped one)");
        }
    }

    Future<Void> drain() {
        switch (state) {
            case STOPPED -> {
                return Future.succeededFuture();
            }
            case DRAINING -> {
                return drained.future();
            }
            default -> {
                state = PipelineState.DRAINING;
                closeListeners();
                drained = Promise.promise();
                long timeout = settings.drainTimeoutMs();
                drainTimer = controller.engineRef().vertx().setTimer(Math.max(1, timeout), id -> {
                    synchronized (this) {
                        if (state == PipelineState.DRAINING) {
                            LOG.warn("pipeline {}: drain timeout ({} ms) passed; cancelling its {} unfinished traces",
                                    name, timeout, alive.get());
                            stop("pipeline '" + name + "' drain timed out");
                        }
                    }
                });
                Future<Void> f = drained.future();
                checkDrained();
                return f;
            }
        }
    }

    void stop(String why) {
        state = PipelineState.STOPPED;
        closeListeners();
        Pending p;
        while ((p = queue.poll()) != null) {
            queued.decrementAndGet();
            breaker.release();
            refused.increment();
            meters.refused.increment();
            p.promise().tryFail(new Refusal(Refusal.Reason.NOT_RUNNING, why));
        }
        for (UUID id : controller.liveTraceIds(this)) {
            controller.engineRef().cancel(id, why);
        }
        finishDrain();
    }

    private void checkDrained() {
        if (state == PipelineState.DRAINING && alive.get() == 0 && queued.get() == 0) {
            state = PipelineState.STOPPED;
            finishDrain();
        }
    }

    private void finishDrain() {
        if (drainTimer >= 0) {
            controller.engineRef().vertx().cancelTimer(drainTimer);
            drainTimer = -1;
        }
        if (drained != null) {
            drained.tryComplete();
            drained = null;
        }
    }

    void pauseTrigger(String triggerId, boolean pause) {
        if (current.flow.definition().trigger(triggerId).isEmpty()) {
            throw new Refusal(Refusal.Reason.UNKNOWN_TRIGGER, "pipeline '" + name + "' has no trigger '" + triggerId + "'");
        }
        TriggerListener l = listeners.get(triggerId);
        if (pause) {
            pausedTriggers.add(triggerId);
            if (l != null) {
                l.pause();
            }
        } else {
            pausedTriggers.remove(triggerId);
            if (l != null && state == PipelineState.RUNNING) {
                l.resume();
            }
        }
    }

    private void openListeners() {
        Version v = current;
        for (TriggerDef t : v.flow.definition().triggers()) {
            if (!t.enabled()) {
                continue;
            }
            try {
                TriggerListeners.create(t, controller.engineRef().vertx(),
                        (trigger, json) -> controller.submit(name, trigger, json).map(Accepted::traceId), v.baseDir,
                        java.time.InstantSource.system(), controller.engineRef().services())
                        .ifPresent(l -> {
                            listeners.put(t.id(), l);
                            l.start();
                            if (pausedTriggers.contains(t.id()) || state == PipelineState.PAUSED) {
                                l.pause();
                            }
                        });
            } catch (RuntimeException e) {
                LOG.error("pipeline {}: trigger {} could not start: {}", name, t.id(), e.getMessage());
            }
        }
    }

    void closeListeners() {
        for (TriggerListener l : listeners.values()) {
            try {
                l.close();
            } catch (RuntimeException e) {
                LOG.warn("pipeline {}: trigger {} did not close cleanly: {}", name, l.triggerId(), e.getMessage());
            }
        }
        listeners.clear();
    }

    // ---------------------------------------------------------------- submitting

    Future<Accepted> submit(String triggerId, byte[] flex) {
        if (controller.isShuttingDown()) {
            return refuse(new Refusal(Refusal.Reason.SHUTTING_DOWN, "the host is shutting down", 5));
        }
        PipelineState s = state;
        if (s != PipelineState.RUNNING) {
            return refuse(s == PipelineState.PAUSED
                    ? new Refusal(Refusal.Reason.PAUSED, "pipeline '" + name + "' is paused", 30)
                    : new Refusal(Refusal.Reason.NOT_RUNNING, "pipeline '" + name + "' is " + s.label()));
        }
        String trigger;
        try {
            trigger = triggerId == null ? current.flow.defaultTrigger() : known(triggerId);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(new Refusal(Refusal.Reason.UNKNOWN_TRIGGER, e.getMessage()));
        }
        if (!pausedTriggers.isEmpty() && pausedTriggers.contains(trigger)) {
            return refuse(new Refusal(Refusal.Reason.PAUSED, "trigger '" + trigger + "' of pipeline '" + name + "' is paused", 30));
        }
        long wait = breaker.tryAcquire();
        if (wait > 0) {
            return refuse(new Refusal(Refusal.Reason.BREAKER_OPEN, "the circuit breaker of pipeline '" + name
                    + "' is " + breaker.state().label() + " after repeated failures", (wait + 999) / 1000));
        }
        FlowSettings st = settings;
        if (tryIncrement(running, st.maxConcurrentExecutions())) {
            Promise<Accepted> p = Promise.promise();
            launch(new Pending(trigger, flex, p));
            return p.future();
        }
        if (tryIncrement(queued, Math.min(st.maxQueuedTraces(), queue.capacity()))) {
            Promise<Accepted> p = Promise.promise();
            queue.offer(new Pending(trigger, flex, p));
            dispatch();
            return p.future();
        }
        breaker.release();
        return refuse(new Refusal(Refusal.Reason.QUEUE_FULL, "pipeline '" + name + "' runs "
                + st.maxConcurrentExecutions() + " traces and has " + queued.get() + " queued (max_queued_traces "
                + st.maxQueuedTraces() + ")", retryAfterSeconds(st)));
    }

    private Future<Accepted> refuse(Refusal r) {
        refused.increment();
        meters.refused.increment();
        return Future.failedFuture(r);
    }

    private String known(String triggerId) {
        Version v = current;
        if (v.triggerIds.contains(triggerId) || (v.triggerIds.isEmpty() && triggerId.equals("manual"))) {
            return triggerId;
        }
        throw new IllegalArgumentException("pipeline '" + name + "' has no trigger '" + triggerId + "'");
    }

    /** An estimate of when a slot frees: the queue ahead times the mean trace duration, 1..60 s. */
    private long retryAfterSeconds(FlowSettings st) {
        long n = ended.sum();
        double meanSeconds = n == 0 ? 0.1 : endedMicros.sum() / (double) n / 1e6;
        double waves = (queued.get() + 1.0) / st.maxConcurrentExecutions();
        return Math.max(1, Math.min(60, (long) Math.ceil(waves * meanSeconds)));
    }

    private static boolean tryIncrement(AtomicInteger a, int max) {
        for (;;) {
            int n = a.get();
            if (n >= max) {
                return false;
            }
            if (a.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Moves queued submissions into free slots. Called after every enqueue and every trace end. */
    private void dispatch() {
        while (queued.get() > 0) {
            if (!tryIncrement(running, settings.maxConcurrentExecutions())) {
                return;
            }
            Pending p = queue.poll();
            if (p == null) {
                // A producer counted its item but has not offered it yet; it dispatches after offering.
                running.decrementAndGet();
                return;
            }
            queued.decrementAndGet();
            launch(p);
        }
    }

    /** Starts a submission that holds a running slot. */
    private void launch(Pending p) {
        Version v = current;
        v.running.incrementAndGet();
        TraceHandle h;
        try {
            h = controller.engineRef().startEncodedHere(v.flow, p.trigger(), p.flex());
        } catch (RuntimeException e) {
            v.running.decrementAndGet();
            running.decrementAndGet();
            breaker.release();
            p.promise().tryFail(new Refusal(Refusal.Reason.BAD_REQUEST, e.getMessage()));
            dispatch();
            return;
        }
        Live live = new Live(h.traceId(), this, v, h, System.currentTimeMillis());
        alive.incrementAndGet();
        controller.traceAccepted(live);
        h.onSuspension(st -> slotChanged(live, st));
        h.started().onComplete(ar -> {
            if (ar.succeeded()) {
                accepted.increment();
                meters.started.increment();
                p.promise().tryComplete(new Accepted(live.traceId, name, v.label, h));
            } else {
                p.promise().tryFail(ar.cause());
            }
        });
        h.completion().onComplete(ar -> ended(live, ar));
    }

    /** Counts a recovered trace as running on its version. */
    void adopt(Version v, TraceHandle h) {
        running.incrementAndGet();
        v.running.incrementAndGet();
        Live live = new Live(h.traceId(), this, v, h, 0);
        alive.incrementAndGet();
        controller.traceAccepted(live);
        h.onSuspension(st -> slotChanged(live, st));
        h.completion().onComplete(ar -> ended(live, ar));
    }

    /**
     * A suspended trace (waiting for a decision, maybe for days) gives its slot back, so that it does not
     * keep new traces out; resumed, it takes one again at once, even when that goes over
     * {@code max_concurrent_executions} for a while: it was accepted already, and its decision must not wait.
     */
    private void slotChanged(Live live, TraceStatus st) {
        if (st == TraceStatus.SUSPENDED) {
            if (live.holdsSlot.compareAndSet(true, false)) {
                running.decrementAndGet();
                dispatch();
            }
        } else if (st == TraceStatus.RUNNING && live.holdsSlot.compareAndSet(false, true)) {
            running.incrementAndGet();
        }
    }

    private void ended(Live live, AsyncResult<TraceReport> ar) {
        TraceReport r = ar.succeeded() ? ar.result() : null;
        TraceStatus s = r == null ? TraceStatus.FAILED : r.status();
        switch (s) {
            case COMPLETED -> {
                completed.increment();
                meters.completed.increment();
            }
            case CANCELLED -> {
                cancelled.increment();
                meters.cancelled.increment();
            }
            default -> {
                failed.increment();
                meters.failed.increment();
            }
        }
        if (s != TraceStatus.CANCELLED) {
            breaker.record(s == TraceStatus.FAILED);
        } else {
            breaker.release();
        }
        if (r != null) {
            ended.increment();
            endedMicros.add(r.micros());
            meters.duration.record(r.micros(), java.util.concurrent.TimeUnit.MICROSECONDS);
        }
        controller.traceEnded(live, r, ar.cause());
        live.version.running.decrementAndGet();
        alive.decrementAndGet();
        if (live.holdsSlot.getAndSet(false)) {
            running.decrementAndGet();
        }
        dispatch();
        if (live.version != current && live.version.running.get() == 0 && versions.remove(live.version)) {
            release(live.version);
        }
        if (state == PipelineState.DRAINING) {
            synchronized (this) {
                checkDrained();
            }
        }
    }

    // ---------------------------------------------------------------- reading

    PipelineInfo info() {
        Version cur = current;
        List<PipelineInfo.VersionInfo> vs = new ArrayList<>();
        for (Version v : versions) {
            vs.add(new PipelineInfo.VersionInfo(v.label, v.flow.digest(), v.deployedAt, v == cur, v.running.get()));
        }
        List<PipelineInfo.TriggerInfo> ts = new ArrayList<>();
        for (TriggerDef t : cur.flow.definition().triggers()) {
            boolean hook = t.type().equals("webhook");
            String auth = null;
            if (hook) {
                Object a = t.params().get("auth");
                auth = a instanceof Map<?, ?> m ? String.valueOf(m.get("type")) : "none";
            }
            ts.add(new PipelineInfo.TriggerInfo(t.id(), t.type(), pausedTriggers.contains(t.id()),
                    hook ? t.param("method") : null, hook ? t.param("path") : null, hook ? t.param("mode") : null, auth));
        }
        long n = ended.sum();
        return new PipelineInfo(name, cur.label, state, cur.flow.definition().description(),
                cur.flow.definition().source(), vs, ts, breaker.state().label(), alive.get(), queued.get(),
                new PipelineInfo.Stats(accepted.sum(), completed.sum(), failed.sum(), cancelled.sum(), refused.sum(),
                        n == 0 ? 0 : endedMicros.sum() / n));
    }
}
