package io.xerv.arena;

/**
 * A relative pointer: the offset of an entry's payload from the arena's base, and the payload's size.
 * Offsets survive restarts, since an arena maps at any address. In the WASM ABI the offset travels
 * split into {@code offset_lo}/{@code offset_hi}.
 *
 * @param offset payload offset from the arena base; always 8-byte aligned
 * @param size payload size in bytes
 */
public record RelPtr(long offset, int size) {

    /** The pointer that points nowhere (used for "no output"). */
    public static final RelPtr NULL = new RelPtr(0, 0);

    public RelPtr {
        if (offset < 0 || size < 0) {
            throw new IllegalArgumentException("offset and size must not be negative: " + offset + ", " + size);
        }
    }

    public boolean isNull() {
        return offset == 0;
    }

    /** The low 32 bits of the offset, as the WASM ABI passes them. */
    public int offsetLo() {
        return (int) offset;
    }

    /** The high 32 bits of the offset, as the WASM ABI passes them. */
    public int offsetHi() {
        return (int) (offset >>> 32);
    }
}
