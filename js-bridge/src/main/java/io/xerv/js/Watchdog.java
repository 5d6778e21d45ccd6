package io.xerv.js;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.NotificationEmitter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Stops JS calls that run too long, and every JS call in flight when the JVM heap stays nearly full
 * after a collection (GraalJS community has no per-context heap limit; a node that allocates without
 * bound would otherwise take the whole host down).
 *
 * <p>One per host, with one daemon thread that looks at the calls in flight every
 * {@link #TICK_MILLIS} ms (arming a call costs a set insertion, not a timer task and a thread wake-up);
 * thread-safe.
 */
final class Watchdog {

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

    /** Live heap after a collection above this fraction of the maximum cancels running JS calls. */
    static final double HEAP_FRACTION = Double.parseDouble(System.getProperty("xerv.js.heapFraction", "0.75"));

    static final Watchdog INSTANCE = new Watchdog();

    /** How often running calls are checked against their deadlines; limits are met within this. */
    static final long TICK_MILLIS = 5;

    /**
     * After stopping calls for the heap, later notifications are ignored this long: the stopped
     * contexts' memory is freed only by a later collection, and that must not stop the next calls.
     */
    static final long HEAP_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private volatile long lastHeapStop = System.nanoTime() - HEAP_GRACE_NANOS;

    /** Calls in flight and the {@link System#nanoTime} by which each must end. */
    private final Map<GuestContext, Long> running = new ConcurrentHashMap<>();

    private Watchdog() {
        Thread t = new Thread(this::watch, "xerv-js-watchdog");
        t.setDaemon(true);
        t.start();
        watchHeap();
    }

    /** Starts timing a call: once {@code millis} have passed, the context is cancelled. */
    void arm(GuestContext context, long millis) {
        running.put(context, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /** Ends timing a call. */
    void disarm(GuestContext context) {
        running.remove(context);
    }

    private void watch() {
        while (true) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS));
            if (running.isEmpty()) {
                continue;
            }
            long now = System.nanoTime();
            running.forEach((context, deadline) -> {
                if (now - deadline >= 0 && running.remove(context, deadline)) {
                    stop(context, GuestContext.Stop.TIME);
                }
            });
        }
    }

    /** True when the most recent collection of some heap pool still left it above its threshold. */
    private static boolean stillAbove() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported()
                    && pool.getCollectionUsageThreshold() > 0 && pool.getCollectionUsage() != null
                    && pool.getCollectionUsage().getUsed() >= pool.getCollectionUsageThreshold()) {
                return true;
            }
        }
        return false;
    }

    private static void stop(GuestContext context, GuestContext.Stop why) {
        try {
            context.cancel(why);
        } catch (RuntimeException e) {
            LOG.warn("stopping a JS call failed", e);
        }
    }

    private void watchHeap() {
        boolean watching = false;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            long max = pool.getUsage().getMax();
            if (pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported() && max > 0) {
                long threshold = (long) (max * HEAP_FRACTION);
                if (pool.getCollectionUsageThreshold() == 0 || pool.getCollectionUsageThreshold() > threshold) {
                    pool.setCollectionUsageThreshold(threshold);
                }
                watching = true;
            }
        }
        if (!watching || !(ManagementFactory.getMemoryMXBean() instanceof NotificationEmitter emitter)) {
            LOG.warn("this JVM reports no heap usage after collections: a JS node that allocates without bound "
                    + "can exhaust the host's heap");
            return;
        }
        emitter.addNotificationListener((n, handback) -> {
            if (!MemoryNotificationInfo.MEMORY_COLLECTION_THRESHOLD_EXCEEDED.equals(n.getType()) || running.isEmpty()
                    || System.nanoTime() - lastHeapStop < HEAP_GRACE_NANOS || !stillAbove()) {
                return;
            }
            lastHeapStop = System.nanoTime();
            LOG.warn("heap nearly full after a collection; stopping {} running JS call(s)", running.size());
            Thread.ofPlatform().daemon().name("xerv-js-heap-stop").start(
                    () -> running.keySet().forEach(g -> stop(g, GuestContext.Stop.HEAP)));
        }, null, null);
    }
}
