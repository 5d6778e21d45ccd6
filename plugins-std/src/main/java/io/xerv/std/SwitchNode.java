package io.xerv.std;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeContext;
import io.xerv.plugin.Value;

import java.util.List;

/**
 * {@code std::switch}: tests its input with a {@link Condition} and passes the input on unchanged on
 * port {@code true} or {@code false}. Immutable and thread-safe.
 */
final class SwitchNode extends StdNode {

    static final String TYPE = "std::switch";

    private final Condition condition;

    private SwitchNode(Condition condition) {
        super(TYPE);
        this.condition = condition;
    }

    @Override
    Completion run(NodeContext context) {
        Value input = input(context);
        return Completion.emit(condition.test(input, config(context)) ? "true" : "false", input);
    }

    /** Creates {@code std::switch} nodes. Stateless; thread-safe. */
    static final class Factory extends StdFactory {

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public String description() {
            return "Routes the input to port true or false by a condition on one of its fields.";
        }

        @Override
        public List<String> outputPorts() {
            return List.of("true", "false");
        }

        @Override
        Node build(ConfigCheck check) {
            ConfigCheck.Section c = check.root();
            c.allowOnly("condition", "expression");
            return new SwitchNode(readCondition(check, c, "condition", "expression", true));
        }
    }

    /**
     * Reads exactly one of a map condition at {@code mapKey} and an expression at {@code exprKey};
     * null when neither is set and {@code required} is false.
     */
    static Condition readCondition(ConfigCheck check, ConfigCheck.Section c, String mapKey, String exprKey,
                                   boolean required) {
        boolean hasMap = c.has(mapKey);
        boolean hasExpr = c.has(exprKey);
        if (hasMap && hasExpr) {
            check.error(c.path(exprKey), "set either '" + mapKey + "' or '" + exprKey + "', not both");
            return null;
        }
        if (hasMap) {
            ConfigCheck.Section s = c.section(mapKey, true);
            return s == null ? null : Condition.fromMap(s, check);
        }
        if (hasExpr) {
            return Condition.fromExpression(c, exprKey, check);
        }
        if (required) {
            check.error(c.path(), "missing '" + mapKey + "' or '" + exprKey + "'; set one of them");
        }
        return null;
    }
}
