package io.xerv.host.flow;

/**
 * Bounds on what a flow file may contain, checked before and while it is parsed so that an upload
 * cannot exhaust the host's memory or stack. {@link #DEFAULT} is what {@code xerv} uses.
 *
 * @param maxFileBytes size of the file in bytes
 * @param maxDepth nesting of maps and lists
 * @param maxNodes entries under {@code nodes}
 * @param maxEdges entries under {@code edges}
 * @param maxTriggers entries under {@code triggers}
 * @param maxStringLength characters of one string (keys included)
 * @param maxAliases YAML aliases ({@code *name}) in the file
 * @param maxValues maps, lists and scalars after aliases are expanded (guards against alias bombs)
 */
public record FlowLimits(
        int maxFileBytes,
        int maxDepth,
        int maxNodes,
        int maxEdges,
        int maxTriggers,
        int maxStringLength,
        int maxAliases,
        int maxValues) {

    /** 1 MiB, depth 64, 1000 nodes, 5000 edges, 100 triggers, 64 KiB strings, 50 aliases, 200k values. */
    public static final FlowLimits DEFAULT =
            new FlowLimits(1 << 20, 64, 1000, 5000, 100, 64 * 1024, 50, 200_000);

    public FlowLimits {
        positive("maxFileBytes", maxFileBytes);
        positive("maxDepth", maxDepth);
        positive("maxNodes", maxNodes);
        positive("maxEdges", maxEdges);
        positive("maxTriggers", maxTriggers);
        positive("maxStringLength", maxStringLength);
        if (maxAliases < 0) {
            throw new IllegalArgumentException("maxAliases must be >= 0, got " + maxAliases);
        }
        positive("maxValues", maxValues);
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        }
    }

    public FlowLimits withMaxNodes(int n) {
        return new FlowLimits(maxFileBytes, maxDepth, n, maxEdges, maxTriggers, maxStringLength, maxAliases, maxValues);
    }

    public FlowLimits withMaxEdges(int n) {
        return new FlowLimits(maxFileBytes, maxDepth, maxNodes, n, maxTriggers, maxStringLength, maxAliases, maxValues);
    }

    public FlowLimits withMaxTriggers(int n) {
        return new FlowLimits(maxFileBytes, maxDepth, maxNodes, maxEdges, n, maxStringLength, maxAliases, maxValues);
    }

    public FlowLimits withMaxFileBytes(int n) {
        return new FlowLimits(n, maxDepth, maxNodes, maxEdges, maxTriggers, maxStringLength, maxAliases, maxValues);
    }

    public FlowLimits withMaxDepth(int n) {
        return new FlowLimits(maxFileBytes, n, maxNodes, maxEdges, maxTriggers, maxStringLength, maxAliases, maxValues);
    }

    public FlowLimits withMaxStringLength(int n) {
        return new FlowLimits(maxFileBytes, maxDepth, maxNodes, maxEdges, maxTriggers, n, maxAliases, maxValues);
    }

    public FlowLimits withMaxAliases(int n) {
        return new FlowLimits(maxFileBytes, maxDepth, maxNodes, maxEdges, maxTriggers, maxStringLength, n, maxValues);
    }

    public FlowLimits withMaxValues(int n) {
        return new FlowLimits(maxFileBytes, maxDepth, maxNodes, maxEdges, maxTriggers, maxStringLength, maxAliases, n);
    }
}
