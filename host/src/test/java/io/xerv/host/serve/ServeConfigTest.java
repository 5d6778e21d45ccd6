package io.xerv.host.serve;

import io.xerv.wal.Durability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The config file: every option read, relative paths resolved, and problems named by file, line and column. */
class ServeConfigTest {

    @TempDir
    Path dir;

    @Test
    void emptyFileGivesTheDefaults() throws Exception {
        ServeConfig c = ServeConfig.parse("x.yaml", "", dir);
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.durability()).isEqualTo(Durability.FSYNC);
        assertThat(c.apiKeys().enabled()).isFalse();
    }

    @Test
    void everyOptionIsRead() throws Exception {
        Files.createDirectories(dir.resolve("flows"));
        Files.createDirectories(dir.resolve("plugins"));
        Files.writeString(dir.resolve("cert.pem"), "x");
        Files.writeString(dir.resolve("key.pem"), "x");
        String hash = ApiKeys.sha256Hex("k1");
        ServeConfig c = ServeConfig.parse("x.yaml", """
                server:
                  host: 0.0.0.0
                  port: 9090
                  event_loops: 3
                  body_limit: 2048
                  shutdown_timeout_ms: 1500
                  tls: {cert: cert.pem, key: key.pem}
                data_dir: data
                durability: batch:5
                flows: [flows]
                plugins: plugins
                traces: {keep_finished: 7}
                api:
                  keys:
                    - {name: ci, sha256: %s, scopes: [pipeline:read, trace:read]}
                secrets:
                  HOOK: abc
                """.formatted(hash), dir);
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.port()).isEqualTo(9090);
        assertThat(c.eventLoops()).isEqualTo(3);
        assertThat(c.bodyLimitBytes()).isEqualTo(2048);
        assertThat(c.shutdownTimeoutMs()).isEqualTo(1500);
        assertThat(c.tlsCert()).isEqualTo(dir.resolve("cert.pem"));
        assertThat(c.dataDir()).isEqualTo(dir.resolve("data"));
        assertThat(c.durability().toString()).isEqualTo("batch:5");
        assertThat(c.flows()).containsExactly(dir.resolve("flows"));
        assertThat(c.plugins()).isEqualTo(dir.resolve("plugins"));
        assertThat(c.keepFinishedTraces()).isEqualTo(7);
        assertThat(c.apiKeys().find("k1").name()).isEqualTo("ci");
        assertThat(c.apiKeys().find("k2")).isNull();
        assertThat(c.secretLookup().apply("HOOK")).isEqualTo("abc");
        assertThat(c.toString()).doesNotContain("abc").doesNotContain(hash);
    }

    @Test
    void problemsNameFileLineAndColumn() {
        assertThatThrownBy(() -> ServeConfig.parse("x.yaml", """
                server:
                  port: 70000
                api:
                  keys:
                    - {name: ci, sha256: nothex, scopes: [pipeline:fly]}
                flows: [missing]
                """, dir))
                .isInstanceOf(ServeConfig.ConfigException.class)
                .hasMessageContaining("x.yaml:2:9: server.port must be between 0 and 65535, got 70000")
                .hasMessageContaining("x.yaml:5:26: api key 'ci': sha256 must be 64 hex digits")
                .hasMessageContaining("x.yaml:5:43: api key 'ci': unknown scope 'pipeline:fly'")
                .hasMessageContaining("x.yaml:6:9: flows: no such file or folder");
    }

    @Test
    void malformedYamlIsReportedWhereItBreaks() {
        assertThatThrownBy(() -> ServeConfig.parse("x.yaml", "server:\n  port: [1,\n", dir))
                .isInstanceOf(ServeConfig.ConfigException.class)
                .hasMessageStartingWith("x.yaml:3:");
    }

    @Test
    void keyNeedsExactlyOneSource() {
        assertThatThrownBy(() -> ServeConfig.parse("x.yaml", "api:\n  keys:\n    - {name: a, scopes: [admin]}\n", dir))
                .hasMessageContaining("x.yaml:3:7: api key 'a': give exactly one of sha256");
    }
}
