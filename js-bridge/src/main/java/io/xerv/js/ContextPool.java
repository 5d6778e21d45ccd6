package io.xerv.js;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The contexts of one JS node. A call borrows one (creating it when none is idle and the pool is not
 * full, else waiting), runs on it alone, and gives it back; a broken context is closed and a fresh one
 * created on a later call. Thread-safe.
 */
final class ContextPool implements AutoCloseable {

    private final Supplier<GuestContext> factory;
    private final int size;
    private final Semaphore permits;
    private final ConcurrentLinkedQueue<GuestContext> idle = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    ContextPool(Supplier<GuestContext> factory, int size) {
        this.factory = factory;
        this.size = size;
        this.permits = new Semaphore(size, true);
    }

    /** Puts a context created ahead of time (the one that proved the script loads) in the pool. */
    void seed(GuestContext context) {
        idle.offer(context);
    }

    /**
     * Borrows a context.
     *
     * @throws IllegalStateException when none is free within {@code waitMillis} or the pool is closed
     * @throws IllegalArgumentException when a new context cannot load the script
     */
    GuestContext acquire(long waitMillis) throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("this JS node was undeployed");
        }
        if (!permits.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("all " + size + " contexts of this JS node stayed busy for " + waitMillis
                    + " ms (raise pool_size)");
        }
        GuestContext c = idle.poll();
        if (c != null) {
            return c;
        }
        try {
            return factory.get();
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /** Returns a borrowed context; a broken one is closed. */
    void release(GuestContext context) {
        if (context.broken() || closed) {
            context.close();
        } else {
            idle.offer(context);
        }
        permits.release();
    }

    /** Idle contexts right now (for tests and metrics). */
    int idleCount() {
        return idle.size();
    }

    @Override
    public void close() {
        closed = true;
        GuestContext c;
        while ((c = idle.poll()) != null) {
            c.close();
        }
    }
}
