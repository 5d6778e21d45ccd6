package io.xerv.std;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.xerv.plugin.Completion;
import io.xerv.plugin.HostServices;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.Value;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static io.xerv.std.Nodes.config;
import static io.xerv.std.Nodes.error;
import static io.xerv.std.Nodes.errors;
import static io.xerv.std.Nodes.java;
import static org.assertj.core.api.Assertions.assertThat;

class HttpNodeTest {

    private static HttpServer server;
    private static ExecutorService executor;
    private static String base;
    private final HttpNode.Factory factory = new HttpNode.Factory();
    /** The grant most tests need: the test server listens on loopback, which the defaults refuse. */
    private static final HostServices LOOPBACK = Grant.of(InetAddress::isLoopbackAddress);
    private static final java.util.concurrent.atomic.AtomicInteger HITS = new java.util.concurrent.atomic.AtomicInteger();
    private static volatile String lastHost;
    private static volatile String lastPath;

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/json", ex -> reply(ex, 200, "application/json; charset=utf-8",
                "{\"ok\": true, \"items\": [1, 2.5, \"x\"], \"nested\": {\"n\": null}}"));
        server.createContext("/text", ex -> reply(ex, 200, "text/plain", "hello"));
        server.createContext("/echo", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            reply(ex, 201, "application/json", "{\"method\": \"" + ex.getRequestMethod() + "\", \"type\": "
                    + (type == null ? "null" : "\"" + type + "\"") + ", \"auth\": "
                    + (auth == null ? "null" : "\"" + auth + "\"") + ", \"body\": " + io.xerv.plugin.Values.toJson(io.xerv.plugin.Values.of(body)) + "}");
        });
        server.createContext("/hit", ex -> {
            HITS.incrementAndGet();
            lastHost = ex.getRequestHeaders().getFirst("Host");
            lastPath = ex.getRequestURI().getRawPath();
            reply(ex, 200, "text/plain", "hit");
        });
        server.createContext("/redirect", ex -> {
            String q = ex.getRequestURI().getRawQuery();
            ex.getResponseHeaders().add("Location", java.net.URLDecoder.decode(q.substring(3), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.createContext("/loop", ex -> {
            ex.getResponseHeaders().add("Location", "/loop");
            ex.sendResponseHeaders(307, -1);
            ex.close();
        });
        server.createContext("/big", ex -> {
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, 4L << 20);
            streamZeros(ex, 4L << 20);
        });
        server.createContext("/endless", ex -> {
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, 0); // chunked, no length announced
            streamZeros(ex, 1L << 30);
        });
        server.createContext("/fail", ex -> reply(ex, 500, "text/plain", "boom"));
        server.createContext("/slow", ex -> {
            try {
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(ex, 200, "text/plain", "late");
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Writes {@code n} bytes until done or until the client goes away. */
    private static void streamZeros(HttpExchange ex, long n) {
        byte[] block = new byte[64 * 1024];
        try (var out = ex.getResponseBody()) {
            for (long left = n; left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        } catch (IOException clientGone) {
            // the client reset the connection: what the size cap does
        } finally {
            ex.close();
        }
    }

    private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.getResponseHeaders().add("X-Custom", "one");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private Completion run(Value config, Object input) throws Exception {
        return run(factory, LOOPBACK, config, input);
    }

    private static Completion run(HttpNode.Factory factory, HostServices services, Value config, Object input)
            throws Exception {
        Node node = create(factory, services, config);
        return node.execute(TestContext.of(input).withConfig(config));
    }

    /** Validates {@code config} and creates the node with {@code services}. */
    private static Node create(HttpNode.Factory factory, HostServices services, Value config) {
        assertThat(factory.validate(config)).as("config errors").isEmpty();
        return factory.create(new NodeDefinition("node", factory.type(), config, java.nio.file.Path.of("."), services));
    }

    /** Services that allow the addresses {@code allowed} accepts, the defaults' rule for the rest. */
    record Grant(java.util.function.Predicate<InetAddress> allowed, long maxResponseBytes, int maxRedirects)
            implements HostServices {
        static Grant of(java.util.function.Predicate<InetAddress> allowed) {
            return new Grant(allowed, HostServices.defaults().maxResponseBytes(), HostServices.defaults().maxRedirects());
        }

        @Override
        public java.nio.file.Path resolveFile(String written, java.nio.file.Path baseDirectory, FileUse use) {
            return HostServices.defaults().resolveFile(written, baseDirectory, use);
        }

        @Override
        public String secret(String name) {
            return null;
        }

        @Override
        public String environment(String name) {
            return null;
        }

        @Override
        public void checkDestination(String host, InetAddress address) throws IOException {
            if (!allowed.test(address)) {
                HostServices.defaults().checkDestination(host, address);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> out(Completion c) {
        assertThat(c.kind()).as(String.valueOf(c.message())).isEqualTo(Completion.Kind.EMIT);
        return (Map<String, Object>) java(c);
    }

    @Test
    void getShouldReturnStatusLowerCaseHeadersAndParsedJson() throws Exception {
        Map<String, Object> out = out(run(config("url", base + "/json"), Map.of()));
        assertThat(out.get("status")).isEqualTo(200L);
        assertThat(out.get("headers")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("x-custom", "one")
                .containsEntry("content-type", "application/json; charset=utf-8");
        assertThat(out.get("body")).isEqualTo(Json.parse("{\"ok\": true, \"items\": [1, 2.5, \"x\"], \"nested\": {\"n\": null}}"));
    }

    @Test
    void nonJsonBodyShouldBeText() throws Exception {
        assertThat(out(run(config("url", base + "/text"), Map.of())).get("body")).isEqualTo("hello");
    }

    @Test
    void postWithMapBodyShouldSendJson() throws Exception {
        Map<String, Object> out = out(run(config("url", base + "/echo", "method", "POST",
                "body", Map.of("a", 1), "headers", Map.of("Authorization", "Bearer s3cret")), Map.of()));
        assertThat(out.get("status")).isEqualTo(201L);
        assertThat(out.get("body")).isEqualTo(Map.of("method", "POST", "type", "application/json",
                "auth", "Bearer s3cret", "body", "{\"a\":1}"));
    }

    @Test
    void sendInputShouldPostTheInputAsJson() throws Exception {
        Map<String, Object> out = out(run(config("url", base + "/echo", "method", "put", "send_input", true),
                Map.of("id", 7)));
        @SuppressWarnings("unchecked")
        Map<String, Object> echoed = (Map<String, Object>) out.get("body");
        assertThat(echoed).containsEntry("method", "PUT").containsEntry("body", "{\"id\":7}")
                .containsEntry("type", "application/json");
    }

    @Test
    void stringBodyShouldBeSentAsIsWithConfiguredContentType() throws Exception {
        Map<String, Object> out = out(run(config("url", base + "/echo", "method", "PATCH", "body", "a=1",
                "headers", Map.of("Content-Type", "application/x-www-form-urlencoded")), Map.of()));
        @SuppressWarnings("unchecked")
        Map<String, Object> echoed = (Map<String, Object>) out.get("body");
        assertThat(echoed).containsEntry("type", "application/x-www-form-urlencoded").containsEntry("body", "a=1");
    }

    @Test
    void errorStatusShouldFailNamingStatusAndUrl() throws Exception {
        Completion c = run(config("url", base + "/fail"), Map.of());
        assertThat(c.kind()).isEqualTo(Completion.Kind.FAIL);
        assertThat(c.message()).isEqualTo("HTTP 500 from " + base + "/fail: boom");
    }

    @Test
    void errorStatusShouldBeOutputWhenFailOnStatusIsOff() throws Exception {
        Map<String, Object> out = out(run(config("url", base + "/fail", "fail_on_status", false), Map.of()));
        assertThat(out.get("status")).isEqualTo(500L);
        assertThat(out.get("body")).isEqualTo("boom");
    }

    @Test
    void slowServerShouldFailWithTimeout() throws Exception {
        long started = System.nanoTime();
        Completion c = run(config("url", base + "/slow", "timeout_ms", 200), Map.of());
        assertThat(c.kind()).isEqualTo(Completion.Kind.FAIL);
        assertThat(c.message()).isEqualTo("GET " + base + "/slow timed out after 200 ms");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(2_500);
    }

    @Test
    void refusedConnectionShouldFailNamingUrl() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/x";
        Completion c = run(config("url", url), Map.of());
        assertThat(c.kind()).isEqualTo(Completion.Kind.FAIL);
        assertThat(c.message()).startsWith("GET " + url + " failed: ");
    }

    @Test
    void urlSelectorShouldBeReadFromResolvedConfig() throws Exception {
        Node node = create(factory, LOOPBACK, config("url", "${pipeline.config.api}/text"));
        Completion c = node.execute(TestContext.of(Map.of()).withConfig(config("url", base + "/text")));
        assertThat(out(c).get("body")).isEqualTo("hello");
    }

    @Test
    void urlResolvedToNonHttpShouldFail() throws Exception {
        Node node = create(factory, LOOPBACK, config("url", "${pipeline.config.api}"));
        Completion c = node.execute(TestContext.of(Map.of()).withConfig(config("url", "file:///etc/passwd")));
        assertThat(c.message()).isEqualTo("config 'url' resolved to a bad URL: 'file:///etc/passwd' is not an http or https URL");
    }

    @Test
    void userInfoShouldBeHiddenInMessages() throws Exception {
        Completion c = run(config("url", "http://bob:pw@127.0.0.1:" + server.getAddress().getPort() + "/fail"), Map.of());
        assertThat(c.message()).isEqualTo("HTTP 500 from " + base + "/fail: boom").doesNotContain("pw");
    }

    @Test
    void loopbackDestinationShouldBeRefusedByDefault() throws Exception {
        int before = HITS.get();
        Completion c = run(factory, HostServices.defaults(), config("url", base + "/hit"), Map.of());
        assertThat(c.kind()).isEqualTo(Completion.Kind.FAIL);
        assertThat(c.message()).isEqualTo("GET " + base + "/hit refused: destination 127.0.0.1 (127.0.0.1) is a "
                + "loopback address; the host's config key network.allow decides which may be reached");
        assertThat(HITS.get()).as("requests that reached the server").isEqualTo(before);
    }

    @Test
    void loopbackDestinationShouldBeReachedWhenTheHostAllowsIt() throws Exception {
        assertThat(out(run(config("url", base + "/hit"), Map.of())).get("body")).isEqualTo("hit");
    }

    @Test
    void hostNameResolvingToLoopbackShouldBeRefused() throws Exception {
        int port = server.getAddress().getPort();
        Completion byName = run(factory, HostServices.defaults(), config("url", "http://localhost:" + port + "/hit"), Map.of());
        assertThat(byName.message()).startsWith("GET http://localhost:" + port + "/hit refused: destination localhost (")
                .contains("is a loopback address").contains("network.allow");

        HttpNode.Factory rebinding = new HttpNode.Factory(host -> new InetAddress[] {
                InetAddress.getByName("93.184.216.34"), InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})});
        Completion mixed = run(rebinding, HostServices.defaults(),
                config("url", "http://api.example.com:" + port + "/hit"), Map.of());
        assertThat(mixed.message()).isEqualTo("GET http://api.example.com:" + port + "/hit refused: destination "
                + "api.example.com (127.0.0.1) is a loopback address; the host's config key network.allow decides which may be reached");
    }

    @Test
    void connectionShouldGoToTheCheckedAddressWithoutASecondLookup() throws Exception {
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        HttpNode.Factory counting = new HttpNode.Factory(host -> {
            // A rebinding resolver: the first answer passes the check, any later one would not.
            byte[] a = lookups.getAndIncrement() == 0 ? new byte[] {127, 0, 0, 1} : new byte[] {10, 0, 0, 1};
            return new InetAddress[] {InetAddress.getByAddress(host, a)};
        });
        int port = server.getAddress().getPort();
        Completion c = run(counting, Grant.of(a -> a.getHostAddress().equals("127.0.0.1")),
                config("url", "http://svc.internal:" + port + "/hit"), Map.of());
        assertThat(out(c).get("body")).isEqualTo("hit");
        assertThat(lookups.get()).isEqualTo(1);
        assertThat(lastHost).isEqualTo("svc.internal:" + port);
    }

    @Test
    void redirectShouldBeFollowedWhenEveryHopIsAllowed() throws Exception {
        String to = java.net.URLEncoder.encode(base + "/hit", StandardCharsets.UTF_8);
        assertThat(out(run(config("url", base + "/redirect?to=" + to), Map.of())).get("body")).isEqualTo("hit");
    }

    @Test
    void redirectToAForbiddenAddressShouldBeRefused() throws Exception {
        int before = HITS.get();
        String target = "http://127.0.0.2:" + server.getAddress().getPort() + "/hit";
        String to = java.net.URLEncoder.encode(target, StandardCharsets.UTF_8);
        Completion c = run(factory, Grant.of(a -> a.getHostAddress().equals("127.0.0.1")),
                config("url", base + "/redirect?to=" + to), Map.of());
        assertThat(c.kind()).isEqualTo(Completion.Kind.FAIL);
        assertThat(c.message()).isEqualTo("GET " + base + "/redirect?to=" + to + " refused: destination 127.0.0.2 "
                + "(127.0.0.2) is a loopback address; the host's config key network.allow decides which may be reached");
        assertThat(HITS.get()).isEqualTo(before);
    }

    @Test
    void redirectToAnotherOriginShouldNotCarryCredentials() throws Exception {
        int port = server.getAddress().getPort();
        String same = java.net.URLEncoder.encode(base + "/echo", StandardCharsets.UTF_8);
        String other = java.net.URLEncoder.encode("http://localhost:" + port + "/echo", StandardCharsets.UTF_8);
        Map<String, Object> kept = out(run(config("url", base + "/redirect?to=" + same,
                "headers", Map.of("Authorization", "Bearer s3cret")), Map.of()));
        assertThat(kept.get("body")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("auth", "Bearer s3cret");
        Map<String, Object> dropped = out(run(config("url", base + "/redirect?to=" + other,
                "headers", Map.of("Authorization", "Bearer s3cret")), Map.of()));
        assertThat(dropped.get("body")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("auth", null).containsEntry("method", "GET");
    }

    @Test
    void redirectsPastTheHostsLimitShouldFail() throws Exception {
        Completion c = run(factory, new Grant(InetAddress::isLoopbackAddress, 1 << 20, 3), config("url", base + "/loop"), Map.of());
        assertThat(c.message()).isEqualTo("GET " + base + "/loop failed: more than 3 redirects "
                + "(the host's config key network.max_redirects)");
    }

    @Test
    void oversizedResponseShouldFailTheNodeAndLeaveTheClientWorking() throws Exception {
        Grant small = new Grant(InetAddress::isLoopbackAddress, 64 * 1024, 5);
        for (String path : List.of("/big", "/endless")) {
            Completion c = run(factory, small, config("url", base + path), Map.of());
            assertThat(c.kind()).isEqualTo(Completion.Kind.FAIL);
            assertThat(c.message()).isEqualTo("GET " + base + path + " failed: the response body is larger than "
                    + "65536 bytes (the host's config key network.max_response_bytes)");
            assertThat(out(run(factory, small, config("url", base + "/hit"), Map.of())).get("body")).isEqualTo("hit");
        }
    }

    @Test
    void escapedPathSegmentsShouldReachTheServerAsWritten() throws Exception {
        // What the engine makes of "/hit/${trigger.id}" with id "../admin?x=": one encoded segment.
        out(run(config("url", base + "/hit/..%2Fadmin%3Fx%3D"), Map.of()));
        assertThat(lastPath).isEqualTo("/hit/..%2Fadmin%3Fx%3D");
    }

    @Test
    void urlShouldBeDeclaredAsAUrlField() {
        assertThat(factory.urlFields()).containsExactly("url");
    }

    @Test
    void badConfigShouldBeReported() {
        assertThat(errors(factory, config())).containsExactly(error("url", "missing required key 'url'"));
        assertThat(errors(factory, config("url", "ftp://host/x"))).containsExactly(
                error("url", "'ftp://host/x' is not an http or https URL"));
        assertThat(errors(factory, config("url", "http://exa mple.com"))).containsExactly(
                error("url", "'http://exa mple.com' is not a URL: Illegal character in authority at index 10"));
        assertThat(errors(factory, config("url", "http:///path"))).containsExactly(
                error("url", "'http:///path' has no host"));
        assertThat(errors(factory, config("url", "https://${pipeline.config.host}/x"))).isEmpty();
        assertThat(errors(factory, config("url", "http://h", "method", "TRACE"))).containsExactly(
                error("method", "unknown method 'TRACE'; expected one of get, post, put, patch, delete, head"));
        assertThat(errors(factory, config("url", "http://h", "headers", Map.of("Host", "x", "Bad Name", "y", "X-List", List.of()))))
                .containsExactlyInAnyOrder(
                        error("headers.Host", "header 'Host' is set by the HTTP client and cannot be configured"),
                        error("headers.Bad Name", "'Bad Name' is not a valid header name"),
                        error("headers.X-List", "expected a string value, found list"));
        assertThat(errors(factory, config("url", "http://h", "send_input", true))).containsExactly(
                error("send_input", "only used with method POST, PUT or PATCH"));
        assertThat(errors(factory, config("url", "http://h", "method", "post", "send_input", true, "body", "x")))
                .containsExactly(error("send_input", "set either 'body' or 'send_input', not both"));
        assertThat(errors(factory, config("url", "http://h", "timeout_ms", 0))).containsExactly(
                error("timeout_ms", "must be at least 1, found 0"));
        assertThat(errors(factory, config("url", "http://h", "retries", 3))).containsExactly(error("retries",
                "unknown key 'retries'; expected one of url, method, headers, body, send_input, timeout_ms, fail_on_status"));
    }
}
