package io.xerv.arena;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Writes FlexBuffers bytes as compact JSON (UTF-8) straight from the buffer: no reader objects, no
 * strings for keys or text, no decoding of what is only copied. The JSON is the one
 * {@link io.xerv.plugin.Values#toJson} gives for the same value (keys in stored order, integers as
 * they are, floats as {@link Double#toString}, non-finite floats as {@code null}, blobs as base64),
 * and it also reads the fixed-size typed vectors the FlexBuffers Java reader skips.
 *
 * <p>An answer that carries a trace's result is mostly the result's bytes; this is the path they
 * take from the arena to the socket.
 */
public final class FlexJson {

    /** Deeper nesting than any encoder of ours writes; a guard against offsets that loop. */
    static final int MAX_DEPTH = 1100;

    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    // FlexBuffers types.
    private static final int T_NULL = 0, T_INT = 1, T_UINT = 2, T_FLOAT = 3, T_KEY = 4, T_STRING = 5;
    private static final int T_INDIRECT_INT = 6, T_INDIRECT_UINT = 7, T_INDIRECT_FLOAT = 8;
    private static final int T_MAP = 9, T_VECTOR = 10, T_VECTOR_INT = 11, T_VECTOR_KEY = 14;
    private static final int T_VECTOR_STRING = 15, T_VECTOR_INT2 = 16, T_VECTOR_FLOAT4 = 24;
    private static final int T_BLOB = 25, T_BOOL = 26, T_VECTOR_BOOL = 36;

    private FlexJson() {
    }

    /**
     * Appends the JSON of the FlexBuffer in {@code flex}'s position..limit to {@code out}.
     *
     * @throws IllegalArgumentException when the bytes are not a well-formed FlexBuffer (what was
     *     appended before the fault stays in {@code out}; callers reset it)
     */
    public static void append(ByteBuffer flex, Out out) {
        int n = flex.remaining();
        if (n < 3) {
            throw new IllegalArgumentException("a FlexBuffer needs at least 3 bytes, got " + n);
        }
        // One bulk copy, then plain array reads: reading a mapped buffer byte by byte costs a scope
        // check per byte.
        byte[] b;
        if (flex.hasArray() && flex.arrayOffset() + flex.position() == 0 && flex.array().length == n) {
            b = flex.array();
        } else {
            b = SCRATCH.get();
            if (b.length < n) {
                b = new byte[Math.max(n, b.length * 2)];
                if (n <= KEEP_SCRATCH) {
                    SCRATCH.set(b);
                }
            }
            flex.get(flex.position(), b, 0, n);
        }
        append(b, n, out);
    }

    /** Scratch copies of FlexBuffers up to this size are kept for the thread's next call. */
    private static final int KEEP_SCRATCH = 1 << 20;
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[4096]);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle DOUBLE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

    /** The FlexBuffer in {@code b[0, end)}. */
    private static void append(byte[] b, int end, Out out) {
        try {
            int rootWidth = b[end - 1] & 0xFF;
            int packed = b[end - 2] & 0xFF;
            value(b, end, end - 2 - rootWidth, rootWidth, packed, out, 0);
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("malformed FlexBuffer: an offset points outside its " + end + " bytes", e);
        }
    }

    private static void value(byte[] b, int end, int pos, int parentWidth, int packed, Out out, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("malformed FlexBuffer: nested deeper than " + MAX_DEPTH + " levels");
        }
        int type = packed >>> 2;
        int width = 1 << (packed & 3);
        switch (type) {
            case T_NULL -> out.append(NULL);
            case T_BOOL -> out.append(readUInt(b, pos, parentWidth) != 0 ? TRUE : FALSE);
            case T_INT -> out.appendLong(readInt(b, pos, parentWidth));
            case T_UINT -> out.appendLong(readUInt(b, pos, parentWidth));
            case T_FLOAT -> out.appendDouble(readDouble(b, pos, parentWidth));
            case T_INDIRECT_INT -> out.appendLong(readInt(b, indirect(b, pos, parentWidth), width));
            case T_INDIRECT_UINT -> out.appendLong(readUInt(b, indirect(b, pos, parentWidth), width));
            case T_INDIRECT_FLOAT -> out.appendDouble(readDouble(b, indirect(b, pos, parentWidth), width));
            case T_KEY -> key(b, end, indirect(b, pos, parentWidth), out);
            case T_STRING -> {
                int at = indirect(b, pos, parentWidth);
                string(b, end, at, length(b, end, at, width), out);
            }
            case T_BLOB -> {
                int at = indirect(b, pos, parentWidth);
                int n = length(b, end, at, width);
                if (at + n > end) {
                    throw new IndexOutOfBoundsException(at + n);
                }
                byte[] raw = Arrays.copyOfRange(b, at, at + n);
                out.append((byte) '"');
                out.append(Base64.getEncoder().encode(raw));
                out.append((byte) '"');
            }
            case T_MAP -> map(b, end, indirect(b, pos, parentWidth), width, out, depth);
            case T_VECTOR -> {
                int at = indirect(b, pos, parentWidth);
                int n = length(b, end, at, width);
                within(at + (long) n * (width + 1), end);
                out.append((byte) '[');
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        out.append((byte) ',');
                    }
                    value(b, end, at + i * width, width, b[at + n * width + i] & 0xFF, out, depth + 1);
                }
                out.append((byte) ']');
            }
            default -> {
                if (type >= T_VECTOR_INT && type <= T_VECTOR_STRING || type == T_VECTOR_BOOL) {
                    int at = indirect(b, pos, parentWidth);
                    int element = type == T_VECTOR_BOOL ? T_BOOL : type - T_VECTOR_INT + T_INT;
                    typedVector(b, end, at, length(b, end, at, width), width, element, out, depth);
                } else if (type >= T_VECTOR_INT2 && type <= T_VECTOR_FLOAT4) {
                    int at = indirect(b, pos, parentWidth);
                    int n = (type - T_VECTOR_INT2) / 3 + 2;
                    int element = (type - T_VECTOR_INT2) % 3 + T_INT;
                    typedVector(b, end, at, n, width, element, out, depth);
                } else {
                    throw new IllegalArgumentException("malformed FlexBuffer: unknown type " + type + " at offset " + pos);
                }
            }
        }
    }

    private static void typedVector(byte[] b, int end, int at, int n, int width, int element, Out out, int depth) {
        within(at + (long) n * width, end);
        out.append((byte) '[');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.append((byte) ',');
            }
            int pos = at + i * width;
            if (element == T_STRING) {
                // Deprecated typed string vectors keep each length in the vector's width.
                int s = indirect(b, pos, width);
                string(b, end, s, length(b, end, s, width), out);
            } else {
                value(b, end, pos, width, element << 2, out, depth + 1);
            }
        }
        out.append((byte) ']');
    }

    private static void map(byte[] b, int end, int at, int width, Out out, int depth) {
        int n = length(b, end, at, width);
        int keysWidth = (int) readUInt(b, at - 2 * width, width);
        int keys = indirect(b, at - 3 * width, width);
        within(at + (long) n * (width + 1), end);
        within(keys + (long) n * keysWidth, end);
        out.append((byte) '{');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.append((byte) ',');
            }
            key(b, end, indirect(b, keys + i * keysWidth, keysWidth), out);
            out.append((byte) ':');
            value(b, end, at + i * width, width, b[at + n * width + i] & 0xFF, out, depth + 1);
        }
        out.append((byte) '}');
    }

    /** The buffer is a scratch copy longer than the FlexBuffer: every read must stay below {@code end}. */
    private static void within(long limit, int end) {
        if (limit > end) {
            throw new IllegalArgumentException("malformed FlexBuffer: a vector runs past its " + end + " bytes");
        }
    }

    private static int length(byte[] b, int end, int at, int width) {
        long n = readUInt(b, at - width, width);
        if (n < 0 || n > end) {
            throw new IllegalArgumentException("malformed FlexBuffer: length " + n + " at offset " + (at - width));
        }
        return (int) n;
    }

    private static void key(byte[] b, int end, int at, Out out) {
        int stop = at;
        while (stop < end && b[stop] != 0) {
            stop++;
        }
        if (stop == end) {
            throw new IllegalArgumentException("malformed FlexBuffer: a key at offset " + at + " has no terminating zero");
        }
        string(b, end, at, stop - at, out);
    }

    /** A JSON string literal of UTF-8 bytes; invalid UTF-8 is replaced as {@link String} decoding does. */
    private static void string(byte[] b, int end, int at, int n, Out out) {
        if (at + n > end) {
            throw new IndexOutOfBoundsException(at + n);
        }
        if (!validUtf8(b, at, n)) {
            byte[] clean = new String(b, at, n, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
            string(clean, clean.length, 0, clean.length, out);
            return;
        }
        out.ensure(n + 2);
        out.append((byte) '"');
        int run = at;
        for (int i = at; i < at + n; i++) {
            int c = b[i] & 0xFF;
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(b, run, i - run);
            run = i + 1;
            out.append((byte) '\\');
            switch (c) {
                case '"' -> out.append((byte) '"');
                case '\\' -> out.append((byte) '\\');
                case '\n' -> out.append((byte) 'n');
                case '\r' -> out.append((byte) 'r');
                case '\t' -> out.append((byte) 't');
                case '\b' -> out.append((byte) 'b');
                case '\f' -> out.append((byte) 'f');
                default -> {
                    out.append((byte) 'u');
                    out.append((byte) '0');
                    out.append((byte) '0');
                    out.append(HEX[c >>> 4]);
                    out.append(HEX[c & 15]);
                }
            }
        }
        out.append(b, run, at + n - run);
        out.append((byte) '"');
    }

    private static boolean validUtf8(byte[] b, int at, int n) {
        int i = at;
        int end = at + n;
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int more;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                more = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                more = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                more = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (i + more >= end) {
                return false;
            }
            int cp = c & (0x3F >> more);
            for (int k = 1; k <= more; k++) {
                int d = b[i + k] & 0xFF;
                if ((d & 0xC0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (d & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return false;
            }
            i += more + 1;
        }
        return true;
    }

    private static int indirect(byte[] b, int pos, int width) {
        long off = readUInt(b, pos, width);
        // pos itself lies below the end: every caller reads it from a checked vector, map or root slot.
        if (off < 0 || off > pos) {
            throw new IllegalArgumentException("malformed FlexBuffer: offset " + off + " at " + pos + " points before the buffer");
        }
        return (int) (pos - off);
    }

    private static long readUInt(byte[] b, int pos, int width) {
        return switch (width) {
            case 1 -> b[pos] & 0xFFL;
            case 2 -> (short) SHORT.get(b, pos) & 0xFFFFL;
            case 4 -> (int) INT.get(b, pos) & 0xFFFF_FFFFL;
            case 8 -> (long) LONG.get(b, pos);
            default -> throw new IllegalArgumentException("malformed FlexBuffer: byte width " + width);
        };
    }

    private static long readInt(byte[] b, int pos, int width) {
        return switch (width) {
            case 1 -> b[pos];
            case 2 -> (short) SHORT.get(b, pos);
            case 4 -> (int) INT.get(b, pos);
            case 8 -> (long) LONG.get(b, pos);
            default -> throw new IllegalArgumentException("malformed FlexBuffer: byte width " + width);
        };
    }

    private static double readDouble(byte[] b, int pos, int width) {
        return switch (width) {
            case 4 -> (float) FLOAT.get(b, pos);
            case 8 -> (double) DOUBLE.get(b, pos);
            default -> throw new IllegalArgumentException("malformed FlexBuffer: float byte width " + width);
        };
    }

    /**
     * A growable byte array the JSON is written to; reusable ({@link #reset}). Not thread-safe.
     */
    public static final class Out {
        private byte[] bytes;
        private int length;

        public Out(int capacity) {
            this.bytes = new byte[Math.max(16, capacity)];
        }

        /** The bytes written so far occupy {@code array()[0, length())}. */
        public byte[] array() {
            return bytes;
        }

        public int length() {
            return length;
        }

        /** Forgets what was written after the first {@code length} bytes. */
        public Out truncate(int length) {
            if (length < 0 || length > this.length) {
                throw new IllegalArgumentException("cannot truncate " + this.length + " bytes to " + length);
            }
            this.length = length;
            return this;
        }

        /** Forgets what was written; keeps the capacity. */
        public Out reset() {
            length = 0;
            return this;
        }

        public Out append(byte c) {
            if (length == bytes.length) {
                grow(1);
            }
            bytes[length++] = c;
            return this;
        }

        public Out append(byte[] src) {
            ensure(src.length);
            System.arraycopy(src, 0, bytes, length, src.length);
            length += src.length;
            return this;
        }

        /** Appends ASCII or any text, UTF-8 encoded. */
        public Out append(String s) {
            int n = s.length();
            ensure(n);
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    return append(s.substring(i).getBytes(StandardCharsets.UTF_8));
                }
                bytes[length++] = (byte) c;
            }
            return this;
        }

        void append(byte[] src, int at, int n) {
            if (n > 0) {
                ensure(n);
                System.arraycopy(src, at, bytes, length, n);
                length += n;
            }
        }

        void appendLong(long v) {
            if (v >= 0 && v < 10) {
                append((byte) ('0' + v));
                return;
            }
            append(Long.toString(v));
        }

        void appendDouble(double d) {
            if (Double.isFinite(d)) {
                append(Double.toString(d));
            } else {
                append(NULL);
            }
        }

        void ensure(int more) {
            if (length + more > bytes.length) {
                grow(more);
            }
        }

        private void grow(int more) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
