package io.xerv.host.serve;

import io.vertx.core.Future;
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

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.xerv.host.serve.ServeHarness.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bounded queue: with one trace running and one queued (the {@code hold} flow's limits), the next
 * webhook is refused with 429 and Retry-After; a queued trace is acknowledged only once it starts.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class BackpressureTest {

    @TempDir
    Path data;

    @Test
    void fullQueueAnswers429WithRetryAfterAndTheQueuedTraceStartsWhenASlotFrees(Vertx vertx) throws Exception {
        try (ServeHarness h = ServeHarness.start(vertx, data)) {
            HttpResponse<Buffer> first = h.postJson("/hold", "{\"n\":\"bp1\"}");
            assertThat(first.statusCode()).isEqualTo(202);
            String firstId = first.bodyAsJsonObject().getString("traceId");
            h.awaitTrace(firstId, "suspended");

            Future<HttpResponse<Buffer>> second = h.request(HttpMethod.POST, "/hold")
                    .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{\"n\":\"bp2\"}"));
            h.awaitPipeline("hold", "queued", 1);
            assertThat(second.isComplete()).as("a queued trace is not acknowledged before it starts").isFalse();

            HttpResponse<Buffer> third = h.postJson("/hold", "{\"n\":\"bp3\"}");
            JsonObject e = assertError(third, 429);
            assertThat(e.getString("detail")).contains("max_queued_traces");
            assertThat(Integer.parseInt(third.getHeader("Retry-After"))).isBetween(1, 60);
            assertThat(h.get("/metrics").bodyAsString())
                    .contains("xerv_queue_depth{pipeline=\"hold\"} 1.0")
                    .containsPattern("xerv_traces_refused_total\\{pipeline=\"hold\"} [1-9]");

            resume(h, "hold-bp1");
            HttpResponse<Buffer> secondAnswer = second.await();
            assertThat(secondAnswer.statusCode()).isEqualTo(202);
            assertThat(h.awaitTrace(firstId, "completed").getString("status")).isEqualTo("completed");
            String secondId = secondAnswer.bodyAsJsonObject().getString("traceId");
            h.awaitTrace(secondId, "suspended");
            resume(h, "hold-bp2");
            h.awaitTrace(secondId, "completed");

            assertThat(h.postJson("/hold", "{\"n\":\"bp4\"}").statusCode()).as("the pipeline accepts again").isEqualTo(202);
            resume(h, "hold-bp4");
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
}
