package io.xerv.host.properties;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the probes of every trace did, in the order they did it. Probes write from event loops and
 * worker threads at once, so everything here is thread-safe; the tests read a trace's runs after the
 * trace has ended.
 */
final class Journal {

    /**
     * One run of one probe.
     *
     * @param start the sequence number taken when the run began
     * @param end the sequence number taken just before the run returned its completion
     * @param iteration the loop iteration the host gave the run (0 outside loops)
     * @param tag the {@code tag} found in the run's inputs (a split item's index), or -1
     * @param seen the ids of the probes whose outputs reached this run
     */
    record Run(UUID traceId, String nodeId, long start, long end, int iteration, int tag, Set<String> seen) {
    }

    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final ConcurrentHashMap<UUID, Queue<Run>> RUNS = new ConcurrentHashMap<>();

    private Journal() {
    }

    static long tick() {
        return SEQUENCE.incrementAndGet();
    }

    static void record(Run run) {
        RUNS.computeIfAbsent(run.traceId(), id -> new ConcurrentLinkedQueue<>()).add(run);
    }

    /** The runs of a trace ordered by start, and forgets them. */
    static List<Run> take(UUID traceId) {
        Queue<Run> q = RUNS.remove(traceId);
        List<Run> runs = q == null ? new ArrayList<>() : new ArrayList<>(q);
        runs.sort(Comparator.comparingLong(Run::start));
        return runs;
    }
}
