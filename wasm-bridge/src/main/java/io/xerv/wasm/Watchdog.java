package io.xerv.wasm;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Enforces each guest call's time limit: one daemon thread looks at the running calls' clocks every
 * {@link #TICK_NANOS} and interrupts the thread of any call past its deadline (Chicory's compiler has
 * no fuel; both machines stop on an interrupt). A call costs two uncontended monitor entries and no
 * allocation. Thread-safe.
 */
final class Watchdog {

    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private static final Set<CallClock> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Thread t = Thread.ofPlatform().daemon().name("xerv-wasm-watchdog").unstarted(Watchdog::loop);
        t.start();
    }

    private Watchdog() {
    }

    static void watch(CallClock g) {
        LIVE.add(g);
    }

    static void forget(CallClock g) {
        LIVE.remove(g);
    }

    private static void loop() {
        while (true) {
            LockSupport.parkNanos(LIVE.isEmpty() ? TICK_NANOS * 25 : TICK_NANOS);
            long now = System.nanoTime();
            for (CallClock g : LIVE) {
                g.expireIfLate(now);
            }
        }
    }
}
