package io.xerv.host.serve;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.xerv.host.serve.ServeHarness.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/** The circuit breaker over HTTP: failures open it, it refuses with 503, half-opens, and a success closes it. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class BreakerTest {

    static final String FIRE = "/api/v1/pipelines/picky/triggers/manual/fire?wait=true";

    @TempDir
    Path data;

    @Test
    void breakerOpensOnFailuresRefusesThenHalfOpensAndClosesOnSuccess(Vertx vertx) throws Exception {
        try (ServeHarness h = ServeHarness.start(vertx, data)) {
            assertThat(h.get("/api/v1/pipelines/picky").bodyAsJsonObject().getString("breaker")).isEqualTo("closed");
            for (int i = 0; i < 2; i++) {
                HttpResponse<Buffer> r = h.postJson(FIRE, "{}");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.bodyAsJsonObject().getString("status")).isEqualTo("failed");
            }
            // A trace counts once its end is durable, just after the answer to ?wait=true.
            String state = h.get("/api/v1/pipelines/picky").bodyAsJsonObject().getString("breaker");
            while (state.equals("closed")) {
                Thread.sleep(10);
                state = h.get("/api/v1/pipelines/picky").bodyAsJsonObject().getString("breaker");
            }
            assertThat(state).isIn("open", "half_open");
            assertThat(h.get("/api/v1/pipelines/picky/metrics").bodyAsJsonObject().getString("breaker")).isIn("open", "half_open");

            HttpResponse<Buffer> refused = h.postJson(FIRE, "{\"order_id\":1}");
            if (refused.statusCode() == 503) {
                assertThat(assertError(refused, 503).getString("error")).isEqualTo("circuit breaker open");
                assertThat(Integer.parseInt(refused.getHeader("Retry-After"))).isPositive();
                assertThat(h.get("/metrics").bodyAsString()).containsPattern("xerv_breaker_state\\{pipeline=\"picky\"} [12]\\.0");
            }

            h.awaitPipeline("picky", "breaker", "half_open");
            HttpResponse<Buffer> trial = h.postJson(FIRE, "{\"order_id\":7}");
            assertThat(trial.statusCode()).isEqualTo(200);
            assertThat(trial.bodyAsJsonObject().getString("status")).isEqualTo("completed");
            h.awaitPipeline("picky", "breaker", "closed");
            assertThat(h.get("/metrics").bodyAsString()).contains("xerv_breaker_state{pipeline=\"picky\"} 0.0");
        }
    }

    @Test
    void openBreakerRefusesWith503AndAResetClosesIt(Vertx vertx) throws Exception {
        try (ServeHarness h = ServeHarness.start(vertx, data, c -> c)) {
            // A long recovery, so that the breaker is surely open when the next trace is asked for.
            String yaml = ServeHarness.flow("picky.yaml").replace("name: picky", "name: picky_slow")
                    .replace("circuit_breaker_recovery_ms: 300", "circuit_breaker_recovery_ms: 600000");
            assertThat(h.sendYaml(io.vertx.core.http.HttpMethod.POST, "/api/v1/pipelines", yaml).statusCode()).isEqualTo(201);
            String fire = "/api/v1/pipelines/picky_slow/triggers/manual/fire?wait=true";
            h.postJson(fire, "{}");
            h.postJson(fire, "{}");
            h.awaitPipeline("picky_slow", "breaker", "open");
            HttpResponse<Buffer> refused = h.postJson(fire, "{\"order_id\":1}");
            assertThat(assertError(refused, 503).getString("error")).isEqualTo("circuit breaker open");
            assertThat(Integer.parseInt(refused.getHeader("Retry-After"))).isGreaterThan(500);
            assertThat(h.get("/metrics").bodyAsString()).contains("xerv_breaker_state{pipeline=\"picky_slow\"} 1.0");

            assertThat(h.post("/api/v1/pipelines/picky_slow/breaker/reset").bodyAsJsonObject().getString("breaker"))
                    .isEqualTo("closed");
            assertThat(h.postJson(fire, "{\"order_id\":1}").bodyAsJsonObject().getString("status")).isEqualTo("completed");
        }
    }
}
