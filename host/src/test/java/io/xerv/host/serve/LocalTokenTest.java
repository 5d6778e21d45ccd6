package io.xerv.host.serve;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static io.xerv.host.serve.ServeHarness.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A host without API keys: the API answers only the local admin token from the data directory, never
 * a client for calling from 127.0.0.1, so a flow's outbound call back into its own host is anonymous.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class LocalTokenTest {

    @TempDir
    Path data;

    /** A webhook whose payload says where std::http goes: the shape of a flow that forwards to a caller's URL. */
    static final String PROBE = """
            name: probe
            triggers:
              - id: hook
                type: webhook
                params: {path: /probe, method: POST, mode: sync}
            nodes:
              fetch:
                type: std::http
                config: {url: "${trigger.url}", method: get, fail_on_status: false, timeout_ms: 5000}
            edges:
              - {from: hook, to: fetch}
            """;

    @Test
    void apiRefusesALoopbackClientWithoutTheToken(Vertx vertx) throws Exception {
        try (ServeHarness h = ServeHarness.start(vertx, data)) {
            assertThat(h.host.config().apiKeys().enabled()).isFalse();
            h.withKey(null);
            for (String uri : new String[]{"/api/v1/traces", "/api/v1/pipelines", "/api/v1/nodes", "/metrics"}) {
                HttpResponse<Buffer> r = h.get(uri);
                assertThat(assertError(r, 401).getString("detail")).contains("api-token");
                assertThat(r.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
            }
            assertError(h.request(HttpMethod.POST, "/api/v1/pipelines/echo/stop").send().await(), 401);
            assertThat(h.get("/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void webhookFlowCallingTheHostsOwnApiGetsNoTraces(Vertx vertx) throws Exception {
        // Loopback is granted, so the call reaches the API: the API alone must refuse it
        // (NetworkEgressTest shows the default network policy refusing it before that).
        try (ServeHarness h = ServeHarness.start(vertx, data, c -> c.withNetwork(NetworkEgressTest.LOOPBACK))) {
            assertThat(h.sendYaml(HttpMethod.POST, "/api/v1/pipelines", PROBE).statusCode()).isEqualTo(201);
            String secret = h.postJson("/api/v1/pipelines/echo/triggers/manual/fire?wait=true", "{\"word\":\"private\"}")
                    .bodyAsJsonObject().getString("traceId");

            HttpResponse<Buffer> r = h.client.post("/probe").putHeader("Content-Type", "application/json")
                    .sendBuffer(Buffer.buffer(new JsonObject().put("url", "http://127.0.0.1:" + h.host.port() + "/api/v1/traces")
                            .encode())).await();
            assertThat(r.bodyAsString()).doesNotContain(secret).doesNotContain("\"traces\"");
            JsonObject answer = r.bodyAsJsonObject();
            assertThat(answer.getString("status")).as(answer.encode()).isEqualTo("completed");
            assertThat(answer.getJsonObject("result").getInteger("status")).as(answer.encode()).isEqualTo(401);
            assertThat(h.get("/api/v1/pipelines/echo").bodyAsJsonObject().getString("state")).isEqualTo("running");
        }
    }

    @Test
    void theTokenFileIsOwnerOnlyAndKeptAcrossRestarts(Vertx vertx) throws Exception {
        String first;
        try (ServeHarness h = ServeHarness.start(vertx, data)) {
            Path f = LocalToken.file(data);
            assertThat(Files.getPosixFilePermissions(f)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            first = ServeHarness.token(h.host);
            assertThat(h.get("/api/v1/pipelines").statusCode()).isEqualTo(200);
            assertThat(h.client.get("/api/v1/pipelines").putHeader("X-API-Key", first).send().await().statusCode())
                    .isEqualTo(200);
            assertThat(Files.list(data).filter(p -> p.getFileName().toString().contains(".tmp"))).isEmpty();
        }
        try (ServeHarness h = ServeHarness.start(vertx, data)) {
            assertThat(ServeHarness.token(h.host)).isEqualTo(first);
            assertThat(h.get("/api/v1/pipelines").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aTokenFileOthersCanReadIsNarrowedToItsOwner(Vertx vertx) throws Exception {
        Files.createDirectories(data);
        Path f = LocalToken.file(data);
        Files.writeString(f, "a-token-the-operator-chose-0123456789abcdef\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        try (ServeHarness h = ServeHarness.start(vertx, data)) {
            assertThat(Files.getPosixFilePermissions(f)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(ServeHarness.token(h.host)).isEqualTo("a-token-the-operator-chose-0123456789abcdef");
            assertThat(h.get("/api/v1/pipelines").statusCode()).isEqualTo(200);
        }
    }
}
