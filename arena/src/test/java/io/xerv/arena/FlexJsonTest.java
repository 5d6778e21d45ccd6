package io.xerv.arena;

import com.google.flatbuffers.FlexBuffersBuilder;
import io.xerv.plugin.Values;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlexJsonTest {

    private static String json(ByteBuffer flex) {
        FlexJson.Out out = new FlexJson.Out(16);
        FlexJson.append(flex, out);
        return new String(out.array(), 0, out.length(), StandardCharsets.UTF_8);
    }

    private static byte[] copy(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    @Test
    void writesWhatTheValueReaderWritesForRandomValues() {
        Random rnd = new Random(42);
        for (int i = 0; i < 3000; i++) {
            Object v = RandomValues.value(rnd, 0, false);
            byte[] flex = copy(ValueCodec.encode(v));
            String expected = Values.toJson(FlexValue.of(flex));
            assertThat(json(ByteBuffer.wrap(flex))).as("value %s", v).isEqualTo(expected);
        }
    }

    @Test
    void writesParsedJsonBackAsTheSameJson() {
        // Keys in FlexBuffers' sorted order, so the text comes back unchanged.
        String in = "{\"big\":9223372036854775807,\"ctl\":\"\\u0001\\t\",\"customer\":{\"id\":\"c-17\","
                + "\"name\":\"Ada \\\"Countess\\\" Lovelace\\n\"},\"e\":1.0E-7,\"id\":\"ord-1001\","
                + "\"items\":[{\"price\":19.99,\"qty\":1,\"sku\":\"SKU-0-A\"},{\"price\":5.5,\"qty\":-300000,\"sku\":\"\u00e9\u2713\uD83D\uDE00\"}],"
                + "\"no\":false,\"none\":null,\"ok\":true,\"tiny\":-128}";
        byte[] flex = copy(ValueCodec.encodeJson(in.getBytes(StandardCharsets.UTF_8)));
        String out = json(ByteBuffer.wrap(flex));
        assertThat(out).isEqualTo(Values.toJson(FlexValue.of(flex)));
        assertThat(out).isEqualTo(in);
    }

    @Test
    void appendJsonOfANestedValueFallsBackToTheReader() {
        byte[] flex = copy(ValueCodec.encodeJson("{\"a\":{\"b\":[1,2,\"x\"]}}"));
        FlexValue nested = (FlexValue) FlexValue.of(flex).get("a");
        FlexJson.Out out = new FlexJson.Out(4);
        nested.appendJson(out);
        assertThat(new String(out.array(), 0, out.length(), StandardCharsets.UTF_8)).isEqualTo("{\"b\":[1,2,\"x\"]}");
    }

    @Test
    void aValueInTheMiddleOfAHeapArrayReadsAsItself() {
        byte[] flex = copy(ValueCodec.encodeJson("{\"a\":[1,\"two\",3.5]}"));
        byte[] padded = new byte[flex.length + 10];
        System.arraycopy(flex, 0, padded, 7, flex.length);
        FlexValue v = FlexValue.root(ByteBuffer.wrap(padded, 7, flex.length), null);
        assertThat(Values.toJson(v)).isEqualTo("{\"a\":[1,\"two\",3.5]}");
        FlexJson.Out out = new FlexJson.Out(8);
        v.appendJson(out);
        assertThat(new String(out.array(), 0, out.length(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":[1,\"two\",3.5]}");
    }

    @Test
    void readsTypedAndFixedSizeVectorsAndBlobs() {
        FlexBuffersBuilder b = new FlexBuffersBuilder(64);
        int map = b.startMap();
        int v = b.startVector();
        b.putInt(1);
        b.putInt(2);
        b.putInt(3);
        b.endVector("fixed", v, true, true);
        v = b.startVector();
        b.putFloat(1.5);
        b.putFloat(2.5);
        b.endVector("typed", v, true, false);
        v = b.startVector();
        b.putBoolean(true);
        b.putBoolean(false);
        b.endVector("bools", v, true, false);
        b.putBlob("blob", new byte[] {1, 2, 3, (byte) 250});
        b.putInt("u", 200);
        b.endMap(null, map);
        String out = json(b.finish());
        assertThat(out).isEqualTo("{\"blob\":\"AQID+g==\",\"bools\":[true,false],\"fixed\":[1,2,3],\"typed\":[1.5,2.5],\"u\":200}");
    }

    @Test
    void invalidUtf8IsReplacedAsStringDecodingDoes() {
        FlexBuffersBuilder b = new FlexBuffersBuilder(64);
        b.putString("placeholder");
        ByteBuffer bb = b.finish();
        byte[] flex = copy(bb);
        // Overwrite the string's bytes with an invalid UTF-8 sequence of the same length.
        int at = new String(flex, StandardCharsets.ISO_8859_1).indexOf("placeholder");
        byte[] bad = {(byte) 0xC3, 'a', (byte) 0xFF, 'b', (byte) 0xE2, (byte) 0x82, 'c', 'd', 'e', 'f', 'g'};
        System.arraycopy(bad, 0, flex, at, bad.length);
        String expected = "\"" + new String(bad, StandardCharsets.UTF_8) + "\"";
        assertThat(json(ByteBuffer.wrap(flex))).isEqualTo(expected);
    }

    @Test
    void garbageIsRefusedWithAnIllegalArgumentException() {
        Random rnd = new Random(7);
        byte[] good = copy(ValueCodec.encodeJson("{\"a\":[1,{\"b\":\"c\"},2.5],\"d\":\"eeee\"}"));
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes;
            if (i % 2 == 0) {
                bytes = new byte[3 + rnd.nextInt(40)];
                rnd.nextBytes(bytes);
            } else {
                bytes = good.clone();
                for (int k = 0; k < 1 + rnd.nextInt(3); k++) {
                    bytes[rnd.nextInt(bytes.length)] = (byte) rnd.nextInt(256);
                }
            }
            try {
                json(ByteBuffer.wrap(bytes));
            } catch (IllegalArgumentException e) {
                refused++;
                assertThat(e).hasMessageContaining("FlexBuffer");
            }
        }
        assertThat(refused).isPositive();
        assertThatThrownBy(() -> json(ByteBuffer.wrap(new byte[] {1, 2})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 3 bytes");
    }
}
