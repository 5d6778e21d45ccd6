package io.xerv.host.engine;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Objects;
import java.util.UUID;

/**
 * A started trace. Thread-safe.
 *
 * <p>{@link #completion()} completes when the trace completes, fails or is cancelled (with the final
 * report; a failed trace is a successful future whose report says {@code failed}).
 * {@link #settled()} also completes when the trace suspends and waits for a resume; both wait for the
 * end (or suspension) record to be durable, {@link #outcome()} does not. All fail only when the trace
 * could not start (its arena could not be created).
 */
public final class TraceHandle {

    private final UUID traceId;
    private final Context context;
    private final Future<TraceRun> run;

    TraceHandle(UUID traceId, Context context, Future<TraceRun> run) {
        this.traceId = traceId;
        this.context = context;
        this.run = run;
    }

    public UUID traceId() {
        return traceId;
    }

    /**
     * Completes once the trace's start is durable in the write-ahead log: from then on a crash does
     * not lose the trace. Fails if the log could not write it.
     */
    public Future<Void> started() {
        if (run.succeeded()) {
            return run.result().started.future();
        }
        return run.compose(r -> r.started.future());
    }

    /** The final report, once the trace has ended. */
    public Future<TraceReport> completion() {
        if (run.succeeded()) {
            return run.result().completion.future();
        }
        return run.compose(r -> r.completion.future());
    }

    /** The report once the trace has ended or suspended. */
    public Future<TraceReport> settled() {
        return run.compose(r -> Future.<TraceReport>future(p -> context.runOnContext(v -> r.settled.future().onComplete(p))));
    }

    /**
     * The report once the trace has ended or suspended and its start is durable, without waiting for
     * its end record to be durable: what a caller answering with the trace's result needs. The trace
     * is acknowledged by then; a crash before its end record is durable makes the next start finish it
     * again from its last durable step, as for any crash in the middle of a trace. Fails as
     * {@link #started()} does.
     */
    public Future<TraceReport> outcome() {
        if (run.succeeded() && Vertx.currentContext() == context) {
            TraceRun r = run.result();
            if (r.started.future().succeeded()) {
                // The common case of a caller on the trace's context: no futures in between.
                return r.outcome.future();
            }
        }
        return run.compose(r -> r.started.future().compose(v -> {
            if (Vertx.currentContext() == context) {
                return r.outcome.future();
            }
            return Future.<TraceReport>future(p -> context.runOnContext(x -> r.outcome.future().onComplete(p)));
        }));
    }

    /** A snapshot of the trace now. */
    public Future<TraceReport> report() {
        return run.compose(r -> Future.<TraceReport>future(p -> context.runOnContext(v -> {
            TraceReport fin = r.finalReport();
            p.complete(fin != null ? fin : r.report());
        })));
    }

    /**
     * Registers an observer of the trace's changes. It first hears the trace as it is when the
     * registration lands on the trace's context (each node that is not pending, then the trace's
     * status, or its end when it has ended), then every change after that: nothing is missed and
     * nothing is heard twice. Registered from the trace's own context before its run is built (right
     * after starting it there), it hears the whole trace. A trace that could not start is never heard.
     *
     * @return the registration: closing it (from any thread) stops the calls, none starts after
     *     {@code close} returns. A trace drops its observers itself once it has ended.
     */
    public Observation observe(TraceObserver observer) {
        Registration reg = new Registration(Objects.requireNonNull(observer, "observer"));
        run.onSuccess(r -> onContext(() -> {
            if (!reg.closed) {
                r.observe(reg);
            }
        }));
        return reg;
    }

    /**
     * Calls {@code listener} on the trace's context each time the trace suspends ({@code SUSPENDED}) or
     * is resumed ({@code RUNNING}); at once when it is already suspended. Lighter than {@link #observe}
     * (no node reports): for what counts suspended traces apart. A trace has one such listener; setting
     * another replaces it.
     */
    public void onSuspension(java.util.function.Consumer<TraceStatus> listener) {
        Objects.requireNonNull(listener, "listener");
        run.onSuccess(r -> onContext(() -> {
            r.suspensions = listener;
            if (r.state == TraceStatus.SUSPENDED) {
                listener.accept(TraceStatus.SUSPENDED);
            }
        }));
    }

    /** How many observers the trace has now (for tests and diagnostics). */
    public Future<Integer> observerCount() {
        return run.compose(r -> Future.future(p -> onContext(() -> p.complete(r.observerCount()))));
    }

    private void onContext(Runnable task) {
        if (Vertx.currentContext() == context) {
            task.run();
        } else {
            context.runOnContext(v -> task.run());
        }
    }

    /** An observer's registration with a trace. Thread-safe. */
    public interface Observation extends AutoCloseable {
        /** Stops the observer's calls; from any thread, twice is harmless. */
        @Override
        void close();
    }

    /** One observer's registration: passes the trace's calls on until closed. */
    private final class Registration implements TraceObserver, Observation {
        private final TraceObserver observer;
        private volatile boolean closed;

        Registration(TraceObserver observer) {
            this.observer = observer;
        }

        @Override
        public void nodeChanged(NodeReport node) {
            if (!closed) {
                observer.nodeChanged(node);
            }
        }

        @Override
        public void statusChanged(TraceStatus status) {
            if (!closed) {
                observer.statusChanged(status);
            }
        }

        @Override
        public void ended(TraceReport report) {
            if (!closed) {
                observer.ended(report);
            }
        }

        @Override
        public void close() {
            closed = true;
            run.onSuccess(r -> onContext(() -> r.unobserve(this)));
        }
    }
}
