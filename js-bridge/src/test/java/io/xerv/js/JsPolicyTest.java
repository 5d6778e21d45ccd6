package io.xerv.js;

import static org.assertj.core.api.Assertions.assertThat;

import io.xerv.plugin.HostServices;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.Values;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JS node reaches files, environment variables and secrets only through the host's services: the
 * policy checks {@code script:} before anything is read, a load error never quotes the file, and a node
 * asking for a name the policy does not grant is refused when its flow is deployed.
 */
class JsPolicyTest {

    @TempDir
    Path dir;

    String refusal(Map<String, Object> config) {
        try {
            Calls.FACTORY.create(new NodeDefinition("n", "js", Values.of(config), dir, HostServices.defaults()));
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("the node was created: " + config);
    }

    @Test
    void loadErrorsNeverQuoteAScriptsContents() throws Exception {
        Files.writeString(dir.resolve("env.js"), "HOME=/root\u0000XERV_OPS_KEY=k-7f3a9c2e\u0000PATH=/usr/bin\u0000");
        String env = refusal(Map.of("script", "env.js"));
        assertThat(env).startsWith("syntax error in env.js:1: ").doesNotContain("k-7f3a9c2e").doesNotContain("XERV_OPS_KEY")
                .doesNotContain("root");
        Files.writeString(dir.resolve("key.js"), "k7f3a9c2e\n");
        assertThat(refusal(Map.of("script", "key.js"))).isEqualTo("script key.js:1 failed to load: ReferenceError");
        Files.writeString(dir.resolve("shadow.js"), "root:$6$salt$hash:19000:0:99999:7:::\n");
        assertThat(refusal(Map.of("script", "shadow.js"))).doesNotContain("salt").doesNotContain("hash");
    }

    @Test
    void scriptOutsideThePolicyIsRefusedTheSameWayWhetherOrNotItExists() {
        String exists = refusal(Map.of("script", "/etc/passwd"));
        String missing = refusal(Map.of("script", "/etc/no-such-file-here"));
        assertThat(exists).isEqualTo("script '/etc/passwd' is not a path nodes may use: it is outside the allowed"
                + " folders (the host's policy.paths decides which folders nodes and file triggers may reach)");
        assertThat(missing).isEqualTo(exists.replace("/etc/passwd", "/etc/no-such-file-here"));
        assertThat(refusal(Map.of("script", "/proc/self/environ"))).contains("it is inside /proc");
    }

    @Test
    void scriptThatIsADeviceIsNeverRead() throws Exception {
        assertThat(refusal(Map.of("script", "/dev/zero"))).contains("it is inside /dev");
        Files.createSymbolicLink(dir.resolve("zero.js"), Path.of("/dev/zero"));
        assertThat(refusal(Map.of("script", "zero.js"))).contains("it leads out through a symbolic link");
        Files.createDirectories(dir.resolve("sub"));
        assertThat(refusal(Map.of("script", "sub"))).isEqualTo("script 'sub' is not a regular file");
    }

    @Test
    void envThePolicyDoesNotGrantFailsAtDeploy() {
        assertThat(refusal(Map.of("source", "export default () => ({})", "env", List.of("XERV_OPS_KEY"))))
                .isEqualTo("env: environment variable 'XERV_OPS_KEY' is not granted to nodes by the host's policy"
                        + " (policy.env)");
    }
}
