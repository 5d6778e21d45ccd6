package io.xerv.plugin;

import java.nio.ByteBuffer;

/**
 * A read-only view of one value. Views handed to nodes read the trace's arena in place: asking for
 * one field of a large map decodes that field only.
 *
 * <p>Accessors for the wrong type throw {@link ValueTypeException}; lookups that find nothing return
 * {@code null}. Views are not thread-safe to share while being created, but are immutable once handed
 * out. Compare with {@link Values#equal}, print with {@link Values#toJson}.
 */
@Stable
public interface Value {

    /** This value's type. */
    ValueType type();

    /** True for {@link ValueType#NULL}. */
    default boolean isNull() {
        return type() == ValueType.NULL;
    }

    /** True for {@link ValueType#INT} and {@link ValueType#FLOAT}. */
    default boolean isNumber() {
        ValueType t = type();
        return t == ValueType.INT || t == ValueType.FLOAT;
    }

    /** The boolean of a {@link ValueType#BOOL}. */
    boolean asBoolean();

    /** An {@link ValueType#INT}, or a {@link ValueType#FLOAT} truncated toward zero. */
    long asLong();

    /** A {@link ValueType#FLOAT}, or an {@link ValueType#INT} widened. */
    double asDouble();

    /** The text of a {@link ValueType#STRING}. */
    String asString();

    /** The bytes of a {@link ValueType#BYTES}, as a read-only buffer. */
    ByteBuffer asBytes();

    /** The number of elements of a list or entries of a map; 0 for other types. */
    int size();

    /** The element at {@code index} of a list, or {@code null} when out of range or not a list. */
    Value get(int index);

    /** The value under {@code key} of a map, or {@code null} when absent or not a map. */
    Value get(String key);

    /** The key of a map's entry at {@code index} (entries are sorted by key). */
    String keyAt(int index);

    /** The value of a map's entry at {@code index} (entries are sorted by key). */
    Value valueAt(int index);
}
