package io.xerv.wasm;

/**
 * The time limit of the call an instance is running (or of its instantiation). The calling thread
 * starts and stops it; the {@link Watchdog} interrupts that thread once the deadline passes. Both sides
 * hold this object's lock, so an interrupt never lands on a thread that has moved on to other work.
 */
final class CallClock {

    private Thread runner;
    private long deadline;
    private boolean late;

    /** Starts the clock on a call made by the current thread. */
    synchronized void start(long limitNanos) {
        late = false;
        deadline = System.nanoTime() + limitNanos;
        runner = Thread.currentThread();
    }

    /**
     * Stops the clock and clears the interrupt the watchdog may have sent.
     *
     * @return true when the call ran past its limit and was interrupted
     */
    boolean stop() {
        boolean wasLate;
        synchronized (this) {
            runner = null;
            wasLate = late;
        }
        if (wasLate) {
            Thread.interrupted();
        }
        return wasLate;
    }

    synchronized void expireIfLate(long now) {
        if (runner != null && !late && now - deadline >= 0) {
            late = true;
            runner.interrupt();
        }
    }
}
