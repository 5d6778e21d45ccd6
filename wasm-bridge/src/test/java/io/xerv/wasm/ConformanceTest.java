package io.xerv.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import io.xerv.plugin.Node;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One suite of guest behaviours — reads, writes, ports, errors, logs, services, env and secret grants
 * and denials — run over both Chicory machines and both input paths (in place and copied), with a
 * guest built by the Rust SDK and hand-written WAT guests.
 */
class ConformanceTest {

    @TempDir
    static Path dir;
    static GuestHarness h;

    static final String ORDER = """
            {"op":"read","id":"o-1","customer":{"name":"Ada","address":{"city":"London","country":"GB"}},
             "items":[{"sku":"a","price":2.5},{"sku":"b","price":7.25}],"paid":true,"note":null,"count":3}""";

    @BeforeAll
    static void start() {
        h = new GuestHarness(dir);
        h.env.put("XERV_TEST_REGION", "eu-west");
        h.env.put("XERV_TEST_HIDDEN", "must not leak");
        h.env.put("XERV_TEST_LONG", "x".repeat(600));
        h.secrets.put("API_KEY", "s3cr3t-value");
        h.secrets.put("DB_PASSWORD", "hunter2");
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static Stream<Arguments> machinesAndPaths() {
        return Stream.of(
                Arguments.of("compiler", "in_place"),
                Arguments.of("compiler", "copy"),
                Arguments.of("interpreter", "in_place"),
                Arguments.of("interpreter", "copy"));
    }

    static Node rust(String machine, String mode, Object... extra) {
        Map<String, Object> c = new HashMap<>(Map.of("module", GuestHarness.rust("conformance").toString(),
                "machine", machine, "input_mode", mode));
        for (int i = 0; i < extra.length; i += 2) {
            c.put((String) extra[i], extra[i + 1]);
        }
        return h.node("conformance", c);
    }

    static Node wat(String name, String machine, String mode) {
        return h.node(name, Map.of("module", h.wat(name).toString(), "machine", machine, "input_mode", mode));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("machinesAndPaths")
    void aGuestShouldPassItsInputOnUnchanged(String machine, String mode) {
        String in = "{\"op\":\"echo\",\"n\":[1,2,{\"deep\":\"x\"}]}";
        GuestHarness.Run r = h.run(rust(machine, mode), in);
        assertThat(r.port()).isEqualTo("out");
        assertThat(r.json()).isEqualTo("{\"n\":[1,2,{\"deep\":\"x\"}],\"op\":\"echo\"}");

        GuestHarness.Run w = h.run(wat("echo", machine, mode), in);
        assertThat(w.json()).isEqualTo(r.json());
        assertThat(w.logs()).containsExactly(mode.equals("in_place") ? "INFO echo in place" : "INFO echo copied");
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("machinesAndPaths")
    void aGuestShouldReadNestedFieldsAndNamedInputs(String machine, String mode) {
        Node n = rust(machine, mode, "inputs", Map.of("threshold", "${pipeline.config.threshold}"));
        GuestHarness.Run r = h.run(n, ORDER, Map.of("inputs", Map.of("threshold", 0.8)));
        assertThat(r.json()).isEqualTo("{\"city\":\"London\",\"in_place\":" + mode.equals("in_place")
                + ",\"items\":2,\"kinds\":[\"int\",\"map\",\"string\",\"list\",\"null\",\"string\",\"bool\"],"
                + "\"missing_is_none\":true,\"names\":[\"in\",\"threshold\"],\"second_price\":7.25,\"threshold\":0.8}");
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("machinesAndPaths")
    void aGuestShouldWriteEveryKindOfValue(String machine, String mode) {
        GuestHarness.Run r = h.run(rust(machine, mode), "{\"op\":\"write\"}");
        assertThat(r.json()).isEqualTo("{\"int\":-42,\"list\":[1,\"two\",{\"three\":true}],\"nested\":{\"a\":\"first\","
                + "\"b\":\"second\"},\"null\":null,\"pi\":3.25,\"raw\":\"AQID\",\"text\":\"héllo\",\"yes\":true}");
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("machinesAndPaths")
    void aGuestShouldEmitJsonText(String machine, String mode) {
        assertThat(h.run(rust(machine, mode), "{\"op\":\"json\"}").json()).isEqualTo("{\"from\":\"json\",\"n\":[1,2.5,\"x\"]}");
        GuestHarness.Run w = h.run(wat("json_port", machine, mode), "{}");
        assertThat(w.port()).isEqualTo("valid");
        assertThat(w.json()).isEqualTo("{\"n\":3,\"ok\":true}");
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("machinesAndPaths")
    void aGuestShouldFireTheDeclaredPortItChooses(String machine, String mode) {
        Node n = rust(machine, mode);
        assertThat(h.run(n, "{\"op\":\"port\",\"port\":\"invalid\"}").port()).isEqualTo("invalid");
        assertThat(h.run(n, "{\"op\":\"port\",\"port\":\"valid\"}").json()).isEqualTo("{\"port\":\"valid\"}");
        GuestHarness.Run bad = h.run(n, "{\"op\":\"port\",\"port\":\"sideways\"}");
        assertThat(bad.failed()).isTrue();
        assertThat(bad.message()).contains("fired port 'sideways'", "does not declare");
        assertThat(h.run(n, "{\"op\":\"echo\"}").port()).as("the instance after a fault is a fresh one").isEqualTo("out");
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("machinesAndPaths")
    void aGuestErrorShouldFailTheNodeWithItsMessage(String machine, String mode) {
        GuestHarness.Run r = h.run(rust(machine, mode), "{\"op\":\"fail\",\"reason\":\"card declined\"}");
        assertThat(r.failed()).isTrue();
        assertThat(r.message()).isEqualTo("refused: card declined");

        GuestHarness.Run s = h.run(wat("status", machine, mode), "{}");
        assertThat(s.message()).isEqualTo("the guest returned status 7 without setting an error");
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("machinesAndPaths")
    void aGuestPanicShouldFailTheNodeAsATrap(String machine, String mode) {
        Node n = rust(machine, mode);
        GuestHarness.Run r = h.run(n, "{\"op\":\"panic\"}");
        assertThat(r.failed()).isTrue();
        assertThat(r.message()).startsWith("the guest trapped").endsWith("[conformance.wasm]");
        assertThat(h.run(n, "{\"op\":\"echo\"}").failed()).isFalse();
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("machinesAndPaths")
    void aGuestShouldLogAtEachLevel(String machine, String mode) {
        GuestHarness.Run r = h.run(rust(machine, mode), "{\"op\":\"log\"}");
        assertThat(r.logs()).containsExactly("INFO info line", "WARN warn line", "ERROR error line");
        assertThat(r.json()).isEqualTo("{\"op\":\"log\"}");
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("machinesAndPaths")
    void aGuestShouldGetTheRunsClockRandomAndUuids(String machine, String mode) {
        GuestHarness.Run r = h.run(rust(machine, mode), "{\"op\":\"services\"}");
        assertThat(r.json()).contains("\"now\":\"1700000000000000000\"")
                .containsPattern("\"uuid\":\"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\"")
                .containsPattern("\"random\":\"\\d+\"");
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("machinesAndPaths")
    void aGuestShouldReadOnlyTheEnvAndSecretsItsNodeGrants(String machine, String mode) {
        Node n = rust(machine, mode, "env", List.of("XERV_TEST_REGION", "XERV_TEST_LONG"), "secrets", List.of("API_KEY"));
        GuestHarness.Run r = h.run(n, "{\"op\":\"env\"}");
        assertThat(r.json()).isEqualTo("{\"granted_env\":\"eu-west\",\"granted_secret\":\"12 chars\",\"long_env\":\"600 chars\","
                + "\"ungranted_env\":null,\"ungranted_secret\":null}");
        assertThat(r.logs()).as("a secret the guest logs is masked").containsExactly("INFO using key ***");

        GuestHarness.Run none = h.run(rust(machine, mode), "{\"op\":\"env\"}");
        assertThat(none.json()).isEqualTo("{\"granted_env\":null,\"granted_secret\":null,\"long_env\":null,"
                + "\"ungranted_env\":null,\"ungranted_secret\":null}");
    }
}
