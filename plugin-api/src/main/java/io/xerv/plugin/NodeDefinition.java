package io.xerv.plugin;

import java.util.Objects;

/**
 * A node as a flow declares it.
 *
 * @param id the node's id in the flow
 * @param type its type name
 * @param config its configuration as written, selectors still unresolved
 */
@Stable
public record NodeDefinition(String id, String type, Value config) {
    public NodeDefinition {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(config, "config");
    }
}
