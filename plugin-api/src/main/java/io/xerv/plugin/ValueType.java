package io.xerv.plugin;

/** The kinds of value a flow moves around: JSON's, plus raw bytes. */
@Stable
public enum ValueType {
    NULL, BOOL, INT, FLOAT, STRING, BYTES, LIST, MAP;

    /** The lower-case name used in error messages ({@code int}, {@code map}, ...). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
