package io.xerv.arena;

import com.google.flatbuffers.FlexBuffers;
import com.google.flatbuffers.FlexBuffersBuilder;
import io.xerv.plugin.Values;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link FlexWriter} against the flatbuffers builder it replaces: both encode the same random values,
 * and the flatbuffers reader, the value reader and {@link FlexJson} read the same thing from both.
 */
class FlexWriterTest {

    @Test
    void readsLikeTheFlatbuffersBuildersOutputForRandomValues() {
        Random rnd = new Random(11);
        for (int i = 0; i < 5000; i++) {
            Object v = RandomValues.value(rnd, 0, true);
            assertSameAsReference(v);
        }
    }

    @Test
    void wideLengthsAndOffsetsPickWiderSlots() {
        // A string longer than 255 and 65,535 bytes, a vector of 300 items, a map whose values sit more
        // than 64 KiB before it: every width from 1 to 4 bytes is used.
        String s300 = "x".repeat(300);
        String s70k = "y".repeat(70_000);
        List<Object> many = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            many.add(i % 3 == 0 ? (Object) ("s" + i) : (Object) (long) (i * 1_000));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("big", s70k);
        m.put("mid", s300);
        m.put("many", many);
        m.put("small", 1L);
        m.put("neg", -5_000_000_000L);
        m.put("d", 0.1);
        assertSameAsReference(m);
        assertSameAsReference(List.of(s70k, 1L, s300));
        assertSameAsReference(s70k);
        assertSameAsReference(-1L);
        assertSameAsReference(1.5);
        assertSameAsReference(true);
        assertSameAsReference(null);
        assertSameAsReference(List.of());
        assertSameAsReference(Map.of());
    }

    @Test
    void mapsWithManyKeysAreSortedAsTheReaderSearchesThem() {
        Random rnd = new Random(3);
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < 500; i++) {
            m.put(RandomValues.string(rnd) + i, (long) i);
        }
        m.put("a", 1L);
        m.put("ab", 2L);
        m.put("a\u00e9", 3L);
        m.put("\u00e9", 4L);
        m.put("", 5L);
        ByteBuffer flex = ValueCodec.encode(m);
        FlexBuffers.Map read = FlexBuffers.getRoot(flex).asMap();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            assertThat(read.get(e.getKey()).asLong()).as("key %s", e.getKey()).isEqualTo((Long) e.getValue());
        }
        assertSameAsReference(m);
    }

    @Test
    void jsonInputEncodesAsTheReferenceDoes() {
        String json = "{\"id\":\"ord-1001\",\"customer\":{\"id\":\"c-17\",\"name\":\"Ada Lovelace\"},"
                + "\"items\":[{\"sku\":\"SKU-0-A\",\"qty\":1,\"price\":19.99},{\"sku\":\"\u00e9\",\"qty\":-300000,\"price\":5.5}],"
                + "\"amount\":25.49,\"big\":123456789012345678901234567890,\"ok\":true,\"none\":null}";
        ByteBuffer flex = ValueCodec.encodeJson(json);
        FlexValue v = FlexValue.of(copy(flex));
        assertThat(v.get("customer").get("name").asString()).isEqualTo("Ada Lovelace");
        assertThat(v.get("items").get(1).get("qty").asLong()).isEqualTo(-300000);
        assertThat(v.get("big").asDouble()).isEqualTo(1.2345678901234568E29);
        assertThat(v.get("ok").asBoolean()).isTrue();
        assertThat(v.get("none").isNull()).isTrue();
        assertThat(Values.toJson(v)).startsWith("{\"amount\":25.49,\"big\":").contains(
                "\"customer\":{\"id\":\"c-17\",\"name\":\"Ada Lovelace\"},\"id\":\"ord-1001\",\"items\":[{\"price\":19.99,"
                + "\"qty\":1,\"sku\":\"SKU-0-A\"},{\"price\":5.5,\"qty\":-300000,\"sku\":\"\u00e9\"}],\"none\":null,\"ok\":true}");
    }

    @Test
    void aRootMustBeOneValue() {
        FlexWriter w = new FlexWriter(16);
        assertThatThrownBy(w::finish).isInstanceOf(IllegalStateException.class).hasMessageContaining("0 are pending");
        w.putInt(null, 1);
        w.putInt(null, 2);
        assertThatThrownBy(w::finish).isInstanceOf(IllegalStateException.class).hasMessageContaining("2 are pending");
    }

    @Test
    void theWriterIsReusedAfterClear() {
        FlexWriter w = new FlexWriter(16);
        for (int round = 0; round < 3; round++) {
            w.clear();
            int m = w.start();
            w.putString("k", "v" + round);
            w.putInt("n", round);
            w.endMap(null, m);
            FlexValue v = FlexValue.of(copy(w.finish()));
            assertThat(v.get("k").asString()).isEqualTo("v" + round);
            assertThat(v.get("n").asLong()).isEqualTo(round);
        }
    }

    private static void assertSameAsReference(Object v) {
        byte[] ours = copy(ValueCodec.encode(v));
        byte[] ref = reference(v);
        String expected = Values.toJson(FlexValue.of(ref));
        assertThat(Values.toJson(FlexValue.of(ours))).as("value %s", v).isEqualTo(expected);
        FlexJson.Out out = new FlexJson.Out(16);
        FlexJson.append(ByteBuffer.wrap(ours), out);
        assertThat(new String(out.array(), 0, out.length(), StandardCharsets.UTF_8)).as("value %s", v).isEqualTo(expected);
        assertThat(FlexBuffers.getRoot(ByteBuffer.wrap(ours)).toString())
                .isEqualTo(FlexBuffers.getRoot(ByteBuffer.wrap(ref)).toString());
    }

    // The flatbuffers builder, as the codec used it before.
    private static byte[] reference(Object v) {
        FlexBuffersBuilder b = new FlexBuffersBuilder(new com.google.flatbuffers.ArrayReadWriteBuf(64),
                FlexBuffersBuilder.BUILDER_FLAG_NONE);
        put(b, null, v);
        return copy(b.finish());
    }

    private static void put(FlexBuffersBuilder b, String key, Object o) {
        if (o == null) {
            b.putNull(key);
        } else if (o instanceof Boolean x) {
            b.putBoolean(key, x);
        } else if (o instanceof Long x) {
            b.putInt(key, x);
        } else if (o instanceof Double x) {
            b.putFloat(key, x);
        } else if (o instanceof String s) {
            b.putString(key, s);
        } else if (o instanceof Map<?, ?> m) {
            int start = b.startMap();
            m.forEach((k, x) -> put(b, (String) k, x));
            b.endMap(key, start);
        } else {
            int start = b.startVector();
            for (Object x : (List<?>) o) {
                put(b, null, x);
            }
            b.endVector(key, start, false, false);
        }
    }

    private static byte[] copy(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
