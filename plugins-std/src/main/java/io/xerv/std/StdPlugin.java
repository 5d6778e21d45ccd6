package io.xerv.std;

import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.XervPlugin;

import java.util.List;

/**
 * The standard node library ({@code std::*}): flow control (switch, merge, loop, split, wait), data
 * shaping (map, concat, aggregate, json_dynamic) and effects (log, http). Found by the host through
 * {@link java.util.ServiceLoader}.
 *
 * <p>Each instance owns its factories, made once when the plugin is loaded; the factories are
 * stateless apart from the HTTP client that {@code std::http} makes on first use. Thread-safe.
 */
public final class StdPlugin implements XervPlugin {

    private final List<NodeFactory> factories = List.of(
            new LogNode.Factory(),
            new SwitchNode.Factory(),
            new MergeNode.Factory(),
            new LoopNode.Factory(),
            new SplitNode.Factory(),
            new MapNode.Factory(),
            new ConcatNode.Factory(),
            new AggregateNode.Factory(),
            new JsonDynamicNode.Factory(),
            new WaitNode.Factory(),
            new HttpNode.Factory());

    @Override
    public String name() {
        return "std";
    }

    @Override
    public List<NodeFactory> nodeFactories() {
        return factories;
    }
}
