package io.xerv.host.flow;

import io.xerv.host.plugin.NodeRegistry;
import io.xerv.plugin.ConfigError;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.Value;
import io.xerv.plugin.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Stub factories with the std nodes' names, ports and a few of their config rules. */
final class TestRegistry {

    private TestRegistry() {
    }

    static NodeRegistry std() {
        return new NodeRegistry(List.of(
                stub("std::log", List.of("out"), c -> {
                    Value m = c.get("message");
                    return m != null && m.type() != ValueType.STRING
                            ? List.of(new ConfigError("message", "must be a string")) : List.of();
                }),
                stub("std::switch", List.of("true", "false"), TestRegistry::validateSwitch),
                stub("std::merge", List.of("out"), c -> List.of()),
                stub("std::loop", List.of("continue", "exit"), c -> c.get("max_iterations") == null && c.get("condition") == null
                        ? List.of(new ConfigError("", "needs max_iterations or condition")) : List.of()),
                stub("std::split", List.of("out", "done"), c -> List.of()),
                stub("std::map", List.of("out"), TestRegistry::validateMap),
                stub("std::concat", List.of("out"), c -> List.of()),
                stub("std::aggregate", List.of("out"), c -> c.get("operation") == null
                        ? List.of(new ConfigError("operation", "is required")) : List.of()),
                stub("std::json_dynamic", List.of("out"), c -> List.of()),
                stub("std::wait", List.of("out", "rejected", "escalated"), c -> List.of()),
                stub("std::http", List.of("out"), c -> List.of())));
    }

    private static List<ConfigError> validateSwitch(Value c) {
        Value cond = c.get("condition");
        if (cond == null && c.get("expression") == null) {
            return List.of(new ConfigError("condition", "is required (or give expression)"));
        }
        List<ConfigError> out = new ArrayList<>();
        if (cond != null && cond.type() == ValueType.MAP) {
            Value type = cond.get("type");
            List<String> known = List.of("equals", "greater_than", "less_than", "exists", "matches");
            if (type == null || type.type() != ValueType.STRING || !known.contains(type.asString())) {
                out.add(new ConfigError("condition.type", "must be one of " + String.join(", ", known)));
            }
            if (cond.get("field") == null) {
                out.add(new ConfigError("condition.field", "is required"));
            }
        }
        return out;
    }

    private static List<ConfigError> validateMap(Value c) {
        Value mappings = c.get("mappings");
        List<ConfigError> out = new ArrayList<>();
        if (mappings == null || mappings.type() != ValueType.LIST) {
            return List.of(new ConfigError("mappings", "must be a list of {from, to}"));
        }
        for (int i = 0; i < mappings.size(); i++) {
            Value m = mappings.get(i);
            if (m.get("to") == null) {
                out.add(new ConfigError("mappings[" + i + "].to", "is required"));
            }
            Value from = m.get("from");
            if (from != null && from.type() != ValueType.STRING) {
                out.add(new ConfigError("mappings[" + i + "].from", "must be a string"));
            }
        }
        return out;
    }

    static NodeFactory stub(String type, List<String> outputs, Function<Value, List<ConfigError>> validate) {
        return new NodeFactory() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public List<String> outputPorts() {
                return outputs;
            }

            @Override
            public List<ConfigError> validate(Value config) {
                return validate.apply(config);
            }

            @Override
            public Node create(NodeDefinition definition) {
                throw new UnsupportedOperationException("test stub");
            }
        };
    }
}
