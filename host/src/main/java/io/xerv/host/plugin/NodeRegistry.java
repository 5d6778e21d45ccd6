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
import java.util.function.Predicate;

/**
 * The node types a host knows, by type name. Built once at start-up from the plugins found by
 * {@link ServiceLoader}; immutable and thread-safe afterwards.
 */
public final class NodeRegistry {

    private final Map<String, NodeFactory> byType;
    /** Types known but refused by the host's policy, with the rule that refuses them. */
    private final Map<String, String> refused;

    private NodeRegistry(Map<String, NodeFactory> byType, Map<String, String> refused) {
        this.byType = byType;
        this.refused = refused;
    }

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
        this.refused = Map.of();
    }

    /**
     * This registry with only the types {@code allowed} accepts: the others are not found (so neither
     * a flow's loader nor the linker can create them, whatever route a flow comes by) and
     * {@link #refusal} says why.
     *
     * @param rule names the setting that refuses a type, for messages
     */
    public NodeRegistry restrictedTo(Predicate<String> allowed, String rule) {
        Map<String, NodeFactory> kept = new LinkedHashMap<>();
        Map<String, String> out = new LinkedHashMap<>(refused);
        byType.forEach((type, f) -> {
            if (allowed.test(type)) {
                kept.put(type, f);
            } else {
                out.put(type, "node type '" + type + "' is not allowed on this host (" + rule + ")");
            }
        });
        return new NodeRegistry(Collections.unmodifiableMap(kept), Map.copyOf(out));
    }

    /** Why a type this host knows is refused by its policy, or empty when it is allowed or unknown. */
    public Optional<String> refusal(String type) {
        return Optional.ofNullable(refused.get(type));
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
