package io.xerv.host.flow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.xerv.host.flow.FlowLoaderTest.ORDER_PROCESSING;
import static io.xerv.host.flow.FlowLoaderTest.REGISTRY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A flow's identity, the digest recovery matches an unfinished trace's start record against, is its
 * content: the file's path, positions, comments, descriptions and settings do not change it; what a
 * trace runs does.
 */
class FlowIdentityTest {

    @TempDir
    Path tmp;

    private static String digest(String yaml) throws FlowException {
        return FlowLoader.parse("flow.yaml", yaml, REGISTRY).digest();
    }

    @Test
    void flowIdentityDoesNotDependOnTheFilesPath() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a/flows"));
        Path b = Files.createDirectories(tmp.resolve("somewhere/else"));
        Files.writeString(a.resolve("orders.yaml"), ORDER_PROCESSING);
        Files.writeString(b.resolve("renamed.yaml"), ORDER_PROCESSING);

        FlowDefinition first = FlowLoader.load(a.resolve("orders.yaml"), REGISTRY);
        FlowDefinition moved = FlowLoader.load(b.resolve("renamed.yaml"), REGISTRY);

        assertThat(first.source()).isNotEqualTo(moved.source());
        assertThat(moved.digest()).isEqualTo(first.digest()).hasSize(64);
        // The earlier digest covered the path: the reason traces were stranded by a move.
        assertThat(moved.legacyDigest()).isNotEqualTo(first.legacyDigest());
    }

    @Test
    void flowIdentityIgnoresLayoutCommentsDescriptionsAndSettings() throws Exception {
        String reworded = "# a comment that moves every line down\n\n" + ORDER_PROCESSING
                .replace("version: \"1.0\"", "version: \"1.0\"\ndescription: takes orders")
                .replace("max_concurrent_executions: 100", "max_concurrent_executions: 3");
        assertThat(digest(reworded)).isEqualTo(digest(ORDER_PROCESSING));
    }

    @Test
    void flowIdentityChangesWithWhatATraceRuns() throws Exception {
        String base = digest(ORDER_PROCESSING);
        assertThat(digest(ORDER_PROCESSING.replace("Processing normal order", "Processing an order"))).isNotEqualTo(base);
        assertThat(digest(ORDER_PROCESSING.replace("version: \"1.0\"", "version: \"1.1\""))).isNotEqualTo(base);
        assertThat(digest(ORDER_PROCESSING.replace("path: /api/orders", "path: /api/order"))).isNotEqualTo(base);
        assertThat(digest(ORDER_PROCESSING.replace("fraud_threshold: 0.8", "fraud_threshold: 0.9"))).isNotEqualTo(base);
        assertThat(digest(ORDER_PROCESSING.replace("{from: fraud_check.true, to: flag_suspicious}",
                "{from: fraud_check.true, to: flag_suspicious, condition: \"${validate_order.n} > 1\"}")))
                .isNotEqualTo(base);
    }

    @Test
    void flowIdentityTellsAStringFromANumber() throws Exception {
        String base = digest(ORDER_PROCESSING.replace("fraud_threshold: 0.8", "fraud_threshold: 1"));
        assertThat(digest(ORDER_PROCESSING.replace("fraud_threshold: 0.8", "fraud_threshold: \"1\""))).isNotEqualTo(base);
    }
}
