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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.xerv.host.serve.ServeHarness.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/** API keys and scopes: missing and wrong keys get 401, a key without the route's scope 403. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class AuthTest {

    @TempDir
    static Path data;

    static ServeHarness h;

    @BeforeAll
    static void start(Vertx vertx) throws Exception {
        ApiKeys keys = new ApiKeys(List.of(
                new ApiKeys.Key("reader", ApiKeys.sha256("read-key"), Set.of("pipeline:read", "trace:read")),
                new ApiKeys.Key("writer", ApiKeys.sha256("write-key"), Set.of("pipeline:write", "trace:write")),
                new ApiKeys.Key("resumer", ApiKeys.sha256("resume-key"), Set.of("trace:resume")),
                new ApiKeys.Key("root", ApiKeys.sha256("admin-key"), Set.of("admin"))));
        h = ServeHarness.start(vertx, data, c -> c.withApiKeys(keys));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    HttpResponse<Buffer> call(HttpMethod m, String uri, String key) {
        var r = h.request(m, uri);
        if (key != null) {
            r.putHeader("Authorization", "Bearer " + key);
        }
        return r.send().await();
    }

    @Test
    void missingKeyIs401() {
        HttpResponse<Buffer> r = call(HttpMethod.GET, "/api/v1/pipelines", null);
        assertError(r, 401);
        assertThat(r.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
    }

    @Test
    void wrongKeyIs401() {
        JsonObject e = assertError(call(HttpMethod.GET, "/api/v1/pipelines", "guess"), 401);
        assertThat(e.getString("detail")).doesNotContain("guess");
    }

    @Test
    void keyWithoutTheScopeIs403() {
        JsonObject e = assertError(call(HttpMethod.POST, "/api/v1/pipelines/echo/pause", "read-key"), 403);
        assertThat(e.getString("detail")).contains("reader").contains("pipeline:write").doesNotContain("read-key");
        assertError(call(HttpMethod.GET, "/api/v1/pipelines", "write-key"), 403);
        assertError(call(HttpMethod.GET, "/api/v1/traces", "write-key"), 403);
        assertError(call(HttpMethod.POST, "/api/v1/suspensions/x/resume", "read-key"), 403);
        assertError(call(HttpMethod.POST, "/api/v1/pipelines/echo/triggers/manual/fire", "read-key"), 403);
    }

    @Test
    void keyWithTheScopeIsLetThrough() {
        assertThat(call(HttpMethod.GET, "/api/v1/pipelines", "read-key").statusCode()).isEqualTo(200);
        assertThat(call(HttpMethod.GET, "/api/v1/traces", "read-key").statusCode()).isEqualTo(200);
        assertThat(call(HttpMethod.POST, "/api/v1/pipelines/echo/triggers/manual/fire", "write-key").statusCode()).isEqualTo(202);
        assertThat(call(HttpMethod.POST, "/api/v1/suspensions/none/resume", "resume-key").statusCode())
                .as("past authorization, the body is checked").isEqualTo(400);
    }

    @Test
    void adminHoldsEveryScope() {
        assertThat(call(HttpMethod.GET, "/api/v1/pipelines", "admin-key").statusCode()).isEqualTo(200);
        assertThat(call(HttpMethod.POST, "/api/v1/pipelines/echo/triggers/manual/fire", "admin-key").statusCode()).isEqualTo(202);
        assertThat(call(HttpMethod.GET, "/api/v1/nodes", "admin-key").statusCode()).isEqualTo(200);
    }

    @Test
    void xApiKeyHeaderWorksToo() {
        HttpResponse<Buffer> r = h.client.get("/api/v1/pipelines").putHeader("X-API-Key", "read-key").send().await();
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void healthMetricsDescriptionAndWebhooksNeedNoApiKey() {
        assertThat(call(HttpMethod.GET, "/health", null).statusCode()).isEqualTo(200);
        assertThat(call(HttpMethod.GET, "/metrics", null).statusCode()).isEqualTo(200);
        assertThat(call(HttpMethod.GET, "/api/v1/openapi.yaml", null).statusCode()).isEqualTo(200);
        assertThat(h.postJson("/echo", "{}").statusCode()).isEqualTo(200);
    }
}
