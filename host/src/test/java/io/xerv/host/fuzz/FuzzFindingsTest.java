package io.xerv.host.fuzz;

import io.xerv.arena.ValueCodec;
import io.xerv.host.serve.ServeConfig;
import io.xerv.host.serve.ServeConfig.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** What the fuzz targets found, one test each, with the smallest input that showed it. */
class FuzzFindingsTest {

    @TempDir
    Path base;

    @Test
    void aConfigNestedTooDeepIsAProblemNotAStackOverflow() {
        String yaml = "[".repeat(20_000) + "]".repeat(20_000);

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ServeConfig.parse("deep.yaml", yaml, base));

        assertThat(e.problems()).containsExactly("deep.yaml:1:65: nesting is deeper than 64 levels");
    }

    @Test
    void aConfigNestedAsDeepAsAllowedStillParses() throws Exception {
        // The top map, secrets' map and 62 lists: 64 levels.
        String yaml = "secrets:\n  A: " + "[".repeat(62) + "]".repeat(62) + "\n";

        assertThatThrownBy(() -> ServeConfig.parse("ok.yaml", yaml, base))
                .isInstanceOf(ConfigException.class)
                .hasMessage("ok.yaml:2:6: secrets.A must be a single value");
    }

    @Test
    void aConfigPathWithANulCharacterIsAProblemNotAnInvalidPathException() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ServeConfig.parse("nul.yaml", "data_dir: \"a\\0b\"\nplugins: \"\\0\"\n", base));

        assertThat(e.problems()).containsExactly(
                "nul.yaml:1:11: data_dir is not a valid path: Nul character not allowed",
                "nul.yaml:2:10: plugins is not a valid path: Nul character not allowed");
    }

    @Test
    void aDuplicateKeyIsQuotedOnOneLineInTheRefusal() {
        byte[] body = "{\"a\\n\\\"b\":1,\"a\\n\\\"b\":2}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ValueCodec.encodeJson(body))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("malformed JSON at line 1, column 23: Duplicate field 'a\\n\\\"b'");
    }

    @Test
    void aLongDuplicateKeyIsCutInTheRefusal() {
        String key = "k".repeat(40_000);
        byte[] body = ("{\"" + key + "\":1,\"" + key + "\":2}").getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ValueCodec.encodeJson(body))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith(": Duplicate field '" + "k".repeat(64) + "...'");
    }

    @Test
    void aFieldNameWithANulCharacterIsRefusedNotTruncatedIntoADuplicate() {
        byte[] body = "{\"\":true,\"\\u0000\":0}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ValueCodec.encodeJson(body))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith(": a field name may not contain U+0000");
    }

    @Test
    void aFlowYamlSyntaxErrorIsOneLine() {
        io.xerv.host.flow.FlowException e = catchThrowableOfType(io.xerv.host.flow.FlowException.class,
                () -> io.xerv.host.flow.FlowLoader.parse("f.yaml", "- & ", FlowYamlFuzzProperties.REGISTRY));

        assertThat(e.errors()).hasSize(1);
        assertThat(e.errors().getFirst().toString()).startsWith("f.yaml:1:").doesNotContain("\n");
    }

    @Test
    void aNumberTooLongForTheJsonParserIsMalformedJsonNotNesting() {
        byte[] body = ("{\"n\":" + "9".repeat(5000) + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ValueCodec.encodeJson(body))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("malformed JSON: Number value length (5000) exceeds the maximum allowed (1000)");
    }
}
