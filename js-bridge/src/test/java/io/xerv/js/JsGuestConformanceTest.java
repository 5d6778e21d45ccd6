package io.xerv.js;

import static org.assertj.core.api.Assertions.assertThat;

import io.xerv.arena.FlexValue;
import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.Values;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest behaviours every bridge must show (the WASM bridge has the same list): reading nested
 * fields, writing outputs, choosing ports, failing, logging, and reading granted env and secrets while
 * ungranted names read as absent. Surefire sets XERV_SECRET_API_KEY and XERV_TEST_VISIBLE for this run.
 */
class JsGuestConformanceTest {

    @TempDir
    Path dir;
    Calls calls;

    @BeforeEach
    void open() {
        calls = new Calls(dir);
    }

    @AfterEach
    void close() {
        calls.close();
    }

    @Test
    void nestedFieldsShouldBeReadFromTheInput() {
        Node n = Calls.inline("""
                export default (input) => ({
                  city: input.customer.address.city,
                  second: input.items[1].sku,
                  count: input.items.length,
                  total: input.items.reduce((s, i) => s + i.qty * i.price, 0),
                  missing: input.customer.phone === undefined,
                });
                """);
        var r = calls.run(n, """
                {"customer": {"name": "Ada", "address": {"city": "London"}},
                 "items": [{"sku": "A", "qty": 2, "price": 1.5}, {"sku": "B", "qty": 1, "price": 10.25}]}""");
        assertThat(r.port()).isEqualTo("out");
        assertThat(r.output()).isEqualTo(Map.of("city", "London", "second", "B", "count", 2L, "total", 13.25,
                "missing", true));
    }

    @Test
    void writtenOutputsShouldKeepEveryTypeOfTheDataModel() {
        Node n = Calls.inline("""
                export default () => ({ n: null, t: true, i: -42, big: 9007199254740993n, f: 0.5,
                  s: 'héllo ✓', b: new Uint8Array([1, 2, 255]), l: [1, 'a', [2]], m: { z: 1, a: { x: 2 } } });
                """);
        var r = calls.run(n, "{}");
        // Read from a heap copy: bytes values are not readable from a mapped arena view yet.
        FlexValue stored = FlexValue.of(Calls.bytes(r.arena().payload(((FlexValue) r.completion().value()).ptr())));
        assertThat(Values.toJson(stored)).isEqualTo("{\"b\":\"AQL/\",\"big\":9007199254740993,\"f\":0.5,\"i\":-42,\"l\":[1,\"a\",[2]],"
                + "\"m\":{\"a\":{\"x\":2},\"z\":1},\"n\":null,\"s\":\"héllo ✓\",\"t\":true}");
    }

    @Test
    void outputsShouldBeAppendedToTheTraceArenaTaggedWithTheNode() {
        Node n = Calls.inline("export default (input) => ({ doubled: input.x * 2 });");
        var r = calls.run(n, "{\"x\": 21}");
        FlexValue v = (FlexValue) r.completion().value();
        assertThat(v.ptr()).isNotNull();
        assertThat(r.arena().entries()).anySatisfy(e -> {
            assertThat(e.ptr()).isEqualTo(v.ptr());
            assertThat(e.tag()).isEqualTo(7);
        });
        assertThat(r.output()).isEqualTo(Map.of("doubled", 42L));
    }

    @Test
    void anInputReturnedUnchangedShouldBePassedOnWithoutACopy() {
        Node n = Calls.inline("export default (input, ctx) => ctx.emit('same', input);");
        var r = calls.run(n, "{\"a\": [1, 2, 3]}");
        assertThat(r.port()).isEqualTo("same");
        assertThat(r.completion().value()).isSameAs(r.input());
    }

    @Test
    void theNodeShouldChooseItsPort() {
        Node n = Calls.inline("""
                export default (input, ctx) => input.amount > 100
                  ? ctx.emit('review', { id: input.id })
                  : { id: input.id, ok: true };
                """, "ports", List.of("review"));
        assertThat(calls.run(n, "{\"id\": 1, \"amount\": 500}").port()).isEqualTo("review");
        var small = calls.run(n, "{\"id\": 2, \"amount\": 5}");
        assertThat(small.port()).isEqualTo("out");
        assertThat(small.output()).isEqualTo(Map.of("id", 2L, "ok", true));
    }

    @Test
    void aPortTheConfigDoesNotDeclareShouldFailTheNode() {
        Node n = Calls.inline("export default (input, ctx) => ctx.emit('elsewhere', 1);", "ports", List.of("review"));
        assertThat(calls.run(n, "{}").failure()).contains("port 'elsewhere' is not declared").contains("review");
    }

    @Test
    void aThrownErrorShouldFailWithItsMessageAndTheScriptLine() {
        Node n = Calls.inline("""
                export default (input) => {
                  if (input.amount < 0) {
                    throw new RangeError(`amount ${input.amount} is negative`);
                  }
                  return input;
                };
                """);
        assertThat(calls.run(n, "{\"amount\": -5}").failure())
                .isEqualTo("RangeError: amount -5 is negative (n.inline.mjs:3)");
    }

    @Test
    void failShouldFireTheErrorPortWithTheMessage() {
        Node n = Calls.inline("export default (input, ctx) => ctx.fail(`order ${input.id} has no lines`);");
        var r = calls.run(n, "{\"id\": \"A-1\"}");
        assertThat(r.completion().kind()).isEqualTo(Completion.Kind.FAIL);
        assertThat(r.failure()).isEqualTo("order A-1 has no lines");
    }

    @Test
    void logsShouldReachTheTraceLogWithTheirLevels() {
        Node n = Calls.inline("""
                export default (input, ctx) => {
                  ctx.log.info('scoring', input.id);
                  ctx.log.warn({ risk: 0.9 });
                  console.error('via console');
                  return null;
                };
                """);
        var r = calls.run(n, "{\"id\": \"A-1\"}");
        assertThat(r.logs()).containsExactly("INFO scoring A-1", "WARN {\"risk\":0.9}", "ERROR via console");
        assertThat(r.output()).isNull();
    }

    @Test
    void grantedEnvAndSecretsShouldBeReadableAndOthersAbsent() {
        Node n = Calls.inline("""
                export default (input, ctx) => ({
                  visible: ctx.env('XERV_TEST_VISIBLE'),
                  notGranted: ctx.env('HOME') === undefined,
                  key: ctx.secret('API_KEY'),
                  otherSecret: ctx.secret('OTHER') === undefined,
                  secretAsEnv: ctx.env('XERV_SECRET_API_KEY') === undefined,
                });
                """, "env", List.of("XERV_TEST_VISIBLE"), "secrets", List.of("API_KEY", "OTHER"));
        assertThat(calls.run(n, "{}").output()).isEqualTo(Map.of("visible", "yes", "notGranted", true,
                "key", "s3cr3t", "otherSecret", true, "secretAsEnv", true));
    }

    @Test
    void aSecretShouldBeMaskedInLogsAndFailures() {
        Node n = Calls.inline("""
                export default (input, ctx) => {
                  const key = ctx.secret('API_KEY');
                  ctx.log.info(`calling with ${key}`);
                  throw new Error(`rejected key ${key}`);
                };
                """, "secrets", List.of("API_KEY"));
        var r = calls.run(n, "{}");
        assertThat(r.logs()).containsExactly("INFO calling with ***");
        assertThat(r.failure()).isEqualTo("Error: rejected key *** (n.inline.mjs:4)");
    }

    @Test
    void clockRandomAndUuidShouldComeFromTheContext() {
        Node n = Calls.inline("""
                export default (input, ctx) => ({
                  now: ctx.now(), dateNow: Date.now(), uuid: ctx.uuid(),
                  r: ctx.random(), mathRandom: Math.random(), trace: ctx.traceId, node: ctx.nodeId, attempt: ctx.attempt,
                });
                """);
        var out = (Map<?, ?>) calls.run(n, "{}").output();
        var expected = new java.util.SplittableRandom(42);
        assertThat(out.get("now")).isEqualTo(Calls.Ctx.NOW);
        assertThat(out.get("dateNow")).isEqualTo(Calls.Ctx.NOW);
        assertThat(out.get("uuid")).isEqualTo(Calls.Ctx.UUID_1.toString());
        assertThat(out.get("r")).isEqualTo(expected.nextDouble());
        assertThat(out.get("mathRandom")).isEqualTo(expected.nextDouble());
        assertThat(out.get("trace")).isEqualTo(Calls.Ctx.TRACE.toString());
        assertThat(out.get("node")).isEqualTo("n");
        assertThat(out.get("attempt")).isEqualTo(1L);
    }

    @Test
    void paramsAndOtherInputPortsShouldBeReadable() {
        Node n = Calls.inline("""
                export default (input, ctx) => ({
                  threshold: ctx.config.threshold,
                  side: ctx.input('side').value,
                  ports: ctx.inputs.map((i) => `${i.source}.${i.sourcePort}->${i.port}`),
                });
                """);
        var r = calls.run(n, "{}", Values.mapOf("params", Values.mapOf("threshold", 0.8)),
                List.of(Map.entry("side", "{\"value\": 7}")));
        assertThat(r.output()).isEqualTo(Map.of("threshold", 0.8, "side", 7L,
                "ports", List.of("trigger.out->in", "up.out->side")));
    }

    @Test
    void inputViewsShouldBeReadOnly() {
        Node n = Calls.inline("export default (input) => { input.x = 2; return input; };");
        assertThat(calls.run(n, "{\"x\": 1}").failure()).contains("read-only").contains("(n.inline.mjs:1)");
    }

    @Test
    void anAsyncNodeShouldSettleWithinTheCall() {
        Node n = Calls.inline("""
                export default async (input, ctx) => {
                  const v = await Promise.resolve(input.x + 1);
                  if (v > 10) throw new Error('too big');
                  return { v };
                };
                """);
        assertThat(calls.run(n, "{\"x\": 1}").output()).isEqualTo(Map.of("v", 2L));
        assertThat(calls.run(n, "{\"x\": 10}").failure()).startsWith("Error: too big");
    }
}
