package io.xerv.arena;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Builds FlexBuffers bytes: the subset of {@code com.google.flatbuffers.FlexBuffersBuilder} the
 * value codec uses (null, booleans, 64-bit integers and doubles, strings, blobs, untyped vectors and
 * maps), with the same layout rules, so the flatbuffers reader and {@link FlexJson} read its output.
 *
 * <p>Why not the flatbuffers builder: it keeps a {@code Value} object per pending value, a hash map
 * entry per key, and encodes every key and string into a new array, which made it most of the cost of
 * turning a webhook's JSON into arena bytes. This builder keeps pending values in parallel primitive
 * arrays and writes keys and strings straight into its buffer; once its arrays have grown to the
 * largest value seen, encoding allocates nothing.
 *
 * <p>Layout, as the FlexBuffers specification has it: scalars are stored inline in their parent
 * vector at the parent's width; strings, blobs, keys, vectors and maps are stored before their parent
 * and referred to by a backward offset; every vector picks the smallest byte width (1, 2, 4, 8) that
 * holds its length, its scalars and its offsets, and is aligned to it; a map is a vector of values
 * sorted by key, prefixed with an offset to a typed vector of its keys and that vector's byte width;
 * keys are compared as signed bytes, as the flatbuffers reader's binary search compares them. The
 * root ends the buffer: the root value, its packed type, and its byte width.
 *
 * <p>Not thread-safe: one per thread, reused after {@link #clear()}.
 */
final class FlexWriter {

    // FlexBuffers types (FlexBuffers.FBT_*).
    static final int NULL = 0;
    static final int INT = 1;
    static final int FLOAT = 3;
    static final int STRING = 5;
    static final int MAP = 9;
    static final int VECTOR = 10;
    static final int BLOB = 25;
    static final int BOOL = 26;

    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] buf;
    private int pos;
    /** The most bytes this encoding may take; set per encoding. */
    private int limit = MAX_SIZE;

    private static final int MAX_SIZE = Integer.MAX_VALUE - 8;

    // The stack of values waiting for their parent: type, minimal bit width (0..3 for 1..8 bytes),
    // the value (an integer, a double's raw bits, or the absolute position an offset type starts at)
    // and the position of its key (-1 without one).
    private int[] type = new int[64];
    private int[] width = new int[64];
    private long[] value = new long[64];
    private int[] key = new int[64];
    private int sp;

    private int[] order = new int[16];
    private int[] scratch = new int[16];

    FlexWriter(int capacity) {
        buf = new byte[Math.max(64, capacity)];
    }

    /** Stops the next encodings once they need more than {@code bytes} (at most {@link #MAX_SIZE}). */
    void limit(long bytes) {
        limit = (int) Math.min(bytes, MAX_SIZE);
    }

    /** The size of the buffer now (for tests: how much an encoding built before it stopped). */
    int bufferSize() {
        return buf.length;
    }

    void clear() {
        pos = 0;
        sp = 0;
    }

    // ------------------------------------------------------------------ values

    void putNull(String k) {
        push(NULL, 0, 0, putKey(k));
    }

    void putBoolean(String k, boolean b) {
        push(BOOL, 0, b ? 1 : 0, putKey(k));
    }

    void putInt(String k, long v) {
        push(INT, widthSigned(v), v, putKey(k));
    }

    void putFloat(String k, double v) {
        push(FLOAT, 3, Double.doubleToRawLongBits(v), putKey(k));
    }

    void putString(String k, String s) {
        int kp = putKey(k);
        int n = s.length();
        int ascii = 0;
        while (ascii < n && s.charAt(ascii) < 0x80) {
            ascii++;
        }
        if (ascii == n) {
            int w = widthUnsigned(n);
            int bytes = align(w);
            ensure(bytes + n + 1);
            writeInt(n, bytes);
            int at = pos;
            for (int i = 0; i < n; i++) {
                buf[pos++] = (byte) s.charAt(i);
            }
            buf[pos++] = 0;
            push(STRING, w, at, kp);
        } else {
            putBytes(kp, s.getBytes(java.nio.charset.StandardCharsets.UTF_8), STRING);
        }
    }

    void putBlob(String k, byte[] bytes) {
        putBytes(putKey(k), bytes, BLOB);
    }

    private void putBytes(int kp, byte[] bytes, int t) {
        int n = bytes.length;
        int w = widthUnsigned(n);
        int bw = align(w);
        ensure(bw + n + 1);
        writeInt(n, bw);
        int at = pos;
        System.arraycopy(bytes, 0, buf, pos, n);
        pos += n;
        if (t == STRING) {
            buf[pos++] = 0;
        }
        push(t, w, at, kp);
    }

    /** Starts a vector or a map: returns the mark to end it with. */
    int start() {
        return sp;
    }

    void endVector(String k, int start) {
        int kp = putKey(k);
        int n = sp - start;
        int w = widthUnsigned(n);
        for (int i = 0; i < n; i++) {
            w = Math.max(w, elemWidth(start + i, pos, 1 + i));
        }
        int bw = align(w);
        ensure(bw * (n + 1) + n);
        writeInt(n, bw);
        int at = pos;
        for (int i = start; i < sp; i++) {
            writeAny(i, bw);
        }
        for (int i = start; i < sp; i++) {
            buf[pos++] = packedType(i, w);
        }
        sp = start;
        push(VECTOR, w, at, kp);
    }

    void endMap(String k, int start) {
        int kp = putKey(k);
        int n = sp - start;
        for (int i = start; i < sp; i++) {
            if (key[i] < 0) {
                throw new IllegalStateException("a map value has no key");
            }
        }
        int[] ord = sortByKey(start, n);
        // The keys: a typed vector of offsets to them.
        int kw = widthUnsigned(n);
        for (int i = 0; i < n; i++) {
            kw = Math.max(kw, offsetWidth(key[ord[i]], pos, 1 + i));
        }
        int kbw = align(kw);
        ensure(kbw * (n + 1));
        writeInt(n, kbw);
        int keys = pos;
        for (int i = 0; i < n; i++) {
            writeInt(pos - key[ord[i]], kbw);
        }
        // The values, after the keys' offset and byte width, and the length.
        int w = Math.max(widthUnsigned(n), offsetWidth(keys, pos, 0));
        for (int i = 0; i < n; i++) {
            w = Math.max(w, elemWidth(ord[i], pos, 3 + i));
        }
        int bw = align(w);
        ensure(bw * (n + 3) + n);
        writeInt(pos - keys, bw);
        writeInt(kbw, bw);
        writeInt(n, bw);
        int at = pos;
        for (int i = 0; i < n; i++) {
            writeAny(ord[i], bw);
        }
        for (int i = 0; i < n; i++) {
            buf[pos++] = packedType(ord[i], w);
        }
        sp = start;
        push(MAP, w, at, kp);
    }

    /**
     * Ends the buffer with the root value (the one value on the stack).
     *
     * @return the bytes, wrapping this writer's buffer: valid until it is used again
     */
    ByteBuffer finish() {
        if (sp != 1) {
            throw new IllegalStateException("a FlexBuffers root is one value; " + sp + " are pending");
        }
        int w = elemWidth(0, pos, 0);
        int bw = align(w);
        ensure(bw + 2);
        writeAny(0, bw);
        buf[pos++] = packedType(0, 0);
        buf[pos++] = (byte) bw;
        return ByteBuffer.wrap(buf, 0, pos);
    }

    // ------------------------------------------------------------------ plumbing

    private int putKey(String k) {
        if (k == null) {
            return -1;
        }
        int n = k.length();
        ensure(n + 1);
        int at = pos;
        int i = 0;
        while (i < n) {
            char c = k.charAt(i);
            if (c >= 0x80) {
                break;
            }
            buf[pos++] = (byte) c;
            i++;
        }
        if (i < n) {
            pos = at;
            byte[] b = k.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ensure(b.length + 1);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }
        buf[pos++] = 0;
        return at;
    }

    private void push(int t, int w, long v, int kp) {
        if (sp == type.length) {
            int c = sp * 2;
            type = Arrays.copyOf(type, c);
            width = Arrays.copyOf(width, c);
            value = Arrays.copyOf(value, c);
            key = Arrays.copyOf(key, c);
        }
        type[sp] = t;
        width[sp] = w;
        value[sp] = v;
        key[sp] = kp;
        sp++;
    }

    private static boolean inline(int t) {
        return t <= FLOAT || t == BOOL;
    }

    /** The bit width value {@code i} needs in a vector written at {@code size} whose slot it takes is {@code index}. */
    private int elemWidth(int i, int size, int index) {
        return inline(type[i]) ? width[i] : offsetWidth(value[i], size, index);
    }

    /** The smallest bit width at which slot {@code index} of a vector written at {@code size} reaches back to {@code target}. */
    private static int offsetWidth(long target, int size, int index) {
        for (int w = 0; w < 3; w++) {
            int bytes = 1 << w;
            long slot = size + padding(size, bytes) + (long) index * bytes;
            if (slot - target < (1L << (8 * bytes))) {
                return w;
            }
        }
        return 3;
    }

    private byte packedType(int i, int parentWidth) {
        int t = type[i];
        int w = inline(t) ? Math.max(width[i], parentWidth) : width[i];
        return (byte) (t << 2 | w);
    }

    private void writeAny(int i, int bytes) {
        switch (type[i]) {
            case NULL, INT, BOOL -> writeInt(value[i], bytes);
            case FLOAT -> {
                if (bytes == 4) {
                    writeInt(Float.floatToRawIntBits((float) Double.longBitsToDouble(value[i])), 4);
                } else {
                    writeInt(value[i], bytes);
                }
            }
            default -> writeInt(pos - value[i], bytes);
        }
    }

    private void writeInt(long v, int bytes) {
        switch (bytes) {
            case 1 -> buf[pos] = (byte) v;
            case 2 -> I16.set(buf, pos, (short) v);
            case 4 -> I32.set(buf, pos, (int) v);
            default -> I64.set(buf, pos, v);
        }
        pos += bytes;
    }

    /** Pads to a multiple of the byte width of bit width {@code w}; returns that byte width. */
    private int align(int w) {
        int bytes = 1 << w;
        int pad = padding(pos, bytes);
        ensure(pad + 8);
        for (int i = 0; i < pad; i++) {
            buf[pos++] = 0;
        }
        return bytes;
    }

    private static int padding(long size, int bytes) {
        return (int) (-size & (bytes - 1));
    }

    private void ensure(int more) {
        long need = (long) pos + more;
        if (need > limit) {
            // The buffer may be larger than the limit (an earlier encoding without one): check anyway.
            if (limit < MAX_SIZE) {
                throw ArenaLimitException.value(need, limit, true);
            }
            throw new IllegalArgumentException("value too large to encode: over 2 GiB");
        }
        if (need > buf.length) {
            long want = Math.min(Math.max((long) buf.length * 2, need), limit);
            buf = Arrays.copyOf(buf, (int) want);
        }
    }

    static int widthSigned(long v) {
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            return 0;
        }
        if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            return 1;
        }
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return 2;
        }
        return 3;
    }

    static int widthUnsigned(long v) {
        if ((v & ~0xFFL) == 0) {
            return 0;
        }
        if ((v & ~0xFFFFL) == 0) {
            return 1;
        }
        if ((v & ~0xFFFFFFFFL) == 0) {
            return 2;
        }
        return 3;
    }

    // The stack indexes start..start+n-1 in key order (stable: equal keys keep their order).
    private int[] sortByKey(int start, int n) {
        if (order.length < n) {
            order = new int[Math.max(n, order.length * 2)];
            scratch = new int[order.length];
        }
        int[] o = order;
        for (int i = 0; i < n; i++) {
            o[i] = start + i;
        }
        if (n <= 32) {
            for (int i = 1; i < n; i++) {
                int x = o[i];
                int j = i - 1;
                while (j >= 0 && compareKeys(o[j], x) > 0) {
                    o[j + 1] = o[j];
                    j--;
                }
                o[j + 1] = x;
            }
        } else {
            mergeSort(o, scratch, 0, n);
        }
        return o;
    }

    private void mergeSort(int[] a, int[] tmp, int from, int to) {
        if (to - from <= 16) {
            for (int i = from + 1; i < to; i++) {
                int x = a[i];
                int j = i - 1;
                while (j >= from && compareKeys(a[j], x) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = x;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(a, tmp, from, mid);
        mergeSort(a, tmp, mid, to);
        if (compareKeys(a[mid - 1], a[mid]) <= 0) {
            return;
        }
        System.arraycopy(a, from, tmp, from, to - from);
        int i = from;
        int j = mid;
        for (int k = from; k < to; k++) {
            if (j >= to || (i < mid && compareKeys(tmp[i], tmp[j]) <= 0)) {
                a[k] = tmp[i++];
            } else {
                a[k] = tmp[j++];
            }
        }
    }

    // Keys compare as signed bytes up to their terminating zero, as the flatbuffers reader compares them.
    private int compareKeys(int a, int b) {
        int ia = key[a];
        int ib = key[b];
        while (true) {
            byte c1 = buf[ia++];
            byte c2 = buf[ib++];
            if (c1 != c2 || c1 == 0) {
                return c1 - c2;
            }
        }
    }
}
