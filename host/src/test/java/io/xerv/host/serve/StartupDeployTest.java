package io.xerv.host.serve;

import io.xerv.host.plugin.NodeRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The flows a host deploys as it starts: loaded several at once, installed in file order, and each one
 * that fails reported without stopping the rest.
 */
class StartupDeployTest {

    @TempDir
    Path tmp;

    private static String hook(String name, String path) {
        return """
                name: NAME
                version: "1"
                triggers:
                  - id: in
                    type: webhook
                    params: {path: PATH}
                nodes:
                  say:
                    type: std::log
                    config: {message: "NAME"}
                edges:
                  - {from: in, to: say}
                """.replace("NAME", name).replace("PATH", path);
    }

    @Test
    void everyGoodFlowDeploysAndEachBadOneIsReportedInFileOrder() throws Exception {
        Path flows = Files.createDirectories(tmp.resolve("flows"));
        Files.writeString(flows.resolve("a.yaml"), hook("first", "/shared"));
        Files.writeString(flows.resolve("b.yaml"), "name: broken\nnodes:\n  x:\n    type: std::nope\n");
        // Loaded at the same time as a.yaml, but installed after it: a.yaml keeps the path.
        Files.writeString(flows.resolve("c.yaml"), hook("second", "/shared"));
        for (int i = 0; i < 8; i++) {
            Files.writeString(flows.resolve("d" + i + ".yaml"), hook("more" + i, "/more/" + i));
        }

        try (XervHost host = XervHost.start(ServeConfig.defaults().withPort(0).withEventLoops(1)
                .withDataDir(tmp.resolve("data")).withFlows(List.of(flows)), NodeRegistry.load())) {
            assertThat(host.deployErrors()).hasSize(2);
            assertThat(host.deployErrors().get(0)).contains("b.yaml:4:").contains("std::nope");
            assertThat(host.deployErrors().get(1)).startsWith(flows.resolve("c.yaml").toString())
                    .contains("/shared").contains("taken by pipeline 'first'");
            assertThat(host.controller().list()).extracting(PipelineInfo::name)
                    .containsExactlyInAnyOrder("first", "more0", "more1", "more2", "more3", "more4", "more5", "more6", "more7");
        }
    }
}
