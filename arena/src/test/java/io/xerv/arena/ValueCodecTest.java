package io.xerv.arena;

import io.xerv.plugin.Values;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValueCodecTest {

    private static String roundTrip(String json) {
        return Values.toJson(ValueCodec.parseJson(json));
    }

    private static String bigObject(int keys, String extra) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < keys; i++) {
            sb.append(i > 0 ? "," : "").append("\"k").append(i).append("\":").append(i);
        }
        return sb.append(extra).append('}').toString();
    }

    @Test
    void sameKeysInDifferentObjectsAreNotDuplicates() {
        assertThat(roundTrip("{\"a\":{\"a\":1,\"b\":{\"a\":2}},\"b\":[{\"a\":1},{\"a\":2}],\"c\":{}}"))
                .isEqualTo("{\"a\":{\"a\":1,\"b\":{\"a\":2}},\"b\":[{\"a\":1},{\"a\":2}],\"c\":{}}");
        assertThat(ValueCodec.parseJson(bigObject(200, ",\"inner\":" + bigObject(30, ""))).size()).isEqualTo(201);
    }

    @Test
    void duplicateKeysAreRefusedAtEveryDepthAndSize() {
        for (String json : new String[] {
                "{\"a\":1,\"a\":2}",
                "{\"x\":{\"b\":1,\"c\":2,\"b\":3}}",
                "[1,{\"q\":{},\"q\":[]}]",
                bigObject(10, ",\"k3\":0"),
                bigObject(24, ",\"k0\":0"),
                bigObject(100, ",\"k99\":0"),
                bigObject(100, ",\"k5\":0"),
                "{\"o\":" + bigObject(40, ",\"k39\":1") + "}"}) {
            assertThatThrownBy(() -> ValueCodec.encodeJson(json.getBytes(StandardCharsets.UTF_8)))
                    .as(json).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("malformed JSON at line 1").hasMessageContaining("Duplicate field");
        }
    }

    @Test
    void aRefusedDocumentDoesNotDisturbTheNext() {
        for (int i = 0; i < 100; i++) {
            assertThatThrownBy(() -> ValueCodec.encodeJson("{\"a\":{\"b\":{\"c\":1,\"c\":2}}}"))
                    .hasMessageContaining("Duplicate field 'c'");
            assertThatThrownBy(() -> ValueCodec.encodeJson("{\"a\":{\"b\":[1,"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(roundTrip("{\"c\":1,\"d\":{\"c\":2}}")).isEqualTo("{\"c\":1,\"d\":{\"c\":2}}");
    }
}
