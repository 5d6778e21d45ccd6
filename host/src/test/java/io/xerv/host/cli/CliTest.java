package io.xerv.host.cli;

import io.xerv.arena.ValueCodec;
import io.xerv.plugin.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class CliTest {

    static final Path ORDER_FLOW = Path.of("../examples/flows/order_processing.yaml");

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = XervCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    static String golden(String name) throws IOException {
        return Files.readString(Path.of("src/test/resources/golden", name), StandardCharsets.UTF_8);
    }

    Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void runPrintsTheTraceAsJsonAndExitsZero() {
        Result r = run("run", ORDER_FLOW.toString(), "--input", "{\"id\":\"o-1\",\"amount\":120.5,\"risk_score\":0.93}",
                "--output", "json");
        assertThat(r.code()).isEqualTo(XervCli.OK);
        Value doc = ValueCodec.parseJson(r.out());
        assertThat(doc.get("status").asString()).isEqualTo("completed");
        assertThat(doc.get("pipeline").asString()).isEqualTo("order_processing");
        Value nodes = doc.get("nodes");
        assertThat(nodes.size()).isEqualTo(6);
        assertThat(nodes.get(1).get("id").asString()).isEqualTo("fraud_check");
        assertThat(nodes.get(1).get("port").asString()).isEqualTo("true");
        assertThat(nodes.get(2).get("status").asString()).isEqualTo("skipped");
        assertThat(nodes.get(3).get("status").asString()).isEqualTo("completed");
        assertThat(nodes.get(0).get("micros").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(doc.get("result").get("id").asString()).isEqualTo("o-1");
    }

    @Test
    void runShowsEveryNodeInText() {
        Result r = run("run", ORDER_FLOW.toString(), "--input", "{\"id\":\"o-2\",\"amount\":5,\"risk_score\":0.1}");
        assertThat(r.code()).isEqualTo(XervCli.OK);
        assertThat(r.out()).contains("completed").contains("process_normal").contains("INFO Processing normal order o-2")
                .contains("result: {\"amount\":5,\"id\":\"o-2\",\"risk_score\":0.1}");
        assertThat(r.out()).containsPattern("flag_suspicious +std::log +skipped");
    }

    @Test
    void runRejectsMalformedInputWithAMessage() {
        Result r = run("run", ORDER_FLOW.toString(), "--input", "{\"id\":");
        assertThat(r.code()).isEqualTo(XervCli.USAGE);
        assertThat(r.err()).startsWith("xerv run: --input: malformed JSON at line 1, column 7");
        assertThat(r.err()).doesNotContain("Exception");
    }

    @Test
    void runRejectsAnUnknownTriggerAndAMissingInputFile() {
        Result r = run("run", ORDER_FLOW.toString(), "--trigger", "nope");
        assertThat(r.code()).isEqualTo(XervCli.USAGE);
        assertThat(r.err()).contains("flow 'order_processing' has no trigger 'nope'; triggers: api_webhook, manual");
        Result f = run("run", ORDER_FLOW.toString(), "--input", "@/no/such/file.json");
        assertThat(f.code()).isEqualTo(XervCli.USAGE);
        assertThat(f.err()).contains("--input: no such file /no/such/file.json");
    }

    @Test
    void runOfAFailingTraceExitsOne() throws IOException {
        Path flow = write("fails.yaml", """
                name: fails
                nodes:
                  need: {type: std::json_dynamic, config: {required_fields: [id]}}
                """);
        Result r = run("run", flow.toString(), "--input", "{}", "--output", "json");
        assertThat(r.code()).isEqualTo(XervCli.FAILED);
        Value doc = ValueCodec.parseJson(r.out());
        assertThat(doc.get("status").asString()).isEqualTo("failed");
        assertThat(doc.get("error").asString()).contains("node 'need' failed").contains("id");
    }

    @Test
    void runOfASuspendedTraceExitsThree() throws IOException {
        Path flow = write("waits.yaml", """
                name: waits
                nodes:
                  ask: {type: std::wait, config: {hook_id: "h-${trace.id}"}}
                """);
        Result r = run("run", flow.toString());
        assertThat(r.code()).isEqualTo(XervCli.SUSPENDED);
        assertThat(r.out()).contains("suspended, waiting on hook h-");
    }

    @Test
    void runWithAnInvalidFlowPrintsLineAndColumn() throws IOException {
        Path flow = write("bad.yaml", """
                name: bad
                nodes:
                  a: {type: std::swtich}
                """);
        Result r = run("run", flow.toString());
        assertThat(r.code()).isEqualTo(XervCli.USAGE);
        assertThat(r.err()).isEqualTo(flow + ":3:13: node 'a': unknown node type 'std::swtich' (did you mean 'std::switch'?)\n");
    }

    @Test
    void validatePrintsASummaryForValidFlows() {
        Result r = run("validate", ORDER_FLOW.toString());
        assertThat(r.code()).isEqualTo(XervCli.OK);
        assertThat(r.out()).isEqualTo(ORDER_FLOW + ": valid: flow 'order_processing' version 1.0, 6 nodes, 8 edges, 2 triggers\n");
    }

    @Test
    void validateReportsEveryProblemAsFileLineColumn() throws IOException {
        Path flow = write("broken.yaml", golden("broken-flow.yaml"));
        Result r = run("validate", flow.toString(), ORDER_FLOW.toString());
        assertThat(r.code()).isEqualTo(XervCli.FAILED);
        assertThat(r.err().replace(flow.toString(), "broken.yaml")).isEqualTo(golden("broken-flow.errors"));
        assertThat(r.out()).endsWith("1 of 2 flows valid\n");
    }

    @Test
    void inspectShowsTheArenaOfAKeptTrace() throws IOException {
        Path data = tmp.resolve("data");
        Result r = run("run", ORDER_FLOW.toString(), "--data-dir", data.toString(), "--input", "{\"id\":\"o-9\",\"risk_score\":0.2}",
                "--output", "json");
        assertThat(r.code()).isZero();
        String traceId = ValueCodec.parseJson(r.out()).get("traceId").asString();
        Path slab;
        try (Stream<Path> files = Files.list(data.resolve("arenas"))) {
            slab = files.filter(p -> p.getFileName().toString().startsWith("slab-")).findFirst().orElseThrow();
        }
        Result i = run("inspect", slab.toString(), "--trace", traceId);
        assertThat(i.code()).isZero();
        assertThat(i.out()).contains("arena " + traceId).contains("state finished")
                .contains("pipeline order_processing@1.0, trigger manual, config {\"fraud_threshold\":0.8}")
                .contains("1 entries").contains("host     {\"id\":\"o-9\",\"risk_score\":0.2}");
    }

    @Test
    void inspectRejectsFilesThatAreNotArenas() throws IOException {
        Path junk = write("junk.bin", "not an arena at all, just text that is long enough to hold a header".repeat(10));
        Result r = run("inspect", junk.toString());
        assertThat(r.code()).isEqualTo(XervCli.USAGE);
        assertThat(r.err()).contains("is not an arena file");
        assertThat(run("inspect", tmp.resolve("missing.xa").toString()).err()).contains("no such file");
    }

    @Test
    void inspectOfADataDirShowsWalRecordsBesideArenaValues() throws IOException {
        Path data = tmp.resolve("data");
        Result r = run("run", ORDER_FLOW.toString(), "--data-dir", data.toString(), "--input",
                "{\"id\":\"o-3\",\"risk_score\":0.99}", "--output", "json");
        String traceId = ValueCodec.parseJson(r.out()).get("traceId").asString();
        Result list = run("inspect", "--data-dir", data.toString());
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains(traceId).contains("order_processing").contains("trace_complete");
        Result one = run("inspect", "--data-dir", data.toString(), "--trace", traceId);
        assertThat(one.code()).isZero();
        assertThat(one.out()).contains("TRACE_START").contains("payload @")
                .containsPattern("NODE_DONE +run 1 node #1 port true @\\d+ = \\{\"id\":\"o-3\",\"risk_score\":0.99\\}")
                .contains("TRACE_COMPLETE").contains("arena: state finished");
        assertThat(run("inspect", "--data-dir", tmp.resolve("nothing").toString()).err()).contains("holds no write-ahead log");
        assertThat(run("inspect").err()).contains("give either an ARENA_FILE or --data-dir DIR");
    }

    @Test
    void replayMatchesTheRecordingAndReportsWhatAChangedFlowDoesDifferently() throws IOException {
        Path data = tmp.resolve("data");
        Path flow = write("orders.yaml", Files.readString(ORDER_FLOW));
        Result r = run("run", flow.toString(), "--data-dir", data.toString(), "--input",
                "{\"id\":\"o-4\",\"risk_score\":0.9}", "--output", "json");
        String traceId = ValueCodec.parseJson(r.out()).get("traceId").asString();
        Result same = run("replay", traceId, "--data-dir", data.toString(), "--flow", flow.toString());
        assertThat(same.code()).isZero();
        assertThat(same.out()).contains("all outputs match the recording");

        Files.writeString(flow, Files.readString(ORDER_FLOW).replace("fraud_threshold: 0.8", "fraud_threshold: 0.95"));
        Result changed = run("replay", traceId, "--data-dir", data.toString(), "--flow", flow.toString());
        assertThat(changed.code()).isEqualTo(XervCli.FAILED);
        assertThat(changed.err()).contains("flow digest differs");
        assertThat(changed.out()).contains("fraud_check (run 1): recorded port true").contains("replayed port false");

        assertThat(run("replay", java.util.UUID.randomUUID().toString(), "--data-dir", data.toString(), "--flow",
                flow.toString()).err()).contains("holds no records of trace");
    }

    @Test
    void runWithADataDirPicksUpItsUnfinishedTraces() throws IOException {
        Path data = tmp.resolve("data");
        Path flow = write("waits.yaml", """
                name: waits
                nodes:
                  ask: {type: std::wait, config: {hook_id: "h-${trace.id}"}}
                """);
        assertThat(run("run", flow.toString(), "--data-dir", data.toString()).code()).isEqualTo(XervCli.SUSPENDED);
        Result again = run("run", flow.toString(), "--data-dir", data.toString());
        assertThat(again.err()).contains("recovering 1 unfinished trace(s) of waits").contains(": suspended");
        assertThat(run("run", flow.toString(), "--data-dir", data.toString(), "--durability", "sometimes").err())
                .contains("--durability: durability 'sometimes' is not one of fsync, batch:<ms> (e.g. batch:5), none");
    }

    @Test
    void nodesListsEveryStdNode() {
        Result r = run("nodes");
        assertThat(r.code()).isZero();
        for (String t : new String[] {"log", "switch", "merge", "loop", "split", "map", "concat", "aggregate",
                "json_dynamic", "wait", "http"}) {
            assertThat(r.out()).contains("std::" + t + " ");
        }
    }

    @Test
    void unknownCommandsAndOptionsAreUsageErrors() {
        assertThat(run("frobnicate").code()).isEqualTo(XervCli.USAGE);
        assertThat(run("run").err()).contains("Missing required parameter: 'FLOW'");
        assertThat(run("run", ORDER_FLOW.toString(), "--output", "xml").err()).contains("--output must be text or json");
    }
}
