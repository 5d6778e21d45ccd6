package io.xerv.std;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeContext;
import io.xerv.plugin.Value;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code std::map}: builds a new map from fields of its input, each mapping copying one value
 * ({@code from}) to a key path ({@code to}). Immutable and thread-safe.
 */
final class MapNode extends StdNode {

    static final String TYPE = "std::map";

    /** One {@code {from, to, default}} entry. */
    private record Mapping(FieldPath from, List<String> to, Param fallback) {
    }

    private final List<Mapping> mappings;
    private final Param passthrough;

    private MapNode(List<Mapping> mappings, Param passthrough) {
        super(TYPE);
        this.mappings = mappings;
        this.passthrough = passthrough;
    }

    @Override
    Completion run(NodeContext context) {
        Value input = input(context);
        Value config = config(context);
        Map<String, Object> out = passthrough.bool(config) ? Edits.copy(input) : new java.util.LinkedHashMap<>();
        for (Mapping m : mappings) {
            Value v = m.from.resolve(input);
            if (v == null) {
                v = m.fallback.get(config);
                if (v == null) {
                    continue;
                }
            }
            Edits.set(out, m.to, v);
        }
        return Completion.out(context.output().write(out));
    }

    /** Creates {@code std::map} nodes. Stateless; thread-safe. */
    static final class Factory extends StdFactory {

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public String description() {
            return "Builds a new map by copying input fields to new key paths, with defaults for missing ones.";
        }

        @Override
        Node build(ConfigCheck check) {
            ConfigCheck.Section c = check.root();
            c.allowOnly("mappings", "passthrough");
            Param passthrough = c.bool("passthrough", false);
            List<Mapping> mappings = new ArrayList<>();
            List<Value> items = c.list("mappings", true);
            if (items != null) {
                for (int i = 0; i < items.size(); i++) {
                    ConfigCheck.Section m = c.item("mappings", i, items.get(i), "a map {from, to, default}");
                    if (m == null) {
                        continue;
                    }
                    m.allowOnly("from", "to", "default");
                    mappings.add(new Mapping(m.field("from", true, null), m.keyPath("to", true),
                            m.value("default", false, null)));
                }
            }
            return new MapNode(List.copyOf(mappings), passthrough);
        }
    }
}
