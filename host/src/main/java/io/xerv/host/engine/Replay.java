package io.xerv.host.engine;

import io.xerv.arena.Arena;
import io.xerv.arena.RelPtr;
import io.xerv.plugin.Value;
import io.xerv.plugin.Values;
import io.xerv.wal.WalRecord;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A deterministic re-execution of a recorded trace: the same payload, each node run seeing the clock
 * its NodeStart recorded and the random numbers its run key seeds, suspensions resumed as recorded.
 * Every completed run is compared with the recorded one. Confined to the replaying trace's context.
 */
final class Replay {

    /**
     * One node run whose replay differs from the recording.
     *
     * @param runKey the run
     * @param node the node id
     * @param recordedPort the port it fired when recorded (null: it did not complete then)
     * @param replayedPort the port it fired in the replay (null: it did not run)
     * @param recorded the recorded output as JSON, or null
     * @param replayed the replayed output as JSON, or null
     */
    record Difference(String runKey, String node, String recordedPort, String replayedPort, String recorded,
                      String replayed) {
    }

    private final TraceLog recorded;
    private final Arena source;
    private final List<Difference> differences = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();
    private int compared;

    Replay(TraceLog recorded, Arena source) {
        this.recorded = recorded;
        this.source = source;
    }

    TraceLog recorded() {
        return recorded;
    }

    Arena source() {
        return source;
    }

    long startMillis(String key, long fallback) {
        Long t = recorded.startTimes.get(key);
        return t == null ? fallback : t;
    }

    void compare(String key, String node, String port, Value value) {
        seen.add(key);
        compared++;
        WalRecord.NodeDone d = recorded.done.get(key);
        if (d == null) {
            differences.add(new Difference(key, node, null, port, null, Values.toJson(value)));
            return;
        }
        Value was = source.value(new RelPtr(d.offset(), d.size()));
        if (!d.port().equals(port) || !Values.equal(was, value)) {
            differences.add(new Difference(key, node, d.port(), port, Values.toJson(was), Values.toJson(value)));
        }
    }

    /** The differences, including recorded runs the replay never made. */
    List<Difference> finish(CompiledFlow flow) {
        for (var e : recorded.done.entrySet()) {
            if (!seen.contains(e.getKey()) && !e.getValue().port().equals(io.xerv.plugin.NodeFactory.ERROR_PORT)) {
                WalRecord.NodeDone d = e.getValue();
                differences.add(new Difference(e.getKey(), flow.nodeId(d.node()), d.port(), null,
                        Values.toJson(source.value(new RelPtr(d.offset(), d.size()))), null));
            }
        }
        return differences;
    }

    int compared() {
        return compared;
    }
}
