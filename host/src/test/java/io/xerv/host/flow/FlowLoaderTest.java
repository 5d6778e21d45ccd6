package io.xerv.host.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.xerv.host.plugin.NodeRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlowLoaderTest {

    static final String ORDER_PROCESSING = """
            name: order_processing
            version: "1.0"
            triggers:
              - id: api_webhook
                type: webhook
                params: {path: /api/orders, method: POST}
              - id: manual
                type: manual
            nodes:
              validate_order: {type: std::log, config: {message: "Validating order ${trigger.id}"}}
              fraud_check:
                type: std::switch
                config: {condition: {type: greater_than, field: risk_score, value: "${pipeline.config.fraud_threshold}"}}
              process_normal: {type: std::log, config: {message: "Processing normal order"}}
              flag_suspicious: {type: std::log, config: {message: "Flagging suspicious order"}}
              notify_complete: {type: std::merge, config: {strategy: all}}
              final_log: {type: std::log, config: {message: "Order ${validate_order.id} done"}}
            edges:
              - {from: api_webhook, to: validate_order}
              - {from: validate_order, to: fraud_check}
              - {from: fraud_check.false, to: process_normal}
              - {from: fraud_check.true, to: flag_suspicious}
              - {from: process_normal, to: notify_complete}
              - {from: flag_suspicious, to: notify_complete}
              - {from: notify_complete, to: final_log}
            settings: {max_concurrent_executions: 100, execution_timeout_ms: 30000}
            config: {fraud_threshold: 0.8}
            """;

    static final NodeRegistry REGISTRY = TestRegistry.std();

    static FlowDefinition parse(String yaml) throws FlowException {
        return FlowLoader.parse("flow.yaml", yaml, REGISTRY);
    }

    static List<String> errors(String yaml, FlowLimits limits) {
        FlowException e = catchThrowableOfType(FlowException.class, () -> FlowLoader.parse("flow.yaml", yaml, REGISTRY, limits));
        assertThat(e).as("expected the flow to be rejected").isNotNull();
        return e.errors().stream().map(FlowError::toString).toList();
    }

    @Test
    void seedFlowShouldLoadIntoTheModel() throws FlowException {
        FlowDefinition f = parse(ORDER_PROCESSING);

        assertThat(f.name()).isEqualTo("order_processing");
        assertThat(f.version()).isEqualTo("1.0");
        assertThat(f.source()).isEqualTo("flow.yaml");
        assertThat(f.triggers()).extracting(TriggerDef::id).containsExactly("api_webhook", "manual");
        assertThat(f.triggers().get(0).params())
                .containsEntry("path", "/api/orders").containsEntry("method", "POST").containsEntry("mode", "sync");
        assertThat(f.triggers().get(1).params()).containsEntry("buffer_size", 10L);
        assertThat(f.nodes().keySet()).containsExactly("validate_order", "fraud_check", "process_normal",
                "flag_suspicious", "notify_complete", "final_log");
        assertThat(f.edges()).hasSize(7);
        assertThat(f.edges().get(2)).satisfies(e -> {
            assertThat(e.from()).isEqualTo("fraud_check");
            assertThat(e.fromPort()).isEqualTo("false");
            assertThat(e.to()).isEqualTo("process_normal");
            assertThat(e.toPort()).isEqualTo("in");
            assertThat(e.loopBack()).isFalse();
            assertThat(e.condition()).isNull();
            assertThat(e.mark()).isEqualTo(new Mark("flow.yaml", 21, 5));
        });
        assertThat(f.settings().maxConcurrentExecutions()).isEqualTo(100);
        assertThat(f.settings().executionTimeoutMs()).isEqualTo(30_000);
        assertThat(f.settings().circuitBreakerFailureThreshold()).isEqualTo(5);
        assertThat(f.config()).containsEntry("fraud_threshold", 0.8);
        assertThat(f.edgesFrom("fraud_check")).hasSize(2);
        assertThat(f.edgesTo("notify_complete")).hasSize(2);
    }

    @Test
    void seedFlowShouldLoadWithTheRealStdPlugin() throws FlowException {
        NodeRegistry std = NodeRegistry.load();
        org.junit.jupiter.api.Assumptions.assumeTrue(std.find("std::switch").isPresent(), "plugins-std on the class path");

        FlowDefinition f = FlowLoader.parse("order.yaml", ORDER_PROCESSING, std);

        assertThat(f.nodes()).hasSize(6);
    }

    @Test
    void nodeShouldKeepItsConfigAsPlainJavaWithMarks() throws FlowException {
        NodeDef n = parse(ORDER_PROCESSING).nodes().get("fraud_check");

        assertThat(n.type()).isEqualTo("std::switch");
        assertThat(n.config()).isEqualTo(Map.of("condition",
                Map.of("type", "greater_than", "field", "risk_score", "value", "${pipeline.config.fraud_threshold}")));
        assertThat(n.mark()).isEqualTo(new Mark("flow.yaml", 11, 3));
        assertThat(n.typeMark()).isEqualTo(new Mark("flow.yaml", 12, 11));
        assertThat(n.configMarks()).containsKeys("", "condition", "condition.type", "condition.value");
        assertThat(n.configMark("condition.value")).isEqualTo(new Mark("flow.yaml", 13, 72));
        assertThat(n.configMark("condition.missing")).isEqualTo(n.configMark("condition"));
        assertThat(n.timeoutMs()).isNull();
        assertThat(n.retry()).isNull();
        assertThat(n.enabled()).isTrue();
        assertThat(n.description()).isEmpty();
    }

    @Test
    void defaultsShouldBeFilledIn() throws FlowException {
        FlowDefinition f = parse("""
                name: minimal
                triggers:
                  - {id: hook, type: trigger::webhook}
                  - {id: tick, type: cron, params: {schedule: "0 */5 * * * *"}}
                  - {id: q, type: queue}
                  - {id: m, type: memory, enabled: false}
                  - {id: files, type: filesystem, params: {path: /data/in}}
                nodes:
                  a:
                    type: std::http
                    timeout_ms: 500
                    retry: {max_attempts: 5}
                    description: calls out
                  b: {type: std::log, enabled: false, config: {n: 1, f: 2.5, t: true, z: ~, q: "7", l: [1, x]}}
                edges:
                  - {from: hook, to: a}
                  - {from: a.error, to: b, condition: "${a.status} >= 500", description: failures}
                """);

        assertThat(f.version()).isEqualTo("1.0");
        assertThat(f.description()).isEmpty();
        assertThat(f.settings()).isEqualTo(FlowSettings.DEFAULT);
        assertThat(f.config()).isEmpty();
        TriggerDef hook = f.triggers().get(0);
        assertThat(hook.type()).isEqualTo("webhook");
        assertThat(hook.params()).containsEntry("path", "/minimal").containsEntry("method", "POST").containsEntry("mode", "sync");
        assertThat(f.triggers().get(1).params()).containsEntry("timezone", "UTC");
        assertThat(f.triggers().get(2).params()).containsEntry("buffer_size", 100L);
        assertThat(f.triggers().get(3).params()).containsEntry("buffer_size", 1000L);
        assertThat(f.triggers().get(3).enabled()).isFalse();
        assertThat(f.triggers().get(4).params()).containsEntry("events", List.of("create", "modify", "delete"))
                .containsEntry("recursive", false);
        NodeDef a = f.nodes().get("a");
        assertThat(a.timeoutMs()).isEqualTo(500L);
        assertThat(a.retry()).isEqualTo(new RetryPolicy(5, 1000, 30_000, 2.0, true));
        assertThat(a.description()).isEqualTo("calls out");
        NodeDef b = f.nodes().get("b");
        assertThat(b.enabled()).isFalse();
        Map<?, ?> cfg = (Map<?, ?>) b.config();
        assertThat(cfg.get("n")).isEqualTo(1L);
        assertThat(cfg.get("f")).isEqualTo(2.5);
        assertThat(cfg.get("t")).isEqualTo(true);
        assertThat(cfg.containsKey("z")).isTrue();
        assertThat(cfg.get("z")).isNull();
        assertThat(cfg.get("q")).isEqualTo("7");
        assertThat(cfg.get("l")).isEqualTo(List.of(1L, "x"));
        assertThat(f.edges().get(1).fromPort()).isEqualTo("error");
        assertThat(f.edges().get(1).condition()).isEqualTo("${a.status} >= 500");
        assertThat(f.edges().get(1).description()).isEqualTo("failures");
    }

    @Test
    void nodeWithoutConfigShouldGetAnEmptyMap() throws FlowException {
        NodeDef n = parse("name: x\nnodes:\n  a: {type: std::log}\n").nodes().get("a");

        assertThat(n.config()).isEqualTo(Map.of());
        assertThat(n.configMarks()).isEmpty();
        assertThat(n.configMark("")).isEqualTo(n.mark());
    }

    @Test
    void loopWithLoopBackEdgeShouldLoad() throws FlowException {
        FlowDefinition f = parse("""
                name: loops
                nodes:
                  start: {type: std::log}
                  loop: {type: std::loop, config: {max_iterations: 3}}
                  body: {type: std::log, config: {message: "${loop.index} ${start}"}}
                  check: {type: std::switch, config: {expression: "x"}}
                  after: {type: std::log, config: {message: "${loop}"}}
                edges:
                  - {from: start, to: loop}
                  - {from: loop.continue, to: body}
                  - {from: body, to: check}
                  - {from: check.true, to: loop, loop_back: true}
                  - {from: loop.exit, to: after}
                """);

        assertThat(f.edges().get(3).loopBack()).isTrue();
    }

    @Test
    void unreachableNodesAndDisabledNodesInEdgesShouldBeFine() throws FlowException {
        FlowDefinition f = parse("""
                name: islands
                nodes:
                  a: {type: std::log}
                  b: {type: std::log, enabled: false}
                  island: {type: std::log}
                edges:
                  - {from: a, to: b}
                """);

        assertThat(f.nodes()).containsKey("island");
    }

    @Test
    void versionMayBeANumberAndKeepsItsText() throws FlowException {
        assertThat(parse("name: v\nversion: 2.10\nnodes:\n  a: {type: std::log}\n").version()).isEqualTo("2.10");
    }

    @Test
    void selectorEscapeAndTriggerAndTraceSelectorsShouldPass() throws FlowException {
        parse("""
                name: sel
                nodes:
                  a: {type: std::log, config: {message: "$${a.b} ${trigger} ${trace.id} ${trigger.body[0]}"}}
                """);
    }

    @Test
    void metadataShouldBeAcceptedAndIgnored() throws FlowException {
        parse("name: m\nmetadata: {ui: {canvas: {zoom: 1}}, anything: [1]}\nnodes:\n  a: {type: std::log}\n");
    }

    @Test
    void errorsShouldNameFileLineAndColumnAndBeSorted() {
        FlowException e = catchThrowableOfType(FlowException.class, () -> FlowLoader.parse("x.yaml", """
                nodes:
                  b: {type: std::nope}
                  a: {type: std::log, bogus: 1}
                name: "a b"
                """, REGISTRY));

        assertThat(e.getMessage()).isEqualTo("""
                x.yaml:2:13: node 'b': unknown node type 'std::nope'
                x.yaml:3:23: node 'a': unknown key 'bogus'; expected one of type, config, timeout_ms, retry, enabled, description
                x.yaml:4:7: name 'a b' may only contain letters, digits, '_', '.' and '-'""");
    }

    @Test
    void tooManyNodesShouldBeRejected() {
        assertThat(errors("name: n\nnodes:\n  a: {type: std::log}\n  b: {type: std::log}\n  c: {type: std::log}\n",
                FlowLimits.DEFAULT.withMaxNodes(2)))
                .containsExactly("flow.yaml:3:3: too many nodes: 3; the limit is 2");
    }

    @Test
    void tooManyEdgesShouldBeRejected() {
        assertThat(errors("name: n\nnodes:\n  a: {type: std::log}\n  b: {type: std::log}\nedges:\n  - {from: a, to: b}\n  - {from: a, to: b, condition: 'true'}\n",
                FlowLimits.DEFAULT.withMaxEdges(1)))
                .containsExactly("flow.yaml:6:3: too many edges: 2; the limit is 1");
    }

    @Test
    void tooManyTriggersShouldBeRejected() {
        assertThat(errors("name: n\ntriggers:\n  - {id: a, type: manual}\n  - {id: b, type: manual}\nnodes:\n  x: {type: std::log}\n",
                FlowLimits.DEFAULT.withMaxTriggers(1)))
                .containsExactly("flow.yaml:3:3: too many triggers: 2; the limit is 1");
    }

    @Test
    void longStringsShouldBeRejected() {
        assertThat(errors("name: n\nnodes:\n  x: {type: std::log, config: {message: " + "y".repeat(11) + "}}\n",
                FlowLimits.DEFAULT.withMaxStringLength(10)))
                .containsExactly("flow.yaml:3:41: string is 11 characters long; the limit is 10");
    }

    @Test
    void deepNestingShouldBeRejectedBeforeComposing() {
        String deep = "[".repeat(200_000) + "]".repeat(200_000);
        assertThat(errors("name: n\nnodes:\n  x: {type: std::log, config: {v: " + deep + "}}\n", FlowLimits.DEFAULT))
                .containsExactly("flow.yaml:3:95: nesting is deeper than 64 levels");
    }

    @Test
    void tooManyAliasesShouldBeRejected() {
        StringBuilder y = new StringBuilder("name: n\nbase: &b [1]\nnodes:\n  x: {type: std::log, config: {v: [");
        for (int i = 0; i < 60; i++) {
            y.append(i == 0 ? "" : ", ").append("*b");
        }
        y.append("]}}\n");
        assertThat(errors(y.toString(), FlowLimits.DEFAULT)).singleElement().asString()
                .endsWith(": more than 50 aliases");
    }

    @Test
    void aliasBombsShouldBeStoppedByTheValueBudget() {
        StringBuilder y = new StringBuilder("name: n\nmetadata:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i <= 8; i++) {
            y.append("  l").append(i).append(": &l").append(i).append(" [");
            for (int j = 0; j < 5; j++) {
                y.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
            }
            y.append("]\n");
        }
        y.append("nodes:\n  a: {type: std::log}\n");
        assertThat(errors(y.toString(), FlowLimits.DEFAULT)).singleElement().asString()
                .contains("the file expands to more than 200000 values");
    }

    @Test
    void oversizedTextShouldBeRejectedAtTheFirstLine() {
        assertThat(errors("name: n\nnodes:\n  a: {type: std::log}\n", FlowLimits.DEFAULT.withMaxFileBytes(10)))
                .containsExactly("flow.yaml:1:1: the file is 37 bytes; the limit is 10");
    }

    @Test
    void oversizedFileShouldBeRejectedWithoutParsing(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("big.yaml");
        Files.writeString(f, "# " + "x".repeat((1 << 20) + 10));
        FlowException e = catchThrowableOfType(FlowException.class, () -> FlowLoader.load(f, REGISTRY));
        assertThat(e.errors()).singleElement()
                .isEqualTo(new FlowError(Mark.start(f.toString()), "the file is 1048588 bytes; the limit is 1048576"));
    }

    @Test
    void fileShouldLoadFromDisk(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("order.yaml");
        Files.writeString(f, ORDER_PROCESSING);
        assertThat(FlowLoader.load(f, REGISTRY).source()).isEqualTo(f.toString());
    }

    @Test
    void invalidUtf8ShouldBeReported(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.write(f, new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xC3, (byte) 0x28});
        FlowException e = catchThrowableOfType(FlowException.class, () -> FlowLoader.load(f, REGISTRY));
        assertThat(e.errors()).singleElement().extracting(FlowError::message).isEqualTo("the file is not valid UTF-8");
    }

    @Test
    void missingFileShouldBeAFlowError(@TempDir Path dir) {
        FlowException e = catchThrowableOfType(FlowException.class, () -> FlowLoader.load(dir.resolve("nope.yaml"), REGISTRY));
        assertThat(e.errors()).singleElement().extracting(FlowError::message).asString().startsWith("cannot read the file");
    }

    @Test
    void factoryThatThrowsShouldBecomeAnError() {
        NodeRegistry r = new NodeRegistry(List.of(TestRegistry.stub("x::boom", List.of("out"), c -> {
            throw new IllegalStateException("bug");
        })));
        FlowException e = catchThrowableOfType(FlowException.class,
                () -> FlowLoader.parse("f.yaml", "name: n\nnodes:\n  a: {type: x::boom, config: {k: 1}}\n", r));
        assertThat(e.errors()).singleElement().hasToString(
                "f.yaml:3:30: node 'a': x::boom failed to validate its config: java.lang.IllegalStateException: bug");
    }
}
