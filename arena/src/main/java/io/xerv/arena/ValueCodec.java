package io.xerv.arena;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.xerv.plugin.Value;
import io.xerv.plugin.Values;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * Encodes values as FlexBuffers: Java objects, other {@link Value}s, and JSON text (parsed by a
 * streaming parser straight into the builder, with no intermediate tree).
 *
 * <p>Each thread reuses one builder, so encoding allocates only what the builder's buffer needs to
 * grow. The returned buffer is valid until the same thread encodes again: copy it before that.
 */
public final class ValueCodec {

    /** JSON nesting deeper than this is rejected. */
    public static final int MAX_JSON_DEPTH = 128;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_JSON_DEPTH).build())
            .build();

    private static final ThreadLocal<FlexWriter> BUILDER = ThreadLocal.withInitial(() -> new FlexWriter(1024));

    /**
     * The keys of the objects being parsed, innermost last; checked for duplicates by a scan, which for
     * the few keys of a webhook body costs less than Jackson's hash-set detector (a set per object).
     */
    private static final ThreadLocal<KeyStack> KEYS = ThreadLocal.withInitial(KeyStack::new);

    private static final class KeyStack {
        String[] keys = new String[64];
        int top;
    }

    /** Objects with more keys than this are checked with a hash set. */
    private static final int SCANNED_KEYS = 24;

    private ValueCodec() {
    }

    /**
     * Encodes a Java object or {@link Value} (the types {@link io.xerv.plugin.OutputWriter#write} lists).
     *
     * @return FlexBuffers bytes between position and limit; valid until this thread encodes again
     */
    public static ByteBuffer encode(Object value) {
        return encode(value, Long.MAX_VALUE);
    }

    /**
     * Encodes like {@link #encode(Object)}, but stops as soon as the encoding grows past {@code limit}
     * bytes, before building (or copying) anything larger.
     *
     * @throws ArenaLimitException when the encoding would be larger than {@code limit}
     */
    public static ByteBuffer encode(Object value, long limit) {
        FlexWriter b = builder();
        b.limit(limit);
        try {
            put(b, null, value);
            return b.finish();
        } finally {
            b.limit(Long.MAX_VALUE);
        }
    }

    /**
     * Encodes JSON text like {@link #encodeJson(byte[])}, stopping once the encoding grows past {@code limit}.
     *
     * @throws ArenaLimitException when the encoding would be larger than {@code limit}
     */
    public static ByteBuffer encodeJson(byte[] json, long limit) {
        FlexWriter b = BUILDER.get();
        b.limit(limit);
        try {
            return encodeJson(json);
        } finally {
            b.limit(Long.MAX_VALUE);
        }
    }

    /**
     * Encodes JSON text.
     *
     * @throws IllegalArgumentException for malformed JSON, naming line and column, or nesting deeper
     *     than {@link #MAX_JSON_DEPTH}, or a duplicate key
     */
    public static ByteBuffer encodeJson(byte[] json) {
        try (JsonParser p = JSON.createParser(json)) {
            return encodeJson(p);
        } catch (IOException e) {
            throw jsonError(e);
        }
    }

    /** Encodes JSON text; see {@link #encodeJson(byte[])}. */
    public static ByteBuffer encodeJson(String json) {
        try (JsonParser p = JSON.createParser(json)) {
            return encodeJson(p);
        } catch (IOException e) {
            throw jsonError(e);
        }
    }

    /** Parses JSON into a heap {@link FlexValue} (a copy that outlives the thread's builder). */
    public static FlexValue parseJson(String json) {
        ByteBuffer b = encodeJson(json);
        byte[] copy = new byte[b.remaining()];
        b.get(copy);
        return FlexValue.of(copy);
    }

    /** Encodes a value into a new heap {@link FlexValue}. */
    public static FlexValue toHeap(Object value) {
        ByteBuffer b = encode(value);
        byte[] copy = new byte[b.remaining()];
        b.get(copy);
        return FlexValue.of(copy);
    }

    private static IllegalArgumentException duplicate(JsonParser p, String key) {
        var loc = p.currentLocation();
        // The key comes from the sender: escaped, so that the message stays one line, and cut short.
        int cut = key.length() <= 64 ? key.length() : Character.isHighSurrogate(key.charAt(63)) ? 63 : 64;
        StringBuilder quoted = new StringBuilder();
        Values.appendJsonString(quoted, key.substring(0, cut));
        return new IllegalArgumentException("malformed JSON at line " + loc.getLineNr() + ", column " + loc.getColumnNr()
                + ": Duplicate field '" + quoted.substring(1, quoted.length() - 1) + (cut < key.length() ? "...'" : "'"));
    }

    private static ByteBuffer encodeJson(JsonParser p) throws IOException {
        KEYS.get().top = 0;
        FlexWriter b = builder();
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new IllegalArgumentException("malformed JSON: the input is empty");
        }
        putJson(b, null, p, t);
        JsonToken trailing = p.nextToken();
        if (trailing != null) {
            throw new IllegalArgumentException("malformed JSON at line " + p.currentLocation().getLineNr()
                    + ", column " + p.currentLocation().getColumnNr() + ": unexpected content after the value");
        }
        return b.finish();
    }

    private static IllegalArgumentException jsonError(IOException e) {
        if (e instanceof StreamConstraintsException sce) {
            // Jackson's limits: nesting (ours), and the length of one number, string or name.
            if (sce.getOriginalMessage().contains("nesting depth")) {
                return new IllegalArgumentException("JSON nested deeper than " + MAX_JSON_DEPTH + " levels", e);
            }
            var loc = sce.getLocation();
            String at = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            String msg = sce.getOriginalMessage().replaceAll(", from `[^`]*`", "");
            return new IllegalArgumentException("malformed JSON" + at + ": " + msg, e);
        }
        if (e instanceof JsonParseException jpe) {
            var loc = jpe.getLocation();
            String msg = jpe.getOriginalMessage();
            int cut = msg.indexOf('\n');
            if (cut > 0) {
                msg = msg.substring(0, cut);
            }
            return new IllegalArgumentException("malformed JSON at line " + loc.getLineNr() + ", column "
                    + loc.getColumnNr() + ": " + msg, e);
        }
        return new IllegalArgumentException("malformed JSON: " + e.getMessage(), e);
    }

    /** The size of this thread's encoding buffer (for tests). */
    static int bufferSize() {
        return BUILDER.get().bufferSize();
    }

    private static FlexWriter builder() {
        FlexWriter b = BUILDER.get();
        b.clear();
        return b;
    }

    private static void putJson(FlexWriter b, String key, JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                int start = b.start();
                KeyStack stack = KEYS.get();
                int from = stack.top;
                int count = 0;
                java.util.HashSet<String> many = null;
                JsonToken n;
                while ((n = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String k = p.currentName();
                    if (k.indexOf('\0') >= 0) {
                        // FlexBuffers keys end at a zero byte: the key would change, and could collide.
                        var loc = p.currentLocation();
                        throw new IllegalArgumentException("malformed JSON at line " + loc.getLineNr() + ", column "
                                + loc.getColumnNr() + ": a field name may not contain U+0000");
                    }
                    if (many == null && count < SCANNED_KEYS) {
                        String[] keys = stack.keys;
                        for (int i = from; i < from + count; i++) {
                            if (keys[i] == k || keys[i].equals(k)) {
                                throw duplicate(p, k);
                            }
                        }
                        if (from + count == keys.length) {
                            stack.keys = keys = java.util.Arrays.copyOf(keys, keys.length * 2);
                        }
                        keys[from + count] = k;
                    } else {
                        if (many == null) {
                            many = new java.util.HashSet<>(java.util.Arrays.asList(stack.keys).subList(from, from + count));
                        }
                        if (!many.add(k)) {
                            throw duplicate(p, k);
                        }
                    }
                    count++;
                    stack.top = from + Math.min(count, SCANNED_KEYS);
                    putJson(b, k, p, p.nextToken());
                }
                stack.top = from;
                if (n != JsonToken.END_OBJECT) {
                    throw new IllegalArgumentException("malformed JSON: unterminated object");
                }
                b.endMap(key, start);
            }
            case START_ARRAY -> {
                int start = b.start();
                JsonToken n;
                while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (n == null) {
                        throw new IllegalArgumentException("malformed JSON: unterminated array");
                    }
                    putJson(b, null, p, n);
                }
                b.endVector(key, start);
            }
            case VALUE_STRING -> b.putString(key, p.getText());
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    b.putFloat(key, p.getDoubleValue());
                } else {
                    b.putInt(key, p.getLongValue());
                }
            }
            case VALUE_NUMBER_FLOAT -> b.putFloat(key, p.getDoubleValue());
            case VALUE_TRUE -> b.putBoolean(key, true);
            case VALUE_FALSE -> b.putBoolean(key, false);
            case VALUE_NULL -> b.putNull(key);
            default -> throw new IllegalArgumentException("malformed JSON: unexpected " + t);
        }
    }

    private static void put(FlexWriter b, String key, Object o) {
        if (o == null) {
            b.putNull(key);
        } else if (o instanceof Value v) {
            putValue(b, key, v);
        } else if (o instanceof Boolean x) {
            b.putBoolean(key, x);
        } else if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) {
            b.putInt(key, ((Number) o).longValue());
        } else if (o instanceof Double || o instanceof Float) {
            b.putFloat(key, ((Number) o).doubleValue());
        } else if (o instanceof CharSequence s) {
            b.putString(key, s.toString());
        } else if (o instanceof byte[] bytes) {
            b.putBlob(key, bytes);
        } else if (o instanceof Map<?, ?> m) {
            int start = b.start();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof CharSequence k)) {
                    throw new IllegalArgumentException("map keys must be strings, found "
                            + (e.getKey() == null ? "null" : e.getKey().getClass().getName()));
                }
                put(b, k.toString(), e.getValue());
            }
            b.endMap(key, start);
        } else if (o instanceof List<?> l) {
            int start = b.start();
            for (Object item : l) {
                put(b, null, item);
            }
            b.endVector(key, start);
        } else if (o instanceof Object[] a) {
            put(b, key, List.of(a));
        } else {
            // BigInteger, BigDecimal, ByteBuffer: let the heap model decide (it names bad types).
            putValue(b, key, Values.of(o));
        }
    }

    private static void putValue(FlexWriter b, String key, Value v) {
        switch (v.type()) {
            case NULL -> b.putNull(key);
            case BOOL -> b.putBoolean(key, v.asBoolean());
            case INT -> b.putInt(key, v.asLong());
            case FLOAT -> b.putFloat(key, v.asDouble());
            case STRING -> b.putString(key, v.asString());
            case BYTES -> {
                ByteBuffer bb = v.asBytes().duplicate();
                byte[] raw = new byte[bb.remaining()];
                bb.get(raw);
                b.putBlob(key, raw);
            }
            case LIST -> {
                int start = b.start();
                int n = v.size();
                for (int i = 0; i < n; i++) {
                    putValue(b, null, v.get(i));
                }
                b.endVector(key, start);
            }
            case MAP -> {
                int start = b.start();
                int n = v.size();
                for (int i = 0; i < n; i++) {
                    putValue(b, v.keyAt(i), v.valueAt(i));
                }
                b.endMap(key, start);
            }
        }
    }
}
