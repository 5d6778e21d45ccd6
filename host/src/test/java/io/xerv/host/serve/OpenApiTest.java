package io.xerv.host.serve;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server against its OpenAPI file: every route of the router is in the file, every operation of
 * the file is called here, and each answer has a documented status and the documented JSON shape
 * (required properties and types, through {@code $ref}s).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class OpenApiTest {

    static final String NEXT = """
            name: oa
            version: "VERSION"
            triggers:
              - id: manual
                type: manual
            nodes:
              say:
                type: std::log
                config: {message: "oa"}
            edges:
              - {from: manual, to: say}
            """;

    @TempDir
    Path data;

    @SuppressWarnings("unchecked")
    static Map<String, Object> spec() {
        return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(HttpApi.resource("/openapi.yaml"));
    }

    @SuppressWarnings("unchecked")
    static Set<String> operations(Map<String, Object> spec) {
        Set<String> ops = new TreeSet<>();
        ((Map<String, Object>) spec.get("paths")).forEach((path, item) -> ((Map<String, Object>) item).keySet().forEach(m -> {
            if (!m.equals("parameters")) {
                ops.add(m.toUpperCase(Locale.ROOT) + " " + path);
            }
        }));
        return ops;
    }

    @Test
    void everyRouteOfTheRouterIsInTheFile(Vertx vertx) throws Exception {
        try (ServeHarness h = ServeHarness.start(vertx, data)) {
            Router router = new HttpApi(h.host.controller(), h.host.config(), ApiKeys.NONE).router(vertx);
            Set<String> routes = new TreeSet<>();
            for (Route r : router.getRoutes()) {
                if (r.getPath() == null) {
                    continue;
                }
                for (HttpMethod m : r.methods()) {
                    routes.add(m.name() + " " + r.getPath().replaceAll(":(\\w+)", "{$1}"));
                }
            }
            assertThat(routes).isNotEmpty().isEqualTo(operations(spec()));
        }
    }

    @Test
    void everyOperationAnswersWithADocumentedStatusAndShape(Vertx vertx) throws Exception {
        Map<String, Object> spec = spec();
        try (ServeHarness h = ServeHarness.start(vertx, data)) {
            Checker c = new Checker(h, spec);
            c.call("GET", "/health", "/health", null, null, 200);
            c.call("GET", "/metrics", "/metrics", null, null, 200);
            c.call("GET", "/api/v1/openapi.yaml", "/api/v1/openapi.yaml", null, null, 200);
            c.call("GET", "/api/v1/nodes", "/api/v1/nodes", null, null, 200);
            c.call("POST", "/api/v1/pipelines", "/api/v1/pipelines", "application/yaml", NEXT.replace("VERSION", "1"), 201);
            c.call("GET", "/api/v1/pipelines", "/api/v1/pipelines", null, null, 200);
            c.call("POST", "/api/v1/pipelines/validate", "/api/v1/pipelines/validate", "application/yaml", NEXT, 200);
            c.call("GET", "/api/v1/pipelines/{name}", "/api/v1/pipelines/oa", null, null, 200);
            c.call("PUT", "/api/v1/pipelines/{name}", "/api/v1/pipelines/oa", "application/yaml", NEXT.replace("VERSION", "2"), 200);
            c.call("POST", "/api/v1/pipelines/{name}/pause", "/api/v1/pipelines/oa/pause", null, null, 200);
            c.call("POST", "/api/v1/pipelines/{name}/resume", "/api/v1/pipelines/oa/resume", null, null, 200);
            c.call("POST", "/api/v1/pipelines/{name}/stop", "/api/v1/pipelines/oa/stop", null, null, 200);
            c.call("POST", "/api/v1/pipelines/{name}/start", "/api/v1/pipelines/oa/start", null, null, 200);
            c.call("POST", "/api/v1/pipelines/{name}/breaker/reset", "/api/v1/pipelines/oa/breaker/reset", null, null, 200);
            JsonObject fired = c.call("POST", "/api/v1/pipelines/{name}/triggers/{trigger}/fire",
                    "/api/v1/pipelines/oa/triggers/manual/fire", "application/json", "{\"x\":1}", 202);
            String traceId = fired.getString("traceId");
            h.awaitTrace(traceId, "completed");
            c.call("GET", "/api/v1/pipelines/{name}/metrics", "/api/v1/pipelines/oa/metrics", null, null, 200);
            c.call("GET", "/api/v1/pipelines/{name}/traces", "/api/v1/pipelines/oa/traces", null, null, 200);
            c.call("POST", "/api/v1/pipelines/{name}/triggers/{trigger}/pause", "/api/v1/pipelines/oa/triggers/manual/pause",
                    null, null, 200);
            c.call("POST", "/api/v1/pipelines/{name}/triggers/{trigger}/resume", "/api/v1/pipelines/oa/triggers/manual/resume",
                    null, null, 200);
            c.call("GET", "/api/v1/traces", "/api/v1/traces?limit=5", null, null, 200);
            c.call("GET", "/api/v1/traces/{id}", "/api/v1/traces/" + traceId, null, null, 200);
            c.call("GET", "/api/v1/traces/{id}/events", "/api/v1/traces/" + traceId + "/events", null, null, 200);
            c.call("GET", "/api/v1/traces/{id}/logs", "/api/v1/traces/" + traceId + "/logs", null, null, 200);

            String held = h.postJson("/api/v1/pipelines/hold/triggers/manual/fire", "{\"n\":\"oa1\"}").bodyAsJsonObject().getString("traceId");
            h.awaitTrace(held, "suspended");
            c.call("GET", "/api/v1/suspensions", "/api/v1/suspensions", null, null, 200);
            c.call("POST", "/api/v1/suspensions/{hook}/resume", "/api/v1/suspensions/hold-oa1/resume", "application/json",
                    "{\"decision\":\"approve\",\"payload\":{\"by\":\"test\"}}", 200);
            h.awaitTrace(held, "completed");
            String cancelMe = h.postJson("/api/v1/pipelines/hold/triggers/manual/fire", "{\"n\":\"oa2\"}").bodyAsJsonObject().getString("traceId");
            h.awaitTrace(cancelMe, "suspended");
            c.call("POST", "/api/v1/traces/{id}/cancel", "/api/v1/traces/" + cancelMe + "/cancel", null, null, 200);

            c.call("POST", "/api/v1/pipelines/{name}/drain", "/api/v1/pipelines/oa/drain", null, null, 202);
            c.call("DELETE", "/api/v1/pipelines/{name}", "/api/v1/pipelines/oa", null, null, 200);

            assertThat(c.called).isEqualTo(operations(spec));
        }
    }

    /** Calls operations and checks their answers against the file. */
    static final class Checker {
        final ServeHarness h;
        final Map<String, Object> spec;
        final Set<String> called = new TreeSet<>();

        Checker(ServeHarness h, Map<String, Object> spec) {
            this.h = h;
            this.spec = spec;
        }

        @SuppressWarnings("unchecked")
        JsonObject call(String method, String template, String uri, String contentType, String body, int expected) {
            called.add(method + " " + template);
            HttpRequest<Buffer> req = h.request(HttpMethod.valueOf(method), uri);
            if (contentType != null) {
                req.putHeader("Content-Type", contentType);
            }
            HttpResponse<Buffer> r = body == null ? req.send().await() : req.sendBuffer(Buffer.buffer(body)).await();
            String what = method + " " + uri + " -> " + r.statusCode() + " " + r.bodyAsString();
            assertThat(r.statusCode()).as(what).isEqualTo(expected);
            Map<String, Object> op = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) spec.get("paths"))
                    .get(template)).get(method.toLowerCase(Locale.ROOT));
            Map<String, Object> responses = (Map<String, Object>) op.get("responses");
            assertThat(responses).as("documented statuses of " + method + " " + template).containsKey(String.valueOf(expected));
            Map<String, Object> resp = resolve((Map<String, Object>) responses.get(String.valueOf(expected)));
            Map<String, Object> content = (Map<String, Object>) resp.get("content");
            if (content == null) {
                return null;
            }
            String ct = r.getHeader("Content-Type");
            String mediaType = ct.split(";")[0].strip();
            assertThat(content).as("documented media types of " + what).containsKey(mediaType);
            if (!mediaType.equals("application/json")) {
                return null;
            }
            Object json = Json.decodeValue(r.body());
            Map<String, Object> schema = (Map<String, Object>) ((Map<String, Object>) content.get(mediaType)).get("schema");
            List<String> problems = new ArrayList<>();
            check(json, schema, "$", problems);
            assertThat(problems).as(what).isEmpty();
            return json instanceof JsonObject o ? o : null;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> resolve(Map<String, Object> node) {
            while (node != null && node.containsKey("$ref")) {
                String[] parts = ((String) node.get("$ref")).substring(2).split("/");
                Object n = spec;
                for (String p : parts) {
                    n = ((Map<String, Object>) n).get(p);
                }
                node = (Map<String, Object>) n;
            }
            return node;
        }

        @SuppressWarnings("unchecked")
        void check(Object value, Map<String, Object> schema, String at, List<String> problems) {
            schema = resolve(schema);
            if (schema == null) {
                return;
            }
            if (schema.containsKey("oneOf")) {
                for (Object alt : (List<Object>) schema.get("oneOf")) {
                    List<String> p = new ArrayList<>();
                    check(value, (Map<String, Object>) alt, at, p);
                    if (p.isEmpty()) {
                        return;
                    }
                }
                problems.add(at + ": matches none of oneOf");
                return;
            }
            if (value == null) {
                if (!Boolean.TRUE.equals(schema.get("nullable")) && schema.containsKey("type")) {
                    problems.add(at + ": null where " + schema.get("type") + " is documented");
                }
                return;
            }
            String type = (String) schema.get("type");
            if (type == null) {
                return;
            }
            switch (type) {
                case "object" -> {
                    if (!(value instanceof JsonObject o)) {
                        problems.add(at + ": expected an object, got " + value);
                        return;
                    }
                    for (Object req : (List<Object>) schema.getOrDefault("required", List.of())) {
                        if (!o.containsKey((String) req)) {
                            problems.add(at + ": missing required '" + req + "'");
                        }
                    }
                    Map<String, Object> props = (Map<String, Object>) schema.getOrDefault("properties", Map.of());
                    props.forEach((k, s) -> {
                        if (o.containsKey(k)) {
                            check(o.getValue(k), (Map<String, Object>) s, at + "." + k, problems);
                        }
                    });
                }
                case "array" -> {
                    if (!(value instanceof JsonArray a)) {
                        problems.add(at + ": expected an array, got " + value);
                        return;
                    }
                    for (int i = 0; i < a.size(); i++) {
                        check(a.getValue(i), (Map<String, Object>) schema.get("items"), at + "[" + i + "]", problems);
                    }
                }
                case "string" -> {
                    if (!(value instanceof String s)) {
                        problems.add(at + ": expected a string, got " + value);
                    } else if (schema.containsKey("enum") && !((List<Object>) schema.get("enum")).contains(s)) {
                        problems.add(at + ": '" + s + "' is not one of " + schema.get("enum"));
                    }
                }
                case "integer" -> {
                    if (!(value instanceof Integer || value instanceof Long)) {
                        problems.add(at + ": expected an integer, got " + value);
                    }
                }
                case "boolean" -> {
                    if (!(value instanceof Boolean)) {
                        problems.add(at + ": expected a boolean, got " + value);
                    }
                }
                default -> {
                }
            }
        }
    }
}
