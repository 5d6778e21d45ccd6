package io.xerv.host.serve;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.xerv.host.serve.BackpressureTest.resume;
import static io.xerv.host.serve.LifecycleTest.LIFE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An unfinished trace whose flow is not deployed when the host starts is stranded: it is listed and
 * shown with what it waits for, it can be cancelled (for good: the end is in the write-ahead log),
 * and it resumes once a flow with the same identity is deployed again, from any folder or the API.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class StrandedTraceTest {

    @TempDir
    Path data;

    @TempDir
    Path tmp;

    /** Starts a host over the flows folder, fires a trace that suspends, stops the host: the trace stays unfinished. */
    private String unfinishedTrace(Vertx vertx, Path flows) throws Exception {
        Files.createDirectories(flows);
        Files.writeString(flows.resolve("life.yaml"), LIFE.replace("VERSION", "1"));
        try (ServeHarness first = ServeHarness.start(vertx, data, c -> c.withFlows(List.of(flows)))) {
            HttpResponse<Buffer> r = first.postJson("/life", "{\"n\":\"s1\"}");
            assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
            String id = r.bodyAsJsonObject().getString("traceId");
            first.awaitTrace(id, "suspended");
            return id;
        }
    }

    private ServeHarness withoutTheFlow(Vertx vertx) throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        return ServeHarness.start(vertx, data, c -> c.withFlows(List.of(empty)));
    }

    @Test
    void strandedTraceIsVisibleWithWhatItWaitsFor(Vertx vertx) throws Exception {
        String id = unfinishedTrace(vertx, tmp.resolve("flows"));

        try (ServeHarness h = withoutTheFlow(vertx)) {
            assertThat(h.host.recoveredTraces()).isZero();
            HttpResponse<Buffer> r = h.get("/api/v1/traces/" + id);
            assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
            JsonObject t = r.bodyAsJsonObject();
            assertThat(t.getString("status")).isEqualTo("stranded");
            assertThat(t.getString("waitingFor")).isEqualTo("flow life@1");
            assertThat(t.getString("pipeline")).isEqualTo("life");

            JsonArray all = h.get("/api/v1/traces").bodyAsJsonObject().getJsonArray("traces");
            assertThat(all.stream().map(o -> (JsonObject) o).filter(o -> o.getString("traceId").equals(id)))
                    .singleElement().satisfies(o -> assertThat(o.getString("status")).isEqualTo("stranded"));
            JsonArray stranded = h.get("/api/v1/traces?status=stranded").bodyAsJsonObject().getJsonArray("traces");
            assertThat(stranded).hasSize(1);
            assertThat(h.get("/api/v1/traces?status=running").bodyAsJsonObject().getJsonArray("traces")).isEmpty();
        }
    }

    @Test
    void strandedTraceCanBeCancelledAndStaysCancelledAfterARestart(Vertx vertx) throws Exception {
        Path flows = tmp.resolve("flows");
        String id = unfinishedTrace(vertx, flows);

        try (ServeHarness h = withoutTheFlow(vertx)) {
            HttpResponse<Buffer> r = h.post("/api/v1/traces/" + id + "/cancel");
            assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
            assertThat(r.bodyAsJsonObject().getBoolean("cancelled")).isTrue();
            JsonObject t = h.get("/api/v1/traces/" + id).bodyAsJsonObject();
            assertThat(t.getString("status")).isEqualTo("cancelled");
            // Cancelled once: a second cancel finds nothing to cancel.
            assertThat(h.post("/api/v1/traces/" + id + "/cancel").statusCode()).isEqualTo(404);
        }
        try (ServeHarness h = withoutTheFlow(vertx)) {
            JsonObject t = h.get("/api/v1/traces/" + id).bodyAsJsonObject();
            assertThat(t.getString("status")).as(t.encode()).isEqualTo("cancelled");
        }
        // With its flow back, the cancelled trace is not resumed.
        try (ServeHarness h = ServeHarness.start(vertx, data, c -> c.withFlows(List.of(flows)))) {
            assertThat(h.host.recoveredTraces()).isZero();
            assertThat(h.get("/api/v1/traces/" + id).bodyAsJsonObject().getString("status")).isEqualTo("cancelled");
            assertThat(h.get("/api/v1/suspensions").bodyAsJsonObject().getJsonArray("suspensions")).isEmpty();
        }
    }

    @Test
    void strandedTraceResumesWhenItsFlowIsDeployedAgainThroughTheApi(Vertx vertx) throws Exception {
        String id = unfinishedTrace(vertx, tmp.resolve("flows"));

        try (ServeHarness h = withoutTheFlow(vertx)) {
            assertThat(h.get("/api/v1/traces/" + id).bodyAsJsonObject().getString("status")).isEqualTo("stranded");
            // The same flow under another source name: its identity is its content.
            HttpResponse<Buffer> d = h.sendYaml(HttpMethod.POST, "/api/v1/pipelines?source=elsewhere/life.yaml",
                    LIFE.replace("VERSION", "1"));
            assertThat(d.statusCode()).as(d.bodyAsString()).isEqualTo(201);
            resume(h, "life-s1");
            JsonObject t = h.awaitTrace(id, "completed", "failed", "cancelled");
            assertThat(t.getString("status")).as(t.encode()).isEqualTo("completed");
        }
    }

    @Test
    void strandedTraceStaysStrandedWhenAnotherVersionIsDeployed(Vertx vertx) throws Exception {
        String id = unfinishedTrace(vertx, tmp.resolve("flows"));

        try (ServeHarness h = withoutTheFlow(vertx)) {
            HttpResponse<Buffer> d = h.sendYaml(HttpMethod.POST, "/api/v1/pipelines", LIFE.replace("VERSION", "2"));
            assertThat(d.statusCode()).as(d.bodyAsString()).isEqualTo(201);
            JsonObject t = h.get("/api/v1/traces/" + id).bodyAsJsonObject();
            assertThat(t.getString("status")).isEqualTo("stranded");
            assertThat(t.getString("waitingFor")).isEqualTo("flow life@1");
        }
    }
}
