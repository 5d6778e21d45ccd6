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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.xerv.host.serve.BackpressureTest.resume;
import static io.xerv.host.serve.LifecycleTest.LIFE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pipelines deployed and changed through the API are recorded under {@code <data-dir>/pipelines} and
 * come back after a restart, with their state; the flows folder wins once it changes the same flow;
 * deleting a pipeline deletes its record.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class RecordedDeploymentTest {

    @TempDir
    Path data;

    @TempDir
    Path tmp;

    private Path flows() throws Exception {
        return Files.createDirectories(tmp.resolve("flows"));
    }

    private ServeHarness host(Vertx vertx) throws Exception {
        Path flows = flows();
        return ServeHarness.start(vertx, data, c -> c.withFlows(List.of(flows)));
    }

    private static void deploy(ServeHarness h, String version) {
        HttpResponse<Buffer> r = h.sendYaml(HttpMethod.POST, "/api/v1/pipelines?source=life.yaml", LIFE.replace("VERSION", version));
        assertThat(r.statusCode()).as(r.bodyAsString()).isIn(200, 201);
    }

    private static JsonObject life(ServeHarness h) {
        HttpResponse<Buffer> r = h.get("/api/v1/pipelines/life");
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        return r.bodyAsJsonObject();
    }

    @Test
    void apiDeployedPipelineSurvivesARestart(Vertx vertx) throws Exception {
        String traceId;
        try (ServeHarness h = host(vertx)) {
            deploy(h, "1");
            HttpResponse<Buffer> r = h.postJson("/life", "{\"n\":\"r1\"}");
            assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
            traceId = r.bodyAsJsonObject().getString("traceId");
            h.awaitTrace(traceId, "suspended");
        }
        Path record = data.resolve("pipelines/life");
        assertThat(record.resolve(Deployments.MANIFEST)).isRegularFile();
        try (Stream<Path> files = Files.list(record)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .anyMatch(n -> n.matches("1-[0-9a-f]{64}\\.yaml"))
                    .noneMatch(n -> n.endsWith(".tmp"));
        }

        try (ServeHarness h = host(vertx)) {
            assertThat(h.host.deployErrors()).isEmpty();
            JsonObject p = life(h);
            assertThat(p.getString("version")).isEqualTo("1");
            assertThat(p.getString("state")).isEqualTo("running");
            assertThat(h.host.recoveredTraces()).isEqualTo(1);
            resume(h, "life-r1");
            assertThat(h.awaitTrace(traceId, "completed", "failed").getString("status")).isEqualTo("completed");
            // New traces run too: its webhook is bound again.
            assertThat(h.postJson("/life", "{\"n\":\"r2\"}").statusCode()).isEqualTo(202);
        }
    }

    @Test
    void apiLifecycleStateSurvivesARestart(Vertx vertx) throws Exception {
        try (ServeHarness h = host(vertx)) {
            deploy(h, "1");
            assertThat(h.post("/api/v1/pipelines/life/pause").statusCode()).isEqualTo(200);
        }
        try (ServeHarness h = host(vertx)) {
            assertThat(life(h).getString("state")).isEqualTo("paused");
            assertThat(h.postJson("/life", "{\"n\":\"p\"}").statusCode()).isEqualTo(503);
            assertThat(h.post("/api/v1/pipelines/life/stop").statusCode()).isEqualTo(200);
        }
        try (ServeHarness h = host(vertx)) {
            assertThat(life(h).getString("state")).isEqualTo("stopped");
            assertThat(h.post("/api/v1/pipelines/life/start").statusCode()).isEqualTo(200);
        }
        try (ServeHarness h = host(vertx)) {
            assertThat(life(h).getString("state")).isEqualTo("running");
        }
    }

    @Test
    void aFlowsFolderPipelinePausedThroughTheApiStaysPausedAfterARestart(Vertx vertx) throws Exception {
        Files.writeString(flows().resolve("life.yaml"), LIFE.replace("VERSION", "1"));
        try (ServeHarness h = host(vertx)) {
            assertThat(h.post("/api/v1/pipelines/life/pause").statusCode()).isEqualTo(200);
        }
        try (ServeHarness h = host(vertx)) {
            assertThat(life(h).getString("state")).isEqualTo("paused");
            assertThat(h.post("/api/v1/pipelines/life/resume").statusCode()).isEqualTo(200);
        }
        try (ServeHarness h = host(vertx)) {
            assertThat(life(h).getString("state")).isEqualTo("running");
        }
        assertThat(data.resolve("pipelines/life")).doesNotExist();
    }

    @Test
    void deletingAPipelineRemovesItsRecord(Vertx vertx) throws Exception {
        try (ServeHarness h = host(vertx)) {
            deploy(h, "1");
            assertThat(h.request(HttpMethod.DELETE, "/api/v1/pipelines/life").send().await().statusCode()).isEqualTo(200);
        }
        assertThat(data.resolve("pipelines/life")).doesNotExist();
        try (ServeHarness h = host(vertx)) {
            assertThat(h.get("/api/v1/pipelines/life").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void recordedApiDeployWinsOverTheUnchangedFlowsFolder(Vertx vertx) throws Exception {
        Files.writeString(flows().resolve("life.yaml"), LIFE.replace("VERSION", "1"));
        try (ServeHarness h = host(vertx)) {
            deploy(h, "2");
            assertThat(life(h).getString("version")).isEqualTo("2");
        }
        try (ServeHarness h = host(vertx)) {
            assertThat(life(h).getString("version")).isEqualTo("2");
        }
    }

    @Test
    void flowsFolderChangeWinsOverARecordedApiDeploy(Vertx vertx) throws Exception {
        Path file = flows().resolve("life.yaml");
        Files.writeString(file, LIFE.replace("VERSION", "1"));
        try (ServeHarness h = host(vertx)) {
            deploy(h, "2");
        }
        Files.writeString(file, LIFE.replace("VERSION", "3"));
        try (ServeHarness h = host(vertx)) {
            assertThat(life(h).getString("version")).isEqualTo("3");
        }
        // The recorded deployment was forgotten: it does not come back either.
        assertThat(data.resolve("pipelines/life")).doesNotExist();
        try (ServeHarness h = host(vertx)) {
            assertThat(life(h).getString("version")).isEqualTo("3");
        }
    }

    @Test
    void tracesOfAnOlderRecordedVersionResumeOnItAfterARestart(Vertx vertx) throws Exception {
        String traceId;
        try (ServeHarness h = host(vertx)) {
            deploy(h, "1");
            HttpResponse<Buffer> r = h.postJson("/life", "{\"n\":\"old\"}");
            traceId = r.bodyAsJsonObject().getString("traceId");
            h.awaitTrace(traceId, "suspended");
            deploy(h, "2");
        }
        try (ServeHarness h = host(vertx)) {
            assertThat(h.host.deployErrors()).isEmpty();
            JsonObject p = life(h);
            assertThat(p.getString("version")).isEqualTo("2");
            assertThat(h.host.recoveredTraces()).isEqualTo(1);
            resume(h, "life-old");
            JsonObject t = h.awaitTrace(traceId, "completed", "failed", "cancelled");
            assertThat(t.getString("status")).as(t.encode()).isEqualTo("completed");
            assertThat(t.getString("version")).isEqualTo("1");
        }
        // Once its last trace ended, the older version's file is no longer kept.
        try (ServeHarness h = host(vertx); Stream<Path> files = Files.list(data.resolve("pipelines/life"))) {
            assertThat(life(h).getString("version")).isEqualTo("2");
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml")))
                    .singleElement().satisfies(n -> assertThat(n).startsWith("2-"));
        }
    }

    @Test
    void anUnreadableRecordIsReportedAndTheRestStillDeploy(Vertx vertx) throws Exception {
        try (ServeHarness h = host(vertx)) {
            deploy(h, "1");
        }
        Path broken = Files.createDirectories(data.resolve("pipelines/broken"));
        Files.writeString(broken.resolve(Deployments.MANIFEST), "{not json");
        try (ServeHarness h = host(vertx)) {
            assertThat(h.host.deployErrors()).singleElement().satisfies(e ->
                    assertThat(e).contains(broken.resolve(Deployments.MANIFEST).toString()).contains("not JSON"));
            assertThat(life(h).getString("version")).isEqualTo("1");
        }
    }
}
