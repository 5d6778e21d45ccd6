package io.xerv.wal.fuzz;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WAL frame reader over the saved fuzz corpus ({@code src/test/resources/fuzz-corpus/wal-frame}):
 * each {@code .bin} file is a segment's bytes for segment 7, scanned as recovery scans it under
 * {@link WalFrameContract}. A {@code .expected} file beside it says what the scan must find:
 * {@code records: N} (read to the end) or {@code damage: <start of the message>}.
 */
class WalFrameCorpusTest {

    static final Path CORPUS = Path.of("src/test/resources/fuzz-corpus/wal-frame");
    static final int SEGMENT = 7;

    @TestFactory
    Stream<DynamicTest> everyCorpusSegmentKeepsTheReadersContract() throws IOException {
        List<Path> inputs;
        try (Stream<Path> files = Files.list(CORPUS)) {
            inputs = files.filter(f -> f.toString().endsWith(".bin")).sorted().toList();
        }
        assertThat(inputs).isNotEmpty();
        return inputs.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
    }

    private static void check(Path input) throws IOException {
        WalFrameContract.Scan scan = WalFrameContract.scan(Files.readAllBytes(input), SEGMENT);
        Path expected = input.resolveSibling(input.getFileName().toString().replace(".bin", ".expected"));
        if (!Files.exists(expected)) {
            return;
        }
        String want = Files.readString(expected).strip();
        if (want.startsWith("records: ")) {
            assertThat(scan.damage()).as("damage in %s", input).isNull();
            assertThat(scan.records()).hasSize(Integer.parseInt(want.substring("records: ".length())));
        } else {
            assertThat(want).startsWith("damage: ");
            assertThat(scan.damage()).as("damage in %s", input).isNotNull();
            assertThat(scan.damage().getMessage()).startsWith(want.substring("damage: ".length()));
        }
    }
}
