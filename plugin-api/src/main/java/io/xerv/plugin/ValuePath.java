package io.xerv.plugin;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A compiled path into a value: {@code customer.address.city}, {@code items[0].price},
 * {@code $.risk_score}, {@code tags["a.b"]}. Parse once (at deploy time), then {@link #resolve} on each
 * run; resolving reads the value in place and allocates nothing but the views it walks.
 *
 * <p>Syntax: an optional {@code $} or {@code $.} prefix, then segments separated by {@code .}; a
 * segment is a key of letters, digits, {@code _} and {@code -}, optionally followed by {@code [N]}
 * indexes or {@code ["key"]} quoted keys. The empty path (or {@code $}) is the value itself.
 */
@Stable
public final class ValuePath {

    private static final ValuePath ROOT = new ValuePath("", new Object[0]);

    private final String text;
    /** Each step is a String (map key) or an Integer (list index). */
    private final Object[] steps;

    private ValuePath(String text, Object[] steps) {
        this.text = text;
        this.steps = steps;
    }

    /**
     * Parses a path.
     *
     * @throws IllegalArgumentException naming the position and what was expected
     */
    public static ValuePath parse(String path) {
        Objects.requireNonNull(path, "path");
        String p = path.strip();
        int i = 0;
        if (p.startsWith("$")) {
            i = 1;
            if (p.length() > 1 && p.charAt(1) == '.') {
                i = 2;
            } else if (p.length() > 1 && p.charAt(1) != '[') {
                throw new IllegalArgumentException("bad path '" + path + "': expected '.' or '[' after '$'");
            }
        }
        if (i >= p.length()) {
            return ROOT;
        }
        List<Object> steps = new ArrayList<>();
        boolean expectKey = p.charAt(i) != '[';
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '[') {
                int close = p.indexOf(']', i);
                if (close < 0) {
                    throw new IllegalArgumentException("bad path '" + path + "': '[' at " + (i + 1) + " is not closed");
                }
                String inner = p.substring(i + 1, close).strip();
                if (inner.length() >= 2 && (inner.charAt(0) == '"' || inner.charAt(0) == '\'')
                        && inner.charAt(inner.length() - 1) == inner.charAt(0)) {
                    steps.add(inner.substring(1, inner.length() - 1));
                } else {
                    try {
                        int idx = Integer.parseInt(inner);
                        if (idx < 0) {
                            throw new NumberFormatException();
                        }
                        steps.add(idx);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("bad path '" + path + "': index '" + inner
                                + "' at " + (i + 2) + " is not a non-negative integer or a quoted key");
                    }
                }
                i = close + 1;
                expectKey = false;
            } else if (c == '.') {
                if (expectKey) {
                    throw new IllegalArgumentException("bad path '" + path + "': empty segment at " + (i + 1));
                }
                i++;
                expectKey = true;
                if (i >= p.length()) {
                    throw new IllegalArgumentException("bad path '" + path + "': ends with '.'");
                }
            } else {
                if (!expectKey) {
                    throw new IllegalArgumentException("bad path '" + path + "': expected '.' or '[' at " + (i + 1));
                }
                int start = i;
                while (i < p.length() && isKeyChar(p.charAt(i))) {
                    i++;
                }
                if (i == start) {
                    throw new IllegalArgumentException("bad path '" + path + "': unexpected '" + c + "' at " + (i + 1));
                }
                steps.add(p.substring(start, i));
                expectKey = false;
            }
        }
        return new ValuePath(p, steps.toArray());
    }

    private static boolean isKeyChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-';
    }

    /** The value at this path under {@code root}, or {@code null} when any step is missing. */
    public Value resolve(Value root) {
        Value v = root;
        for (Object step : steps) {
            if (v == null) {
                return null;
            }
            v = step instanceof String key ? v.get(key) : v.get((Integer) step);
        }
        return v;
    }

    /** True for the empty path, which resolves to the root itself. */
    public boolean isRoot() {
        return steps.length == 0;
    }

    /** The number of steps. */
    public int length() {
        return steps.length;
    }

    /** Step {@code i}: a {@link String} key or an {@link Integer} index. */
    public Object step(int i) {
        return steps[i];
    }

    /** The path without its first {@code n} steps. */
    public ValuePath drop(int n) {
        if (n == 0) {
            return this;
        }
        Object[] rest = java.util.Arrays.copyOfRange(steps, n, steps.length);
        StringBuilder sb = new StringBuilder();
        for (Object s : rest) {
            if (s instanceof String k) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(k);
            } else {
                sb.append('[').append(s).append(']');
            }
        }
        return new ValuePath(sb.toString(), rest);
    }

    @Override
    public String toString() {
        return text;
    }
}
