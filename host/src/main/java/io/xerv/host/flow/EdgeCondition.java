package io.xerv.host.flow;

import io.xerv.plugin.Value;
import io.xerv.plugin.ValueType;
import io.xerv.plugin.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * An edge's {@code condition}, parsed once at deploy time: {@code <operand> [OP <operand>]} where OP is
 * one of {@code == != > >= < <=} and an operand is a selector, a number, a quoted string, or
 * {@code true}, {@code false}, {@code null}. A lone operand is tested with {@link Values#truthy}.
 * Immutable and thread-safe.
 *
 * <p>Comparison: two numbers (or a number and a string that parses as one) compare numerically;
 * {@code ==}/{@code !=} otherwise use {@link Values#equal}, falling back to comparing text when one side
 * is a string and the other a scalar; ordering operators on two strings compare them as text and are
 * false for anything else.
 */
public final class EdgeCondition {

    /** A comparison operator. */
    public enum Op {
        EQ("=="), NE("!="), GT(">"), GE(">="), LT("<"), LE("<=");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    /** An operand: a selector or a literal value. */
    public sealed interface Operand permits SelectorOperand, LiteralOperand {
    }

    public record SelectorOperand(SelectorRef selector) implements Operand {
    }

    public record LiteralOperand(Value value) implements Operand {
    }

    private final String text;
    private final Operand left;
    private final Op op;
    private final Operand right;

    private EdgeCondition(String text, Operand left, Op op, Operand right) {
        this.text = text;
        this.left = left;
        this.op = op;
        this.right = right;
    }

    /**
     * Parses a condition.
     *
     * @throws IllegalArgumentException saying what is wrong and at which column (from 1)
     */
    public static EdgeCondition parse(String text) {
        Objects.requireNonNull(text, "text");
        Lexer lx = new Lexer(text);
        lx.skipSpace();
        if (lx.atEnd()) {
            throw new IllegalArgumentException("condition is empty");
        }
        Operand left = lx.operand();
        lx.skipSpace();
        if (lx.atEnd()) {
            return new EdgeCondition(text, left, null, null);
        }
        Op op = lx.op();
        lx.skipSpace();
        if (lx.atEnd()) {
            throw new IllegalArgumentException("expected an operand after '" + op.symbol() + "' at column " + (lx.pos + 1));
        }
        Operand right = lx.operand();
        lx.skipSpace();
        if (!lx.atEnd()) {
            throw new IllegalArgumentException("unexpected '" + text.substring(lx.pos) + "' at column " + (lx.pos + 1)
                    + "; a condition is '<operand> [== != > >= < <= <operand>]'");
        }
        return new EdgeCondition(text, left, op, right);
    }

    /** The condition as written. */
    public String text() {
        return text;
    }

    /** The left operand, or the only one. */
    public Operand left() {
        return left;
    }

    /** The operator, or {@code null} for a truthiness test. */
    public Op op() {
        return op;
    }

    /** The right operand, or {@code null}. */
    public Operand right() {
        return right;
    }

    /** The selectors the condition reads, in order. */
    public List<SelectorRef> selectors() {
        List<SelectorRef> out = new ArrayList<>(2);
        if (left instanceof SelectorOperand s) {
            out.add(s.selector());
        }
        if (right instanceof SelectorOperand s) {
            out.add(s.selector());
        }
        return List.copyOf(out);
    }

    /**
     * Evaluates the condition.
     *
     * @param lookup a selector's value, or {@code null} when it selects nothing (treated as null)
     */
    public boolean evaluate(Function<SelectorRef, Value> lookup) {
        Value a = value(left, lookup);
        if (op == null) {
            return Values.truthy(a);
        }
        Value b = value(right, lookup);
        Double x = number(a);
        Double y = number(b);
        if (x != null && y != null && (a.isNumber() || b.isNumber())) {
            int c = compareNumbers(a, b, x, y);
            return test(c);
        }
        return switch (op) {
            case EQ -> looselyEqual(a, b);
            case NE -> !looselyEqual(a, b);
            default -> a.type() == ValueType.STRING && b.type() == ValueType.STRING && test(a.asString().compareTo(b.asString()));
        };
    }

    private boolean test(int c) {
        return switch (op) {
            case EQ -> c == 0;
            case NE -> c != 0;
            case GT -> c > 0;
            case GE -> c >= 0;
            case LT -> c < 0;
            case LE -> c <= 0;
        };
    }

    private static int compareNumbers(Value a, Value b, double x, double y) {
        if (a.type() == ValueType.INT && b.type() == ValueType.INT) {
            return Long.compare(a.asLong(), b.asLong());
        }
        return Double.compare(x, y);
    }

    private static boolean looselyEqual(Value a, Value b) {
        if (Values.equal(a, b)) {
            return true;
        }
        boolean aScalar = isNonNullScalar(a);
        boolean bScalar = isNonNullScalar(b);
        if (aScalar && bScalar && (a.type() == ValueType.STRING || b.type() == ValueType.STRING)) {
            return Values.toText(a).equals(Values.toText(b));
        }
        return false;
    }

    private static boolean isNonNullScalar(Value v) {
        return switch (v.type()) {
            case BOOL, INT, FLOAT, STRING -> true;
            default -> false;
        };
    }

    private static Double number(Value v) {
        return switch (v.type()) {
            case INT, FLOAT -> v.asDouble();
            case STRING -> {
                try {
                    yield Double.parseDouble(v.asString().strip());
                } catch (NumberFormatException e) {
                    yield null;
                }
            }
            default -> null;
        };
    }

    private static Value value(Operand o, Function<SelectorRef, Value> lookup) {
        return switch (o) {
            case LiteralOperand l -> l.value();
            case SelectorOperand s -> {
                Value v = lookup.apply(s.selector());
                yield v == null ? Values.NULL : v;
            }
        };
    }

    @Override
    public String toString() {
        return text;
    }

    private static final class Lexer {
        final String s;
        int pos;

        Lexer(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        Operand operand() {
            char c = s.charAt(pos);
            int start = pos;
            if (s.startsWith("${", pos)) {
                int close = Template.closingBrace(s, pos + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed selector '" + s.substring(pos) + "': missing '}'");
                }
                pos = close + 1;
                return new SelectorOperand(SelectorRef.parse(s.substring(start + 2, close), s.substring(start, pos)));
            }
            if (c == '"' || c == '\'') {
                StringBuilder sb = new StringBuilder();
                pos++;
                while (pos < s.length() && s.charAt(pos) != c) {
                    char d = s.charAt(pos);
                    if (d == '\\' && pos + 1 < s.length()) {
                        pos++;
                        d = s.charAt(pos);
                    }
                    sb.append(d);
                    pos++;
                }
                if (atEnd()) {
                    throw new IllegalArgumentException("string starting at column " + (start + 1) + " is not closed");
                }
                pos++;
                return new LiteralOperand(Values.of(sb.toString()));
            }
            while (pos < s.length() && !Character.isWhitespace(s.charAt(pos)) && "=!<>".indexOf(s.charAt(pos)) < 0) {
                pos++;
            }
            String word = s.substring(start, pos);
            switch (word) {
                case "true" -> {
                    return new LiteralOperand(Values.TRUE);
                }
                case "false" -> {
                    return new LiteralOperand(Values.FALSE);
                }
                case "null" -> {
                    return new LiteralOperand(Values.NULL);
                }
                default -> {
                }
            }
            if (word.matches("[+-]?\\d+")) {
                try {
                    return new LiteralOperand(Values.of(Long.parseLong(word)));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("integer '" + word + "' at column " + (start + 1) + " is out of range");
                }
            }
            if (word.matches("[+-]?(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][+-]?\\d+)?")) {
                return new LiteralOperand(Values.of(Double.parseDouble(word)));
            }
            if (word.isEmpty()) {
                throw new IllegalArgumentException("expected an operand at column " + (start + 1) + ", found '" + c + "'");
            }
            throw new IllegalArgumentException("unexpected '" + word + "' at column " + (start + 1)
                    + "; an operand is a selector, a number, a quoted string, true, false or null");
        }

        Op op() {
            int start = pos;
            for (Op o : new Op[] {Op.EQ, Op.NE, Op.GE, Op.LE, Op.GT, Op.LT}) {
                if (s.startsWith(o.symbol(), pos)) {
                    pos += o.symbol().length();
                    return o;
                }
            }
            int end = start;
            while (end < s.length() && !Character.isWhitespace(s.charAt(end))) {
                end++;
            }
            throw new IllegalArgumentException("expected an operator (== != > >= < <=) at column " + (start + 1)
                    + ", found '" + s.substring(start, end) + "'");
        }
    }
}
