package io.xerv.std;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeContext;
import io.xerv.plugin.Value;
import io.xerv.plugin.ValueType;
import io.xerv.plugin.Values;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code std::concat}: joins literal text and input fields into one string, stored under
 * {@code output_field}. Missing and null fields are skipped (no separator is added for them).
 * Immutable and thread-safe.
 */
final class ConcatNode extends StdNode {

    static final String TYPE = "std::concat";

    /** A part is either a literal (possibly a selector) or a field of the input. */
    private record Part(Param literal, FieldPath field) {
    }

    private final List<Part> parts;
    private final Param separator;
    private final Param outputField;
    private final Param passthrough;

    private ConcatNode(List<Part> parts, Param separator, Param outputField, Param passthrough) {
        super(TYPE);
        this.parts = parts;
        this.separator = separator;
        this.outputField = outputField;
        this.passthrough = passthrough;
    }

    @Override
    Completion run(NodeContext context) {
        Value input = input(context);
        Value config = config(context);
        String sep = separator.text(config);
        StringBuilder sb = new StringBuilder();
        long max = context.output().maxValueBytes();
        boolean first = true;
        for (Part p : parts) {
            Value v = p.field != null ? p.field.resolve(input) : p.literal.get(config);
            if (v == null || v.isNull()) {
                continue;
            }
            if (!first) {
                sb.append(sep);
            }
            sb.append(Values.toText(v));
            first = false;
            if (sb.length() > max) {
                // Each character is at least a byte: the text is already too large to write.
                throw new NodeFailure("the joined text is over " + max + " bytes, the largest output a node may write"
                        + " (limits.node_output_bytes)");
            }
        }
        Map<String, Object> out = passthrough.bool(config) && input.type() == ValueType.MAP
                ? Edits.copy(input) : new LinkedHashMap<>();
        out.put(outputField.text(config), sb.toString());
        return Completion.out(context.output().write(out));
    }

    /** Creates {@code std::concat} nodes. Stateless; thread-safe. */
    static final class Factory extends StdFactory {

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public String description() {
            return "Joins literal text and input fields into one string.";
        }

        @Override
        Node build(ConfigCheck check) {
            ConfigCheck.Section c = check.root();
            c.allowOnly("parts", "separator", "output_field", "passthrough");
            Param separator = c.text("separator", false, "");
            Param outputField = c.text("output_field", false, "result");
            Param passthrough = c.bool("passthrough", false);
            List<Part> parts = new ArrayList<>();
            List<Value> items = c.list("parts", true);
            if (items != null) {
                for (int i = 0; i < items.size(); i++) {
                    Part part = part(check, c, i, items.get(i));
                    if (part != null) {
                        parts.add(part);
                    }
                }
            }
            return new ConcatNode(List.copyOf(parts), separator, outputField, passthrough);
        }

        private static Part part(ConfigCheck check, ConfigCheck.Section c, int i, Value item) {
            String at = c.path("parts") + "[" + i + "]";
            if (item.type() == ValueType.STRING) {
                return new Part(Param.of(at, item, null), null);
            }
            ConfigCheck.Section p = c.item("parts", i, item, "a string, {field: path} or {literal: value}");
            if (p == null) {
                return null;
            }
            p.allowOnly("field", "literal");
            if (p.has("field") == p.has("literal")) {
                check.error(at, "set exactly one of 'field' and 'literal'");
                return null;
            }
            if (p.has("field")) {
                FieldPath field = p.field("field", true, null);
                return field == null ? null : new Part(null, field);
            }
            return new Part(p.value("literal", true, null), null);
        }
    }
}
