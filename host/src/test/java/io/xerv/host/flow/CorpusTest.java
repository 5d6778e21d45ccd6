package io.xerv.host.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every file in {@code corpus/invalid} must fail to load with exactly the errors (as
 * {@code line:col: message}) in its sibling {@code .errors} file. Set {@code -Dxerv.corpus.update=true}
 * to rewrite the golden files after a deliberate change of wording.
 */
class CorpusTest {

    static final Path INVALID = Path.of("src/test/resources/corpus/invalid");

    @TestFactory
    Stream<DynamicTest> invalidFlowsShouldReportExactlyTheirGoldenErrors() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(INVALID)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(30);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
    }

    private static void check(Path yaml) throws IOException {
        FlowException e = catchThrowableOfType(FlowException.class, () -> FlowLoader.load(yaml, TestRegistry.std()));
        assertThat(e).as("%s should not load", yaml).isNotNull();
        String actual = e.errors().stream().map(FlowError::withoutFile).collect(Collectors.joining("\n")) + "\n";
        assertThat(e.errors()).allSatisfy(err -> assertThat(err.mark().file()).isEqualTo(yaml.toString()));
        Path golden = yaml.resolveSibling(yaml.getFileName().toString().replace(".yaml", ".errors"));
        if (Boolean.getBoolean("xerv.corpus.update")) {
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        assertThat(golden).as("golden file for %s", yaml).exists();
        assertThat(actual).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }
}
