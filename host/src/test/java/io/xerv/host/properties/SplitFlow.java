package io.xerv.host.properties;

import io.xerv.plugin.Value;
import io.xerv.plugin.Values;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A flow {@code each (std::split over items) .out -> body}, {@code each.done -> after}, where the body
 * is a DAG of probes in which every node is reached from {@code each.out}. The payload is
 * {@code {"items": [{"x": .., "tag": 0}, {"x": .., "tag": 1}, ...]}}. Immutable.
 *
 * @param items the {@code x} of each item
 * @param bodySize the number of body probes
 * @param bodyEdges edges {@code (from, to)} with {@code from < to}; {@code from == -1} is {@code each.out}
 * @param mode {@code sequential}, {@code parallel} or {@code batched}
 * @param batchSize for {@code batched}
 */
record SplitFlow(List<Integer> items, int bodySize, List<int[]> bodyEdges, String mode, int batchSize,
                 List<Boolean> blocking) {

    static String body(int i) {
        return "b" + i;
    }

    String payloadJson() {
        StringBuilder sb = new StringBuilder("{\"items\": [");
        for (int k = 0; k < items.size(); k++) {
            sb.append(k == 0 ? "" : ", ").append("{\"x\": ").append(items.get(k)).append(", \"tag\": ").append(k).append('}');
        }
        return sb.append("]}").toString();
    }

    String yaml() {
        StringBuilder sb = new StringBuilder("name: random_split\nnodes:\n");
        sb.append("  each: {type: std::split, config: {field: items, mode: ").append(mode);
        if (mode.equals("batched")) {
            sb.append(", batch_size: ").append(batchSize);
        }
        sb.append("}}\n");
        for (int i = 0; i < bodySize; i++) {
            String type = blocking.get(i % blocking.size()) ? ProbePlugin.BLOCKING : ProbePlugin.INLINE;
            sb.append("  ").append(body(i)).append(": {type: ").append(type).append(", config: {salt: ").append(i)
                    .append("}}\n");
        }
        sb.append("  after: {type: ").append(ProbePlugin.INLINE).append("}\n");
        sb.append("edges:\n");
        for (int[] e : bodyEdges) {
            sb.append("  - {from: ").append(e[0] < 0 ? "each.out" : body(e[0])).append(", to: ").append(body(e[1]))
                    .append("}\n");
        }
        sb.append("  - {from: each.done, to: after}\n");
        return sb.toString();
    }

    /** Body nodes with no outgoing body edge: their outputs make an item's result. */
    List<Integer> sinks() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < bodySize; i++) {
            int b = i;
            if (bodyEdges.stream().noneMatch(e -> e[0] == b)) {
                out.add(i);
            }
        }
        return out;
    }

    /** The outputs of the body probes for item {@code k}, by index. */
    List<Value> bodyOutputs(int k) {
        Value item = Values.mapOf("x", (long) items.get(k), "tag", (long) k);
        List<Value> out = new ArrayList<>();
        for (int j = 0; j < bodySize; j++) {
            List<Value> in = new ArrayList<>();
            for (int[] e : bodyEdges) {
                if (e[1] == j) {
                    in.add(e[0] < 0 ? item : out.get(e[0]));
                }
            }
            out.add(Values.of(ProbePlugin.Seen.of(in).output(body(j), j)));
        }
        return out;
    }

    /** What {@code each} fires on {@code done}: one result per item. */
    Value expectedDone() {
        List<Integer> sinks = sinks();
        List<Value> results = new ArrayList<>();
        for (int k = 0; k < items.size(); k++) {
            List<Value> outs = bodyOutputs(k);
            if (sinks.size() == 1) {
                results.add(outs.get(sinks.get(0)));
            } else {
                Map<String, Value> m = new TreeMap<>();
                for (int s : sinks) {
                    m.put(body(s), outs.get(s));
                }
                results.add(Values.of(m));
            }
        }
        return Values.of(results);
    }

    /** Builds a flow from raw choices: body node {@code j} gets its parent and extras below it. */
    static SplitFlow build(List<Integer> items, int bodySize, List<Integer> parents, List<int[]> extra, String mode,
                           int batchSize, List<Boolean> blocking) {
        TreeSet<Long> pairs = new TreeSet<>();
        for (int j = 0; j < bodySize; j++) {
            pairs.add(pair(parents.get(j % parents.size()) % (j + 1) - 1, j));
        }
        for (int[] r : extra) {
            int to = r[1] % bodySize;
            pairs.add(pair(r[0] % (to + 1) - 1, to));
        }
        List<int[]> edges = new ArrayList<>();
        for (long p : pairs) {
            edges.add(new int[] {(int) (p >> 32) - 1, (int) p});
        }
        return new SplitFlow(List.copyOf(items), bodySize, edges, mode, batchSize, List.copyOf(blocking));
    }

    private static long pair(int from, int to) {
        return ((long) (from + 1) << 32) | to;
    }

    @Override
    public String toString() {
        return "\n" + yaml() + "payload: " + payloadJson();
    }
}
