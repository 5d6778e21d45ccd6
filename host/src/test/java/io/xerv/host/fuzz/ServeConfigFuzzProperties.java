package io.xerv.host.fuzz;

import io.xerv.host.serve.ServeConfig;
import io.xerv.host.serve.ServeConfig.ConfigException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target for the host's config file ({@link ServeConfig#parse}): edits of a config that sets
 * every option, random documents over the config's keys, and pathological YAML. Every input yields a
 * config or a {@link ConfigException} whose every problem starts with {@code name:LINE:COL: } at a
 * place in the text; nothing else is thrown.
 */
class ServeConfigFuzzProperties {

    static final String NAME = "fuzz/xerv.yaml";

    /** Every option set; the paths exist under the base folder. */
    static final String VALID = """
            server:
              host: 127.0.0.1
              port: 9090
              event_loops: 2
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
                - {name: ci, sha256: 6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b, scopes: [pipeline:read, trace:read]}
                - {name: ops, key_env: XERV_FUZZ_UNSET_KEY, scopes: [pipeline:write]}
            secrets:
              HOOK: abc
            network: {}
            policy: {}
            limits: {}
            connections: {}
            """;

    static final List<String> KEYS = List.of("server", "host", "port", "event_loops", "body_limit", "shutdown_timeout_ms",
            "tls", "cert", "key", "data_dir", "durability", "flows", "plugins", "traces", "keep_finished", "api", "keys", "name",
            "sha256", "key_env", "scopes", "secrets", "network", "policy", "limits", "connections");

    private static final int DEFAULT_TRIES = 200;

    static Path base;

    @BeforeContainer
    static void makeBase() throws IOException {
        base = Files.createTempDirectory("xerv-config-fuzz");
        Files.createDirectories(base.resolve("flows"));
        Files.createDirectories(base.resolve("plugins"));
        Files.writeString(base.resolve("cert.pem"), "x");
        Files.writeString(base.resolve("key.pem"), "x");
    }

    @AfterContainer
    static void removeBase() throws IOException {
        try (Stream<Path> files = Files.walk(base)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Property(tries = DEFAULT_TRIES)
    void editedConfigsParseOrNameWhereTheyAreWrong(@ForAll("editedConfigs") String yaml) {
        check(yaml, base);
    }

    @Property(tries = DEFAULT_TRIES)
    void randomDocumentsParseOrNameWhereTheyAreWrong(@ForAll("randomConfigs") String yaml) {
        check(yaml, base);
    }

    @Property(tries = 60)
    void pathologicalYamlIsAConfigProblemNotACrash(@ForAll("pathologicalConfigs") String yaml) {
        check(yaml, base);
    }

    @Property
    @Tag("soak")
    @AddLifecycleHook(SoakBudget.class)
    void soakServeConfig(@ForAll("anyConfig") String yaml) {
        check(yaml, base);
    }

    /** The contract: a config, or problems each placed in the text. */
    static void check(String yaml, Path base) {
        try {
            assertThat(ServeConfig.parse(NAME, yaml, base)).isNotNull();
        } catch (ConfigException e) {
            assertThat(e.problems()).isNotEmpty();
            for (String p : e.problems()) {
                YamlFuzz.assertPlaced(p, NAME, yaml);
            }
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw new AssertionError("ServeConfig.parse threw " + e.getClass().getName() + " instead of a ConfigException", e);
        }
    }

    @Provide
    Arbitrary<String> editedConfigs() {
        return YamlFuzz.edited(Arbitraries.just(VALID), 4);
    }

    @Provide
    Arbitrary<String> randomConfigs() {
        return YamlFuzz.documents(KEYS);
    }

    @Provide
    Arbitrary<String> pathologicalConfigs() {
        return YamlFuzz.pathological();
    }

    @Provide
    Arbitrary<String> anyConfig() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, editedConfigs()),
                net.jqwik.api.Tuple.of(3, randomConfigs()),
                net.jqwik.api.Tuple.of(1, pathologicalConfigs()));
    }
}
