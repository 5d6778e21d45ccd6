package io.xerv.host.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void delaysShouldGrowExponentiallyUpToTheCap() {
        RetryPolicy p = new RetryPolicy(10, 1000, 30_000, 2.0, false);
        SplittableRandom rnd = new SplittableRandom(1);
        assertThat(p.delayMillis(1, rnd)).isEqualTo(1000);
        assertThat(p.delayMillis(2, rnd)).isEqualTo(2000);
        assertThat(p.delayMillis(3, rnd)).isEqualTo(4000);
        assertThat(p.delayMillis(5, rnd)).isEqualTo(16_000);
        assertThat(p.delayMillis(6, rnd)).isEqualTo(30_000);
        assertThat(p.delayMillis(1000, rnd)).isEqualTo(30_000);
    }

    @Test
    void jitterShouldStayBetweenHalfAndFullDelay() {
        RetryPolicy p = RetryPolicy.DEFAULT;
        SplittableRandom rnd = new SplittableRandom(42);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 2000; i++) {
            long d = p.delayMillis(3, rnd);
            assertThat(d).isBetween(2000L, 4000L);
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertThat(min).isLessThan(2200);
        assertThat(max).isGreaterThan(3800);
    }

    @Test
    void jitterShouldBeDeterministicForASeed() {
        assertThat(RetryPolicy.DEFAULT.delayMillis(2, new SplittableRandom(7)))
                .isEqualTo(RetryPolicy.DEFAULT.delayMillis(2, new SplittableRandom(7)));
    }

    @Test
    void zeroDelayShouldStayZero() {
        assertThat(new RetryPolicy(3, 0, 0, 1.0, true).delayMillis(2, new SplittableRandom())).isZero();
    }

    @Test
    void defaultsShouldMatchTheSeed() {
        assertThat(RetryPolicy.DEFAULT).isEqualTo(new RetryPolicy(3, 1000, 30_000, 2.0, true));
    }

    @Test
    void invalidPoliciesShouldBeRejected() {
        assertThatThrownBy(() -> new RetryPolicy(0, 1, 1, 1, true)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> new RetryPolicy(1, 10, 5, 1, true)).hasMessageContaining("maxDelayMs");
        assertThatThrownBy(() -> new RetryPolicy(1, 1, 1, 0.5, true)).hasMessageContaining("backoffMultiplier");
        assertThatThrownBy(() -> RetryPolicy.DEFAULT.delayMillis(0, new SplittableRandom())).hasMessageContaining("attemptJustFailed");
    }
}
