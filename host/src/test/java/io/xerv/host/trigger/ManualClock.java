package io.xerv.host.trigger;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;

/** A clock that stands still until a test moves it, and counts how often it was read. */
final class ManualClock implements InstantSource {

    private volatile Instant now;
    final AtomicInteger reads = new AtomicInteger();

    ManualClock(Instant start) {
        this.now = start;
    }

    void set(Instant t) {
        now = t;
    }

    @Override
    public Instant instant() {
        reads.incrementAndGet();
        return now;
    }
}
