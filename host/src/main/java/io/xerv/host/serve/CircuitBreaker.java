package io.xerv.host.serve;

import io.xerv.host.flow.FlowSettings;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The circuit breaker of one pipeline.
 *
 * <p>{@code CLOSED}: traces are accepted, and their outcomes are counted in a sliding window of
 * {@code circuit_breaker_window_ms} (ten buckets). When the window holds at least
 * {@code circuit_breaker_failure_threshold} failures and the failed share of ended traces reaches
 * {@code circuit_breaker_threshold}, the breaker opens. {@code OPEN}: every trace is refused for
 * {@code circuit_breaker_recovery_ms}, then the breaker half-opens. {@code HALF_OPEN}: up to
 * {@code circuit_breaker_success_threshold} trial traces are let through at once; that many
 * successes close the breaker, one failure opens it again.
 *
 * <p>Thread-safe: every method synchronizes on the breaker (each call is a few field updates).
 */
public final class CircuitBreaker {

    /** The breaker's states. */
    public enum State {
        CLOSED, OPEN, HALF_OPEN;

        /** The lower-case word used in API output. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The value of the {@code xerv_breaker_state} gauge: 0 closed, 1 open, 2 half-open. */
        public int gauge() {
            return ordinal();
        }
    }

    private static final int BUCKETS = 10;

    private final LongSupplier clock;
    private volatile FlowSettings settings;
    private final long[] bucketEpoch = new long[BUCKETS];
    private final int[] bucketTotal = new int[BUCKETS];
    private final int[] bucketFailed = new int[BUCKETS];
    private State state = State.CLOSED;
    private long openedAt;
    private int trials;
    private int successes;
    private long transitions;

    /**
     * @param clock epoch millis (tests pass their own)
     */
    public CircuitBreaker(FlowSettings settings, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** Takes the settings of a newly deployed version; the state and the window are kept. */
    public void settings(FlowSettings s) {
        this.settings = s;
    }

    /** The state now (an open breaker whose recovery time passed reads as half-open). */
    public synchronized State state() {
        advance(clock.getAsLong());
        return state;
    }

    /** How many times the state changed. */
    public synchronized long transitions() {
        return transitions;
    }

    /**
     * Asks to start a trace.
     *
     * @return 0 when allowed (the caller must later call {@link #record} or {@link #release});
     *     otherwise the milliseconds after which to retry
     */
    public synchronized long tryAcquire() {
        long now = clock.getAsLong();
        advance(now);
        switch (state) {
            case CLOSED -> {
                return 0;
            }
            case OPEN -> {
                return Math.max(1, openedAt + settings.circuitBreakerRecoveryMs() - now);
            }
            default -> {
                if (trials < settings.circuitBreakerSuccessThreshold()) {
                    trials++;
                    return 0;
                }
                return 1000;
            }
        }
    }

    /** Gives back a permit whose trace never started (refused later, or its payload was bad). */
    public synchronized void release() {
        if (state == State.HALF_OPEN && trials > 0) {
            trials--;
        }
    }

    /** Counts a trace's outcome. Cancelled traces are not counted: they say nothing of the flow's health. */
    public synchronized void record(boolean failed) {
        long now = clock.getAsLong();
        advance(now);
        switch (state) {
            case CLOSED -> {
                int b = bucket(now);
                bucketTotal[b]++;
                if (failed) {
                    bucketFailed[b]++;
                    int total = 0;
                    int fails = 0;
                    long epoch = now / bucketMillis();
                    for (int i = 0; i < BUCKETS; i++) {
                        if (epoch - bucketEpoch[i] < BUCKETS) {
                            total += bucketTotal[i];
                            fails += bucketFailed[i];
                        }
                    }
                    FlowSettings s = settings;
                    if (fails >= s.circuitBreakerFailureThreshold() && fails >= s.circuitBreakerErrorRate() * total) {
                        open(now);
                    }
                }
            }
            case HALF_OPEN -> {
                if (trials > 0) {
                    trials--;
                }
                if (failed) {
                    open(now);
                } else if (++successes >= settings.circuitBreakerSuccessThreshold()) {
                    state = State.CLOSED;
                    transitions++;
                    java.util.Arrays.fill(bucketTotal, 0);
                    java.util.Arrays.fill(bucketFailed, 0);
                }
            }
            default -> {
                // Traces accepted before the breaker opened end while it is open; they change nothing.
            }
        }
    }

    /** Closes the breaker at once (an operator's reset, or a redeploy that fixed the flow). */
    public synchronized void reset() {
        if (state != State.CLOSED) {
            transitions++;
        }
        state = State.CLOSED;
        java.util.Arrays.fill(bucketTotal, 0);
        java.util.Arrays.fill(bucketFailed, 0);
    }

    private void open(long now) {
        state = State.OPEN;
        openedAt = now;
        trials = 0;
        successes = 0;
        transitions++;
    }

    private void advance(long now) {
        if (state == State.OPEN && now - openedAt >= settings.circuitBreakerRecoveryMs()) {
            state = State.HALF_OPEN;
            trials = 0;
            successes = 0;
            transitions++;
        }
    }

    private long bucketMillis() {
        return Math.max(1, settings.circuitBreakerWindowMs() / BUCKETS);
    }

    private int bucket(long now) {
        long epoch = now / bucketMillis();
        int b = (int) (epoch % BUCKETS);
        if (bucketEpoch[b] != epoch) {
            bucketEpoch[b] = epoch;
            bucketTotal[b] = 0;
            bucketFailed[b] = 0;
        }
        return b;
    }
}
