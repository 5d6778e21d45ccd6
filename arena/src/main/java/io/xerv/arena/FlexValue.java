package io.xerv.arena;

import com.google.flatbuffers.FlexBuffers;
import io.xerv.plugin.Value;
import io.xerv.plugin.ValueType;
import io.xerv.plugin.ValueTypeException;
import io.xerv.plugin.Values;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A {@link Value} read in place from FlexBuffers bytes (an arena entry's payload, or any buffer).
 * Asking for one field decodes that field only. Immutable once created; safe to share.
 */
public final class FlexValue implements Value {

    /** What the FlexBuffers reader returns for a key or index that is absent. */
    private static final FlexBuffers.Reference MISSING = missingSentinel();

    private final FlexBuffers.Reference ref;
    /** The whole FlexBuffer when this is its root value (little-endian, position 0), else null. */
    private final ByteBuffer root;

    // The reader answers an absent key with a shared null reference; a stored null is a new one.
    // ArenaStoreTest.nullFieldIsNotTheSameAsMissingField guards this.
    private static FlexBuffers.Reference missingSentinel() {
        com.google.flatbuffers.FlexBuffersBuilder b = new com.google.flatbuffers.FlexBuffersBuilder(64);
        int start = b.startMap();
        b.putInt("a", 1);
        b.endMap(null, start);
        return FlexBuffers.getRoot(b.finish()).asMap().get("b");
    }
    private final RelPtr ptr;

    private FlexValue(FlexBuffers.Reference ref, RelPtr ptr) {
        this(ref, ptr, null);
    }

    private FlexValue(FlexBuffers.Reference ref, RelPtr ptr, ByteBuffer root) {
        this.ref = ref;
        this.ptr = ptr;
        this.root = root;
    }

    /**
     * The root value of a FlexBuffer occupying {@code buffer}'s position..limit.
     *
     * @param ptr where the bytes live in an arena, or null for bytes elsewhere
     * @throws IllegalArgumentException when the bytes are too short to hold a FlexBuffer
     */
    public static FlexValue root(ByteBuffer buffer, RelPtr ptr) {
        if (buffer.remaining() < 3) {
            throw new IllegalArgumentException("a FlexBuffer needs at least 3 bytes, got " + buffer.remaining());
        }
        ByteBuffer b = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (b.hasArray() && (b.arrayOffset() != 0 || b.capacity() != b.array().length)) {
            // The FlexBuffers reader reads a heap buffer's whole backing array from index 0, whatever
            // the slice: give it an array of exactly these bytes.
            byte[] copy = new byte[b.remaining()];
            b.get(0, copy);
            b = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        }
        return new FlexValue(FlexBuffers.getRoot(b), ptr, b);
    }

    /** The root value of FlexBuffers bytes held on the heap (configs, tests). */
    public static FlexValue of(byte[] flexBytes) {
        return root(ByteBuffer.wrap(flexBytes), null);
    }

    /**
     * Where this value's entry lives in its arena, when it is an entry's root; null for nested values
     * and values outside any arena.
     */
    public RelPtr ptr() {
        return ptr;
    }

    /**
     * Appends this value's compact JSON to {@code out}: straight from the bytes for a root value
     * ({@link FlexJson}), through {@link Values#toJson} for a nested one.
     */
    public void appendJson(FlexJson.Out out) {
        if (root != null) {
            FlexJson.append(root.duplicate(), out);
        } else {
            out.append(Values.toJson(this));
        }
    }

    @Override
    public ValueType type() {
        return switch (ref.getType()) {
            case FlexBuffers.FBT_NULL -> ValueType.NULL;
            case FlexBuffers.FBT_BOOL -> ValueType.BOOL;
            case FlexBuffers.FBT_INT, FlexBuffers.FBT_UINT, FlexBuffers.FBT_INDIRECT_INT,
                 FlexBuffers.FBT_INDIRECT_UINT -> ValueType.INT;
            case FlexBuffers.FBT_FLOAT, FlexBuffers.FBT_INDIRECT_FLOAT -> ValueType.FLOAT;
            case FlexBuffers.FBT_STRING, FlexBuffers.FBT_KEY -> ValueType.STRING;
            case FlexBuffers.FBT_BLOB -> ValueType.BYTES;
            case FlexBuffers.FBT_MAP -> ValueType.MAP;
            default -> ValueType.LIST;
        };
    }

    @Override
    public boolean isNull() {
        return ref.isNull();
    }

    @Override
    public boolean asBoolean() {
        if (!ref.isBoolean()) {
            throw new ValueTypeException(ValueType.BOOL, type());
        }
        return ref.asBoolean();
    }

    @Override
    public long asLong() {
        if (ref.isIntOrUInt()) {
            return ref.asLong();
        }
        if (ref.isFloat()) {
            return (long) ref.asFloat();
        }
        throw new ValueTypeException(ValueType.INT, type());
    }

    @Override
    public double asDouble() {
        if (ref.isFloat()) {
            return ref.asFloat();
        }
        if (ref.isIntOrUInt()) {
            return ref.asLong();
        }
        throw new ValueTypeException(ValueType.FLOAT, type());
    }

    @Override
    public String asString() {
        if (!ref.isString() && !ref.isKey()) {
            throw new ValueTypeException(ValueType.STRING, type());
        }
        return ref.isKey() ? ref.asKey().toString() : ref.asString();
    }

    @Override
    public ByteBuffer asBytes() {
        if (!ref.isBlob()) {
            throw new ValueTypeException(ValueType.BYTES, type());
        }
        // Blob.data() calls ByteBuffer.array(), which a mapped (arena) buffer does not have.
        return ByteBuffer.wrap(ref.asBlob().getBytes()).asReadOnlyBuffer();
    }

    @Override
    public int size() {
        if (ref.isMap() || isList()) {
            return ref.asVector().size();
        }
        return 0;
    }

    /**
     * Untyped and typed vectors are lists. Fixed-size typed vectors (2–4 elements, which no Xerv writer
     * produces) read as empty lists: the FlexBuffers Java reader does not decode them.
     */
    private boolean isList() {
        return ref.isVector() || ref.isTypedVector();
    }

    @Override
    public Value get(int index) {
        if (ref.isMap() || !isList()) {
            return null;
        }
        FlexBuffers.Vector v = ref.asVector();
        if (index < 0 || index >= v.size()) {
            return null;
        }
        return new FlexValue(v.get(index), null);
    }

    @Override
    public Value get(String key) {
        if (!ref.isMap()) {
            return null;
        }
        FlexBuffers.Reference r = ref.asMap().get(key);
        if (r == MISSING) {
            return null;
        }
        return new FlexValue(r, null);
    }

    @Override
    public String keyAt(int index) {
        if (!ref.isMap()) {
            throw new ValueTypeException(ValueType.MAP, type());
        }
        return ref.asMap().keys().get(index).toString();
    }

    @Override
    public Value valueAt(int index) {
        if (!ref.isMap()) {
            throw new ValueTypeException(ValueType.MAP, type());
        }
        return new FlexValue(ref.asMap().get(index), null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Value v && Values.equal(this, v);
    }

    @Override
    public int hashCode() {
        return Values.toJson(this).hashCode();
    }

    @Override
    public String toString() {
        return Values.toJson(this);
    }
}
