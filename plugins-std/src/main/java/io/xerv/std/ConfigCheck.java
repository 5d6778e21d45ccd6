package io.xerv.std;

import io.xerv.plugin.ConfigError;
import io.xerv.plugin.Value;
import io.xerv.plugin.ValueType;
import io.xerv.plugin.Values;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one node's config for {@link StdFactory#build} and collects every problem as a
 * {@link ConfigError} whose path names the offending key ({@code condition.type},
 * {@code mappings[1].from}).
 *
 * <p>Config is validated before selectors are resolved, so wherever a number, a boolean or an
 * arbitrary value is expected, a string holding {@code ${...}} is accepted too and read at run time
 * (see {@link Param}). Keys that shape the node itself (modes, field paths, readiness) must be literal.
 * An explicit {@code null} counts as absent.
 *
 * <p>One instance per validate or create call; not thread-safe.
 */
final class ConfigCheck {

    private static final Value EMPTY = Values.of(Map.of());

    private final List<ConfigError> errors = new ArrayList<>();
    private final Section root;

    ConfigCheck(Value config) {
        Value c = config == null || config.isNull() ? EMPTY : config;
        if (c.type() != ValueType.MAP) {
            error("", "config must be a map, found " + describe(c));
            c = EMPTY;
        }
        root = new Section(c, "");
    }

    /** The top level of the config. */
    Section root() {
        return root;
    }

    /** The problems found so far. */
    List<ConfigError> errors() {
        return List.copyOf(errors);
    }

    void error(String path, String message) {
        errors.add(new ConfigError(path, message));
    }

    /** True for a string that holds a {@code ${...}} selector. */
    static boolean isSelector(Value v) {
        return v != null && v.type() == ValueType.STRING && v.asString().contains("${");
    }

    /** True when {@code v} or anything inside it is a selector string. */
    static boolean containsSelector(Value v) {
        if (v == null) {
            return false;
        }
        return switch (v.type()) {
            case STRING -> isSelector(v);
            case LIST -> {
                for (int i = 0; i < v.size(); i++) {
                    if (containsSelector(v.get(i))) {
                        yield true;
                    }
                }
                yield false;
            }
            case MAP -> {
                for (int i = 0; i < v.size(); i++) {
                    if (containsSelector(v.valueAt(i))) {
                        yield true;
                    }
                }
                yield false;
            }
            default -> false;
        };
    }

    /** A short description of a value for messages: {@code string 'abc'}, {@code int 5}, {@code map}. */
    static String describe(Value v) {
        if (v == null) {
            return "nothing";
        }
        return switch (v.type()) {
            case STRING -> {
                String s = v.asString();
                yield "string '" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
            }
            case INT, FLOAT, BOOL -> v.type().label() + " " + Values.toJson(v);
            default -> v.type().label();
        };
    }

    /** One map of the config (the top level, or a nested map such as {@code condition}). */
    final class Section {
        private final Value map;
        private final String path;

        Section(Value map, String path) {
            this.map = map;
            this.path = path;
        }

        /** This section's path, empty for the top level. */
        String path() {
            return path;
        }

        /** The path of one of this section's keys. */
        String path(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        /** The value written at {@code key}; null when absent or null. */
        Value raw(String key) {
            Value v = map.get(key);
            return v == null || v.isNull() ? null : v;
        }

        /** True when the key is written, even as an explicit null. */
        boolean written(String key) {
            return map.get(key) != null;
        }

        boolean has(String key) {
            return raw(key) != null;
        }

        /** Reports every key not in {@code allowed}. */
        void allowOnly(String... allowed) {
            List<String> names = Arrays.asList(allowed);
            for (int i = 0; i < map.size(); i++) {
                String key = map.keyAt(i);
                if (!names.contains(key)) {
                    error(path(key), "unknown key '" + key + "'; expected one of " + String.join(", ", allowed));
                }
            }
        }

        /** Reports {@code key} when it is set, with {@code why} as the message. */
        void forbid(String key, String why) {
            if (has(key)) {
                error(path(key), why);
            }
        }

        /** Reports {@code key} when it is absent; returns whether it is present. */
        boolean require(String key) {
            if (!has(key)) {
                error(path(key), "missing required key '" + key + "'");
                return false;
            }
            return true;
        }

        /** A literal string; null when absent or not a string (reported). */
        String string(String key, boolean required) {
            Value v = raw(key);
            if (v == null) {
                if (required) {
                    require(key);
                }
                return null;
            }
            if (v.type() != ValueType.STRING) {
                error(path(key), "expected a string, found " + describe(v));
                return null;
            }
            return v.asString();
        }

        /**
         * One of a fixed set of names, compared ignoring case and returned in lower case;
         * {@code fallback} when absent, null when invalid (reported).
         */
        String choice(String key, String fallback, String... choices) {
            Value v = raw(key);
            if (v == null) {
                return fallback;
            }
            String expected = "expected one of " + String.join(", ", choices);
            if (v.type() != ValueType.STRING) {
                error(path(key), expected + ", found " + describe(v));
                return null;
            }
            String s = v.asString().strip().toLowerCase(Locale.ROOT);
            if (!Arrays.asList(choices).contains(s)) {
                error(path(key), "unknown " + key + " '" + v.asString() + "'; " + expected);
                return null;
            }
            return s;
        }

        /** Any value (or a selector); null when absent and not required. */
        Param value(String key, boolean required, Value fallback) {
            Value v = raw(key);
            if (v == null && required) {
                require(key);
            }
            return Param.of(path(key), v, fallback);
        }

        /** A string, number or boolean used as text (or a selector inside a string). */
        Param text(String key, boolean required, String fallback) {
            Value v = raw(key);
            if (v == null) {
                if (required) {
                    require(key);
                }
            } else if (v.type() == ValueType.LIST || v.type() == ValueType.MAP || v.type() == ValueType.BYTES) {
                error(path(key), "expected a string, found " + describe(v));
            }
            return Param.of(path(key), v, fallback == null ? null : Values.of(fallback));
        }

        /** An integer of at least {@code min}, or a selector. */
        Param integer(String key, long min, Long fallback) {
            Value v = raw(key);
            if (v != null && !isSelector(v)) {
                checkInteger(key, v, min);
            }
            return Param.of(path(key), v, fallback == null ? null : Values.of(fallback));
        }

        /**
         * An integer of at least {@code min} that must be written literally, because it shapes the
         * node when the flow is deployed (selectors exist only per trace); {@code fallback} when absent,
         * null when invalid (reported).
         */
        Long literalInteger(String key, long min, Long fallback) {
            Value v = raw(key);
            if (v == null) {
                return fallback;
            }
            if (isSelector(v)) {
                error(path(key), "must be a literal integer, not a selector: it is fixed when the flow is deployed");
                return null;
            }
            return checkInteger(key, v, min);
        }

        private Long checkInteger(String key, Value v, long min) {
            Double d = v.isNumber() ? v.asDouble() : null;
            if (d == null || d != Math.rint(d) || Double.isInfinite(d)) {
                error(path(key), "expected an integer, found " + describe(v));
                return null;
            }
            long n = v.type() == ValueType.INT ? v.asLong() : d.longValue();
            if (n < min) {
                error(path(key), "must be at least " + min + ", found " + n);
                return null;
            }
            return n;
        }

        /** A boolean, or a selector. */
        Param bool(String key, boolean fallback) {
            Value v = raw(key);
            if (v != null && v.type() != ValueType.BOOL && !isSelector(v)) {
                error(path(key), "expected true or false, found " + describe(v));
            }
            return Param.of(path(key), v, Values.of(fallback));
        }

        /** A field path into the input; {@code fallback} (may be null) when absent, null when invalid. */
        FieldPath field(String key, boolean required, FieldPath fallback) {
            String s = string(key, required);
            return s == null ? fallback : fieldPath(path(key), s);
        }

        /** A list of field paths; empty when absent, null when invalid. */
        List<FieldPath> fields(String key, boolean required) {
            List<Value> items = list(key, required);
            if (items == null) {
                return has(key) ? null : List.of();
            }
            List<FieldPath> out = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                Value item = items.get(i);
                String itemPath = path(key) + "[" + i + "]";
                if (item.type() != ValueType.STRING) {
                    error(itemPath, "expected a field path string, found " + describe(item));
                    continue;
                }
                out.add(fieldPath(itemPath, item.asString()));
            }
            return out;
        }

        /**
         * A dotted path of keys to write at ({@code customer.address.city}; a leading {@code $.} is
         * allowed); null when absent or invalid.
         */
        List<String> keyPath(String key, boolean required) {
            String s = string(key, required);
            if (s == null) {
                return null;
            }
            if (s.contains("${")) {
                error(path(key), "'" + s + "' is a selector; write the key path literally");
                return null;
            }
            try {
                io.xerv.plugin.ValuePath p = io.xerv.plugin.ValuePath.parse(s);
                if (p.isRoot()) {
                    error(path(key), "must name at least one key");
                    return null;
                }
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < p.length(); i++) {
                    if (!(p.step(i) instanceof String k)) {
                        error(path(key), "'" + s + "' has a list index; only keys can be written");
                        return null;
                    }
                    keys.add(k);
                }
                return keys;
            } catch (IllegalArgumentException e) {
                error(path(key), e.getMessage());
                return null;
            }
        }

        /** The items of a list; null when absent or not a list (reported). An empty required list is reported. */
        List<Value> list(String key, boolean required) {
            Value v = raw(key);
            if (v == null) {
                if (required) {
                    require(key);
                }
                return null;
            }
            if (v.type() != ValueType.LIST) {
                error(path(key), "expected a list, found " + describe(v));
                return null;
            }
            if (required && v.size() == 0) {
                error(path(key), "must not be empty");
            }
            List<Value> items = new ArrayList<>(v.size());
            for (int i = 0; i < v.size(); i++) {
                items.add(v.get(i) == null ? Values.NULL : v.get(i));
            }
            return items;
        }

        /** A nested map; null when absent or not a map (reported). */
        Section section(String key, boolean required) {
            Value v = raw(key);
            if (v == null) {
                if (required) {
                    require(key);
                }
                return null;
            }
            if (v.type() != ValueType.MAP) {
                error(path(key), "expected a map, found " + describe(v));
                return null;
            }
            return new Section(v, path(key));
        }

        /** Item {@code index} of the list at {@code key} as a section; null when it is not a map (reported). */
        Section item(String key, int index, Value item, String expected) {
            String itemPath = path(key) + "[" + index + "]";
            if (item.type() != ValueType.MAP) {
                error(itemPath, "expected " + expected + ", found " + describe(item));
                return null;
            }
            return new Section(item, itemPath);
        }

        private FieldPath fieldPath(String at, String text) {
            try {
                return FieldPath.parse(text);
            } catch (IllegalArgumentException e) {
                error(at, e.getMessage());
                return null;
            }
        }
    }
}
