package io.xerv.host.engine;

import io.xerv.arena.ConfigBlock;
import io.xerv.arena.FlexValue;
import io.xerv.host.flow.EdgeCondition;
import io.xerv.host.flow.FlowDefinition;
import io.xerv.host.flow.RetryPolicy;
import io.xerv.plugin.Execution;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.Readiness;

import java.util.BitSet;
import java.util.Map;
import java.util.Optional;

/**
 * A flow linked for execution: nodes created, edges resolved to indexes, selectors and configs
 * compiled, loop and split bodies computed. Built by {@link Linker}; immutable and shared by every
 * trace of the flow.
 */
public final class CompiledFlow {

    final FlowDefinition definition;
    final String digest;
    final CNode[] nodes;
    final CEdge[] edges;
    final Map<String, Integer> index;
    final FlexValue pipelineConfig;
    final byte[] pipelineConfigBytes;
    /** Nodes outside every split body that have no outgoing edges: their outputs make the result. */
    final int[] sinks;

    CompiledFlow(FlowDefinition definition, String digest, CNode[] nodes, CEdge[] edges, Map<String, Integer> index,
                 byte[] pipelineConfigBytes, int[] sinks) {
        this.definition = definition;
        this.digest = digest;
        this.nodes = nodes;
        this.edges = edges;
        this.index = index;
        this.pipelineConfigBytes = pipelineConfigBytes;
        this.pipelineConfig = FlexValue.of(pipelineConfigBytes);
        this.sinks = sinks;
    }

    /** The flow as written. */
    public FlowDefinition definition() {
        return definition;
    }

    public String name() {
        return definition.name();
    }

    public String version() {
        return definition.version();
    }

    /** SHA-256 of the flow's definition, hex. */
    public String digest() {
        return digest;
    }

    /** The number of nodes. */
    public int nodeCount() {
        return nodes.length;
    }

    /** The id of node {@code i} (nodes are numbered in a topological order). */
    public String nodeId(int i) {
        return nodes[i].id;
    }

    /** The type of node {@code i}. */
    public String nodeType(int i) {
        return nodes[i].type;
    }

    /** The index of a node id. */
    public Optional<Integer> nodeIndex(String id) {
        return Optional.ofNullable(index.get(id));
    }

    private final java.util.concurrent.ConcurrentHashMap<String, byte[]> encodedBlocks = new java.util.concurrent.ConcurrentHashMap<>();

    ConfigBlock configBlock(String triggerId) {
        return new ConfigBlock(name(), version(), digest, triggerId, pipelineConfigBytes);
    }

    /** The arena config block for traces of one trigger, encoded once. */
    byte[] encodedConfigBlock(String triggerId) {
        byte[] b = encodedBlocks.get(triggerId);
        return b != null ? b : encodedBlocks.computeIfAbsent(triggerId, t -> configBlock(t).encode());
    }

    private volatile String defaultTrigger;

    /**
     * The trigger a start that names none fires, chosen once.
     *
     * @throws IllegalArgumentException when the flow has several triggers and no single manual one
     */
    public String defaultTrigger() {
        String t = defaultTrigger;
        if (t == null) {
            defaultTrigger = t = Engine.pickTrigger(this, null);
        }
        return t;
    }

    /**
     * Releases what the flow's nodes hold (a JS node's contexts, a WASM node's instances): closes every
     * node that is {@link AutoCloseable}. Call it once no trace of this flow runs any more; a failure to
     * close one node does not stop the others and is returned as a message.
     */
    public java.util.List<String> close() {
        java.util.List<String> problems = new java.util.ArrayList<>();
        for (CNode n : nodes) {
            if (n.node instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    problems.add("node '" + n.id + "': " + e);
                }
            }
        }
        return problems;
    }

    /** A linked node. Fields are set by the linker and never change afterwards. */
    static final class CNode {
        String id;
        String type;
        int index;
        /** The run key of this node's run in the root frame outside loops. */
        String key;
        NodeFactory factory;
        Node node;
        Execution execution;
        /** The factory declared its nodes pure: they run without waiting for their start to be durable. */
        boolean pure;
        Readiness readiness;
        ConfigTemplate config;
        long timeoutMs;
        RetryPolicy retry;
        boolean enabled;
        /** Incoming edges other than loop-backs, in the flow's edge order. */
        int[] in;
        /** Incoming loop-back edges (loop nodes only). */
        int[] loopBackIn;
        /** Outgoing edges, in the flow's edge order. */
        int[] out;
        /** The port {@link io.xerv.plugin.NodeContext#input()} reads. */
        String primaryPort;
        boolean isLoop;
        boolean isSplit;
        /** The nodes a loop's iterations or a split's items run. */
        BitSet body;
        /** For loops: the edges whose state each iteration starts afresh (into the body, and loop-backs). */
        int[] bodyEdges;
        /** For splits: nodes of the body with no outgoing edges; their outputs make an item's result. */
        int[] bodySinks;
        /** For splits: how many items run at once (1 = sequential). */
        int window;
        /** For splits: whether the next items wait for the whole batch before starting. */
        boolean batched;
        /** The innermost split whose body holds this node, or -1. */
        int splitOwner = -1;
        /** The innermost loop whose body holds this node, or -1. */
        int loopOwner = -1;
    }

    /** A linked edge. */
    static final class CEdge {
        int index;
        /** Source node index, or -1 when the edge leaves a trigger. */
        int from;
        String trigger;
        String fromPort;
        int to;
        String toPort;
        EdgeCondition condition;
        boolean loopBack;
    }
}
