package io.xerv.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xerv.plugin.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Modules that misbehave at run time fail only their own node, with a message naming the problem, on
 * both machines; the node's next call gets a fresh instance and the host keeps serving. Modules that
 * cannot work are refused when the flow is deployed, with a message naming the module's path.
 */
class HostileModulesTest {

    @TempDir
    static Path dir;
    static GuestHarness h;

    @BeforeAll
    static void start() {
        h = new GuestHarness(dir);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static Node node(String wat, String machine, Object... extra) {
        Map<String, Object> c = new java.util.HashMap<>(Map.of("module", h.wat(wat).toString(), "machine", machine));
        for (int i = 0; i < extra.length; i += 2) {
            c.put((String) extra[i], extra[i + 1]);
        }
        return h.node(wat, c);
    }

    /** The host still runs a well-behaved guest. */
    static void hostStillServes(String machine) {
        GuestHarness.Run ok = h.run(node("echo", machine), "{\"still\":\"serving\"}");
        assertThat(ok.json()).isEqualTo("{\"still\":\"serving\"}");
    }

    static GuestHarness.Run failsTwice(Node n) {
        GuestHarness.Run r = h.run(n, "{\"a\":1}");
        assertThat(r.failed()).as("first call").isTrue();
        GuestHarness.Run again = h.run(n, "{\"a\":1}");
        assertThat(again.failed()).as("second call, on a fresh instance").isTrue();
        assertThat(again.message()).isEqualTo(r.message());
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void anInfiniteLoopShouldBeStoppedAtTheCpuLimit(String machine) {
        GuestHarness.Run r = failsTwice(node("loop", machine, "cpu_limit_ms", 100));
        assertThat(r.message()).isEqualTo("the guest ran longer than cpu_limit_ms (100 ms) and was stopped [loop.wasm]");
        assertThat(Thread.currentThread().isInterrupted()).as("the caller's thread is left uninterrupted").isFalse();
        hostStillServes(machine);
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void memoryGrowthPastTheCapShouldFailTheNode(String machine) {
        GuestHarness.Run r = failsTwice(node("grow", machine, "memory_pages", 4));
        assertThat(r.message()).startsWith("the guest trapped: ")
                .endsWith("(memory growth to 5 pages was refused: the cap is 4 pages, memory_pages) [grow.wasm]");
        hostStillServes(machine);
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void unreachableShouldFailTheNodeAsATrap(String machine) {
        GuestHarness.Run r = failsTwice(node("trap", machine));
        assertThat(r.message()).startsWith("the guest trapped: ").contains("unreachable").endsWith("[trap.wasm]");
        hostStillServes(machine);
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void divisionByZeroShouldFailTheNodeAsATrap(String machine) {
        GuestHarness.Run r = failsTwice(node("divide", machine));
        assertThat(r.message()).startsWith("the guest trapped: ").containsIgnoringCase("divi").endsWith("[divide.wasm]");
        hostStillServes(machine);
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void unboundedRecursionShouldFailTheNode(String machine) {
        GuestHarness.Run r = failsTwice(node("recurse", machine));
        assertThat(r.message()).isEqualTo("the guest exhausted its call stack (unbounded or too deep recursion) [recurse.wasm]");
        hostStillServes(machine);
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void aPointerOutsideGuestMemoryShouldFailTheNode(String machine) {
        GuestHarness.Run r = failsTwice(node("bad_pointer", machine));
        assertThat(r.message()).isEqualTo("__xerv_set_result: data [536870912, 536871012) is outside the guest's memory"
                + " (65536 bytes) and the arena window [bad_pointer.wasm]");
        hostStillServes(machine);
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void aHugeSizeShouldFailTheNode(String machine) {
        GuestHarness.Run r = failsTwice(node("huge_size", machine));
        assertThat(r.message()).startsWith("__xerv_read_bytes: arena range [").contains("is outside the trace's data")
                .endsWith("[huge_size.wasm]");
        hostStillServes(machine);
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void aStoreIntoTheArenaWindowShouldFailTheNode(String machine) {
        GuestHarness.Run r = failsTwice(node("window_write", machine));
        assertThat(r.message()).startsWith("the guest trapped: out of bounds memory access")
                .contains("read-only arena window");
        hostStillServes(machine);
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void anOutputThatIsNotFlexBuffersShouldFailTheNode(String machine) {
        GuestHarness.Run r = failsTwice(node("bad_output", machine));
        assertThat(r.message()).startsWith("__xerv_set_result: the output is not a FlexBuffers value: ")
                .endsWith("[bad_output.wasm]");
        hostStillServes(machine);
    }

    @Test
    void aWasiGuestShouldSeeOnlyTheGrantedEnvironment() {
        h.env.put("XERV_TEST_REGION", "eu-west");
        h.env.put("XERV_TEST_OTHER", "hidden");
        Path p = h.wat("wasi_environ");
        Node none = h.node("wasi", Map.of("module", p.toString(), "wasi", true));
        assertThat(h.run(none, "{}").json()).isEqualTo("0");
        Node one = h.node("wasi", Map.of("module", p.toString(), "wasi", Map.of("env", java.util.List.of("XERV_TEST_REGION"))));
        assertThat(h.run(one, "{}").json()).isEqualTo("1");
    }

    @Test
    void aRunawayGuestShouldNotHoldUpOtherNodes() throws Exception {
        Node loop = node("loop", "compiler", "cpu_limit_ms", 3_000);
        CompletableFuture<GuestHarness.Run> runaway = CompletableFuture.supplyAsync(() -> h.run(loop, "{}"));
        Node echo = node("echo", "compiler");
        for (int i = 0; i < 20; i++) {
            assertThat(h.run(echo, "{\"i\":" + i + "}").json()).isEqualTo("{\"i\":" + i + "}");
        }
        assertThat(runaway.get().message()).contains("cpu_limit_ms (3000 ms)");
    }

    // ---- refused at deploy time ----

    static void refused(String wat, String... fragments) {
        Path p = h.wat(wat);
        assertThatThrownBy(() -> h.node(wat, Map.of("module", p.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(p.toString())
                .hasMessageContainingAll(fragments);
    }

    @Test
    void aModuleWithoutExecuteShouldBeRefused() {
        refused("no_execute", "lacks the export __xerv_execute (i32, i32) -> i32");
    }

    @Test
    void aModuleWithoutAllocShouldBeRefused() {
        refused("no_alloc", "lacks the export __xerv_alloc (i32) -> i32");
    }

    @Test
    void aModuleWithoutMemoryShouldBeRefused() {
        refused("no_memory", "does not export its memory as 'memory'");
    }

    @Test
    void aWrongExportSignatureShouldBeRefused() {
        refused("wrong_signature", "exports __xerv_execute with type (i32) -> i64; ABI v1 needs (i32, i32) -> i32");
    }

    @Test
    void anImportTheHostDoesNotProvideShouldBeRefused() {
        refused("unknown_import", "imports xerv.__xerv_teleport, which ABI v1 does not define",
                "imports env.abort, which the host does not provide");
    }

    @Test
    void aWronglyTypedImportShouldBeRefused() {
        refused("wrong_import_type", "imports xerv.__xerv_log with type (i32, i32) -> i32; ABI v1 defines it as (i32, i32, i32) -> i32");
    }

    @Test
    void wasiShouldBeRefusedUnlessGranted() {
        refused("wasi_stdout", "imports wasi_snapshot_preview1", "grants it");
        Path p = h.wat("wasi_stdout");
        Node granted = h.node("wasi", Map.of("module", p.toString(), "wasi", true));
        assertThat(h.run(granted, "{}").failed()).isFalse();
    }

    @Test
    void aStartFunctionThatNeverReturnsShouldBeRefused() {
        Path p = h.wat("start_loop");
        assertThatThrownBy(() -> h.node("start", Map.of("module", p.toString(), "cpu_limit_ms", 100)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(p.toString(), "start function");
    }

    @Test
    void garbageBytesShouldBeRefused() {
        byte[] junk = new byte[4096];
        new Random(42).nextBytes(junk);
        Path p = h.bytes("garbage", junk);
        assertThatThrownBy(() -> h.node("junk", Map.of("module", p.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("WASM module " + p + " is not a WebAssembly binary (it does not start with \\0asm)");

        junk[0] = 0;
        junk[1] = 'a';
        junk[2] = 's';
        junk[3] = 'm';
        junk[4] = 1;
        junk[5] = junk[6] = junk[7] = 0;
        Path q = h.bytes("garbage2", junk);
        assertThatThrownBy(() -> h.node("junk", Map.of("module", q.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("WASM module " + q + " is malformed or invalid: ");
    }

    @Test
    void aMissingFileShouldBeRefused() {
        assertThatThrownBy(() -> h.node("gone", Map.of("module", "nodes/gone.wasm")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("WASM module " + dir.resolve("nodes/gone.wasm") + " does not exist (module: nodes/gone.wasm,"
                        + " relative to the flow's directory " + dir + ")");
    }

    @Test
    void aNamedModuleShouldBeFoundInTheModulesFolder() throws Exception {
        Files.createDirectories(dir.resolve("modules"));
        Files.copy(h.wat("echo"), dir.resolve("modules/echo_named.wasm"));
        Node n = h.node("named", Map.of("module", "echo_named"));
        assertThat(h.run(n, "{\"x\":1}").json()).isEqualTo("{\"x\":1}");
        assertThatThrownBy(() -> h.node("named", Map.of("module", "nowhere")))
                .hasMessageStartingWith("no WASM module named 'nowhere'; looked for " + dir.resolve("modules/nowhere.wasm"));
    }

    @Test
    void aNodeShouldHaveThePortsItsConfigLists() {
        assertThat(h.factory.outputPorts(io.xerv.plugin.Values.of(Map.of("module", "x.wasm",
                "ports", java.util.List.of("approved", "review"))))).containsExactly("approved", "review");
        assertThat(h.factory.outputPorts(io.xerv.plugin.Values.of(Map.of("module", "x.wasm"))))
                .containsExactlyElementsOf(h.factory.outputPorts());
    }

    @Test
    void aBadConfigShouldBeReportedByPath() {
        assertThat(h.factory.validate(io.xerv.plugin.Values.of(Map.of("module", "x.wasm", "memory_pages", 0,
                "machine", "jit", "colour", "red", "ports", java.util.List.of("out", "error", "out")))))
                .extracting(io.xerv.plugin.ConfigError::path)
                .containsExactlyInAnyOrder("memory_pages", "machine", "colour", "ports[1]", "ports[2]");
        assertThat(h.factory.validate(io.xerv.plugin.Values.of(Map.of()))).extracting(io.xerv.plugin.ConfigError::path)
                .containsExactly("module");
    }
}
