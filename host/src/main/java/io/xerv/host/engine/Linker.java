package io.xerv.host.engine;

import io.xerv.arena.ValueCodec;
import io.xerv.host.engine.CompiledFlow.CEdge;
import io.xerv.host.engine.CompiledFlow.CNode;
import io.xerv.host.flow.EdgeCondition;
import io.xerv.host.flow.EdgeDef;
import io.xerv.host.flow.FlowDefinition;
import io.xerv.host.flow.FlowError;
import io.xerv.host.flow.FlowException;
import io.xerv.host.flow.NodeDef;
import io.xerv.host.plugin.NodeRegistry;
import io.xerv.plugin.HostServices;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.Values;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a validated {@link FlowDefinition} into a {@link CompiledFlow}: creates every node through its
 * factory, numbers nodes in a topological order, compiles configs and edge conditions, and works out
 * the bodies of loops and splits. Structural rules the loader cannot see alone (what may cross a loop
 * or split body's boundary) are checked here and reported like loader errors.
 */
public final class Linker {

    static final String LOOP = "std::loop";
    static final String SPLIT = "std::split";

    private final NodeRegistry registry;
    private final HostServices services;

    /** A linker whose nodes get the {@linkplain HostServices#defaults() default host services}. */
    public Linker(NodeRegistry registry) {
        this(registry, HostServices.defaults());
    }

    /** A linker that hands {@code services} to every node it creates. */
    public Linker(NodeRegistry registry, HostServices services) {
        this.registry = registry;
        this.services = services;
    }

    /**
     * Links a flow.
     *
     * @throws FlowException when a node cannot be created or a body's boundary is crossed
     */
    public CompiledFlow link(FlowDefinition def) throws FlowException {
        List<FlowError> errors = new ArrayList<>();
        List<String> order = topologicalOrder(def);
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < order.size(); i++) {
            index.put(order.get(i), i);
        }
        CNode[] nodes = new CNode[order.size()];
        Path baseDirectory = baseDirectory(def.source());
        for (int i = 0; i < nodes.length; i++) {
            NodeDef nd = def.nodes().get(order.get(i));
            CNode n = new CNode();
            n.id = nd.id();
            n.type = nd.type();
            n.index = i;
            n.key = Integer.toString(i);
            n.factory = registry.find(nd.type()).orElseThrow(
                    () -> new IllegalStateException("node type " + nd.type() + " vanished after validation"));
            try {
                n.node = n.factory.create(new NodeDefinition(nd.id(), nd.type(), Values.of(nd.config()), baseDirectory,
                        services));
            } catch (RuntimeException e) {
                errors.add(new FlowError(nd.typeMark(), "node '" + nd.id() + "' (" + nd.type() + ") cannot be created: "
                        + (e.getMessage() == null ? e.toString() : e.getMessage())));
                continue;
            }
            n.execution = n.factory.execution();
            n.pure = n.factory.pure();
            n.readiness = n.node.readiness();
            n.config = ConfigTemplate.compile(nd.config());
            n.timeoutMs = nd.timeoutMs() == null ? 0 : nd.timeoutMs();
            n.retry = nd.retry();
            n.enabled = nd.enabled();
            List<String> inPorts = n.factory.inputPorts();
            n.primaryPort = inPorts.contains(NodeFactory.DEFAULT_INPUT) || inPorts.isEmpty()
                    ? NodeFactory.DEFAULT_INPUT : inPorts.get(0);
            n.isLoop = LOOP.equals(nd.type());
            n.isSplit = SPLIT.equals(nd.type());
            if (n.isSplit) {
                configureSplit(n, nd.config());
            }
            nodes[i] = n;
        }
        if (!errors.isEmpty()) {
            throw new FlowException(errors);
        }

        List<EdgeDef> defs = def.edges();
        CEdge[] edges = new CEdge[defs.size()];
        List<List<Integer>> in = lists(nodes.length);
        List<List<Integer>> loopIn = lists(nodes.length);
        List<List<Integer>> out = lists(nodes.length);
        for (int e = 0; e < edges.length; e++) {
            EdgeDef d = defs.get(e);
            CEdge c = new CEdge();
            c.index = e;
            Integer from = index.get(d.from());
            c.from = from == null ? -1 : from;
            c.trigger = from == null ? d.from() : null;
            c.fromPort = d.fromPort();
            c.to = index.get(d.to());
            c.toPort = d.toPort();
            c.loopBack = d.loopBack();
            c.condition = d.condition() == null ? null : EdgeCondition.parse(d.condition());
            edges[e] = c;
            (c.loopBack ? loopIn : in).get(c.to).add(e);
            if (c.from >= 0) {
                out.get(c.from).add(e);
            }
        }
        for (CNode n : nodes) {
            n.in = ints(in.get(n.index));
            n.loopBackIn = ints(loopIn.get(n.index));
            n.out = ints(out.get(n.index));
        }

        for (CNode n : nodes) {
            if (n.isLoop) {
                n.body = reach(nodes, edges, n, "continue");
                checkBody(def, nodes, edges, n, "continue", errors);
                List<Integer> reset = new ArrayList<>();
                for (CEdge c : edges) {
                    if (n.body.get(c.to) || (c.loopBack && c.to == n.index)) {
                        reset.add(c.index);
                    }
                }
                n.bodyEdges = ints(reset);
            } else if (n.isSplit) {
                n.body = reach(nodes, edges, n, NodeFactory.DEFAULT_OUTPUT);
                checkBody(def, nodes, edges, n, NodeFactory.DEFAULT_OUTPUT, errors);
            }
        }
        for (CNode n : nodes) {
            if (n.loopBackIn.length > 0 && !n.isLoop) {
                errors.add(new FlowError(defs.get(n.loopBackIn[0]).mark(),
                        "edge marked loop_back must end at a std::loop node; '" + n.id + "' is " + n.type));
            }
            for (int e : n.loopBackIn) {
                CEdge c = edges[e];
                if (n.isLoop && c.from >= 0 && !n.body.get(c.from) && c.from != n.index) {
                    errors.add(new FlowError(defs.get(e).mark(), "loop_back edge from '" + nodes[c.from].id
                            + "' to loop '" + n.id + "': '" + nodes[c.from].id + "' is not in the loop's body (the nodes reached from '"
                            + n.id + ".continue')"));
                }
            }
        }
        // Innermost owners: a smaller body nested inside a larger one wins.
        for (CNode owner : nodes) {
            if (owner.body == null) {
                continue;
            }
            for (int b = owner.body.nextSetBit(0); b >= 0; b = owner.body.nextSetBit(b + 1)) {
                CNode n = nodes[b];
                if (owner.isSplit && (n.splitOwner < 0 || nodes[n.splitOwner].body.cardinality() > owner.body.cardinality())) {
                    n.splitOwner = owner.index;
                }
                if (owner.isLoop && (n.loopOwner < 0 || nodes[n.loopOwner].body.cardinality() > owner.body.cardinality())) {
                    n.loopOwner = owner.index;
                }
            }
        }
        if (!errors.isEmpty()) {
            errors.sort((a, b) -> a.mark().compareTo(b.mark()));
            throw new FlowException(errors);
        }
        // An item's result comes from its split's own last nodes, not from a nested split's body.
        for (CNode n : nodes) {
            if (n.isSplit) {
                List<Integer> itemSinks = new ArrayList<>();
                for (int b = n.body.nextSetBit(0); b >= 0; b = n.body.nextSetBit(b + 1)) {
                    CNode m = nodes[b];
                    if (m.splitOwner == n.index && endsFlow(m, edges)) {
                        itemSinks.add(b);
                    }
                }
                n.bodySinks = ints(itemSinks);
            }
        }
        List<Integer> sinks = new ArrayList<>();
        for (CNode n : nodes) {
            if (n.splitOwner < 0 && endsFlow(n, edges)) {
                sinks.add(n.index);
            }
        }
        byte[] cfg = toBytes(ValueCodec.encode(def.config()));
        return new CompiledFlow(def, def.digest(), nodes, edges, index, cfg, ints(sinks));
    }

    /**
     * True when nothing continues after the node in its scope: no edge leaves the port the flow
     * continues from (a loop's {@code exit}, a split's {@code done}, any port but {@code error} of
     * other nodes), and it does not lead back into a loop. Such nodes make a trace's (or a split
     * item's) result.
     */
    private static boolean endsFlow(CNode n, CEdge[] edges) {
        for (int e : n.out) {
            CEdge c = edges[e];
            if (c.loopBack) {
                return false;
            }
            if (c.fromPort.equals(NodeFactory.ERROR_PORT)) {
                continue;
            }
            if (n.isLoop && !c.fromPort.equals("exit")) {
                continue;
            }
            if (n.isSplit && !c.fromPort.equals("done")) {
                continue;
            }
            return false;
        }
        return true;
    }

    private static void configureSplit(CNode n, Object config) {
        String mode = "sequential";
        int batch = 10;
        if (config instanceof Map<?, ?> m) {
            if (m.get("mode") instanceof String s) {
                mode = s;
            }
            if (m.get("batch_size") instanceof Number num) {
                batch = Math.max(1, num.intValue());
            }
        }
        switch (mode) {
            case "parallel" -> n.window = Integer.MAX_VALUE;
            case "batched" -> {
                n.window = batch;
                n.batched = true;
            }
            default -> n.window = 1;
        }
    }

    // Forward reach from `owner.port` over edges that are not loop-backs.
    private static BitSet reach(CNode[] nodes, CEdge[] edges, CNode owner, String port) {
        BitSet seen = new BitSet(nodes.length);
        ArrayDeque<Integer> todo = new ArrayDeque<>();
        for (int e : owner.out) {
            if (edges[e].fromPort.equals(port) && !edges[e].loopBack && !seen.get(edges[e].to)) {
                seen.set(edges[e].to);
                todo.add(edges[e].to);
            }
        }
        while (!todo.isEmpty()) {
            int n = todo.poll();
            for (int e : nodes[n].out) {
                CEdge c = edges[e];
                if (!c.loopBack && !seen.get(c.to)) {
                    seen.set(c.to);
                    todo.add(c.to);
                }
            }
        }
        seen.clear(owner.index);
        return seen;
    }

    // A body is entered only through its owner's port, and left only by loop-backs to its loop.
    private static void checkBody(FlowDefinition def, CNode[] nodes, CEdge[] edges, CNode owner, String port,
                                  List<FlowError> errors) {
        String what = owner.isLoop ? "loop" : "split";
        for (CEdge c : edges) {
            boolean fromIn = c.from >= 0 && owner.body.get(c.from);
            boolean toIn = owner.body.get(c.to);
            EdgeDef d = def.edges().get(c.index);
            if (toIn && !fromIn && !(c.from == owner.index && c.fromPort.equals(port))) {
                errors.add(new FlowError(d.mark(), "edge " + d.label() + " enters the body of " + what + " '"
                        + owner.id + "' from outside; a body is entered only through '" + owner.id + "." + port + "'"));
            }
            if (fromIn && !toIn && !(c.loopBack && c.to == owner.index) && !(owner.isLoop && c.loopBack)) {
                errors.add(new FlowError(d.mark(), "edge " + d.label() + " leaves the body of " + what + " '"
                        + owner.id + "'; " + (owner.isLoop
                        ? "a loop body ends with a loop_back edge to '" + owner.id + "', and '" + owner.id + ".exit' continues the flow"
                        : "each item's result is the output of the body's last nodes, and '" + owner.id + ".done' continues the flow")));
            }
        }
    }

    private static List<String> topologicalOrder(FlowDefinition def) {
        Map<String, Integer> indegree = new LinkedHashMap<>();
        for (String id : def.nodes().keySet()) {
            indegree.put(id, 0);
        }
        for (EdgeDef e : def.edges()) {
            if (!e.loopBack() && indegree.containsKey(e.from())) {
                indegree.merge(e.to(), 1, Integer::sum);
            }
        }
        ArrayDeque<String> ready = new ArrayDeque<>();
        indegree.forEach((id, d) -> {
            if (d == 0) {
                ready.add(id);
            }
        });
        List<String> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            String id = ready.poll();
            order.add(id);
            for (EdgeDef e : def.edges()) {
                if (!e.loopBack() && e.from().equals(id) && indegree.merge(e.to(), -1, Integer::sum) == 0) {
                    ready.add(e.to());
                }
            }
        }
        if (order.size() != indegree.size()) {
            throw new IllegalStateException("flow " + def.name() + " has a cycle the loader did not report");
        }
        return order;
    }

    private static byte[] toBytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static List<List<Integer>> lists(int n) {
        List<List<Integer>> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(new ArrayList<>());
        }
        return l;
    }

    private static int[] ints(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The directory of the flow's file, or the working directory for a flow that came from no file. */
    static Path baseDirectory(String source) {
        try {
            Path parent = Path.of(source).toAbsolutePath().getParent();
            if (parent != null && Files.isDirectory(parent)) {
                return parent;
            }
        } catch (InvalidPathException e) {
            // a name such as "<request>": no file behind it
        }
        return Path.of("").toAbsolutePath();
    }
}
