package io.xerv.std;

import io.xerv.plugin.Value;
import io.xerv.plugin.ValuePath;
import io.xerv.plugin.ValueType;
import io.xerv.plugin.Values;

/**
 * One config value that may hold a {@code ${...}} selector. When the flow wrote a literal, the value is
 * kept from the definition; when it wrote a selector (anywhere inside it), the value is read on each run
 * from the config the host resolved for that trace ({@code NodeContext.config()}), at the same key.
 *
 * <p>The typed readers accept what a selector typically resolves to: besides the native type, a
 * string holding a number or a boolean. Anything else is a {@link NodeFailure} naming the key.
 *
 * <p>Immutable and thread-safe.
 */
final class Param {

    private final String key;
    private final ValuePath path;
    /** The literal value, or the fallback when the key is absent; null for "absent, no default". */
    private final Value constant;
    private final Value fallback;
    private final boolean dynamic;

    private Param(String key, Value constant, Value fallback, boolean dynamic) {
        this.key = key;
        this.path = ValuePath.parse(key);
        this.constant = constant;
        this.fallback = fallback;
        this.dynamic = dynamic;
    }

    /**
     * A param for the config entry at {@code key} (a config path such as {@code condition.value} or
     * {@code mappings[1].default}) whose unresolved value is {@code written} (null when absent).
     */
    static Param of(String key, Value written, Value fallback) {
        boolean absent = written == null || written.isNull();
        boolean dynamic = !absent && ConfigCheck.containsSelector(written);
        return new Param(key, absent ? fallback : written, fallback, dynamic);
    }

    /** A param that always has {@code value}, for operands parsed out of an expression. */
    static Param constant(String key, Value value) {
        return new Param(key, value, value, false);
    }

    /** The config key this param reads, for messages. */
    String key() {
        return key;
    }

    /** True when the value comes from a selector and is known only at run time. */
    boolean dynamic() {
        return dynamic;
    }

    /** The literal value (or default); null when dynamic or absent. */
    Value constant() {
        return dynamic ? null : constant;
    }

    /** The value for one run, or null when absent and without a default. */
    Value get(Value resolvedConfig) {
        if (!dynamic) {
            return constant;
        }
        Value v = path.resolve(resolvedConfig);
        return v == null || v.isNull() ? fallback : v;
    }

    /** The value as text: strings as they are, other values as JSON; null when absent. */
    String text(Value resolvedConfig) {
        Value v = get(resolvedConfig);
        return v == null ? null : Values.toText(v);
    }

    /** The value as a whole number. */
    long integer(Value resolvedConfig) {
        Value v = require(resolvedConfig);
        Double d = number(v);
        if (d == null || d != Math.rint(d) || Double.isInfinite(d)) {
            throw wrong(v, "an integer");
        }
        return v.type() == ValueType.INT ? v.asLong() : d.longValue();
    }

    /** The value as a boolean. */
    boolean bool(Value resolvedConfig) {
        Value v = require(resolvedConfig);
        if (v.type() == ValueType.BOOL) {
            return v.asBoolean();
        }
        if (v.type() == ValueType.STRING) {
            String s = v.asString().strip();
            if (s.equalsIgnoreCase("true")) {
                return true;
            }
            if (s.equalsIgnoreCase("false")) {
                return false;
            }
        }
        throw wrong(v, "a boolean");
    }

    /**
     * A number read from config: a number, or a string that parses as one (what an interpolated
     * selector yields); null otherwise.
     */
    static Double number(Value v) {
        if (v == null) {
            return null;
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.type() == ValueType.STRING) {
            try {
                return Double.valueOf(v.asString().strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private Value require(Value resolvedConfig) {
        Value v = get(resolvedConfig);
        if (v == null) {
            throw new NodeFailure("config '" + key + "' resolved to nothing");
        }
        return v;
    }

    NodeFailure wrong(Value v, String expected) {
        return new NodeFailure("config '" + key + "' resolved to " + ConfigCheck.describe(v) + ", expected " + expected);
    }
}
