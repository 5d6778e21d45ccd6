package io.xerv.host.fuzz;

import io.xerv.arena.FlexJson;
import io.xerv.arena.FlexValue;
import io.xerv.arena.ValueCodec;
import io.xerv.host.plugin.NodeRegistry;
import io.xerv.host.serve.ServeConfig;
import io.xerv.host.serve.XervHost;
import io.xerv.wal.Durability;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target for JSON ingress: the bytes of a webhook's (or a fire's) body become a trace's input
 * through {@link ValueCodec#encodeJson(byte[])}, or the request is refused with 400. Inputs: random
 * bytes, generated JSON (huge and odd numbers, escapes, duplicate keys), deep nesting, invalid UTF-8,
 * and edits of valid JSON. Two targets: the encoder itself (every try), and a running host's webhook
 * (fewer tries), which must answer 200 or a JSON 400 and stay healthy after every body.
 */
class WebhookBodyFuzzProperties {

    private static final int DEFAULT_TRIES = 300;
    private static final int DEFAULT_HTTP_TRIES = 80;

    private static Path dir;
    private static XervHost host;
    private static HttpClient http;

    static final String FLOW = """
            name: fuzz_ingress
            triggers:
              - id: hook
                type: webhook
                params: {path: /fuzz, method: POST, mode: sync}
            nodes:
              say:
                type: std::log
                config:
                  message: "got a body"
            edges:
              - {from: hook, to: say}
            """;

    @BeforeContainer
    static void startHost() throws Exception {
        dir = Files.createTempDirectory("xerv-webhook-fuzz");
        Path flows = Files.createDirectories(dir.resolve("flows"));
        Files.writeString(flows.resolve("fuzz_ingress.yaml"), FLOW);
        ServeConfig c = ServeConfig.defaults().withPort(0).withHost("127.0.0.1").withEventLoops(1)
                .withDataDir(dir.resolve("data")).withFlows(List.of(flows)).withDurability(Durability.NONE)
                .withShutdownTimeoutMs(5_000);
        host = XervHost.start(c, NodeRegistry.load());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterContainer
    static void stopHost() throws IOException {
        if (http != null) {
            http.close();
        }
        if (host != null) {
            host.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    // ---- targets ----

    @Property(tries = DEFAULT_TRIES)
    void aBodyIsATraceInputOrMalformedJson(@ForAll("bodies") Body body) {
        checkEncoding(body.bytes());
    }

    @Property(tries = DEFAULT_HTTP_TRIES)
    void theWebhookAnswersEveryBodyWith200Or400AndStaysHealthy(@ForAll("bodies") Body body) throws Exception {
        checkWebhook(body.bytes());
    }

    @Property
    @Tag("soak")
    @AddLifecycleHook(SoakBudget.class)
    void soakJsonIngress(@ForAll("bodies") Body body) {
        checkEncoding(body.bytes());
    }

    @Property
    @Tag("soak")
    @AddLifecycleHook(SoakBudget.class)
    void soakWebhook(@ForAll("bodies") Body body) throws Exception {
        checkWebhook(body.bytes());
    }

    /**
     * A body as jqwik reports it: its length, its start, and the whole of it in Base64 to save into
     * the corpus (a report of a large byte array as numbers can corrupt the test runner's stream).
     */
    record Body(byte[] bytes) {
        @Override
        public String toString() {
            return describe(bytes) + (bytes.length <= 4096 ? " base64:" + java.util.Base64.getEncoder().encodeToString(bytes) : "");
        }
    }

    // ---- the contract ----

    /**
     * The encoder's contract: FlexBuffers bytes that read back as JSON which encodes to the same
     * bytes again, or an {@link IllegalArgumentException} saying the JSON is malformed or too deep.
     */
    static void checkEncoding(byte[] body) {
        byte[] flex;
        try {
            flex = copy(ValueCodec.encodeJson(body));
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).as("message for a refused body").matches("(?s)(malformed JSON|JSON nested deeper).*");
            assertThat(e.getMessage()).as("message for a refused body").doesNotContain("\n");
            return;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw new AssertionError("encodeJson threw " + e.getClass().getName() + " for " + describe(body), e);
        }
        String json = render(flex);
        byte[] again;
        try {
            again = copy(ValueCodec.encodeJson(json.getBytes(StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            throw new AssertionError("the trace input of " + describe(body) + " renders as JSON that does not parse: " + json, e);
        }
        assertThat(render(again)).as("JSON of the trace input of %s, encoded again", describe(body)).isEqualTo(json);
    }

    /**
     * The webhook's contract: 200 with the trace's answer, or 400 with a JSON error (413 past the body
     * limit); the host then still runs a trace.
     */
    void checkWebhook(byte[] body) throws Exception {
        HttpResponse<String> r = post(body);
        if (body.length > host.config().bodyLimitBytes()) {
            assertThat(r.statusCode()).as("status for %s: %s", describe(body), r.body()).isEqualTo(413);
            return;
        }
        assertThat(r.statusCode()).as("status for %s: %s", describe(body), r.body()).isIn(200, 400);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        if (r.statusCode() == 400) {
            assertThat(r.body()).contains("\"error\"").contains("the payload is not valid JSON");
        } else {
            assertThat(r.body()).contains("\"status\":\"completed\"");
        }
        HttpResponse<String> healthy = post("{\"still\":\"serving\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(healthy.statusCode()).as("a valid body after %s: %s", describe(body), healthy.body()).isEqualTo(200);
    }

    private HttpResponse<String> post(byte[] body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(host.url() + "/fuzz")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] copy(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static String render(byte[] flex) {
        FlexJson.Out out = new FlexJson.Out(64);
        FlexValue.of(flex).appendJson(out);
        return new String(out.array(), 0, out.length(), StandardCharsets.UTF_8);
    }

    static String describe(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 200), StandardCharsets.ISO_8859_1);
        return body.length + " bytes [" + s.replaceAll("[^ -~]", "?") + (body.length > 200 ? "..." : "") + "]";
    }

    // ---- generators ----

    @Provide
    Arbitrary<Body> bodies() {
        return bodyBytes().map(Body::new);
    }

    private static Arbitrary<byte[]> bodyBytes() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(300)),
                Tuple.of(4, json().map(WebhookBodyFuzzProperties::utf8)),
                Tuple.of(2, Combinators.combine(json(), byteEdits().list().ofMinSize(1).ofMaxSize(4)).as((j, es) -> {
                    byte[] b = utf8(j);
                    for (ByteEdit e : es) {
                        b = e.apply(b);
                    }
                    return b;
                })),
                Tuple.of(1, deep()),
                Tuple.of(1, Arbitraries.of(ODD).map(WebhookBodyFuzzProperties::utf8)));
    }

    /** Bodies each of which once broke a JSON parser somewhere. */
    static final List<String> ODD = List.of("", " ", "\uFEFF{}", "{}\u0000", "nul", "tru", "[1,]", "{\"a\":1,}", "01", "-", "1.",
            ".1", "1e", "1e+", "-0", "-0.0e-0", "1e309", "-1e309", "1e-400", "9".repeat(1000), "9".repeat(1001),
            "0." + "0".repeat(1200) + "1", "1" + "0".repeat(400), "18446744073709551616", "-9223372036854775809",
            "9223372036854775807", "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}", "\"\\ud800\"", "\"\\udc00\\ud800\"",
            "\"\\u0000\"", "\"\\x41\"", "'a'", "{a:1}", "NaN", "Infinity", "[NaN]", "/* c */ {}", "// c\n{}", "{} {}", "[] x",
            "\"" + "a".repeat(100_000) + "\"", "{\"" + "k".repeat(70_000) + "\":1}");

    private static Arbitrary<String> json() {
        return value(4);
    }

    private static Arbitrary<String> value(int depth) {
        Arbitrary<String> leaf = Arbitraries.oneOf(numbers(), strings(), Arbitraries.of("true", "false", "null"));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<String> child = Arbitraries.lazy(() -> value(depth - 1));
        Arbitrary<String> array = child.list().ofMaxSize(5).map(l -> String.join(",", l)).map(s -> "[" + s + "]");
        Arbitrary<String> key = Arbitraries.oneOf(strings(), Arbitraries.of("\"a\"", "\"b\""));
        Arbitrary<String> object = Combinators.combine(key, child).as((k, v) -> k + ":" + v).list().ofMaxSize(6)
                .map(l -> l.stream().collect(Collectors.joining(",", "{", "}")));
        // Past 24 keys the duplicate check changes method; wide objects hold leaves only, so bodies stay small.
        Arbitrary<String> wide = Combinators.combine(key, leaf).as((k, v) -> k + ":" + v).list().ofMinSize(20).ofMaxSize(40)
                .map(l -> l.stream().collect(Collectors.joining(",", "{", "}")));
        return Arbitraries.frequencyOf(Tuple.of(3, leaf), Tuple.of(2, array), Tuple.of(2, object), Tuple.of(1, wide));
    }

    private static Arbitrary<String> numbers() {
        return Arbitraries.oneOf(
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf).filter(s -> !s.contains("N") && !s.contains("I")),
                Arbitraries.bigIntegers().between(java.math.BigInteger.TEN.pow(30).negate(), java.math.BigInteger.TEN.pow(30)).map(String::valueOf),
                Combinators.combine(Arbitraries.integers().between(1, 999), Arbitraries.integers().between(-2000, 2000))
                        .as((m, e) -> m + "e" + e),
                Arbitraries.integers().between(1, 1100).map(n -> "1" + "0".repeat(n)));
    }

    private static Arbitrary<String> strings() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(12).map(WebhookBodyFuzzProperties::quote),
                Arbitraries.strings().all().ofMaxLength(8).map(WebhookBodyFuzzProperties::quote),
                Arbitraries.of("\"\\ud83d\\ude00\"", "\"\\ud800\"", "\"\\u0000\"", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\u00e9\u20ac\uD83D\uDE00\""));
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    private static Arbitrary<byte[]> deep() {
        // Up to 150,000 levels: 900 KB at most, under the default body limit of 1 MiB.
        Arbitrary<Integer> n = Arbitraries.oneOf(Arbitraries.integers().between(100, 140), Arbitraries.integers().between(1, 150_000));
        return Arbitraries.oneOf(
                n.map(k -> "[".repeat(k) + "]".repeat(k)),
                n.map(k -> "[".repeat(k)),
                n.map(k -> "{\"a\":".repeat(k) + "1" + "}".repeat(k)),
                n.map(k -> "{\"a\":[".repeat(k / 2) + "]}".repeat(k / 2)))
                .map(WebhookBodyFuzzProperties::utf8);
    }

    /** An edit of a body's bytes; positions are reduced modulo its length. */
    sealed interface ByteEdit {
        byte[] apply(byte[] b);

        record Flip(int at, int bit) implements ByteEdit {
            public byte[] apply(byte[] b) {
                if (b.length == 0) {
                    return b;
                }
                byte[] c = b.clone();
                c[at % c.length] ^= (byte) (1 << bit);
                return c;
            }
        }

        record Insert(int at, byte[] what) implements ByteEdit {
            public byte[] apply(byte[] b) {
                int i = at % (b.length + 1);
                byte[] c = Arrays.copyOf(b, b.length + what.length);
                System.arraycopy(what, 0, c, i, what.length);
                System.arraycopy(b, i, c, i + what.length, b.length - i);
                return c;
            }
        }

        record Cut(int at) implements ByteEdit {
            public byte[] apply(byte[] b) {
                return Arrays.copyOf(b, at % (b.length + 1));
            }
        }
    }

    private static Arbitrary<ByteEdit> byteEdits() {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, Integer.MAX_VALUE);
        // Invalid UTF-8: a lone continuation byte, an overlong NUL, a surrogate, a truncated sequence, bytes never in UTF-8.
        Arbitrary<byte[]> bad = Arbitraries.of(new byte[] {(byte) 0x80}, new byte[] {(byte) 0xC0, (byte) 0x80},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xE2, (byte) 0x82},
                new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xFE, (byte) 0xFF}, new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                new byte[] {0}, "\"".getBytes(StandardCharsets.UTF_8), "\\".getBytes(StandardCharsets.UTF_8),
                "\\u".getBytes(StandardCharsets.UTF_8), ",".getBytes(StandardCharsets.UTF_8), "]".getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(
                Combinators.combine(at, Arbitraries.integers().between(0, 7)).as(ByteEdit.Flip::new),
                Combinators.combine(at, bad).as(ByteEdit.Insert::new),
                at.map(ByteEdit.Cut::new));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
