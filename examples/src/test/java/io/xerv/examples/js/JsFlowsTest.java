package io.xerv.examples.js;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xerv.examples.GuestFlows;
import io.xerv.host.engine.Engine;
import io.xerv.host.engine.EngineConfig;
import io.xerv.host.engine.NodeReport;
import io.xerv.host.engine.NodeStatus;
import io.xerv.host.engine.TraceReport;
import io.xerv.host.engine.TraceStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@code js_*} example flows (the JS SDK's examples and a flow-local node, next to
 * {@code std::} nodes) through the engine with their sample inputs from {@code examples/js/inputs},
 * and flows whose JS node misbehaves, to show that only that node fails and the host keeps serving.
 *
 * <p>Surefire runs in the module directory, so the flows are at {@code flows/}.
 */
class JsFlowsTest {

    static final Path FLOWS = Path.of("flows");
    static final Path INPUTS = Path.of("js/inputs");

    @TempDir
    static Path dataDir;
    @TempDir
    static Path flowDir;

    static Engine engine;

    @BeforeAll
    static void startEngine() {
        engine = Engine.start(EngineConfig.defaults(dataDir).withEventLoops(2)
                .withServices(io.xerv.examples.GuestFlows.SERVICES));
    }

    @AfterAll
    static void stopEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void theFraudCheckShouldHoldARiskyOrderAsTheWasmOneDoes() throws Exception {
        TraceReport r = run(FLOWS.resolve("js_fraud_check.yaml"), Files.readString(INPUTS.resolve("fraud_check.json")));
        assertThat(r.status()).as(r.toJson()).isEqualTo(TraceStatus.COMPLETED);
        NodeReport score = node(r, "score");
        assertThat(score.type()).isEqualTo("js");
        assertThat(json(score)).isEqualTo(Map.of("id", "ORD-7731", "amount", 2450L, "risk_score", 1L, "flagged", true,
                "reasons", List.of("large amount", "device country differs from billing country", "new account",
                        "many gift cards")));
        assertThat(score.logs()).containsExactly("WARN order ORD-7731 scored 1.00 (threshold 0.70)");
        assertThat(node(r, "route").port()).isEqualTo("true");
        assertThat(node(r, "hold").logs()).containsExactly("WARN Holding order ORD-7731: risk 1");
        assertThat(node(r, "accept").status()).isEqualTo(NodeStatus.SKIPPED);
    }

    @Test
    void theFraudCheckShouldAcceptASafeOrder() throws Exception {
        TraceReport r = run(FLOWS.resolve("js_fraud_check.yaml"), """
                {"id":"ORD-1","amount":40.0,"customer":{"account_age_days":900,"address":{"country":"FR"}},
                 "device":{"ip_country":"FR"},"items":[{"category":"book","qty":1}]}""");
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(r, "route").port()).isEqualTo("false");
        assertThat(node(r, "accept").logs()).containsExactly("INFO Accepting order ORD-1: risk 0");
        assertThat(node(r, "hold").status()).isEqualTo(NodeStatus.SKIPPED);
    }

    @Test
    void theOrderRouterShouldFireValidAndSummarise() throws Exception {
        TraceReport r = run(FLOWS.resolve("js_order_router.yaml"), Files.readString(INPUTS.resolve("order_router.json")));
        assertThat(r.status()).as(r.toJson()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(r, "normalise").port()).isEqualTo("valid");
        assertThat(node(r, "accepted").logs())
                .containsExactly("INFO Analytical Engines Ltd: order ORD-88 for ada@example.com, 2 line(s), GBP 39.98");
        assertThat(node(r, "rejected").status()).isEqualTo(NodeStatus.SKIPPED);
    }

    @Test
    void theOrderRouterShouldFireInvalidForABadOrder() throws Exception {
        TraceReport r = run(FLOWS.resolve("js_order_router.yaml"), "{\"id\": \"X\", \"email\": \"none\", \"items\": []}");
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(r, "normalise").port()).isEqualTo("invalid");
        assertThat(node(r, "rejected").logs())
                .containsExactly("WARN Rejected: [\"email 'none' is not an address\",\"items is empty\"]");
        assertThat(node(r, "summarise").status()).isEqualTo(NodeStatus.SKIPPED);
    }

    @Test
    void theMandelbrotShouldMatchTheRustGuestsNumbers() throws Exception {
        TraceReport r = run(FLOWS.resolve("js_mandelbrot.yaml"), Files.readString(INPUTS.resolve("mandelbrot.json")));
        assertThat(r.status()).as(r.toJson()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(json(node(r, "render"))).isEqualTo(Map.of("width", 160L, "height", 120L, "max_iter", 500L,
                "inside", 3255L, "checksum", "f240eafef044c646"));
        assertThat(node(r, "report").logs()).containsExactly("INFO 3255 of 160x120 points inside (checksum f240eafef044c646)");
    }

    @Test
    void aRunawayNodeShouldFailItsOwnRunIntoItsErrorPortAndTheHostKeepsServing() throws Exception {
        Path f = flow("runaway", """
                nodes:
                  spin:
                    type: js
                    config:
                      call_timeout_ms: 300
                      source: |
                        export default (input) => { for (;;) JSON.stringify(input); };
                  recovered:
                    type: std::log
                    config: {message: "spin failed"}
                edges:
                  - {from: manual, to: spin}
                  - {from: spin.error, to: recovered}
                """);
        TraceReport r = run(f, "{\"a\": [1, 2, 3]}");
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(r, "spin").error()).contains("JS node stopped");
        assertThat(node(r, "recovered").logs()).containsExactly("INFO spin failed");
        TraceReport again = run(FLOWS.resolve("js_fraud_check.yaml"), Files.readString(INPUTS.resolve("fraud_check.json")));
        assertThat(again.status()).isEqualTo(TraceStatus.COMPLETED);
    }

    @Test
    void aScriptErrorShouldFailTheTraceWithTheScriptsFileAndLine() throws Exception {
        Files.writeString(flowDir.resolve("bad.js"), "export default (input) => {\n  return input.missing.field;\n};\n");
        Path f = flow("bad_script", """
                nodes:
                  bad: {type: js, config: {script: bad.js}}
                edges:
                  - {from: manual, to: bad}
                """);
        TraceReport r = run(f, "{}");
        assertThat(r.status()).isEqualTo(TraceStatus.FAILED);
        assertThat(node(r, "bad").error()).startsWith("TypeError: ").endsWith("(bad.js:2)");
    }

    @Test
    void aSyntaxErrorShouldStopTheFlowFromLoading() throws Exception {
        Files.writeString(flowDir.resolve("broken.js"), "export default (input) => {\n  return input.;\n};\n");
        Path f = flow("broken_script", """
                nodes:
                  broken: {type: js, config: {script: broken.js}}
                edges:
                  - {from: manual, to: broken}
                """);
        assertThatThrownBy(() -> engine.load(f)).hasMessageContaining("syntax error in broken.js:2");
    }

    // ---- helpers ----

    static Path flow(String name, String body) throws Exception {
        return GuestFlows.flow(flowDir, name, body);
    }

    static TraceReport run(Path flow, String input) throws Exception {
        return GuestFlows.run(engine, flow, input, 60);
    }

    static NodeReport node(TraceReport r, String id) {
        return GuestFlows.node(r, id);
    }

    static Object json(NodeReport n) {
        return GuestFlows.json(n);
    }
}
