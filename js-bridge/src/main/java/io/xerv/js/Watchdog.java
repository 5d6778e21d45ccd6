package io.xerv.js;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
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

    /** {@link System#nanoTime} when the JVM's uptime was 0, to place collections on the same clock. */
    private static final long UPTIME_ZERO_NANOS =
            System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(ManagementFactory.getRuntimeMXBean().getUptime());

    /** Calls in flight. */
    private final Map<GuestContext, Call> running = new ConcurrentHashMap<>();

    private Watchdog() {
        Thread t = new Thread(this::watch, "xerv-js-watchdog");
        t.setDaemon(true);
        t.start();
        watchHeap();
    }

    /** Starts timing a call: once {@code millis} have passed, the context is cancelled. */
    void arm(GuestContext context, long millis) {
        long now = System.nanoTime();
        running.put(context, new Call(now, now + TimeUnit.MILLISECONDS.toNanos(millis)));
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
            running.forEach((context, call) -> {
                if (now - call.deadlineNanos() >= 0 && running.remove(context, call)) {
                    stop(context, GuestContext.Stop.TIME);
                }
            });
        }
    }

    private static void stop(GuestContext context, GuestContext.Stop why) {
        try {
            context.cancel(why);
        } catch (RuntimeException e) {
            LOG.warn("stopping a JS call failed", e);
        }
    }

    private void watchHeap() {
        long max = Runtime.getRuntime().maxMemory();
        Set<String> heapPools = new HashSet<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        boolean watching = false;
        if (max > 0 && max != Long.MAX_VALUE && !heapPools.isEmpty()) {
            long threshold = (long) (max * HEAP_FRACTION);
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener((n, handback) -> afterCollection(n, heapPools, threshold), null, null);
                    watching = true;
                }
            }
        }
        if (!watching) {
            LOG.warn("this JVM reports no heap usage after collections: a JS node that allocates without bound "
                    + "can exhaust the host's heap");
        }
    }

    /**
     * After a collection that left the heap above the threshold, stops the calls that were already
     * running when it began: notifications arrive late, and a call that started after the collection
     * did not fill the heap it saw.
     */
    private void afterCollection(Notification n, Set<String> heapPools, long threshold) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType()) || running.isEmpty()
                || System.nanoTime() - lastHeapStop < HEAP_GRACE_NANOS) {
            return;
        }
        GcInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo();
        long used = 0;
        for (Map.Entry<String, MemoryUsage> e : info.getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(e.getKey())) {
                used += e.getValue().getUsed();
            }
        }
        if (used < threshold) {
            return;
        }
        long gcStart = UPTIME_ZERO_NANOS + TimeUnit.MILLISECONDS.toNanos(info.getStartTime());
        Map<GuestContext, Call> victims = new HashMap<>();
        running.forEach((g, call) -> {
            if (call.startNanos() - gcStart < 0) {
                victims.put(g, call);
            }
        });
        if (victims.isEmpty()) {
            return;
        }
        lastHeapStop = System.nanoTime();
        LOG.warn("heap nearly full after a collection; stopping {} running JS call(s)", victims.size());
        Thread.ofPlatform().daemon().name("xerv-js-heap-stop").start(() -> victims.forEach((g, call) -> {
            if (call.equals(running.get(g))) {
                stop(g, GuestContext.Stop.HEAP);
            }
        }));
    }

    /** One call in flight: when it started and by when it must end ({@link System#nanoTime}). */
    private record Call(long startNanos, long deadlineNanos) {
    }
}
