package io.xerv.plugin;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Values built on the heap, and operations every {@link Value} supports: deep equality, JSON text and
 * conversion to plain Java objects. Heap values behave exactly like arena views (map entries sorted by
 * key, the same accessors and errors), so tests and configs can use them interchangeably.
 */
@Stable
public final class Values {

    /** The null value. */
    public static final Value NULL = new Scalar(ValueType.NULL, null);
    /** The boolean true. */
    public static final Value TRUE = new Scalar(ValueType.BOOL, Boolean.TRUE);
    /** The boolean false. */
    public static final Value FALSE = new Scalar(ValueType.BOOL, Boolean.FALSE);

    private Values() {
    }

    /**
     * A heap value for a Java object: the types {@link OutputWriter#write} accepts.
     *
     * @throws IllegalArgumentException for other types, naming the offending class
     */
    public static Value of(Object o) {
        if (o == null) {
            return NULL;
        }
        if (o instanceof Value v) {
            return v;
        }
        if (o instanceof Boolean b) {
            return b ? TRUE : FALSE;
        }
        if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) {
            return new Scalar(ValueType.INT, ((Number) o).longValue());
        }
        if (o instanceof Double || o instanceof Float) {
            return new Scalar(ValueType.FLOAT, ((Number) o).doubleValue());
        }
        if (o instanceof java.math.BigInteger bi) {
            return new Scalar(ValueType.INT, bi.longValueExact());
        }
        if (o instanceof java.math.BigDecimal bd) {
            return new Scalar(ValueType.FLOAT, bd.doubleValue());
        }
        if (o instanceof CharSequence s) {
            return new Scalar(ValueType.STRING, s.toString());
        }
        if (o instanceof byte[] b) {
            return new Scalar(ValueType.BYTES, b.clone());
        }
        if (o instanceof ByteBuffer bb) {
            ByteBuffer d = bb.duplicate();
            byte[] b = new byte[d.remaining()];
            d.get(b);
            return new Scalar(ValueType.BYTES, b);
        }
        if (o instanceof Map<?, ?> m) {
            TreeMap<String, Value> sorted = new TreeMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof CharSequence k)) {
                    throw new IllegalArgumentException("map keys must be strings, found "
                            + (e.getKey() == null ? "null" : e.getKey().getClass().getName()));
                }
                sorted.put(k.toString(), of(e.getValue()));
            }
            return new MapValue(sorted.keySet().toArray(String[]::new), sorted.values().toArray(Value[]::new));
        }
        if (o instanceof List<?> l) {
            Value[] items = new Value[l.size()];
            for (int i = 0; i < items.length; i++) {
                items[i] = of(l.get(i));
            }
            return new ListValue(items);
        }
        if (o instanceof Object[] a) {
            return of(Arrays.asList(a));
        }
        throw new IllegalArgumentException("cannot make a value of " + o.getClass().getName());
    }

    /** A heap map of the given keys and values, alternating: {@code mapOf("a", 1, "b", "x")}. */
    public static Value mapOf(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("mapOf needs key/value pairs, got " + keysAndValues.length + " arguments");
        }
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return of(m);
    }

    /** True when both values have the same type and content; ints and floats never compare equal. */
    public static boolean equal(Value a, Value b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null || a.type() != b.type()) {
            return false;
        }
        return switch (a.type()) {
            case NULL -> true;
            case BOOL -> a.asBoolean() == b.asBoolean();
            case INT -> a.asLong() == b.asLong();
            case FLOAT -> Double.compare(a.asDouble(), b.asDouble()) == 0;
            case STRING -> a.asString().equals(b.asString());
            case BYTES -> a.asBytes().equals(b.asBytes());
            case LIST -> {
                int n = a.size();
                if (n != b.size()) {
                    yield false;
                }
                for (int i = 0; i < n; i++) {
                    if (!equal(a.get(i), b.get(i))) {
                        yield false;
                    }
                }
                yield true;
            }
            case MAP -> {
                int n = a.size();
                if (n != b.size()) {
                    yield false;
                }
                for (int i = 0; i < n; i++) {
                    if (!equal(a.valueAt(i), b.get(a.keyAt(i)))) {
                        yield false;
                    }
                }
                yield true;
            }
        };
    }

    /**
     * The value as plain Java: null, Boolean, Long, Double, String, byte[], List, or a Map with keys in
     * sorted order.
     */
    public static Object toJava(Value v) {
        return switch (v.type()) {
            case NULL -> null;
            case BOOL -> v.asBoolean();
            case INT -> v.asLong();
            case FLOAT -> v.asDouble();
            case STRING -> v.asString();
            case BYTES -> {
                ByteBuffer b = v.asBytes();
                byte[] out = new byte[b.remaining()];
                b.duplicate().get(out);
                yield out;
            }
            case LIST -> {
                List<Object> l = new ArrayList<>(v.size());
                for (int i = 0; i < v.size(); i++) {
                    l.add(toJava(v.get(i)));
                }
                yield l;
            }
            case MAP -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < v.size(); i++) {
                    m.put(v.keyAt(i), toJava(v.valueAt(i)));
                }
                yield m;
            }
        };
    }

    /**
     * The value as compact JSON. Bytes become a base64 string; non-finite floats become {@code null}.
     */
    public static String toJson(Value v) {
        StringBuilder sb = new StringBuilder();
        appendJson(sb, v);
        return sb.toString();
    }

    /** Appends the value as compact JSON. */
    public static void appendJson(StringBuilder sb, Value v) {
        switch (v.type()) {
            case NULL -> sb.append("null");
            case BOOL -> sb.append(v.asBoolean());
            case INT -> sb.append(v.asLong());
            case FLOAT -> {
                double d = v.asDouble();
                if (Double.isFinite(d)) {
                    sb.append(d);
                } else {
                    sb.append("null");
                }
            }
            case STRING -> appendJsonString(sb, v.asString());
            case BYTES -> {
                ByteBuffer b = v.asBytes().duplicate();
                byte[] raw = new byte[b.remaining()];
                b.get(raw);
                appendJsonString(sb, java.util.Base64.getEncoder().encodeToString(raw));
            }
            case LIST -> {
                sb.append('[');
                for (int i = 0; i < v.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    appendJson(sb, v.get(i));
                }
                sb.append(']');
            }
            case MAP -> {
                sb.append('{');
                for (int i = 0; i < v.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    appendJsonString(sb, v.keyAt(i));
                    sb.append(':');
                    appendJson(sb, v.valueAt(i));
                }
                sb.append('}');
            }
        }
    }

    /** Appends a JSON string literal with the escapes JSON requires. */
    public static void appendJsonString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /**
     * A value's text for messages and string interpolation: strings as they are, other scalars as
     * JSON, null as {@code null}, lists and maps as compact JSON.
     */
    public static String toText(Value v) {
        return v.type() == ValueType.STRING ? v.asString() : toJson(v);
    }

    /**
     * Truthiness used by conditions: false for null, false, 0, NaN, the empty string, and empty
     * lists and maps (and the strings "false", "0", "no" in any case); true otherwise.
     */
    public static boolean truthy(Value v) {
        if (v == null) {
            return false;
        }
        return switch (v.type()) {
            case NULL -> false;
            case BOOL -> v.asBoolean();
            case INT -> v.asLong() != 0;
            case FLOAT -> v.asDouble() != 0 && !Double.isNaN(v.asDouble());
            case STRING -> {
                String s = v.asString();
                yield !(s.isEmpty() || s.equalsIgnoreCase("false") || s.equals("0") || s.equalsIgnoreCase("no"));
            }
            case BYTES -> v.asBytes().hasRemaining();
            case LIST, MAP -> v.size() > 0;
        };
    }

    private abstract static class Base implements Value {
        ValueTypeException wrong(ValueType expected) {
            return new ValueTypeException(expected, type());
        }

        @Override
        public boolean asBoolean() {
            throw wrong(ValueType.BOOL);
        }

        @Override
        public long asLong() {
            throw wrong(ValueType.INT);
        }

        @Override
        public double asDouble() {
            throw wrong(ValueType.FLOAT);
        }

        @Override
        public String asString() {
            throw wrong(ValueType.STRING);
        }

        @Override
        public ByteBuffer asBytes() {
            throw wrong(ValueType.BYTES);
        }

        @Override
        public int size() {
            return 0;
        }

        @Override
        public Value get(int index) {
            return null;
        }

        @Override
        public Value get(String key) {
            return null;
        }

        @Override
        public String keyAt(int index) {
            throw wrong(ValueType.MAP);
        }

        @Override
        public Value valueAt(int index) {
            throw wrong(ValueType.MAP);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Value v && equal(this, v);
        }

        @Override
        public int hashCode() {
            return toJson(this).hashCode();
        }

        @Override
        public String toString() {
            return toJson(this);
        }
    }

    private static final class Scalar extends Base {
        private final ValueType type;
        private final Object value;

        Scalar(ValueType type, Object value) {
            this.type = type;
            this.value = value;
        }

        @Override
        public ValueType type() {
            return type;
        }

        @Override
        public boolean asBoolean() {
            if (type != ValueType.BOOL) {
                throw wrong(ValueType.BOOL);
            }
            return (Boolean) value;
        }

        @Override
        public long asLong() {
            return switch (type) {
                case INT -> (Long) value;
                case FLOAT -> (long) (double) (Double) value;
                default -> throw wrong(ValueType.INT);
            };
        }

        @Override
        public double asDouble() {
            return switch (type) {
                case INT -> (double) (Long) value;
                case FLOAT -> (Double) value;
                default -> throw wrong(ValueType.FLOAT);
            };
        }

        @Override
        public String asString() {
            if (type != ValueType.STRING) {
                throw wrong(ValueType.STRING);
            }
            return (String) value;
        }

        @Override
        public ByteBuffer asBytes() {
            if (type != ValueType.BYTES) {
                throw wrong(ValueType.BYTES);
            }
            return ByteBuffer.wrap((byte[]) value).asReadOnlyBuffer();
        }
    }

    private static final class ListValue extends Base {
        private final Value[] items;

        ListValue(Value[] items) {
            this.items = items;
        }

        @Override
        public ValueType type() {
            return ValueType.LIST;
        }

        @Override
        public int size() {
            return items.length;
        }

        @Override
        public Value get(int index) {
            return index >= 0 && index < items.length ? items[index] : null;
        }
    }

    private static final class MapValue extends Base {
        private final String[] keys;
        private final Value[] values;

        MapValue(String[] keys, Value[] values) {
            this.keys = keys;
            this.values = values;
        }

        @Override
        public ValueType type() {
            return ValueType.MAP;
        }

        @Override
        public int size() {
            return keys.length;
        }

        @Override
        public Value get(String key) {
            int i = Arrays.binarySearch(keys, Objects.requireNonNull(key, "key"));
            return i >= 0 ? values[i] : null;
        }

        @Override
        public String keyAt(int index) {
            return keys[index];
        }

        @Override
        public Value valueAt(int index) {
            return values[index];
        }
    }
}
