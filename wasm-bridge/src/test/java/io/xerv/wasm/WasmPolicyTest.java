package io.xerv.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xerv.plugin.FileRules;
import io.xerv.plugin.HostServices;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.Values;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wasm node reaches files, environment variables and secrets only through the host's services: the
 * policy checks {@code module:} and WASI directories before anything is read, and a node asking for a
 * name the policy does not grant is refused when its flow is deployed.
 */
class WasmPolicyTest {

    @TempDir
    static Path dir;
    static GuestHarness h;
    static Path flow;

    @BeforeAll
    static void start() throws Exception {
        h = new GuestHarness(dir);
        flow = Files.createDirectories(dir.resolve("flow"));
        Files.copy(h.wat("echo"), flow.resolve("echo.wasm"));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static Node node(HostServices services, Map<String, Object> config) {
        return h.factory.create(new NodeDefinition("n", WasmNodeFactory.TYPE, Values.of(config), flow, services));
    }

    static String refusal(HostServices services, Map<String, Object> config) {
        try {
            node(services, config);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("the node was created: " + config);
    }

    @Test
    void wasiDirsCannotPreopenTheWholeFileSystem() {
        Map<String, Object> root = Map.of("module", "echo.wasm", "wasi", Map.of("dirs", Map.of("/host", "/")));
        // No policy: WASI guests get no directories at all.
        assertThat(refusal(HostServices.defaults(), root)).startsWith("wasi.dirs./host: ").contains("policy.wasi.dirs");
        // A policy that grants directories still refuses one that holds /proc, /dev, /sys or the data directory.
        HostServices grantsDirs = services(new FileRules(List.of(Path.of("."), Path.of("/")), List.of(dir.resolve("data")),
                true, FileRules.DEFAULT_MAX_FILE_BYTES));
        assertThat(refusal(grantsDirs, root)).contains("'/' is not a path nodes may use").contains("/proc");
        assertThat(refusal(grantsDirs, Map.of("module", "echo.wasm", "wasi", Map.of("dirs", Map.of("/d", dir.toString())))))
                .contains("contains " + dir.resolve("data"));
        // Inside the flow's folder it is granted.
        Node ok = node(grantsDirs, Map.of("module", "echo.wasm", "wasi", Map.of("dirs", Map.of("/work", "."))));
        assertThat(h.run(ok, "{\"a\":1}").json()).isEqualTo("{\"a\":1}");
    }

    @Test
    void moduleOutsideThePolicyIsRefusedTheSameWayWhetherOrNotItExists() {
        String exists = refusal(HostServices.defaults(), Map.of("module", "/etc/passwd"));
        String missing = refusal(HostServices.defaults(), Map.of("module", "/etc/no-such-file-here"));
        assertThat(exists).isEqualTo("'/etc/passwd' is not a path nodes may use: it is outside the allowed folders"
                + " (the host's policy.paths decides which folders nodes and file triggers may reach)");
        assertThat(missing).isEqualTo(exists.replace("/etc/passwd", "/etc/no-such-file-here"));
        assertThat(refusal(HostServices.defaults(), Map.of("module", "../../../../../../etc/shadow")))
                .contains("outside the allowed folders");
    }

    @Test
    void moduleThatIsADeviceIsNeverRead() throws Exception {
        HostServices everywhere = services(new FileRules(List.of(Path.of("/")), List.of(), false, 1L << 20));
        assertThat(refusal(everywhere, Map.of("module", "/dev/zero")))
                .contains("it is inside /dev, which nodes may never reach");
        // A link in the flow's folder to a device leads out of it.
        Path link = Files.createSymbolicLink(flow.resolve("zero.wasm"), Path.of("/dev/zero"));
        try {
            assertThat(refusal(HostServices.defaults(), Map.of("module", "zero.wasm")))
                    .contains("it leads out through a symbolic link");
        } finally {
            Files.delete(link);
        }
        // A pipe in the flow's folder is not a regular file: it is not opened.
        Path fifo = flow.resolve("pipe.wasm");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mk.waitFor()).isZero();
        try {
            assertThat(refusal(HostServices.defaults(), Map.of("module", "pipe.wasm")))
                    .isEqualTo("'pipe.wasm' is not a regular file");
        } finally {
            Files.delete(fifo);
        }
    }

    @Test
    void moduleLargerThanTheCapIsRefused() {
        HostServices small = services(new FileRules(List.of(Path.of(".")), List.of(), false, 16));
        assertThat(refusal(small, Map.of("module", "echo.wasm"))).contains("the limit is 16 (policy.max_file_bytes)");
    }

    @Test
    void envThePolicyDoesNotGrantFailsAtDeploy() {
        assertThat(refusal(HostServices.defaults(), Map.of("module", "echo.wasm", "env", List.of("PATH", "XERV_OPS_KEY"))))
                .isEqualTo("env[0]: environment variable 'PATH' is not granted to nodes by the host's policy (policy.env)");
        HostServices noSecrets = new Granting(FileRules.DEFAULT) {
            @Override
            public boolean grantsSecret(String name) {
                return false;
            }
        };
        assertThat(refusal(noSecrets, Map.of("module", "echo.wasm", "secrets", List.of("DB"))))
                .isEqualTo("secrets[0]: secret 'DB' is not granted to nodes by the host's policy (policy.secrets)");
        assertThat(refusal(HostServices.defaults(), Map.of("module", "echo.wasm",
                "wasi", Map.of("env", List.of("XERV_OPS_KEY"))))).startsWith("wasi.env[0]: environment variable 'XERV_OPS_KEY'");
    }

    static HostServices services(FileRules files) {
        return new Granting(files);
    }

    /** Files by the given rules; every name granted, none set. */
    static class Granting implements HostServices {
        private final FileRules files;

        Granting(FileRules files) {
            this.files = files;
        }

        @Override
        public Path resolveFile(String written, Path baseDirectory, FileUse use) {
            return files.resolve(written, baseDirectory, use);
        }

        @Override
        public long maxFileBytes() {
            return files.maxFileBytes();
        }

        @Override
        public String secret(String name) {
            return null;
        }

        @Override
        public boolean grantsSecret(String name) {
            return true;
        }

        @Override
        public String environment(String name) {
            return null;
        }

        @Override
        public boolean grantsEnvironment(String name) {
            return true;
        }

        @Override
        public void checkDestination(String host, InetAddress address) {
        }

        @Override
        public long maxResponseBytes() {
            return 0;
        }
    }
}
