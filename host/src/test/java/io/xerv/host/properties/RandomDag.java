package io.xerv.host.properties;

import io.xerv.plugin.Value;
import io.xerv.plugin.ValueType;
import io.xerv.plugin.Values;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An acyclic flow of probes, switches and merges (every edge runs from a lower to a higher node
 * index), with the YAML that declares it and a model that predicts what each node does. Immutable.
 *
 * @param nodes node {@code i} has the id {@code n<i>}
 * @param edges in the order the YAML lists them; at most one edge per pair of nodes
 * @param inputX the trace's payload is {@code {"x": inputX}}
 */
record RandomDag(List<NodeSpec> nodes, List<EdgeSpec> edges, int inputX) {

    enum Kind { PROBE, BLOCKING_PROBE, SWITCH, MERGE }

    /**
     * One node: a probe uses {@code salt}; a switch tests field {@code x} of its input with
     * {@code condition} against {@code operand}. A node that is not {@code enabled} is skipped.
     */
    record NodeSpec(Kind kind, int salt, String condition, int operand, boolean enabled) {
        boolean isProbe() {
            return kind == Kind.PROBE || kind == Kind.BLOCKING_PROBE;
        }
    }

    /** An edge from port {@code port} of node {@code from} to port {@code in} of node {@code to}. */
    record EdgeSpec(int from, String port, int to) {
    }

    /** What the model predicts for one node: skipped (port null), or the port and value it fires. */
    record Expected(String port, Value output, Set<String> seen) {
        boolean ran() {
            return port != null;
        }
    }

    static final List<String> CONDITIONS = List.of("greater_than", "greater_or_equal", "less_than", "less_or_equal",
            "equals", "not_equals", "exists", "is_null");

    static String id(int i) {
        return "n" + i;
    }

    /** The same flow with every probe of the given kind. */
    RandomDag withProbes(Kind probe) {
        List<NodeSpec> ns = nodes.stream().map(n -> n.isProbe()
                ? new NodeSpec(probe, n.salt(), n.condition(), n.operand(), n.enabled()) : n).toList();
        return new RandomDag(ns, edges, inputX);
    }

    String payloadJson() {
        return "{\"x\": " + inputX + "}";
    }

    String yaml() {
        StringBuilder sb = new StringBuilder("name: random_dag\nnodes:\n");
        for (int i = 0; i < nodes.size(); i++) {
            NodeSpec n = nodes.get(i);
            sb.append("  ").append(id(i)).append(": ");
            switch (n.kind()) {
                case PROBE -> sb.append("{type: ").append(ProbePlugin.INLINE).append(", config: {salt: ").append(n.salt()).append("}}");
                case BLOCKING_PROBE -> sb.append("{type: ").append(ProbePlugin.BLOCKING).append(", config: {salt: ").append(n.salt()).append("}}");
                case MERGE -> sb.append("{type: std::merge, config: {strategy: all}}");
                case SWITCH -> {
                    sb.append("{type: std::switch, config: {condition: {type: ").append(n.condition()).append(", field: x");
                    if (needsOperand(n.condition())) {
                        sb.append(", value: ").append(n.operand());
                    }
                    sb.append("}}}");
                }
            }
            if (!n.enabled()) {
                sb.setLength(sb.length() - 1);
                sb.append(", enabled: false}");
            }
            sb.append('\n');
        }
        if (!edges.isEmpty()) {
            sb.append("edges:\n");
            for (EdgeSpec e : edges) {
                sb.append("  - {from: ").append(id(e.from())).append('.').append(e.port())
                        .append(", to: ").append(id(e.to())).append("}\n");
            }
        }
        return sb.toString();
    }

    /** For each node, the nodes from which an edge path leads to it. */
    BitSet[] ancestors() {
        BitSet[] up = new BitSet[nodes.size()];
        for (int i = 0; i < up.length; i++) {
            up[i] = new BitSet();
        }
        // Edges only go upwards in index, so one pass in index order closes the relation.
        for (int j = 0; j < up.length; j++) {
            for (EdgeSpec e : edges) {
                if (e.to() == j) {
                    up[j].set(e.from());
                    up[j].or(up[e.from()]);
                }
            }
        }
        return up;
    }

    List<EdgeSpec> incoming(int j) {
        return edges.stream().filter(e -> e.to() == j).toList();
    }

    /**
     * Runs the flow in the model: a disabled node is skipped; an enabled node with no incoming edge gets
     * the payload; any other runs iff one of its incoming edges fired, and then sees the values of those
     * edges in edge order.
     */
    List<Expected> expected() {
        Value payload = Values.mapOf("x", (long) inputX);
        List<Expected> out = new ArrayList<>(nodes.size());
        for (int j = 0; j < nodes.size(); j++) {
            List<EdgeSpec> in = incoming(j);
            // Source id -> value, in edge order.
            LinkedHashMap<String, Value> fired = new LinkedHashMap<>();
            if (in.isEmpty()) {
                fired.put("manual", payload);
            }
            for (EdgeSpec e : in) {
                Expected src = out.get(e.from());
                if (src.ran() && src.port().equals(e.port())) {
                    fired.put(id(e.from()), src.output());
                }
            }
            NodeSpec n = nodes.get(j);
            if (fired.isEmpty() || !n.enabled()) {
                out.add(new Expected(null, null, null));
                continue;
            }
            List<Value> values = List.copyOf(fired.values());
            switch (n.kind()) {
                case PROBE, BLOCKING_PROBE -> {
                    ProbePlugin.Seen seen = ProbePlugin.Seen.of(values);
                    out.add(new Expected("out", Values.of(seen.output(id(j), n.salt())), seen.probes()));
                }
                case MERGE -> out.add(new Expected("out",
                        values.size() == 1 ? values.get(0) : Values.of(new TreeMap<>(fired)), null));
                case SWITCH -> {
                    Value input = values.get(0);
                    out.add(new Expected(test(n, input) ? "true" : "false", input, null));
                }
            }
        }
        return out;
    }

    static boolean needsOperand(String condition) {
        return !condition.equals("exists") && !condition.equals("is_null");
    }

    /** The conditions of {@code std::switch} on field {@code x}: a missing field fails every comparison. */
    private static boolean test(NodeSpec n, Value input) {
        Value x = input.type() == ValueType.MAP ? input.get("x") : null;
        return switch (n.condition()) {
            case "exists" -> x != null && !x.isNull();
            case "is_null" -> x == null || x.isNull();
            default -> {
                if (x == null || !x.isNumber()) {
                    yield false;
                }
                double d = x.asDouble();
                double v = n.operand();
                yield switch (n.condition()) {
                    case "greater_than" -> d > v;
                    case "greater_or_equal" -> d >= v;
                    case "less_than" -> d < v;
                    case "less_or_equal" -> d <= v;
                    case "equals" -> d == v;
                    case "not_equals" -> d != v;
                    default -> throw new IllegalStateException(n.condition());
                };
            }
        };
    }

    /** Builds a flow from raw choices; see {@code ScheduleProperties#dags}. */
    static RandomDag build(List<NodeSpec> nodes, List<Link> parents, List<Link> extra, int inputX) {
        int n = nodes.size();
        Map<Long, EdgeSpec> byPair = new TreeMap<>();
        for (int j = 1; j < n; j++) {
            Link l = parents.get(j % parents.size());
            if (l.present()) {
                add(byPair, nodes, l.a() % j, j, l.truePort());
            }
        }
        for (Link l : extra) {
            int a = l.a() % n;
            int b = l.b() % n;
            if (a != b && l.present()) {
                add(byPair, nodes, Math.min(a, b), Math.max(a, b), l.truePort());
            }
        }
        return new RandomDag(List.copyOf(nodes), List.copyOf(byPair.values()), inputX);
    }

    private static void add(Map<Long, EdgeSpec> byPair, List<NodeSpec> nodes, int from, int to, boolean truePort) {
        String port = nodes.get(from).kind() == Kind.SWITCH ? (truePort ? "true" : "false") : "out";
        byPair.putIfAbsent(((long) from << 32) | to, new EdgeSpec(from, port, to));
    }

    /** A raw edge choice: endpoints {@code a}, {@code b} (reduced modulo the node count), port and presence. */
    record Link(int a, int b, boolean truePort, boolean present) {
    }

    @Override
    public String toString() {
        return "\n" + yaml() + "payload: " + payloadJson();
    }
}
