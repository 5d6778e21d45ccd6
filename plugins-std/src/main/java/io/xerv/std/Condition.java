package io.xerv.std;

import io.xerv.plugin.Value;
import io.xerv.plugin.ValueType;
import io.xerv.plugin.Values;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import java.util.Arrays;

/**
 * A test on a node's input, used by {@code std::switch} and {@code std::loop}. Written in a flow either
 * as a map or as an expression string:
 *
 * <pre>{@code
 * condition: {type: greater_than, field: risk_score, value: 0.8}
 * expression: "risk_score > 0.8"
 * }</pre>
 *
 * <p>Map form: {@code type} is one of {@code greater_than, greater_or_equal, less_than, less_or_equal,
 * equals, not_equals, contains, matches, exists, is_true, is_false, is_null}; {@code field} is a path
 * into the input; {@code value} is required by the first eight types (and rejected by the others) and
 * may be a selector, read from the resolved config on each run.
 *
 * <p>Expression form: {@code <path> <op> <literal>} with op one of {@code >= <= == != > <}; the path is
 * bare ({@code amount}) or rooted ({@code $.amount}); the literal is a number, a quoted string,
 * {@code true}, {@code false} or {@code null} (a bare word after {@code ==} or {@code !=} is taken as a
 * string). An expression that is only a path tests whether the field is truthy
 * ({@link Values#truthy}). A selector is allowed on the right-hand side only; such an expression is
 * parsed again on each run from the resolved config.
 *
 * <p>Semantics: a field that is missing makes every comparison false, including {@code not_equals};
 * {@code exists} means present and not null, {@code is_null} its opposite; {@code is_true} means truthy,
 * {@code is_false} present and not truthy. Ordering comparisons need a number in the input (strings are
 * not converted) and compare as doubles. {@code equals} compares numbers numerically ({@code 1 == 1.0}),
 * strings by text, anything else with {@link Values#equal}. {@code contains} is substring containment on
 * a string field and element equality on a list field; {@code matches} finds the regular expression
 * anywhere in a string field (anchor it with {@code ^...$} to match all of it).
 *
 * <p>Parsed once when the node is created. Immutable and thread-safe.
 */
public final class Condition {

    /** The comparisons a condition can make. */
    enum Op {
        GREATER_THAN("greater_than", ">", true),
        GREATER_OR_EQUAL("greater_or_equal", ">=", true),
        LESS_THAN("less_than", "<", true),
        LESS_OR_EQUAL("less_or_equal", "<=", true),
        EQUALS("equals", "==", true),
        NOT_EQUALS("not_equals", "!=", true),
        CONTAINS("contains", null, true),
        MATCHES("matches", null, true),
        EXISTS("exists", null, false),
        IS_TRUE("is_true", null, false),
        IS_FALSE("is_false", null, false),
        IS_NULL("is_null", null, false);

        final String configName;
        final String symbol;
        final boolean needsValue;

        Op(String configName, String symbol, boolean needsValue) {
            this.configName = configName;
            this.symbol = symbol;
            this.needsValue = needsValue;
        }

        boolean ordering() {
            return this == GREATER_THAN || this == GREATER_OR_EQUAL || this == LESS_THAN || this == LESS_OR_EQUAL;
        }

        static final String[] NAMES = Arrays.stream(values()).map(o -> o.configName).toArray(String[]::new);

        static Op named(String name) {
            for (Op op : values()) {
                if (op.configName.equals(name)) {
                    return op;
                }
            }
            throw new IllegalArgumentException(name);
        }

        static Op symbol(String symbol) {
            for (Op op : values()) {
                if (symbol.equals(op.symbol)) {
                    return op;
                }
            }
            throw new IllegalArgumentException(symbol);
        }
    }

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");

    private final String text;
    private final Op op;
    private final FieldPath field;
    private final Param value;
    private final Pattern pattern;
    /** Set when the expression holds a selector: it is parsed on each run from the resolved config. */
    private final Param deferred;

    private Condition(String text, Op op, FieldPath field, Param value, Pattern pattern, Param deferred) {
        this.text = text;
        this.op = op;
        this.field = field;
        this.value = value;
        this.pattern = pattern;
        this.deferred = deferred;
    }

    /**
     * Parses an expression that holds no selector, such as {@code "amount >= 1000"} or
     * {@code "$.customer.vip"}.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static Condition expression(String expression) {
        Parts parts = split(expression);
        if (parts.lhs.contains("${") || (parts.rhs != null && parts.rhs.contains("${"))) {
            throw new IllegalArgumentException("'" + expression + "' holds a selector; resolve it first");
        }
        return fromParts(expression, parts);
    }

    /**
     * Tests {@code input}.
     *
     * @param input the value the condition's field paths are read from
     * @param resolvedConfig the node's config as resolved for this trace, where selector operands are read
     * @throws NodeFailure when a selector resolved to an operand of the wrong type or a bad expression
     */
    public boolean test(Value input, Value resolvedConfig) {
        if (deferred != null) {
            String resolved = deferred.text(resolvedConfig);
            if (resolved == null) {
                throw new NodeFailure("config '" + deferred.key() + "' resolved to nothing");
            }
            Condition c;
            try {
                c = expression(resolved);
            } catch (IllegalArgumentException e) {
                throw new NodeFailure("config '" + deferred.key() + "' resolved to a bad expression: " + e.getMessage());
            }
            return c.test(input, resolvedConfig);
        }
        Value v = field.resolve(input);
        switch (op) {
            case EXISTS:
                return v != null && !v.isNull();
            case IS_NULL:
                return v == null || v.isNull();
            case IS_TRUE:
                return Values.truthy(v);
            case IS_FALSE:
                return v != null && !Values.truthy(v);
            default:
                break;
        }
        if (v == null) {
            return false;
        }
        Value operand = value.get(resolvedConfig);
        if (operand == null) {
            throw new NodeFailure("config '" + value.key() + "' resolved to nothing");
        }
        return switch (op) {
            case GREATER_THAN, GREATER_OR_EQUAL, LESS_THAN, LESS_OR_EQUAL -> {
                Double limit = Param.number(operand);
                if (limit == null) {
                    throw value.wrong(operand, "a number");
                }
                if (!v.isNumber()) {
                    yield false;
                }
                double d = v.asDouble();
                yield switch (op) {
                    case GREATER_THAN -> d > limit;
                    case GREATER_OR_EQUAL -> d >= limit;
                    case LESS_THAN -> d < limit;
                    default -> d <= limit;
                };
            }
            case EQUALS -> same(v, operand);
            case NOT_EQUALS -> !same(v, operand);
            case CONTAINS -> contains(v, operand);
            case MATCHES -> {
                if (v.isNull()) {
                    yield false;
                }
                Pattern p = pattern != null ? pattern : compileResolved(operand);
                yield p.matcher(Values.toText(v)).find();
            }
            default -> throw new IllegalStateException(op.name());
        };
    }

    private Pattern compileResolved(Value operand) {
        if (operand.type() != ValueType.STRING) {
            throw value.wrong(operand, "a regular expression string");
        }
        try {
            return Pattern.compile(operand.asString());
        } catch (PatternSyntaxException e) {
            throw new NodeFailure("config '" + value.key() + "' resolved to a bad regular expression '" + operand.asString()
                    + "': " + e.getDescription());
        }
    }

    /** Equality as conditions see it: numbers by value, strings by text, the rest structurally. */
    static boolean same(Value a, Value b) {
        if (a.isNumber() && b.isNumber()) {
            return a.asDouble() == b.asDouble();
        }
        if (a.type() == ValueType.STRING && b.type() == ValueType.STRING) {
            return a.asString().equals(b.asString());
        }
        return Values.equal(a, b);
    }

    private static boolean contains(Value haystack, Value needle) {
        if (haystack.type() == ValueType.STRING) {
            return needle.type() != ValueType.NULL && haystack.asString().contains(Values.toText(needle));
        }
        if (haystack.type() == ValueType.LIST) {
            for (int i = 0; i < haystack.size(); i++) {
                Value item = haystack.get(i);
                if (item != null && same(item, needle)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The condition as the flow wrote it. */
    @Override
    public String toString() {
        return text;
    }

    // ---- parsing ----

    /** Reads the map form at {@code section} ({@code condition: {type, field, value}}). */
    static Condition fromMap(ConfigCheck.Section s, ConfigCheck check) {
        s.allowOnly("type", "field", "value");
        String type = s.choice("type", null, Op.NAMES);
        if (!s.has("type")) {
            s.require("type");
        }
        FieldPath field = s.field("field", true, null);
        Op op = type == null ? null : Op.named(type);
        Param value = null;
        Pattern pattern = null;
        if (op != null && !op.needsValue) {
            s.forbid("value", "not used by condition type '" + type + "'");
        } else if (op != null && s.require("value")) {
            Value v = s.raw("value");
            String at = s.path("value");
            value = Param.of(at, v, null);
            if (!value.dynamic()) {
                if (op.ordering() && !v.isNumber()) {
                    check.error(at, "expected a number for " + type + ", found " + ConfigCheck.describe(v));
                } else if (op == Op.MATCHES) {
                    if (v.type() != ValueType.STRING) {
                        check.error(at, "expected a regular expression string, found " + ConfigCheck.describe(v));
                    } else {
                        try {
                            pattern = Pattern.compile(v.asString());
                        } catch (PatternSyntaxException e) {
                            check.error(at, "bad regular expression '" + v.asString() + "': " + e.getDescription());
                        }
                    }
                }
            }
        }
        String text = type + "(" + field + (value == null ? "" : ", " + Values.toJson(s.raw("value"))) + ")";
        return new Condition(text, op, field, value, pattern, null);
    }

    /** Reads the expression string at {@code key} of {@code s}. */
    static Condition fromExpression(ConfigCheck.Section s, String key, ConfigCheck check) {
        String text = s.string(key, true);
        if (text == null) {
            return null;
        }
        String at = s.path(key);
        Parts parts;
        try {
            parts = split(text);
        } catch (IllegalArgumentException e) {
            check.error(at, e.getMessage());
            return null;
        }
        if (parts.lhs.contains("${")) {
            check.error(at, "the left-hand side of '" + text + "' must be a field path of the input"
                    + " (such as 'amount' or '$.amount'), not a selector");
            return null;
        }
        if (parts.rhs != null && parts.rhs.contains("${")) {
            // Validate everything but the value, which exists only per trace.
            try {
                fromParts(text, new Parts(parts.lhs, parts.op, "0"));
            } catch (IllegalArgumentException e) {
                check.error(at, e.getMessage());
            }
            return new Condition(text, null, null, null, null, Param.of(at, s.raw(key), null));
        }
        try {
            return fromParts(text, parts);
        } catch (IllegalArgumentException e) {
            check.error(at, e.getMessage());
            return null;
        }
    }

    /** An expression cut at its operator; {@code op} and {@code rhs} are null for a bare path. */
    private record Parts(String lhs, String op, String rhs) {
    }

    private static Parts split(String text) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '$' && i + 1 < n && text.charAt(i + 1) == '{') {
                int close = text.indexOf('}', i);
                if (close < 0) {
                    throw new IllegalArgumentException("'${' at " + (i + 1) + " is not closed in '" + text + "'");
                }
                i = close;
            } else if (c == '[') {
                int close = text.indexOf(']', i);
                i = close < 0 ? n : close;
            } else if (c == '<' || c == '>' || c == '=' || c == '!') {
                String two = i + 1 < n ? text.substring(i, i + 2) : "";
                String op;
                if (two.equals(">=") || two.equals("<=") || two.equals("==") || two.equals("!=")) {
                    op = two;
                } else if (c == '<' || c == '>') {
                    op = String.valueOf(c);
                } else {
                    throw new IllegalArgumentException("unknown operator '" + c + "' at " + (i + 1) + " in '" + text
                            + "'; expected one of >=, <=, ==, !=, >, <");
                }
                return new Parts(text.substring(0, i).strip(), op, text.substring(i + op.length()).strip());
            }
        }
        return new Parts(text.strip(), null, null);
    }

    private static Condition fromParts(String text, Parts parts) {
        if (parts.lhs.isEmpty()) {
            throw new IllegalArgumentException(parts.op == null ? "expression is empty"
                    : "expected a field path before '" + parts.op + "' in '" + text + "'");
        }
        FieldPath field;
        try {
            field = FieldPath.parse(parts.lhs);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("in '" + text + "': " + e.getMessage());
        }
        if (parts.op == null) {
            return new Condition(text, Op.IS_TRUE, field, null, null, null);
        }
        if (parts.rhs.isEmpty()) {
            throw new IllegalArgumentException("expected a value after '" + parts.op + "' in '" + text + "'");
        }
        Op op = Op.symbol(parts.op);
        Value literal = literal(parts.rhs);
        if (op.ordering() && !literal.isNumber()) {
            throw new IllegalArgumentException("expected a number after '" + parts.op + "' in '" + text
                    + "', found " + ConfigCheck.describe(literal));
        }
        return new Condition(text, op, field, Param.constant("expression", literal), null, null);
    }

    private static Value literal(String s) {
        if (s.length() >= 2 && (s.charAt(0) == '"' || s.charAt(0) == '\'') && s.charAt(s.length() - 1) == s.charAt(0)) {
            return Values.of(s.substring(1, s.length() - 1));
        }
        switch (s) {
            case "true":
                return Values.TRUE;
            case "false":
                return Values.FALSE;
            case "null":
                return Values.NULL;
            default:
                break;
        }
        if (NUMBER.matcher(s).matches()) {
            try {
                return s.contains(".") || s.contains("e") || s.contains("E")
                        ? Values.of(Double.parseDouble(s)) : Values.of(Long.parseLong(s));
            } catch (NumberFormatException e) {
                return Values.of(Double.parseDouble(s));
            }
        }
        return Values.of(s);
    }
}
