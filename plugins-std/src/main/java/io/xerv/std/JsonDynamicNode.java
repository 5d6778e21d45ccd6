package io.xerv.std;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeContext;
import io.xerv.plugin.Value;
import io.xerv.plugin.ValueType;
import io.xerv.plugin.Values;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code std::json_dynamic}: reshapes its input without a fixed schema: passes it on, extracts fields,
 * merges a list of maps, sets or deletes one key path, or flattens nested maps and lists into one map.
 * {@code required_fields} are checked before the operation. Immutable and thread-safe.
 */
final class JsonDynamicNode extends StdNode {

    static final String TYPE = "std::json_dynamic";

    enum Operation { PASSTHROUGH, EXTRACT, MERGE, SET, DELETE, FLATTEN }

    private final Operation operation;
    private final List<FieldPath> required;
    private final List<FieldPath> fields;
    private final List<String> path;
    private final Param value;
    private final Param separator;

    private JsonDynamicNode(Operation operation, List<FieldPath> required, List<FieldPath> fields, List<String> path,
                            Param value, Param separator) {
        super(TYPE);
        this.operation = operation;
        this.required = required;
        this.fields = fields;
        this.path = path;
        this.value = value;
        this.separator = separator;
    }

    @Override
    Completion run(NodeContext context) {
        Value input = input(context);
        Value config = config(context);
        for (FieldPath f : required) {
            Value v = f.resolve(input);
            if (v == null || v.isNull()) {
                throw new NodeFailure("required field '" + f + "' is missing");
            }
        }
        return switch (operation) {
            case PASSTHROUGH -> Completion.out(input);
            case EXTRACT -> {
                Map<String, Object> out = new LinkedHashMap<>();
                for (FieldPath f : fields) {
                    Value v = f.resolve(input);
                    if (v != null) {
                        out.put(f.lastKey(), v);
                    }
                }
                yield Completion.out(context.output().write(out));
            }
            case MERGE -> merge(context, input);
            case SET -> {
                requireMap(input);
                Map<String, Object> out = Edits.copy(input);
                Value v = value.get(config);
                Edits.set(out, path, v == null ? Values.NULL : v);
                yield Completion.out(context.output().write(out));
            }
            case DELETE -> {
                requireMap(input);
                Map<String, Object> out = Edits.copy(input);
                Edits.delete(out, path);
                yield Completion.out(context.output().write(out));
            }
            case FLATTEN -> {
                Map<String, Object> out = new LinkedHashMap<>();
                flatten(out, "", input, separator.text(config));
                yield Completion.out(context.output().write(out));
            }
        };
    }

    private static void requireMap(Value input) {
        if (input.type() != ValueType.MAP) {
            throw new NodeFailure("the input is " + ConfigCheck.describe(input) + "; set and delete need a map");
        }
    }

    private static Completion merge(NodeContext context, Value input) {
        if (input.type() == ValueType.MAP) {
            // Values are immutable, so the input itself is as good as a copy.
            return Completion.out(input);
        }
        if (input.type() != ValueType.LIST) {
            throw new NodeFailure("merge needs a map or a list of maps, found " + ConfigCheck.describe(input));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < input.size(); i++) {
            Value item = input.get(i);
            if (item != null && item.type() == ValueType.MAP) {
                for (int k = 0; k < item.size(); k++) {
                    out.put(item.keyAt(k), item.valueAt(k));
                }
            }
        }
        return Completion.out(context.output().write(out));
    }

    /** Leaves keep their value; keys join with {@code sep}; list indexes become keys; empty maps and lists are leaves. */
    private static void flatten(Map<String, Object> out, String prefix, Value v, String sep) {
        if (v.type() == ValueType.MAP && v.size() > 0) {
            for (int i = 0; i < v.size(); i++) {
                flatten(out, prefix.isEmpty() ? v.keyAt(i) : prefix + sep + v.keyAt(i), v.valueAt(i), sep);
            }
        } else if (v.type() == ValueType.LIST && v.size() > 0) {
            for (int i = 0; i < v.size(); i++) {
                flatten(out, prefix.isEmpty() ? String.valueOf(i) : prefix + sep + i, v.get(i), sep);
            }
        } else {
            out.put(prefix, v);
        }
    }

    /** Creates {@code std::json_dynamic} nodes. Stateless; thread-safe. */
    static final class Factory extends StdFactory {

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public String description() {
            return "Passes, extracts, merges, sets, deletes or flattens JSON fields without a fixed schema.";
        }

        @Override
        Node build(ConfigCheck check) {
            ConfigCheck.Section c = check.root();
            c.allowOnly("operation", "fields", "path", "value", "separator", "required_fields");
            String opName = c.choice("operation", "passthrough",
                    "passthrough", "extract", "merge", "set", "delete", "flatten");
            Operation op = opName == null ? null : Operation.valueOf(opName.toUpperCase(Locale.ROOT));
            List<FieldPath> required = c.fields("required_fields", false);
            List<FieldPath> fields = List.of();
            List<String> path = null;
            Param value = null;
            Param separator = null;
            if (op == Operation.EXTRACT) {
                fields = c.fields("fields", true);
            } else {
                c.forbid("fields", "only used with operation: extract");
            }
            if (op == Operation.SET || op == Operation.DELETE) {
                path = c.keyPath("path", true);
            } else {
                c.forbid("path", "only used with operation: set or delete");
            }
            if (op == Operation.SET) {
                // An explicit `value: null` sets null; only a missing key is an error.
                value = c.written("value") ? c.value("value", false, Values.NULL) : c.value("value", true, null);
            } else {
                c.forbid("value", "only used with operation: set");
            }
            if (op == Operation.FLATTEN) {
                separator = c.text("separator", false, "_");
            } else {
                c.forbid("separator", "only used with operation: flatten");
            }
            return new JsonDynamicNode(op, required, fields, path, value, separator);
        }
    }
}
