package io.xerv.std;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
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
import static io.xerv.std.Nodes.create;
import static io.xerv.std.Nodes.error;
import static io.xerv.std.Nodes.errors;
import static io.xerv.std.Nodes.java;
import static org.assertj.core.api.Assertions.assertThat;

class HttpNodeTest {

    private static HttpServer server;
    private static ExecutorService executor;
    private static String base;
    private final HttpNode.Factory factory = new HttpNode.Factory();

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

    private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.getResponseHeaders().add("X-Custom", "one");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private Completion run(Value config, Object input) throws Exception {
        Node node = create(factory, config);
        return node.execute(TestContext.of(input).withConfig(config));
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
        Node node = create(factory, config("url", "${pipeline.config.api}/text"));
        Completion c = node.execute(TestContext.of(Map.of()).withConfig(config("url", base + "/text")));
        assertThat(out(c).get("body")).isEqualTo("hello");
    }

    @Test
    void urlResolvedToNonHttpShouldFail() throws Exception {
        Node node = create(factory, config("url", "${pipeline.config.api}"));
        Completion c = node.execute(TestContext.of(Map.of()).withConfig(config("url", "file:///etc/passwd")));
        assertThat(c.message()).isEqualTo("config 'url' resolved to a bad URL: 'file:///etc/passwd' is not an http or https URL");
    }

    @Test
    void userInfoShouldBeHiddenInMessages() throws Exception {
        Completion c = run(config("url", "http://bob:pw@127.0.0.1:" + server.getAddress().getPort() + "/fail"), Map.of());
        assertThat(c.message()).isEqualTo("HTTP 500 from " + base + "/fail: boom").doesNotContain("pw");
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
