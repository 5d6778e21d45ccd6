package io.xerv.host.flow;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How a node is retried after a failed attempt: exponential backoff, capped, with optional jitter.
 * Immutable.
 *
 * @param maxAttempts attempts in all, the first included (at least 1)
 * @param initialDelayMs the delay after the first failure
 * @param maxDelayMs the cap on any delay
 * @param backoffMultiplier how much each delay grows (at least 1)
 * @param jitter when true a delay is drawn uniformly from {@code [delay/2, delay]}
 */
public record RetryPolicy(int maxAttempts, long initialDelayMs, long maxDelayMs, double backoffMultiplier, boolean jitter) {

    /** 3 attempts, 1 s doubling up to 30 s, with jitter. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(3, 1000, 30_000, 2.0, true);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        if (initialDelayMs < 0) {
            throw new IllegalArgumentException("initialDelayMs must be >= 0, got " + initialDelayMs);
        }
        if (maxDelayMs < initialDelayMs) {
            throw new IllegalArgumentException("maxDelayMs (" + maxDelayMs + ") must be >= initialDelayMs (" + initialDelayMs + ")");
        }
        if (!(backoffMultiplier >= 1.0) || Double.isInfinite(backoffMultiplier)) {
            throw new IllegalArgumentException("backoffMultiplier must be a finite number >= 1, got " + backoffMultiplier);
        }
    }

    /**
     * The delay before the next attempt.
     *
     * @param attemptJustFailed the attempt that failed, from 1
     * @param rnd the source of jitter (the node context's, so that replays are deterministic)
     */
    public long delayMillis(int attemptJustFailed, RandomGenerator rnd) {
        if (attemptJustFailed < 1) {
            throw new IllegalArgumentException("attemptJustFailed must be >= 1, got " + attemptJustFailed);
        }
        double d = initialDelayMs * Math.pow(backoffMultiplier, attemptJustFailed - 1);
        long delay = d >= maxDelayMs ? maxDelayMs : (long) d;
        if (!jitter || delay <= 1) {
            return delay;
        }
        Objects.requireNonNull(rnd, "rnd");
        long low = delay / 2;
        return low + rnd.nextLong(delay - low + 1);
    }
}
