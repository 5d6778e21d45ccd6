package io.xerv.plugin;

/** Thrown when a {@link Value} is read as a type it does not have. */
@Stable
public class ValueTypeException extends RuntimeException {

    private final ValueType expected;
    private final ValueType actual;

    public ValueTypeException(ValueType expected, ValueType actual) {
        super("expected " + expected.label() + ", found " + actual.label());
        this.expected = expected;
        this.actual = actual;
    }

    /** The type the caller asked for. */
    public ValueType expected() {
        return expected;
    }

    /** The type the value has. */
    public ValueType actual() {
        return actual;
    }
}
