package io.xerv.host.fuzz;

import io.xerv.host.flow.FlowException;
import io.xerv.host.flow.FlowLoader;
import io.xerv.host.serve.ServeConfig;
import io.xerv.arena.ValueCodec;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The saved fuzz corpus ({@code src/test/resources/fuzz-corpus/<target>/}): inputs that broke a
 * parser once, or that the fuzz targets' generators reach only rarely. Each is checked against its
 * target's contract; a {@code .expected} file beside an input holds text its first error must
 * contain (for YAML, with the input's file name as the source: {@code name.yaml:line:col: ...}).
 */
class FuzzCorpusTest {

    static final Path CORPUS = Path.of("src/test/resources/fuzz-corpus");

    @TempDir
    static Path base;

    @TestFactory
    Stream<DynamicTest> webhookBodiesAreTraceInputsOrMalformedJson() throws IOException {
        return corpus("webhook-body", ".json", (input, expected) -> {
            byte[] body = Files.readAllBytes(input);
            WebhookBodyFuzzProperties.checkEncoding(body);
            if (expected != null) {
                Throwable t = catchThrowable(() -> ValueCodec.encodeJson(body));
                assertThat(t).as("refusal of %s", input).isInstanceOf(IllegalArgumentException.class);
                assertThat(t.getMessage()).contains(expected);
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> flowFilesLoadOrNameWhereTheyAreWrong() throws IOException {
        return corpus("flow-yaml", ".yaml", (input, expected) -> {
            String yaml = Files.readString(input);
            FlowYamlFuzzProperties.check(yaml);
            if (expected != null) {
                String source = input.getFileName().toString();
                Throwable t = catchThrowable(() -> FlowLoader.parse(source, yaml, FlowYamlFuzzProperties.REGISTRY));
                assertThat(t).as("errors of %s", input).isInstanceOf(FlowException.class);
                assertThat(((FlowException) t).errors().getFirst().toString()).contains(expected);
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> configFilesParseOrNameWhereTheyAreWrong() throws IOException {
        Files.createDirectories(base.resolve("flows"));
        Files.writeString(base.resolve("key.pem"), "x");
        return corpus("serve-config", ".yaml", (input, expected) -> {
            String yaml = Files.readString(input);
            ServeConfigFuzzProperties.check(yaml, base);
            if (expected != null) {
                String name = input.getFileName().toString();
                Throwable t = catchThrowable(() -> ServeConfig.parse(name, yaml, base));
                assertThat(t).as("problems of %s", input).isInstanceOf(ServeConfig.ConfigException.class);
                assertThat(((ServeConfig.ConfigException) t).problems().getFirst()).contains(expected);
            }
        });
    }

    interface Check {
        void run(Path input, String expected) throws Exception;
    }

    private static Stream<DynamicTest> corpus(String target, String suffix, Check check) throws IOException {
        List<Path> inputs;
        try (Stream<Path> files = Files.list(CORPUS.resolve(target))) {
            inputs = files.filter(f -> f.toString().endsWith(suffix)).sorted().toList();
        }
        assertThat(inputs).as("corpus of %s", target).isNotEmpty();
        return inputs.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            String name = f.getFileName().toString();
            Path exp = f.resolveSibling(name.substring(0, name.length() - suffix.length()) + ".expected");
            check.run(f, Files.exists(exp) ? Files.readString(exp, StandardCharsets.UTF_8).strip() : null);
        }));
    }
}
