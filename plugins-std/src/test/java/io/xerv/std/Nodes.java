package io.xerv.std;

import io.xerv.plugin.Completion;
import io.xerv.plugin.ConfigError;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.Value;
import io.xerv.plugin.Values;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Helpers shared by the node tests: building configs, creating nodes, running them. */
final class Nodes {

    private Nodes() {
    }

    /** A config map from alternating keys and values, as a flow would write it. */
    static Value config(Object... keysAndValues) {
        return Values.mapOf(keysAndValues);
    }

    /** Validates {@code config} (expecting no errors) and creates the node. */
    static Node create(NodeFactory factory, Value config) {
        assertThat(factory.validate(config)).as("config errors").isEmpty();
        return factory.create(new NodeDefinition("node", factory.type(), config));
    }

    /** Runs {@code node} on {@code context} with the node's own (static) config as the resolved config. */
    static Completion run(Node node, Value config, TestContext context) throws Exception {
        if (context.config().size() == 0) {
            context.withConfig(config);
        }
        return node.execute(context);
    }

    /** Creates a node from {@code config} and runs it once on {@code input}. */
    static Completion run(NodeFactory factory, Value config, Object input) throws Exception {
        return run(create(factory, config), config, TestContext.of(input));
    }

    static List<ConfigError> errors(NodeFactory factory, Value config) {
        return factory.validate(config);
    }

    static ConfigError error(String path, String message) {
        return new ConfigError(path, message);
    }

    /** The emitted value as plain Java, for comparisons with maps and lists. */
    static Object java(Completion c) {
        assertThat(c.kind()).as("completion kind of " + c).isEqualTo(Completion.Kind.EMIT);
        return Values.toJava(c.value());
    }
}
