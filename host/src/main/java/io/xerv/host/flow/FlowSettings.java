package io.xerv.host.flow;

/**
 * A flow's {@code settings}: limits and the circuit breaker of its pipeline. Immutable.
 *
 * @param maxConcurrentExecutions traces of this pipeline running at once
 * @param executionTimeoutMs the wall-clock limit of one trace
 * @param circuitBreakerErrorRate the seed's {@code circuit_breaker_threshold}: the error rate (0..1]
 *     above which the breaker opens
 * @param circuitBreakerFailureThreshold failures within the window that open the breaker
 * @param circuitBreakerWindowMs the window in which failures are counted
 * @param circuitBreakerRecoveryMs how long the breaker stays open before it half-opens
 * @param circuitBreakerSuccessThreshold successes in half-open state that close it again
 * @param maxConcurrentVersions versions of the pipeline that may run at once while old ones drain
 * @param drainTimeoutMs how long a drain waits for traces to finish
 * @param drainGracePeriodMs how long a version superseded by a newer deploy may go on running its traces;
 *     those still running (or suspended) then are cancelled
 * @param maxQueuedTraces traces waiting for a slot before triggers are refused (backpressure)
 * @param debug record extra diagnostics per trace
 */
public record FlowSettings(
        int maxConcurrentExecutions,
        long executionTimeoutMs,
        double circuitBreakerErrorRate,
        int circuitBreakerFailureThreshold,
        long circuitBreakerWindowMs,
        long circuitBreakerRecoveryMs,
        int circuitBreakerSuccessThreshold,
        int maxConcurrentVersions,
        long drainTimeoutMs,
        long drainGracePeriodMs,
        int maxQueuedTraces,
        boolean debug) {

    /** The seed's defaults. */
    public static final FlowSettings DEFAULT =
            new FlowSettings(100, 60_000, 0.05, 5, 60_000, 30_000, 3, 5, 1_800_000, 300_000, 1000, false);

    public FlowSettings {
        atLeast("maxConcurrentExecutions", maxConcurrentExecutions, 1);
        atLeast("executionTimeoutMs", executionTimeoutMs, 1);
        if (!(circuitBreakerErrorRate > 0 && circuitBreakerErrorRate <= 1)) {
            throw new IllegalArgumentException("circuitBreakerErrorRate must be in (0, 1], got " + circuitBreakerErrorRate);
        }
        atLeast("circuitBreakerFailureThreshold", circuitBreakerFailureThreshold, 1);
        atLeast("circuitBreakerWindowMs", circuitBreakerWindowMs, 1);
        atLeast("circuitBreakerRecoveryMs", circuitBreakerRecoveryMs, 1);
        atLeast("circuitBreakerSuccessThreshold", circuitBreakerSuccessThreshold, 1);
        atLeast("maxConcurrentVersions", maxConcurrentVersions, 1);
        atLeast("drainTimeoutMs", drainTimeoutMs, 0);
        atLeast("drainGracePeriodMs", drainGracePeriodMs, 0);
        atLeast("maxQueuedTraces", maxQueuedTraces, 0);
    }

    private static void atLeast(String name, long v, long min) {
        if (v < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + v);
        }
    }
}
