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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;

import static io.xerv.host.serve.ServeHarness.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * API keys, the local admin token and scopes: missing and wrong keys get 401 from every address, a
 * key without the route's scope 403, and every route of the API names the scope it needs.
 */
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
        for (String scope : SCOPES) {
            keys = new ApiKeys(concat(keys.keys(),
                    new ApiKeys.Key("only " + scope, ApiKeys.sha256("only-" + scope), Set.of(scope)),
                    new ApiKeys.Key("all but " + scope, ApiKeys.sha256("but-" + scope),
                            SCOPES.stream().filter(o -> !o.equals(scope)).collect(Collectors.toSet()))));
        }
        ApiKeys configured = keys;
        h = ServeHarness.start(vertx, data, c -> c.withApiKeys(configured));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    HttpResponse<Buffer> call(HttpMethod m, String uri, String key) {
        var r = h.client.request(m, uri);
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
    void healthDescriptionAndWebhooksNeedNoApiKey() {
        assertThat(call(HttpMethod.GET, "/health", null).statusCode()).isEqualTo(200);
        assertThat(call(HttpMethod.GET, "/api/v1/openapi.yaml", null).statusCode()).isEqualTo(200);
        assertThat(h.client.post("/echo").putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("{}")).await().statusCode()).isEqualTo(200);
    }

    @Test
    void metricsNeedAKeyWithPipelineRead() {
        assertError(call(HttpMethod.GET, "/metrics", null), 401);
        assertError(call(HttpMethod.GET, "/metrics", "only-trace:read"), 403);
        assertThat(call(HttpMethod.GET, "/metrics", "only-pipeline:read").statusCode()).isEqualTo(200);
    }

    @Test
    void theLocalTokenIsAcceptedBesideConfiguredKeys() throws Exception {
        String token = ServeHarness.token(h.host);
        assertThat(token).hasSizeGreaterThanOrEqualTo(40);
        assertThat(call(HttpMethod.GET, "/api/v1/traces", token).statusCode()).isEqualTo(200);
        assertThat(h.client.get("/api/v1/traces").putHeader("X-API-Key", token).send().await().statusCode()).isEqualTo(200);
    }

    /**
     * Every operation of the API (the OpenAPI file, which {@link OpenApiTest} holds equal to the
     * router) refuses a key holding every scope but the one its {@code x-scope} names, and lets a key
     * holding only that scope past authorization. Write routes use unknown names, so nothing changes.
     */
    @Test
    void noRouteIsReachableWithoutItsScope() throws Exception {
        String trace = UUID.randomUUID().toString();
        int checked = 0;
        for (Map.Entry<String, String> op : scopes(OpenApiTest.spec()).entrySet()) {
            String[] mp = op.getKey().split(" ", 2);
            String scope = op.getValue();
            String uri = mp[1].replace("{name}", "nope").replace("{trigger}", "manual").replace("{id}", trace)
                    .replace("{hook}", "nope");
            HttpMethod m = HttpMethod.valueOf(mp[0]);
            HttpResponse<Buffer> refused = call(m, uri, "but-" + scope);
            assertThat(refused.statusCode()).as("%s with every scope but %s", op.getKey(), scope).isEqualTo(403);
            assertThat(refused.bodyAsJsonObject().getString("detail")).contains(scope);
            assertThat(call(m, uri, "only-" + scope).statusCode()).as("%s with only %s", op.getKey(), scope)
                    .isNotIn(401, 403);
            assertError(call(m, uri, null), 401);
            checked++;
        }
        assertThat(checked).as("operations with a scope").isGreaterThanOrEqualTo(25);
    }

    @Test
    void validateNeedsPipelineWriteAsDeployDoes() {
        HttpResponse<Buffer> r = h.client.post("/api/v1/pipelines/validate").putHeader("Authorization", "Bearer read-key")
                .putHeader("Content-Type", "application/yaml").sendBuffer(Buffer.buffer("name: v\nnodes: {a: {type: std::log}}\n")).await();
        assertThat(assertError(r, 403).getString("detail")).contains("pipeline:write");
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> scopes(Map<String, Object> spec) {
        Map<String, String> out = new TreeMap<>();
        ((Map<String, Object>) spec.get("paths")).forEach((path, item) -> ((Map<String, Object>) item).forEach((m, op) -> {
            if (!m.equals("parameters") && ((Map<String, Object>) op).get("x-scope") instanceof String scope) {
                out.put(m.toUpperCase(Locale.ROOT) + " " + path, scope);
            }
        }));
        return out;
    }

    static final List<String> SCOPES = List.of("pipeline:read", "pipeline:write", "trace:read", "trace:write", "trace:resume");

    static List<ApiKeys.Key> concat(List<ApiKeys.Key> a, ApiKeys.Key... more) {
        List<ApiKeys.Key> all = new ArrayList<>(a);
        all.addAll(List.of(more));
        return all;
    }
}
