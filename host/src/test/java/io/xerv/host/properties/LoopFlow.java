package io.xerv.host.properties;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A flow {@code start -> loop}, {@code loop.continue -> body}, {@code b<m-1> -> loop (loop_back)},
 * {@code loop.exit -> after}. The body is a chain of probes {@code b0 -> ... -> b<m-1>} with extra
 * forward edges (some from {@code loop.continue}), so every chain node leads to the loop-back edge;
 * optional side probes {@code s0, s1, ...} hang off the body and lead nowhere. Immutable.
 *
 * @param maxIterations the loop's {@code max_iterations}: how often the body runs
 * @param chain the number of chain probes
 * @param sides the number of side probes
 * @param edges body edges {@code {from, to}} by node id, {@code from} may be {@code loop.continue}
 * @param blocking the body probes (chain, then sides) that run on the worker pool
 */
record LoopFlow(int maxIterations, int chain, int sides, List<String[]> edges, List<Boolean> blocking) {

    static final String CONTINUE = "loop.continue";

    /** Body node {@code i}: chain nodes first, then side nodes. */
    String body(int i) {
        return i < chain ? "b" + i : "s" + (i - chain);
    }

    int bodySize() {
        return chain + sides;
    }

    /** The node whose edge goes back to the loop. */
    String last() {
        return body(chain - 1);
    }

    String yaml() {
        StringBuilder sb = new StringBuilder("name: random_loop\nnodes:\n");
        sb.append("  start: {type: ").append(ProbePlugin.INLINE).append("}\n");
        sb.append("  loop: {type: std::loop, config: {max_iterations: ").append(maxIterations).append("}}\n");
        for (int i = 0; i < bodySize(); i++) {
            String type = blocking.get(i % blocking.size()) ? ProbePlugin.BLOCKING : ProbePlugin.INLINE;
            sb.append("  ").append(body(i)).append(": {type: ").append(type).append(", config: {salt: ").append(i)
                    .append("}}\n");
        }
        sb.append("  after: {type: ").append(ProbePlugin.INLINE).append("}\n");
        sb.append("edges:\n  - {from: start, to: loop}\n");
        for (String[] e : edges) {
            sb.append("  - {from: ").append(e[0]).append(", to: ").append(e[1]).append("}\n");
        }
        sb.append("  - {from: ").append(last()).append(", to: loop, loop_back: true}\n");
        sb.append("  - {from: loop.exit, to: after}\n");
        return sb.toString();
    }

    /**
     * Builds a flow from raw choices, reduced into range: chain shortcut {@code {a, b}} runs from
     * {@code loop.continue} or a chain node before {@code b}; side {@code i} hangs off
     * {@code loop.continue}, any chain node or an earlier side.
     */
    static LoopFlow build(int maxIterations, int chain, List<int[]> shortcuts, List<Integer> sideParents,
                          List<Boolean> blocking) {
        LoopFlow ids = new LoopFlow(maxIterations, chain, sideParents.size(), List.of(), blocking);
        LinkedHashSet<String> pairs = new LinkedHashSet<>();
        pairs.add(CONTINUE + " " + ids.body(0));
        for (int i = 1; i < chain; i++) {
            pairs.add(ids.body(i - 1) + " " + ids.body(i));
        }
        for (int[] s : shortcuts) {
            int to = s[1] % chain;
            int from = s[0] % (to + 1) - 1;
            pairs.add((from < 0 ? CONTINUE : ids.body(from)) + " " + ids.body(to));
        }
        for (int i = 0; i < sideParents.size(); i++) {
            int from = sideParents.get(i) % (chain + i + 1) - 1;
            pairs.add((from < 0 ? CONTINUE : ids.body(from)) + " " + ids.body(chain + i));
        }
        List<String[]> edges = new ArrayList<>();
        pairs.forEach(p -> edges.add(p.split(" ")));
        return new LoopFlow(maxIterations, chain, sideParents.size(), edges, blocking);
    }

    @Override
    public String toString() {
        return "\n" + yaml();
    }
}
