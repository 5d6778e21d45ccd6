package io.xerv.host.fuzz;

import io.xerv.host.flow.FlowDefinition;
import io.xerv.host.flow.FlowError;
import io.xerv.host.flow.FlowException;
import io.xerv.host.flow.FlowLoader;
import io.xerv.host.plugin.NodeRegistry;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target for the flow loader ({@link FlowLoader#parse}): edits of the example flows, random
 * documents over a flow's keys, and pathological YAML. Every input yields a {@link FlowDefinition} or
 * a {@link FlowException} whose every error is {@code file:line:col: message} at a place in the text;
 * nothing else is thrown.
 *
 * <p>The seeds are the example flows that need no guest module or script (those compile code on
 * every parse and are covered by their bridges' tests).
 */
class FlowYamlFuzzProperties {

    static final String SOURCE = "fuzz/flow.yaml";
    static final NodeRegistry REGISTRY = NodeRegistry.load();
    static final List<String> SEEDS = seeds();

    static final List<String> KEYS = List.of("name", "version", "description", "triggers", "nodes", "edges", "settings",
            "config", "id", "type", "params", "timeout_ms", "retry", "enabled", "from", "to", "condition", "loop_back", "path",
            "method", "mode", "schedule", "message", "max_iterations", "attempts", "backoff_ms", "max_concurrent_executions",
            "execution_timeout_ms", "a", "b", "trigger");

    private static final int DEFAULT_TRIES = 200;

    @Property(tries = DEFAULT_TRIES)
    void editedExampleFlowsLoadOrNameWhereTheyAreWrong(@ForAll("editedFlows") String yaml) {
        check(yaml);
    }

    @Property(tries = DEFAULT_TRIES)
    void randomDocumentsLoadOrNameWhereTheyAreWrong(@ForAll("randomFlows") String yaml) {
        check(yaml);
    }

    @Property(tries = 60)
    void pathologicalYamlIsAFlowErrorNotACrash(@ForAll("pathologicalFlows") String yaml) {
        check(yaml);
    }

    @Property
    @Tag("soak")
    @AddLifecycleHook(SoakBudget.class)
    void soakFlowYaml(@ForAll("anyFlow") String yaml) {
        check(yaml);
    }

    /** The contract: a definition, or errors each placed in the text. */
    static void check(String yaml) {
        try {
            FlowDefinition def = FlowLoader.parse(SOURCE, yaml, REGISTRY);
            assertThat(def).isNotNull();
            assertThat(def.name()).isNotBlank();
        } catch (FlowException e) {
            assertThat(e.errors()).isNotEmpty();
            for (FlowError err : e.errors()) {
                YamlFuzz.assertPlaced(err.toString(), SOURCE, yaml);
                // The exception's message lists one error per line.
                assertThat(err.message()).as("error message").doesNotContain("\n");
            }
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw new AssertionError("FlowLoader.parse threw " + e.getClass().getName() + " instead of a FlowException", e);
        }
    }

    @Provide
    Arbitrary<String> editedFlows() {
        return YamlFuzz.edited(Arbitraries.of(SEEDS), 4);
    }

    @Provide
    Arbitrary<String> randomFlows() {
        return YamlFuzz.documents(KEYS);
    }

    @Provide
    Arbitrary<String> pathologicalFlows() {
        return YamlFuzz.pathological();
    }

    @Provide
    Arbitrary<String> anyFlow() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, editedFlows()),
                net.jqwik.api.Tuple.of(3, randomFlows()),
                net.jqwik.api.Tuple.of(1, pathologicalFlows()));
    }

    private static List<String> seeds() {
        Path dir = Path.of("../examples/flows");
        try (Stream<Path> files = Files.list(dir)) {
            List<String> out = files.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> !f.getFileName().toString().startsWith("wasm_") && !f.getFileName().toString().startsWith("js_"))
                    .sorted().map(f -> {
                        try {
                            return Files.readString(f);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }).toList();
            if (out.isEmpty()) {
                throw new IllegalStateException("no example flows in " + dir.toAbsolutePath());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
