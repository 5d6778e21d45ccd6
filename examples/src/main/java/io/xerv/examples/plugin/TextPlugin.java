package io.xerv.examples.plugin;

import io.xerv.plugin.ConfigError;
import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.Value;
import io.xerv.plugin.ValueType;
import io.xerv.plugin.Values;
import io.xerv.plugin.XervPlugin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An example third-party plugin: one node type, {@code examples::uppercase}, which upper-cases the
 * named string fields of its input map. Build it with {@code ./mvnw -pl examples package} and load it
 * with {@code ./xerv run FLOW --plugins examples/target}.
 */
public final class TextPlugin implements XervPlugin {

    @Override
    public String name() {
        return "examples-text";
    }

    @Override
    public List<NodeFactory> nodeFactories() {
        return List.of(new UppercaseFactory());
    }

    /** {@code examples::uppercase}: config {@code fields} (list of keys). */
    static final class UppercaseFactory implements NodeFactory {
        @Override
        public String type() {
            return "examples::uppercase";
        }

        @Override
        public String description() {
            return "Upper-cases the listed string fields of the input map (an example plugin).";
        }

        @Override
        public List<ConfigError> validate(Value config) {
            Value fields = config.get("fields");
            if (fields == null || fields.type() != ValueType.LIST) {
                return List.of(new ConfigError("fields", "required: a list of field names"));
            }
            List<ConfigError> errors = new ArrayList<>();
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i).type() != ValueType.STRING) {
                    errors.add(new ConfigError("fields[" + i + "]", "must be a string"));
                }
            }
            return errors;
        }

        @Override
        public Node create(NodeDefinition definition) {
            Value fields = definition.config().get("fields");
            List<String> names = new ArrayList<>();
            for (int i = 0; i < fields.size(); i++) {
                names.add(fields.get(i).asString());
            }
            return ctx -> {
                Value in = ctx.input();
                if (in == null || in.type() != ValueType.MAP) {
                    return Completion.fail("examples::uppercase needs a map input");
                }
                Map<String, Object> out = new LinkedHashMap<>();
                for (int i = 0; i < in.size(); i++) {
                    Value v = in.valueAt(i);
                    boolean upper = names.contains(in.keyAt(i)) && v.type() == ValueType.STRING;
                    out.put(in.keyAt(i), upper ? Values.of(v.asString().toUpperCase(Locale.ROOT)) : v);
                }
                return Completion.out(ctx.output().write(out));
            };
        }
    }
}
