package io.xerv.examples.wasm;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xerv.examples.GuestFlows;
import io.xerv.host.engine.CompiledFlow;
import io.xerv.host.engine.Engine;
import io.xerv.host.engine.EngineConfig;
import io.xerv.host.engine.NodeReport;
import io.xerv.host.engine.NodeStatus;
import io.xerv.host.engine.TraceReport;
import io.xerv.host.engine.TraceStatus;
import io.xerv.host.flow.FlowException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@code wasm_*} example flows — Rust guests built by the SDK and a hand-written WAT guest,
 * next to {@code std::} nodes — through the engine with their sample inputs from
 * {@code examples/wasm/inputs}, and flows whose WASM
 * node fails (a panic, a runaway loop) to show that only that node fails and the host keeps serving.
 *
 * <p>Surefire runs in the module directory, so the flows are at {@code flows/}.
 */
class WasmFlowsTest {

    static final Path FLOWS = Path.of("flows");
    static final Path INPUTS = Path.of("wasm/inputs");
    static final Path GUESTS = Path.of("../sdk-rust-guest/target/wasm32-unknown-unknown/release/examples").toAbsolutePath();

    @TempDir
    static Path dataDir;
    @TempDir
    static Path flowDir;

    static Engine engine;

    @BeforeAll
    static void startEngine() {
        assertThat(GUESTS.resolve("fraud_scorer.wasm")).as("the SDK's guests (sdk-rust-guest/build.sh)").isRegularFile();
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
    void theFraudCheckShouldHoldARiskyOrder() throws Exception {
        TraceReport r = run(FLOWS.resolve("wasm_fraud_check.yaml"), Files.readString(INPUTS.resolve("fraud_check.json")));
        assertThat(r.status()).as(r.toJson()).isEqualTo(TraceStatus.COMPLETED);
        NodeReport score = node(r, "score");
        assertThat(score.type()).isEqualTo("wasm");
        assertThat(json(score)).isEqualTo(Map.of("id", "ORD-7731", "amount", 2450.0, "risk_score", 1.0, "flagged", true,
                "reasons", List.of("large amount", "device country differs from billing country", "new account",
                        "many gift cards")));
        assertThat(score.logs()).containsExactly("WARN order ORD-7731 scored 1.00 (threshold 0.70)");
        assertThat(node(r, "route").port()).isEqualTo("true");
        assertThat(node(r, "hold").logs()).containsExactly("WARN Holding order ORD-7731: risk 1.0");
        assertThat(node(r, "accept").status()).isEqualTo(NodeStatus.SKIPPED);
    }

    @Test
    void theFraudCheckShouldAcceptASafeOrder() throws Exception {
        TraceReport r = run(FLOWS.resolve("wasm_fraud_check.yaml"), """
                {"id":"ORD-1","amount":40.0,"customer":{"account_age_days":900,"address":{"country":"FR"}},
                 "device":{"ip_country":"FR"},"items":[{"category":"book","qty":1}]}""");
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(json(node(r, "score"))).isEqualTo(Map.of("id", "ORD-1", "amount", 40.0, "risk_score", 0.0,
                "flagged", false, "reasons", List.of()));
        assertThat(node(r, "accept").logs()).containsExactly("INFO Accepting order ORD-1: risk 0.0");
        assertThat(node(r, "hold").status()).isEqualTo(NodeStatus.SKIPPED);
    }

    @Test
    void theOrderRouterShouldFireValidForACleanOrder() throws Exception {
        TraceReport r = run(FLOWS.resolve("wasm_order_router.yaml"), Files.readString(INPUTS.resolve("order_router.json")));
        assertThat(r.status()).as(r.toJson()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(r, "normalise").port()).isEqualTo("valid");
        assertThat(node(r, "accepted").logs()).containsExactly("INFO Order ORD-88: 2 lines, 39.98 GBP");
        assertThat(node(r, "rejected").status()).isEqualTo(NodeStatus.SKIPPED);
        assertThat(node(r, "crashed").status()).isEqualTo(NodeStatus.SKIPPED);
    }

    @Test
    void theOrderRouterShouldFireInvalidWithTheProblems() throws Exception {
        TraceReport r = run(FLOWS.resolve("wasm_order_router.yaml"), "{\"id\":\"x\",\"email\":\"nobody\",\"items\":[{\"qty\":0}]}");
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(r, "normalise").port()).isEqualTo("invalid");
        assertThat(json(node(r, "normalise"))).isEqualTo(Map.of(
                "problems", List.of("email 'nobody' is not an address", "items[0] needs a positive qty and a price"),
                "order", Map.of("id", "x", "email", "nobody", "items", List.of(Map.of("qty", 0L)))));
        assertThat(node(r, "accepted").status()).isEqualTo(NodeStatus.SKIPPED);
    }

    @Test
    void theMandelbrotNodeShouldComputeInTheFlow() throws Exception {
        TraceReport r = run(FLOWS.resolve("wasm_mandelbrot.yaml"), Files.readString(INPUTS.resolve("mandelbrot.json")));
        assertThat(r.status()).as(r.toJson()).isEqualTo(TraceStatus.COMPLETED);
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) json(node(r, "compute"));
        assertThat(out).containsEntry("width", 160L).containsEntry("height", 120L).containsEntry("max_iter", 500L);
        assertThat((Long) out.get("inside")).isBetween(1500L, 5000L);
        assertThat(node(r, "report").logs()).singleElement().asString()
                .startsWith("INFO " + out.get("inside") + " of 160x120 points inside (checksum ");
    }

    @Test
    void theHandWrittenSizeGateShouldPassASmallEventUnchanged() throws Exception {
        TraceReport r = run(FLOWS.resolve("wasm_size_gate.yaml"), "{\"event\":\"signup\",\"user\":\"ada\"}");
        assertThat(r.status()).as(r.toJson()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(r, "gate").port()).isEqualTo("valid");
        assertThat(node(r, "gate").logs()).containsExactly("INFO passing the value on");
        assertThat(json(node(r, "gate"))).isEqualTo(Map.of("event", "signup", "user", "ada"));
        assertThat(node(r, "accepted").logs()).containsExactly("INFO Accepted signup event");
        assertThat(node(r, "too_large").status()).isEqualTo(NodeStatus.SKIPPED);
    }

    @Test
    void theHandWrittenSizeGateShouldRejectALargeEvent() throws Exception {
        TraceReport r = run(FLOWS.resolve("wasm_size_gate.yaml"), "{\"event\":\"upload\",\"blob\":\"" + "x".repeat(200) + "\"}");
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(r, "gate").port()).isEqualTo("rejected");
        assertThat(json(node(r, "gate"))).isEqualTo(Map.of("rejected", "the value is larger than max_bytes"));
        assertThat(node(r, "too_large").logs()).containsExactly("WARN Dropped an oversized event: the value is larger than max_bytes");
        assertThat(node(r, "accepted").status()).isEqualTo(NodeStatus.SKIPPED);
    }

    @Test
    void aPanickingGuestShouldFireItsNodesErrorPortAfterItsRetries() throws Exception {
        Path flow = flow("panicking", """
                nodes:
                  guest:
                    type: wasm
                    retry: {max_attempts: 2, initial_delay_ms: 1, jitter: false}
                    config: {module: %s}
                  recovered:
                    type: std::log
                    config: {message: "recovered from ${guest.error}"}
                edges:
                  - {from: manual, to: guest}
                  - {from: guest.error, to: recovered}
                """.formatted(GUESTS.resolve("conformance.wasm")));
        TraceReport r = run(flow, "{\"op\":\"panic\"}");
        assertThat(r.status()).as(r.toJson()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(r, "guest").attempts()).isEqualTo(2);
        assertThat(node(r, "recovered").logs()).singleElement().asString()
                .startsWith("INFO recovered from the guest trapped: ").endsWith("[conformance.wasm]");
        TraceReport again = run(flow, "{\"op\":\"echo\",\"still\":\"fine\"}");
        assertThat(again.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(json(node(again, "guest"))).isEqualTo(Map.of("op", "echo", "still", "fine"));
    }

    @Test
    void aRunawayGuestShouldFailOnlyItsTraceAndTheHostShouldKeepServing() throws Exception {
        Path flow = flow("runaway", """
                nodes:
                  guest:
                    type: wasm
                    config: {module: %s, cpu_limit_ms: 150}
                  after:
                    type: std::log
                    config: {message: "after ${guest.op}"}
                edges:
                  - {from: manual, to: guest}
                  - {from: guest, to: after}
                """.formatted(GUESTS.resolve("conformance.wasm")));
        CompiledFlow compiled = engine.load(flow);
        var spinning = engine.start(compiled, null, "{\"op\":\"spin\"}".getBytes(StandardCharsets.UTF_8)).settled();
        TraceReport fine = run(flow, "{\"op\":\"echo\"}");
        assertThat(fine.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(fine, "after").logs()).containsExactly("INFO after echo");

        TraceReport spun = spinning.toCompletionStage().toCompletableFuture().get(20, SECONDS);
        assertThat(spun.status()).isEqualTo(TraceStatus.FAILED);
        assertThat(node(spun, "guest").error())
                .isEqualTo("the guest ran longer than cpu_limit_ms (150 ms) and was stopped [conformance.wasm]");
        assertThat(node(spun, "after").status()).isNotEqualTo(NodeStatus.COMPLETED);
    }

    @Test
    void aMissingModuleShouldBeADeployErrorAtTheNode() throws Exception {
        Path flow = flow("missing", """
                nodes:
                  guest:
                    type: wasm
                    config: {module: nodes/absent.wasm}
                edges:
                  - {from: manual, to: guest}
                """);
        assertThatThrownBy(() -> engine.load(flow)).isInstanceOf(FlowException.class)
                .hasMessageContaining("missing.yaml:")
                .hasMessageContaining("node 'guest' (wasm) cannot be created: WASM module " + flowDir.resolve("nodes/absent.wasm")
                        + " does not exist");
    }

    // ---- helpers ----

    static Path flow(String name, String body) throws Exception {
        return GuestFlows.flow(flowDir, name, body);
    }

    static TraceReport run(Path flow, String input) throws Exception {
        return GuestFlows.run(engine, flow, input, 30);
    }

    static NodeReport node(TraceReport r, String id) {
        return GuestFlows.node(r, id);
    }

    static Object json(NodeReport n) {
        return GuestFlows.json(n);
    }
}
