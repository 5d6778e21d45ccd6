package io.xerv.host.trigger;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Fires a trace at each time a {@link CronSchedule} matches, with the payload
 * {@code {"trigger": id, "schedule": expr, "timezone": zone, "scheduledAt": ISO, "firedAt": ISO}}.
 *
 * <p>One Vert.x timer at a time, armed for the next matching instant and re-armed after each fire; no
 * thread of its own. Each next time is computed from the schedule and the clock, never by adding a
 * period, so lateness does not accumulate. After a stall (a long GC, a suspended machine) it fires
 * once, for the time it was armed for, and then continues from the clock's present: missed times are
 * skipped, not fired in a burst. A timer that fires before the clock reaches its time (the clock was
 * set back) is armed again for the same time.
 *
 * <p>Timers run on the context captured when the listener is created; {@link #pause()},
 * {@link #resume()} and {@link #close()} may be called from any thread.
 */
public final class CronTriggerListener implements TriggerListener {

    private static final Logger LOG = LoggerFactory.getLogger(CronTriggerListener.class);

    private final String triggerId;
    private final CronSchedule schedule;
    private final Vertx vertx;
    private final Context context;
    private final TriggerSink sink;
    private final InstantSource clock;

    private volatile boolean started;
    private volatile boolean paused;
    private volatile boolean closed;
    /** The armed timer, or -1; touched only on {@link #context}. */
    private long timerId = -1;
    /** Told of each due time once it was fired or dropped; for tests. */
    private volatile Consumer<Instant> tickObserver = t -> { };

    /**
     * @param clock what "now" is; {@link InstantSource#system()} outside tests
     */
    public CronTriggerListener(String triggerId, CronSchedule schedule, Vertx vertx, TriggerSink sink, InstantSource clock) {
        this.triggerId = Objects.requireNonNull(triggerId, "triggerId");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.context = vertx.getOrCreateContext();
    }

    @Override
    public String triggerId() {
        return triggerId;
    }

    /** The schedule it follows. */
    public CronSchedule schedule() {
        return schedule;
    }

    /** Calls {@code observer} on the listener's context after each due time is fired or dropped. */
    void observeTicks(Consumer<Instant> observer) {
        this.tickObserver = Objects.requireNonNull(observer, "observer");
    }

    @Override
    public void start() {
        if (closed) {
            throw new IllegalStateException("cron trigger '" + triggerId + "' is closed");
        }
        if (started) {
            return;
        }
        started = true;
        context.runOnContext(v -> armAfter(clock.instant()));
    }

    @Override
    public void pause() {
        paused = true;
    }

    @Override
    public void resume() {
        paused = false;
    }

    @Override
    public boolean paused() {
        return paused;
    }

    @Override
    public void close() {
        closed = true;
        context.runOnContext(v -> cancel());
    }

    /** Arms the timer for the first match after {@code after}; on the context. */
    private void armAfter(Instant after) {
        Optional<Instant> next = schedule.next(after);
        if (next.isEmpty()) {
            LOG.info("cron trigger '{}': schedule {} has no more times; it stops", triggerId, schedule);
            return;
        }
        armFor(next.get());
    }

    private void armFor(Instant at) {
        if (closed) {
            return;
        }
        long delayMs = Math.max(1, at.toEpochMilli() - clock.instant().toEpochMilli());
        timerId = vertx.setTimer(delayMs, id -> onTimer(at));
    }

    private void onTimer(Instant scheduledAt) {
        timerId = -1;
        if (closed) {
            return;
        }
        Instant now = clock.instant();
        if (now.isBefore(scheduledAt)) {
            armFor(scheduledAt);
            return;
        }
        // The pause is read when the time comes: times passed while paused are dropped, not queued.
        if (!paused) {
            fire(scheduledAt, now);
        }
        // From the present, not from the time just fired: times missed during a stall are skipped.
        armAfter(now);
        tickObserver.accept(scheduledAt);
    }

    private void fire(Instant scheduledAt, Instant firedAt) {
        byte[] payload = new JsonObject()
                .put("trigger", triggerId)
                .put("schedule", schedule.expression())
                .put("timezone", schedule.zone().getId())
                .put("scheduledAt", scheduledAt.toString())
                .put("firedAt", firedAt.toString())
                .toBuffer().getBytes();
        try {
            sink.fire(triggerId, payload).onFailure(e ->
                    LOG.warn("cron trigger '{}': the trace for {} was refused: {}", triggerId, scheduledAt, e.getMessage()));
        } catch (RuntimeException e) {
            // The schedule outlives one bad fire.
            LOG.warn("cron trigger '{}': firing the trace for {} failed", triggerId, scheduledAt, e);
        }
    }

    private void cancel() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
    }
}
