package io.xerv.host.serve;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.xerv.host.serve.ServeHarness.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bounded queue: with one trace running and one queued, the next webhook is refused with 429 and
 * Retry-After; a queued trace is acknowledged only once it starts. Suspended traces hold no slot.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class BackpressureTest {

    @TempDir
    Path data;

    @Test
    void fullQueueAnswers429WithRetryAfterAndTheQueuedTraceStartsWhenASlotFrees(Vertx vertx) throws Exception {
        // Each trace of "busy" runs (holds its slot) until the test answers its outbound call.
        List<HttpServerRequest> calls = new CopyOnWriteArrayList<>();
        HttpServer gate = vertx.createHttpServer().requestHandler(calls::add).listen(0, "127.0.0.1").await();
        try (ServeHarness h = ServeHarness.start(vertx, data, c -> c.withNetwork(NetworkEgressTest.LOOPBACK))) {
            HttpResponse<Buffer> d = h.sendYaml(HttpMethod.POST, "/api/v1/pipelines", """
                    name: busy
                    triggers:
                      - id: hook
                        type: webhook
                        params: {path: /busy, mode: async}
                    nodes:
                      ask:
                        type: std::http
                        config: {url: "http://127.0.0.1:%d/", method: GET, timeout_ms: 60000}
                    edges:
                      - {from: hook, to: ask}
                    settings:
                      max_concurrent_executions: 1
                      max_queued_traces: 1
                    """.formatted(gate.actualPort()));
            assertThat(d.statusCode()).as(d.bodyAsString()).isEqualTo(201);
            HttpResponse<Buffer> first = h.postJson("/busy", "{\"n\":\"bp1\"}");
            assertThat(first.statusCode()).isEqualTo(202);
            String firstId = first.bodyAsJsonObject().getString("traceId");
            awaitCalls(calls, 1);

            Future<HttpResponse<Buffer>> second = h.request(HttpMethod.POST, "/busy")
                    .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{\"n\":\"bp2\"}"));
            h.awaitPipeline("busy", "queued", 1);
            assertThat(second.isComplete()).as("a queued trace is not acknowledged before it starts").isFalse();

            HttpResponse<Buffer> third = h.postJson("/busy", "{\"n\":\"bp3\"}");
            JsonObject e = assertError(third, 429);
            assertThat(e.getString("detail")).contains("max_queued_traces");
            assertThat(Integer.parseInt(third.getHeader("Retry-After"))).isBetween(1, 60);
            assertThat(h.get("/metrics").bodyAsString())
                    .contains("xerv_queue_depth{pipeline=\"busy\"} 1.0")
                    .containsPattern("xerv_traces_refused_total\\{pipeline=\"busy\"} [1-9]");

            calls.get(0).response().end("{}");
            HttpResponse<Buffer> secondAnswer = second.await();
            assertThat(secondAnswer.statusCode()).isEqualTo(202);
            assertThat(h.awaitTrace(firstId, "completed").getString("status")).isEqualTo("completed");
            String secondId = secondAnswer.bodyAsJsonObject().getString("traceId");
            awaitCalls(calls, 2);
            calls.get(1).response().end("{}");
            h.awaitTrace(secondId, "completed");

            HttpResponse<Buffer> fourth = h.postJson("/busy", "{\"n\":\"bp4\"}");
            assertThat(fourth.statusCode()).as("the pipeline accepts again").isEqualTo(202);
            awaitCalls(calls, 3);
            calls.get(2).response().end("{}");
            h.awaitTrace(fourth.bodyAsJsonObject().getString("traceId"), "completed");
        } finally {
            gate.close();
        }
    }

    private static void awaitCalls(List<HttpServerRequest> calls, int n) throws InterruptedException {
        while (calls.size() < n) {
            Thread.sleep(10);
        }
    }

    /** Resumes a suspension once the trace has reached it (an acknowledgement comes before the trace runs). */
    static void resume(ServeHarness h, String hook) throws InterruptedException {
        while (!h.get("/api/v1/suspensions").bodyAsString().contains("\"" + hook + "\"")) {
            Thread.sleep(10);
        }
        HttpResponse<Buffer> r = h.postJson("/api/v1/suspensions/" + hook + "/resume", "{\"decision\":\"approve\"}");
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    }

    @Test
    void suspendedApprovalsDoNotHoldConcurrencySlotsSoFiresAreNeverQueuedBehindThem(Vertx vertx) throws Exception {
        // "hold" runs one trace at a time and queues one: each trace suspends on std::wait.
        try (ServeHarness h = ServeHarness.start(vertx, data)) {
            int n = 6;
            String[] ids = new String[n];
            for (int i = 0; i < n; i++) {
                HttpResponse<Buffer> r = h.postJson("/hold", "{\"n\":\"s" + i + "\"}");
                assertThat(r.statusCode()).as("fire %d: %s", i, r.bodyAsString()).isEqualTo(202);
                ids[i] = r.bodyAsJsonObject().getString("traceId");
                h.awaitTrace(ids[i], "suspended");
            }
            JsonObject p = h.get("/api/v1/pipelines/hold").bodyAsJsonObject();
            assertThat(p.getInteger("queued")).isZero();
            assertThat(p.getInteger("running")).as("unfinished traces, suspended ones included").isEqualTo(n);
            for (int i = 0; i < n; i++) {
                resume(h, "hold-s" + i);
                assertThat(h.awaitTrace(ids[i], "completed").getString("status")).isEqualTo("completed");
            }
            h.awaitPipeline("hold", "running", 0);
            assertThat(h.postJson("/hold", "{\"n\":\"after\"}").statusCode()).isEqualTo(202);
            resume(h, "hold-after");
        }
    }
}
