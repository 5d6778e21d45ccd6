package io.xerv.host.serve;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code execution_timeout_ms}: a trace still running then fails, its slot frees, and the failure counts. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class TimeoutTest {

    @TempDir
    Path data;

    @Test
    void traceOverItsExecutionTimeoutFails(Vertx vertx) throws Exception {
        HttpServer never = vertx.createHttpServer().requestHandler(req -> { }).listen(0, "127.0.0.1").await();
        try (ServeHarness h = ServeHarness.start(vertx, data, c -> c.withNetwork(NetworkEgressTest.LOOPBACK))) {
            HttpResponse<Buffer> d = h.sendYaml(HttpMethod.POST, "/api/v1/pipelines", """
                    name: stuck
                    triggers:
                      - id: hook
                        type: webhook
                        params: {path: /stuck}
                    nodes:
                      ask:
                        type: std::http
                        config: {url: "http://127.0.0.1:%d/", method: GET, timeout_ms: 60000}
                    edges:
                      - {from: hook, to: ask}
                    settings:
                      execution_timeout_ms: 300
                      max_concurrent_executions: 1
                    """.formatted(never.actualPort()));
            assertThat(d.statusCode()).as(d.bodyAsString()).isEqualTo(201);
            HttpResponse<Buffer> r = h.postJson("/stuck", "{}");
            assertThat(r.statusCode()).isEqualTo(200);
            JsonObject body = r.bodyAsJsonObject();
            assertThat(body.getString("status")).isEqualTo("failed");
            assertThat(body.getString("error")).contains("timed out after 300 ms");
            JsonObject p = h.awaitPipeline("stuck", "running", 0);
            assertThat(p.getJsonObject("stats").getLong("failed")).isEqualTo(1);
            assertThat(h.postJson("/stuck", "{}").bodyAsJsonObject().getString("status")).isEqualTo("failed");
        } finally {
            never.close();
        }
    }
}
