package io.xerv.host.cli;

import io.xerv.host.plugin.NodeRegistry;
import io.xerv.host.serve.ServeConfig;
import io.xerv.host.serve.XervHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.xerv.host.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code xerv deploy}, {@code xerv pipelines} against a running host, and {@code xerv serve}'s config errors. */
class HostCommandsTest {

    @TempDir
    static Path tmp;

    static XervHost host;
    static String url;
    /** Where the CLI finds the host's local token. */
    static String dir;

    @BeforeAll
    static void start() throws Exception {
        host = XervHost.start(ServeConfig.defaults().withPort(0).withEventLoops(1).withDataDir(tmp.resolve("data"))
                .withFlows(List.of()), NodeRegistry.load());
        url = "--url=" + host.url();
        dir = "--data-dir=" + tmp.resolve("data");
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    static Path write(String name, String text) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void theExamplesPluginJarIsFoundNextToTheExampleFlowsOnlyOnceBuilt() throws Exception {
        Path flows = Files.createDirectories(tmp.resolve("repo/examples/flows"));
        assertThat(ServeCommand.examplePlugins(flows)).isNull();
        Path target = Files.createDirectories(tmp.resolve("repo/examples/target"));
        Files.writeString(target.resolve("other.jar"), "");
        assertThat(ServeCommand.examplePlugins(flows)).isNull();
        Files.writeString(target.resolve("xerv-examples-0.1.0-SNAPSHOT.jar"), "");
        assertThat(ServeCommand.examplePlugins(flows)).isEqualTo(target.toAbsolutePath());
    }

    @Test
    void deployThenDriveThePipelineThroughItsLifecycle() throws Exception {
        Path f = write("cli_flow.yaml", "name: cli_flow\nnodes:\n  a:\n    type: std::log\n");
        CliTest.Result d = run("deploy", f.toString(), url, dir);
        assertThat(d.code()).as(d.err()).isZero();
        assertThat(d.out()).contains("deployed cli_flow version 1.0 (running)");

        assertThat(run("pipelines", "list", url, dir).out()).contains("cli_flow").contains("running");
        assertThat(run("pipelines", "pause", "cli_flow", url, dir).out()).contains("cli_flow: paused");
        assertThat(run("pipelines", "resume", "cli_flow", url, dir).out()).contains("cli_flow: running");
        assertThat(run("pipelines", "stop", "cli_flow", url, dir).out()).contains("cli_flow: stopped");
        assertThat(run("pipelines", "start", "cli_flow", url, dir).out()).contains("cli_flow: running");
        assertThat(run("pipelines", "drain", "cli_flow", url, dir).out()).contains("cli_flow: stopped");
        assertThat(run("pipelines", "get", "cli_flow", url, dir).out()).contains("\"name\" : \"cli_flow\"");
        assertThat(run("pipelines", "delete", "cli_flow", url, dir).out()).contains("deleted cli_flow");
        CliTest.Result gone = run("pipelines", "get", "cli_flow", url, dir);
        assertThat(gone.code()).isEqualTo(XervCli.FAILED);
        assertThat(gone.err()).contains("unknown pipeline (HTTP 404)");
    }

    @Test
    void deployOfAnInvalidFlowPrintsEachProblemWithItsPosition() throws Exception {
        Path f = write("broken_flow.yaml", "name: broken_flow\nnodes:\n  a:\n    type: std::nope\n");
        CliTest.Result r = run("deploy", f.toString(), url, dir);
        assertThat(r.code()).isEqualTo(XervCli.FAILED);
        assertThat(r.err()).contains(f + ":4:11: node 'a': unknown node type 'std::nope'").contains("invalid flow (HTTP 422)");
    }

    @Test
    void noHostIsAUsageError() {
        CliTest.Result r = run("pipelines", "list", "--url=http://127.0.0.1:1");
        assertThat(r.code()).isEqualTo(XervCli.USAGE);
        assertThat(r.err()).contains("no host answers at http://127.0.0.1:1");
    }

    @Test
    void theCliSendsTheDataDirectorysTokenAndWithoutItIsRefused() throws Exception {
        assertThat(run("pipelines", "list", url, dir).code()).isZero();
        CliTest.Result none = run("pipelines", "list", url, "--data-dir=" + tmp.resolve("elsewhere"));
        assertThat(none.code()).isEqualTo(XervCli.FAILED);
        assertThat(none.err()).contains("unauthorized (HTTP 401)").contains("api-token");
        CliTest.Result wrong = run("pipelines", "list", url, dir, "--api-key=not-the-token");
        assertThat(wrong.code()).isEqualTo(XervCli.FAILED);
        assertThat(wrong.err()).contains("the API key is not valid");
        String token = java.nio.file.Files.readString(tmp.resolve("data/api-token")).strip();
        assertThat(run("pipelines", "list", url, "--data-dir=" + tmp.resolve("elsewhere"), "--api-key=" + token).code()).isZero();
    }

    @Test
    void unknownActionIsAUsageError() {
        CliTest.Result r = run("pipelines", "explode", "x", url, dir);
        assertThat(r.code()).isEqualTo(XervCli.USAGE);
        assertThat(r.err()).contains("unknown action 'explode'");
    }

    @Test
    void serveRefusesABadConfigNamingFileLineAndColumn() throws Exception {
        Path cfg = write("bad.yaml", "server:\n  port: eighty\n  colour: blue\ndurability: sometimes\n");
        CliTest.Result r = run("serve", "--config", cfg.toString());
        assertThat(r.code()).isEqualTo(XervCli.USAGE);
        assertThat(r.err()).contains(cfg + ":2:9: server.port must be a whole number, got 'eighty'")
                .contains(cfg + ":3:3: unknown option 'colour' in server")
                .contains(cfg + ":4:13: durability:")
                .contains("nothing was started");
    }
}
