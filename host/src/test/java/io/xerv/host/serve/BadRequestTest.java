package io.xerv.host.serve;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.xerv.host.serve.ServeHarness.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A table of bad requests: each is answered with its status and a JSON {@code {"error", "detail"}}
 * body, and the host keeps serving afterwards.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class BadRequestTest {

    @TempDir
    static Path data;

    static ServeHarness h;

    @BeforeAll
    static void start(Vertx vertx) throws Exception {
        h = ServeHarness.start(vertx, data, c -> c.withBodyLimit(4096));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    /**
     * One bad request.
     *
     * @param detail a fragment the error's detail must contain
     */
    record Bad(String name, HttpMethod method, String uri, String contentType, String body, int status, String detail) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badRequests() {
        String huge = "{\"pad\":\"" + "x".repeat(10_000) + "\"}";
        return Stream.of(
                new Bad("malformed JSON to a webhook", HttpMethod.POST, "/echo", "application/json", "{\"word\":", 400, "not valid JSON"),
                new Bad("JSON that is not one value", HttpMethod.POST, "/echo", "application/json", "{} {}", 400, "not valid JSON"),
                new Bad("wrong content type to a webhook", HttpMethod.POST, "/echo", "text/xml", "<a/>", 415, "JSON"),
                new Bad("huge body to a webhook", HttpMethod.POST, "/echo", "application/json", huge, 413, "4096"),
                new Bad("huge body to the API", HttpMethod.POST, "/api/v1/pipelines/echo/triggers/manual/fire",
                        "application/json", huge, 413, "4096"),
                new Bad("malformed JSON to a fire", HttpMethod.POST, "/api/v1/pipelines/echo/triggers/manual/fire",
                        "application/json", "[1,", 400, "not valid JSON"),
                new Bad("fire of an unknown pipeline", HttpMethod.POST, "/api/v1/pipelines/nope/triggers/manual/fire",
                        "application/json", "{}", 404, "nope"),
                new Bad("fire of an unknown trigger", HttpMethod.POST, "/api/v1/pipelines/echo/triggers/nope/fire",
                        "application/json", "{}", 404, "nope"),
                new Bad("get of an unknown pipeline", HttpMethod.GET, "/api/v1/pipelines/nope", null, null, 404, "nope"),
                new Bad("lifecycle of an unknown pipeline", HttpMethod.POST, "/api/v1/pipelines/nope/pause", null, null, 404, "nope"),
                new Bad("delete of an unknown pipeline", HttpMethod.DELETE, "/api/v1/pipelines/nope", null, null, 404, "nope"),
                new Bad("invalid YAML deploy", HttpMethod.POST, "/api/v1/pipelines?source=broken.yaml", "application/yaml",
                        "name: broken\nnodes:\n  a:\n    type: [unclosed\n", 422, "broken.yaml:"),
                new Bad("deploy of an unknown node type", HttpMethod.POST, "/api/v1/pipelines?source=typo.yaml", "application/yaml",
                        "name: typo\nnodes:\n  a:\n    type: std::lgo\n", 422, "typo.yaml:4:11:"),
                new Bad("deploy as JSON", HttpMethod.POST, "/api/v1/pipelines", "application/json", "{}", 415, "application/yaml"),
                new Bad("deploy with an empty body", HttpMethod.POST, "/api/v1/pipelines", "application/yaml", "", 400, "empty"),
                new Bad("deploy of a webhook on an API path", HttpMethod.POST, "/api/v1/pipelines?source=api.yaml", "application/yaml",
                        "name: grab\ntriggers:\n  - id: h\n    type: webhook\n    params: {path: /api/v1/pipelines}\nnodes:\n"
                                + "  a:\n    type: std::log\nedges:\n  - {from: h, to: a}\n", 422, "reserved"),
                new Bad("deploy of a webhook path another pipeline holds", HttpMethod.POST, "/api/v1/pipelines", "application/yaml",
                        "name: thief\ntriggers:\n  - id: h\n    type: webhook\n    params: {path: /echo}\nnodes:\n"
                                + "  a:\n    type: std::log\nedges:\n  - {from: h, to: a}\n", 409, "echo"),
                new Bad("redeploy under another name", HttpMethod.PUT, "/api/v1/pipelines/echo", "application/yaml",
                        "name: other\nnodes:\n  a:\n    type: std::log\n", 400, "other"),
                new Bad("unknown trace", HttpMethod.GET, "/api/v1/traces/0b5e6e4e-8f7c-4a7d-9f4e-2a1f2b0c9d11", null, null, 404,
                        "0b5e6e4e"),
                new Bad("trace id that is not a UUID", HttpMethod.GET, "/api/v1/traces/not-a-uuid", null, null, 400, "not-a-uuid"),
                new Bad("events of an unknown trace", HttpMethod.GET, "/api/v1/traces/0b5e6e4e-8f7c-4a7d-9f4e-2a1f2b0c9d11/events",
                        null, null, 404, "0b5e6e4e"),
                new Bad("cancel of an unknown trace", HttpMethod.POST, "/api/v1/traces/0b5e6e4e-8f7c-4a7d-9f4e-2a1f2b0c9d11/cancel",
                        null, null, 404, "0b5e6e4e"),
                new Bad("bad status filter", HttpMethod.GET, "/api/v1/traces?status=done", null, null, 400, "done"),
                new Bad("bad limit", HttpMethod.GET, "/api/v1/traces?limit=0", null, null, 400, "limit"),
                new Bad("resume of an unknown hook", HttpMethod.POST, "/api/v1/suspensions/nope/resume", "application/json",
                        "{\"decision\":\"approve\"}", 404, "nope"),
                new Bad("resume without a decision", HttpMethod.POST, "/api/v1/suspensions/nope/resume", "application/json",
                        "{}", 400, "decision"),
                new Bad("resume with malformed JSON", HttpMethod.POST, "/api/v1/suspensions/nope/resume", "application/json",
                        "{\"decision\":", 400, "malformed JSON"),
                new Bad("unknown route", HttpMethod.GET, "/api/v1/nothing-here", null, null, 404, "/api/v1/nothing-here"),
                new Bad("unknown webhook path", HttpMethod.POST, "/no-such-hook", "application/json", "{}", 404, "/no-such-hook"),
                new Bad("wrong method on a route", HttpMethod.PATCH, "/api/v1/pipelines", null, null, 405, "PATCH"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestIsAnsweredWithItsStatusAndAJsonError(Bad bad) {
        var req = h.request(bad.method(), bad.uri());
        if (bad.contentType() != null) {
            req.putHeader("Content-Type", bad.contentType());
        }
        HttpResponse<Buffer> r = bad.body() == null ? req.send().await() : req.sendBuffer(Buffer.buffer(bad.body())).await();
        JsonObject e = assertError(r, bad.status());
        assertThat(String.valueOf(e.getValue("detail"))).contains(bad.detail());

        HttpResponse<Buffer> health = h.get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(h.postJson("/echo", "{\"word\":\"still\"}").statusCode()).isEqualTo(200);
    }
}
