package io.xerv.plugin;

import java.util.List;

/**
 * The entry point of a plugin jar, found with {@link java.util.ServiceLoader}: list the implementation
 * in {@code META-INF/services/io.xerv.plugin.XervPlugin}.
 *
 * <p>Every method has a default so that new kinds of extension can be added without breaking
 * existing plugins. Implementations must have a public no-argument constructor and be thread-safe.
 */
@Stable
public interface XervPlugin {

    /** A short name for logs and {@code xerv nodes}; defaults to the class name. */
    default String name() {
        return getClass().getName();
    }

    /** The node types this plugin contributes. Type names must be unique across all plugins. */
    default List<NodeFactory> nodeFactories() {
        return List.of();
    }
}
