package io.xerv.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code xerv validate} and {@code xerv run} apply the default policy, or a config's with {@code --config}. */
class PolicyCliTest {

    @TempDir
    Path tmp;

    static final String WASM_FLOW = """
            name: probe
            triggers:
              - {id: go, type: manual}
            nodes:
              probe:
                type: wasm
                config: {module: %s}
            edges:
              - {from: go, to: probe}
            """;

    @Test
    void validateAppliesTheDefaultPolicyOrTheConfigsPolicy() throws Exception {
        Path modules = Files.createDirectories(tmp.resolve("modules"));
        Files.writeString(modules.resolve("node.wasm"), "not a module");
        Path flows = Files.createDirectories(tmp.resolve("flows"));
        Path flow = Files.writeString(flows.resolve("probe.yaml"), WASM_FLOW.formatted("../modules/node.wasm"));

        CliTest.Result byDefault = CliTest.run("validate", flow.toString());
        assertThat(byDefault.code()).isEqualTo(XervCli.FAILED);
        assertThat(byDefault.err()).contains("'../modules/node.wasm' is not a path nodes may use: it is outside the allowed folders");

        // The config's policy grants the folder: the module is read (and found not to be one).
        Path config = Files.writeString(tmp.resolve("xerv.yaml"), "policy:\n  paths: [., ../modules]\n");
        CliTest.Result granted = CliTest.run("validate", "--config", config.toString(), flow.toString());
        assertThat(granted.err()).contains("is not a WebAssembly binary").doesNotContain("not a path nodes may use");

        Path denied = Files.writeString(tmp.resolve("deny.yaml"), "policy:\n  paths: [., ../modules]\n  node_types: {deny: [wasm]}\n");
        CliTest.Result refused = CliTest.run("validate", "--config", denied.toString(), flow.toString());
        assertThat(refused.code()).isEqualTo(XervCli.FAILED);
        assertThat(refused.err()).contains("probe.yaml:6:11: node 'probe': node type 'wasm' is not allowed on this host (policy.node_types)");

        Path bad = Files.writeString(tmp.resolve("bad.yaml"), "policy:\n  paths: /\n");
        CliTest.Result broken = CliTest.run("validate", "--config", bad.toString(), flow.toString());
        assertThat(broken.code()).isEqualTo(XervCli.USAGE);
        assertThat(broken.err()).contains(bad + ":2:10: policy.paths must be a list");
    }
}
