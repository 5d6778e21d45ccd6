package io.xerv.js;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xerv.plugin.ConfigError;
import io.xerv.plugin.Execution;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.Values;
import io.xerv.plugin.XervPlugin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deploy-time behaviour of the js node type: discovery, config checks, script loading errors, pooling. */
class JsNodeFactoryTest {

    @TempDir
    Path dir;

    @Test
    void theJsTypeShouldBeFoundByServiceLoader() {
        List<String> types = ServiceLoader.load(XervPlugin.class).stream()
                .flatMap(p -> p.get().nodeFactories().stream()).map(NodeFactory::type).toList();
        assertThat(types).contains("js");
        assertThat(new JsNodeFactory().execution()).isEqualTo(Execution.BLOCKING);
    }

    @Test
    void theOptimisingCompilerShouldBeOnUnderTheBuildsJvmFlags() {
        assertThat(JsEngine.shared().implementationName()).isNotEqualTo("Interpreted");
        assertThat(JsEngine.shared().compiled()).isTrue();
    }

    @Test
    void anyWellFormedPortShouldBeAcceptedByEdges() {
        List<String> ports = new JsNodeFactory().outputPorts();
        assertThat(ports).containsExactly("out");
        assertThat(ports.contains("flagged")).isTrue();
        assertThat(ports.contains("error")).isFalse();
        assertThat(ports.contains("bad port")).isFalse();
    }

    @Test
    void aNodeThatListsPortsShouldHaveThoseAndOut() {
        JsNodeFactory f = new JsNodeFactory();
        assertThat(f.outputPorts(Values.mapOf("script", "a.js", "ports", List.of("valid", "invalid"))))
                .containsExactly("out", "valid", "invalid");
        assertThat(f.outputPorts(Values.mapOf("script", "a.js")).contains("anything")).isTrue();
    }

    @Test
    void configProblemsShouldNameTheirKeys() {
        List<ConfigError> errors = new JsNodeFactory().validate(Values.mapOf("script", "a.js", "source", "x",
                "env", List.of("OK", "not ok"), "ports", List.of("error"), "pool_size", 0, "colour", "red"));
        assertThat(errors).extracting(ConfigError::path)
                .containsExactlyInAnyOrder("colour", "source", "env[1]", "ports", "pool_size");
        assertThat(new JsNodeFactory().validate(Values.mapOf())).extracting(ConfigError::message)
                .containsExactly("a js node needs 'script' (a path to a module) or 'source' (inline code)");
        assertThat(new JsNodeFactory().validate(Values.mapOf("script", "x.js", "params", Values.mapOf("a", 1)))).isEmpty();
    }

    @Test
    void aScriptShouldBeResolvedAgainstTheFlowsDirectory() throws Exception {
        Files.createDirectories(dir.resolve("js"));
        Files.writeString(dir.resolve("js/add.js"), "export default (input) => ({ sum: input.a + input.b });\n");
        Node n = Calls.script(dir, "js/add.js");
        try (Calls calls = new Calls(dir)) {
            assertThat(calls.run(n, "{\"a\": 2, \"b\": 3}").output()).isEqualTo(Map.of("sum", 5L));
        }
    }

    @Test
    void aMissingScriptShouldBeADeployErrorNamingThePath() {
        assertThatThrownBy(() -> Calls.script(dir, "js/nope.js"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("script js/nope.js not found (looked for " + dir.resolve("js/nope.js") + ")");
    }

    @Test
    void aSyntaxErrorShouldBeADeployErrorWithFileAndLine() throws Exception {
        Files.writeString(dir.resolve("broken.js"), "export default (input) => {\n  return input.;\n};\n");
        assertThatThrownBy(() -> Calls.script(dir, "broken.js"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("syntax error in broken.js:2: ");
    }

    @Test
    void aThrowAtTheTopLevelShouldBeADeployErrorWithFileAndLine() throws Exception {
        Files.writeString(dir.resolve("top.js"), "const x = 1;\nthrow new Error('no config');\nexport default () => x;\n");
        assertThatThrownBy(() -> Calls.script(dir, "top.js"))
                .hasMessage("script top.js:2 failed to load: Error: no config");
    }

    @Test
    void anImportShouldBeADeployErrorThatSuggestsBundling() {
        assertThatThrownBy(() -> Calls.inline("import _ from 'lodash';\nexport default () => _.identity(1);"))
                .hasMessage("script n.inline.mjs imports 'lodash', and the sandbox has no file system (only "
                        + "'@xerv/sdk-js-guest' can be imported there): bundle the node and its npm libraries into one "
                        + "script with `npx xerv-bundle`")
                .hasMessageContaining("npx xerv-bundle");
    }

    @Test
    void theSdkItselfShouldBeImportableWithoutBundling() {
        Node n = Calls.inline("""
                import { defineNode, toJS } from '@xerv/sdk-js-guest';
                export default defineNode((input) => ({ copy: toJS(input), isPlain: !Array.isArray(toJS(input)) }));
                """);
        try (Calls calls = new Calls(dir)) {
            assertThat(calls.run(n, "{\"a\": [1]}").output()).isEqualTo(Map.of("copy", Map.of("a", List.of(1L)), "isPlain", true));
        }
    }

    @Test
    void aFileImportShouldBeADeployError() {
        assertThatThrownBy(() -> Calls.inline("import x from '/etc/passwd';\nexport default () => x;"))
                .hasMessageContaining("imports 'passwd'");
        assertThatThrownBy(() -> Calls.inline("import x from './helper.js';\nexport default () => x;"))
                .hasMessageContaining("imports 'helper.js'");
    }

    @Test
    void aScriptWithoutANodeShouldBeADeployError() {
        assertThatThrownBy(() -> Calls.inline("export const notANode = 1;"))
                .hasMessageContaining("the script exports no node");
    }

    @Test
    void aNamedExecuteExportShouldAlsoBeANode() {
        Node n = Calls.inline("export function execute(input) { return input.v; }");
        try (Calls calls = new Calls(dir)) {
            assertThat(calls.run(n, "{\"v\": \"x\"}").output()).isEqualTo("x");
        }
    }

    @Test
    void concurrentCallsShouldEachGetAContextOfTheirOwn() throws Exception {
        Node n = Calls.inline("""
                let calls = 0;
                export default (input) => { calls++; let s = 0; for (let i = 0; i < 20000; i++) s += i % 7; return { id: input.id, s }; };
                """, "pool_size", 3);
        try (Calls calls = new Calls(dir); var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Object>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int id = i;
                results.add(pool.submit(() -> calls.run(n, "{\"id\": " + id + "}").output()));
            }
            for (int i = 0; i < 40; i++) {
                assertThat(results.get(i).get()).isEqualTo(Map.of("id", (long) i, "s", 59997L));
            }
        }
        assertThat(((JsNode) n).pool().idleCount()).isBetween(1, 3);
    }
}
