package io.xerv.host.serve;

import io.xerv.host.flow.FlowSettings;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The breaker's states over a clock the test moves. */
class CircuitBreakerTest {

    // error rate 0.5, 3 failures, 10 s window, 1 s recovery, 2 successes to close
    static final FlowSettings SETTINGS = new FlowSettings(10, 1000, 0.5, 3, 10_000, 1_000, 2, 5, 1000, 0, 10, false);

    final AtomicLong now = new AtomicLong(1_000_000);
    final CircuitBreaker b = new CircuitBreaker(SETTINGS, now::get);

    @Test
    void staysClosedBelowTheFailureThreshold() {
        b.record(true);
        b.record(true);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(b.tryAcquire()).isZero();
    }

    @Test
    void staysClosedWhenTheErrorRateIsLow() {
        for (int i = 0; i < 10; i++) {
            b.record(false);
        }
        b.record(true);
        b.record(true);
        b.record(true);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void opensAtTheThresholdAndRefusesUntilRecovery() {
        openIt();
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(b.tryAcquire()).isEqualTo(1_000);
        now.addAndGet(400);
        assertThat(b.tryAcquire()).isEqualTo(600);
    }

    @Test
    void halfOpensAfterRecoveryAndLetsOnlyTrialsThrough() {
        openIt();
        now.addAndGet(1_000);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(b.tryAcquire()).isZero();
        assertThat(b.tryAcquire()).isZero();
        assertThat(b.tryAcquire()).as("a third trial while two run").isPositive();
    }

    @Test
    void closesAfterEnoughSuccessesInHalfOpen() {
        openIt();
        now.addAndGet(1_000);
        b.tryAcquire();
        b.record(false);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        b.tryAcquire();
        b.record(false);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void reopensOnAFailureInHalfOpen() {
        openIt();
        now.addAndGet(1_000);
        b.tryAcquire();
        b.record(true);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(b.tryAcquire()).isEqualTo(1_000);
    }

    @Test
    void failuresOutsideTheWindowAreForgotten() {
        b.record(true);
        b.record(true);
        now.addAndGet(11_000);
        b.record(true);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void releasedTrialsFreeTheirPlace() {
        openIt();
        now.addAndGet(1_000);
        b.tryAcquire();
        b.tryAcquire();
        b.release();
        assertThat(b.tryAcquire()).isZero();
    }

    private void openIt() {
        b.record(true);
        b.record(true);
        b.record(true);
    }
}
