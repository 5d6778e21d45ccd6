package io.xerv.host.plugin;

import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.XervPlugin;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The node types a host knows, by type name. Built once at start-up from the plugins found by
 * {@link ServiceLoader}; immutable and thread-safe afterwards.
 */
public final class NodeRegistry {

    private final Map<String, NodeFactory> byType;

    /**
     * A registry of the given factories, in order.
     *
     * @throws IllegalStateException when two factories share a type name
     */
    public NodeRegistry(List<NodeFactory> factories) {
        Map<String, NodeFactory> m = new LinkedHashMap<>();
        for (NodeFactory f : factories) {
            Objects.requireNonNull(f, "factory");
            String type = Objects.requireNonNull(f.type(), () -> f.getClass().getName() + ".type()");
            NodeFactory old = m.putIfAbsent(type, f);
            if (old != null) {
                throw new IllegalStateException("node type '" + type + "' is registered twice: by "
                        + old.getClass().getName() + " and by " + f.getClass().getName());
            }
        }
        this.byType = Collections.unmodifiableMap(m);
    }

    /**
     * A registry of every factory of the given plugins.
     *
     * @throws IllegalStateException when two factories share a type name, naming both plugins
     */
    public static NodeRegistry of(Collection<? extends XervPlugin> plugins) {
        Map<String, XervPlugin> owner = new LinkedHashMap<>();
        List<NodeFactory> all = new ArrayList<>();
        for (XervPlugin p : plugins) {
            for (NodeFactory f : p.nodeFactories()) {
                XervPlugin old = owner.putIfAbsent(f.type(), p);
                if (old != null) {
                    throw new IllegalStateException("node type '" + f.type() + "' is registered twice: by plugin "
                            + old.getClass().getName() + " and by plugin " + p.getClass().getName());
                }
                all.add(f);
            }
        }
        return new NodeRegistry(all);
    }

    /** The plugins visible to the thread's context class loader. */
    public static NodeRegistry load() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return load(cl != null ? cl : NodeRegistry.class.getClassLoader());
    }

    /**
     * The plugins visible to {@code loader}.
     *
     * @throws java.util.ServiceConfigurationError when a plugin cannot be instantiated
     * @throws IllegalStateException when two factories share a type name
     */
    public static NodeRegistry load(ClassLoader loader) {
        List<XervPlugin> plugins = new ArrayList<>();
        ServiceLoader.load(XervPlugin.class, loader).forEach(plugins::add);
        return of(plugins);
    }

    /** The factory of a type. */
    public Optional<NodeFactory> find(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    /** Every factory, in registration order. */
    public Collection<NodeFactory> all() {
        return byType.values();
    }
}
