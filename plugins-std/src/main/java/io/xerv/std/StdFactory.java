package io.xerv.std;

import io.xerv.plugin.ConfigError;
import io.xerv.plugin.HostServices;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.Value;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The base of every std factory: one method, {@link #build}, both checks a config and builds the
 * node from it, so that {@code validate} and {@code create} can never disagree about what is valid.
 *
 * <p>Stateless apart from what subclasses add; thread-safe.
 */
abstract class StdFactory implements NodeFactory {

    /**
     * Reads {@code check}'s config, reporting every problem to it. The returned node is only used when
     * no problem was reported, so it may be incomplete (or null) otherwise.
     */
    abstract Node build(ConfigCheck check);

    /**
     * As {@link #build(ConfigCheck)}, for a node the host creates with its {@code services}; factories
     * of nodes that reach outside the trace (the network) override it.
     */
    Node build(ConfigCheck check, HostServices services) {
        return build(check);
    }

    /** Std nodes only read their context and write their output, except those that say otherwise. */
    @Override
    public boolean pure() {
        return true;
    }

    @Override
    public final List<ConfigError> validate(Value config) {
        ConfigCheck check = new ConfigCheck(config);
        build(check);
        return check.errors();
    }

    @Override
    public final Node create(NodeDefinition definition) {
        ConfigCheck check = new ConfigCheck(definition.config());
        Node node = build(check, definition.services());
        if (!check.errors().isEmpty()) {
            throw new IllegalArgumentException("node '" + definition.id() + "' (" + type() + ") has a bad config: "
                    + check.errors().stream()
                            .map(e -> e.path().isEmpty() ? e.message() : e.path() + ": " + e.message())
                            .collect(Collectors.joining("; ")));
        }
        return node;
    }
}
