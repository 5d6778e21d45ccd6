package io.xerv.host.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

import io.vertx.core.Future;
import io.xerv.arena.ValueCodec;
import io.xerv.plugin.Value;
import io.xerv.plugin.ValueType;
import io.xerv.plugin.Values;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every flow in {@code corpus/valid} with its sibling {@code NAME.input.json} (default {@code {}})
 * and checks the trace against {@code NAME.expected.json}, a partial description where only the keys
 * present are checked:
 *
 * <pre>{@code
 * {"trigger": "hook",                     // optional: the trigger to fire (default: the flow's own choice)
 *  "resume": {"decision": "approve",      // optional: resume the trace's first suspension, then
 *             "payload": {...}},          //   wait for it to end
 *  "await": "completion",                 // optional: wait for the end, not just a suspension
 *  "status": "completed",
 *  "error": "node 'x' failed: ...",       // the trace's failure message
 *  "nodes": {"id": {"status": "completed", "port": "out", "output": ..., "runs": 1,
 *                   "attempts": 1, "error": "...", "logs": ["INFO ..."]}},
 *  "result": ...}
 * }</pre>
 *
 * <p>Values compare structurally; an int and a float are equal when their numeric values are. Flows
 * listed in {@link #KNOWN_BUGS} are reported as skipped with the reason, not run.
 */
class CorpusTest {

    static final Path VALID = Path.of("src/test/resources/corpus/valid");

    /** Corpus files that show a bug not fixed yet: name -> what goes wrong. */
    static final Map<String, String> KNOWN_BUGS = Map.of();

    private static final Value NO_LOGS = ValueCodec.parseJson("[]");

    @TempDir
    static Path dataDir;

    static Engine engine;

    @BeforeAll
    static void startEngine() {
        engine = Engine.start(EngineConfig.defaults(dataDir).withEventLoops(2));
    }

    @AfterAll
    static void stopEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> validFlowsShouldRunAsTheirExpectedFilesSay() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(VALID)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(25);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
    }

    private static void check(Path yaml) throws Exception {
        String name = yaml.getFileName().toString().replaceFirst("\\.yaml$", "");
        if (KNOWN_BUGS.containsKey(name)) {
            abort("known bug: " + KNOWN_BUGS.get(name));
        }
        Path expectedFile = yaml.resolveSibling(name + ".expected.json");
        assertThat(expectedFile).as("expected file for %s", yaml).exists();
        Value expected = ValueCodec.parseJson(Files.readString(expectedFile));
        Path inputFile = yaml.resolveSibling(name + ".input.json");
        byte[] input = Files.exists(inputFile) ? Files.readAllBytes(inputFile) : "{}".getBytes(StandardCharsets.UTF_8);

        CompiledFlow flow = engine.load(yaml);
        String trigger = expected.get("trigger") == null ? null : expected.get("trigger").asString();
        TraceHandle handle = engine.start(flow, trigger, input);
        TraceReport report;
        Value resume = expected.get("resume");
        if (resume != null) {
            TraceReport waiting = await(handle.settled());
            assertThat(waiting.suspendedHooks()).as("suspensions of %s before the resume\n%s", name, waiting.toJson())
                    .isNotEmpty();
            Value payload = resume.get("payload");
            await(engine.resume(waiting.suspendedHooks().get(0), resume.get("decision").asString(),
                    payload == null ? Values.NULL : payload));
            report = await(handle.completion());
        } else if (expected.get("await") != null && expected.get("await").asString().equals("completion")) {
            report = await(handle.completion());
        } else {
            report = await(handle.settled());
        }

        List<String> mismatches = new ArrayList<>();
        Value actual = ValueCodec.parseJson(report.toJson());
        for (String key : List.of("status", "error", "result")) {
            if (expected.get(key) != null) {
                compare(key, expected.get(key), actual.get(key), mismatches);
            }
        }
        Value nodes = expected.get("nodes");
        if (nodes != null) {
            for (int i = 0; i < nodes.size(); i++) {
                String id = nodes.keyAt(i);
                Value want = nodes.valueAt(i);
                Value got = nodeById(actual.get("nodes"), id);
                if (got == null) {
                    mismatches.add("nodes." + id + ": no such node in the report");
                    continue;
                }
                for (int k = 0; k < want.size(); k++) {
                    String key = want.keyAt(k);
                    Value value = got.get(key);
                    if (value == null && key.equals("logs")) {
                        value = NO_LOGS; // the report leaves out an empty list of logs
                    }
                    compare("nodes." + id + "." + key, want.valueAt(k), value, mismatches);
                }
            }
        }
        assertThat(mismatches).as("%s differs from %s\nreport: %s", name, expectedFile, report.toJson()).isEmpty();
    }

    private static Value nodeById(Value nodes, String id) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).get("id").asString().equals(id)) {
                return nodes.get(i);
            }
        }
        return null;
    }

    /** Adds a line per difference: structural equality, numbers by numeric value. */
    static void compare(String path, Value want, Value got, List<String> out) {
        if (got == null) {
            got = Values.NULL;
        }
        if (want.isNumber() && got.isNumber()) {
            boolean same = want.type() == ValueType.INT && got.type() == ValueType.INT
                    ? want.asLong() == got.asLong()
                    : Double.compare(want.asDouble(), got.asDouble()) == 0;
            if (!same) {
                out.add(path + ": expected " + Values.toJson(want) + " but was " + Values.toJson(got));
            }
            return;
        }
        if (want.type() != got.type()) {
            out.add(path + ": expected " + Values.toJson(want) + " but was " + Values.toJson(got));
            return;
        }
        switch (want.type()) {
            case LIST -> {
                if (want.size() != got.size()) {
                    out.add(path + ": expected " + want.size() + " items " + Values.toJson(want) + " but was "
                            + got.size() + " items " + Values.toJson(got));
                    return;
                }
                for (int i = 0; i < want.size(); i++) {
                    compare(path + "[" + i + "]", want.get(i), got.get(i), out);
                }
            }
            case MAP -> {
                for (int i = 0; i < want.size(); i++) {
                    compare(path + "." + want.keyAt(i), want.valueAt(i), got.get(want.keyAt(i)), out);
                }
                for (int i = 0; i < got.size(); i++) {
                    if (want.get(got.keyAt(i)) == null) {
                        out.add(path + ": unexpected key '" + got.keyAt(i) + "' = " + Values.toJson(got.valueAt(i)));
                    }
                }
            }
            default -> {
                if (!Values.equal(want, got)) {
                    out.add(path + ": expected " + Values.toJson(want) + " but was " + Values.toJson(got));
                }
            }
        }
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
