package io.xerv.std;

import io.xerv.plugin.Value;
import io.xerv.plugin.ValuePath;

/**
 * A path into a node's input value, as flows write it in config: {@code risk_score},
 * {@code $.customer.tier}, {@code items[0].price}; {@code $} (or the empty path) is the input itself.
 * Parsed once when the node is created; {@link #resolve} reads the input in place.
 *
 * <p>Immutable and thread-safe.
 */
final class FieldPath {

    private final String text;
    private final ValuePath path;

    private FieldPath(String text, ValuePath path) {
        this.text = text;
        this.path = path;
    }

    /**
     * Parses a field path.
     *
     * @throws IllegalArgumentException naming what is wrong; a selector is rejected because field
     *     paths read the node's own input, which is already what a selector would point at
     */
    static FieldPath parse(String text) {
        if (text.contains("${")) {
            throw new IllegalArgumentException("'" + text + "' is a selector; a field path reads the node's input"
                    + " and is written without '${...}' (for example 'amount' or '$.customer.tier')");
        }
        return new FieldPath(text.strip(), ValuePath.parse(text));
    }

    /** The value at this path under {@code input}, or null when a step is missing. */
    Value resolve(Value input) {
        return input == null ? null : path.resolve(input);
    }

    /** True when the path is the input itself. */
    boolean isRoot() {
        return path.isRoot();
    }

    /**
     * The name a value read from this path is stored under: the last key of the path
     * ({@code customer.tier} gives {@code tier}, {@code items[0]} gives {@code items}), or the path's
     * text when it has no key.
     */
    String lastKey() {
        for (int i = path.length() - 1; i >= 0; i--) {
            if (path.step(i) instanceof String key) {
                return key;
            }
        }
        return text;
    }

    /** The path as the flow wrote it, for messages. */
    @Override
    public String toString() {
        return text.isEmpty() ? "$" : text;
    }
}
