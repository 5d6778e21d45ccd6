package io.xerv.js;

import static org.assertj.core.api.Assertions.assertThat;

import io.xerv.plugin.Node;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scripts that try to hang, exhaust or escape the sandbox. Each must fail its own call with a message
 * that says why, and afterwards both it and a well-behaved node must keep working (a context that
 * was stopped is replaced, never reused).
 */
class HostileScriptTest {

    @TempDir
    static Path dir;
    static Calls calls;
    static Node wellBehaved;

    @BeforeAll
    static void open() {
        calls = new Calls(dir);
        wellBehaved = Calls.inline("export default (input) => ({ echoed: input.x });", "pool_size", 1);
    }

    @AfterAll
    static void close() {
        calls.close();
    }

    /** Runs a hostile node, returns its failure, and checks the host still serves. */
    static String failureOf(Node hostile) {
        String failure = calls.run(hostile, "{\"x\": 1}").failure();
        assertThat(calls.run(wellBehaved, "{\"x\": 5}").output()).isEqualTo(Map.of("echoed", 5L));
        return failure;
    }

    static Node node(String source) {
        return Calls.inline(source, "pool_size", 1, "call_timeout_ms", 2000);
    }

    @Test
    void anEndlessLoopShouldBeStoppedByTheStatementLimit() {
        Node n = Calls.inline("export default (input) => { while (true) {} };", "pool_size", 1, "call_timeout_ms", 120_000);
        assertThat(failureOf(n)).startsWith("JS node stopped").contains("more than 20000000 statements");
        assertThat(((JsNode) n).pool().idleCount()).isZero();
    }

    @Test
    void aCallThatRunsPastItsTimeLimitShouldBeStoppedAndItsContextReplaced() {
        // Few statements, each slow, so that the clock stops it long before the statement limit would.
        Node n = Calls.inline("""
                const big = Array.from({ length: 5000 }, (_, i) => ({ i, name: 'item ' + i }));
                export default (input) => {
                  if (input.x === 1) for (;;) JSON.stringify(big);
                  return { fine: true };
                };
                """, "pool_size", 1, "call_timeout_ms", 300);
        assertThat(failureOf(n)).isEqualTo("JS node stopped: it ran longer than its limit of 300 ms (call_timeout_ms)");
        assertThat(calls.run(n, "{\"x\": 2}").output()).isEqualTo(Map.of("fine", true));
    }

    @Test
    void deepRecursionShouldFailTheCallOnly() {
        Node n = node("""
                function down(n) { return down(n + 1) + 1; }
                export default (input) => down(0);
                """);
        assertThat(failureOf(n)).startsWith("RangeError: Maximum call stack size exceeded");
    }

    @Test
    void aHugeArrayShouldBeRefused() {
        assertThat(failureOf(node("export default () => new Array(2 ** 32 + 1);"))).startsWith("RangeError");
    }

    @Test
    void aHugeStringShouldBeRefused() {
        assertThat(failureOf(node("export default () => { let s = 'x'; for (;;) s += s; };"))).startsWith("RangeError");
    }

    @Test
    void unboundedAllocationShouldBeStoppedBeforeTheHeapRunsOut() {
        Node n = Calls.inline("""
                export default () => { const keep = []; for (;;) keep.push(new Array(100000).fill(1.5)); };
                """, "pool_size", 1, "call_timeout_ms", 120_000);
        assertThat(failureOf(n)).startsWith("JS node stopped");
    }

    @Test
    void javaTypeShouldNotBeReachable() {
        assertThat(failureOf(node("export default () => Java.type('java.lang.System').exit(1);")))
                .isEqualTo("ReferenceError: Java is not defined (n.inline.mjs:1)");
    }

    @Test
    void polyglotShouldNotBeReachable() {
        assertThat(failureOf(node("export default () => Polyglot.eval('js', '1');")))
                .startsWith("ReferenceError: Polyglot is not defined");
    }

    @Test
    void loadShouldNotBeReachable() {
        assertThat(failureOf(node("export default () => load('/etc/passwd');"))).startsWith("ReferenceError: load is not defined");
    }

    @Test
    void requireShouldNotBeReachable() {
        assertThat(failureOf(node("export default () => require('fs').readFileSync('/etc/passwd');")))
                .startsWith("ReferenceError: require is not defined");
    }

    @Test
    void dynamicImportOfTheFileSystemShouldFail() {
        assertThat(failureOf(node("export default async () => (await import('fs')).readFileSync('/etc/passwd');")))
                .startsWith("Error");
    }

    @Test
    void theNetworkShouldNotBeReachable() {
        assertThat(failureOf(node("export default () => fetch('http://127.0.0.1:1/');")))
                .startsWith("ReferenceError: fetch is not defined");
        assertThat(failureOf(node("export default () => new XMLHttpRequest();")))
                .startsWith("ReferenceError: XMLHttpRequest is not defined");
    }

    @Test
    void hostObjectsHandedInShouldExposeNothingButTheirBytes() {
        Node n = node("""
                export default (input, ctx) => {
                  const b = ctx.inputs[0].value;
                  return { keys: Object.keys(globalThis).filter((k) => k.startsWith('__')).length };
                };
                """);
        assertThat(calls.run(n, "{}").output()).isEqualTo(Map.of("keys", 0L));
    }

    @Test
    void threadsAndTimersShouldNotExist() {
        assertThat(failureOf(node("export default () => new Worker('x.js');"))).startsWith("ReferenceError: Worker is not defined");
        assertThat(failureOf(node("export default () => setTimeout(() => {}, 1);"))).startsWith("ReferenceError: setTimeout is not defined");
    }

    @Test
    void throwingNonErrorValuesShouldFailWithTheValue() {
        assertThat(failureOf(node("export default () => { throw 42; };"))).isEqualTo("the node threw 42, not an Error");
        assertThat(failureOf(node("export default () => { throw { code: 'E1' }; };")))
                .isEqualTo("the node threw {\"code\":\"E1\"}, not an Error");
        assertThat(failureOf(node("export default () => { throw null; };"))).isEqualTo("the node threw null, not an Error");
        assertThat(failureOf(node("export default () => { throw Symbol('s'); };"))).isEqualTo("the node threw Symbol(s), not an Error");
    }

    @Test
    void aThrownObjectWithAHostileGetterShouldBeStoppedByTheLimits() {
        assertThat(failureOf(node("export default () => { throw { get message() { for (;;) {} } }; };")))
                .startsWith("JS node stopped");
    }

    @Test
    void returningACyclicObjectShouldFailWithThePath() {
        assertThat(failureOf(node("export default () => { const a = { b: {} }; a.b.back = a; return a; };")))
                .isEqualTo("the node's result cannot be stored: cannot encode $.b.back: it refers back to itself (a cycle)");
    }

    @Test
    void returningAFunctionShouldFailWithThePath() {
        assertThat(failureOf(node("export default () => ({ f: () => 1 });")))
                .isEqualTo("the node's result cannot be stored: cannot encode $.f: it is a function");
    }

    @Test
    void replacingTheEncoderShouldNotGetBadBytesIntoTheArena() {
        Node n = node("""
                Uint8Array.prototype.slice = function () { return new Uint8Array([1, 2, 3, 4]); };
                Object.keys = () => ['zz', 'aa'];
                export default () => ({ a: 1, b: 2 });
                """);
        var r = calls.run(n, "{}");
        if (r.completion().kind() == io.xerv.plugin.Completion.Kind.EMIT) {
            assertThat(r.output()).isInstanceOf(Map.class);
        } else {
            assertThat(r.failure()).isNotBlank();
        }
    }

    @Test
    void aNeverSettlingPromiseShouldFail() {
        assertThat(failureOf(node("export default () => new Promise(() => {});")))
                .startsWith("the node returned a promise that never settled");
    }
}
