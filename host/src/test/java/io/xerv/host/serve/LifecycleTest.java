package io.xerv.host.serve;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.xerv.host.serve.BackpressureTest.resume;
import static io.xerv.host.serve.ServeHarness.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/** Pipelines through the REST API: deploy, versions, start, pause, resume, drain, stop, delete, triggers, traces. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class LifecycleTest {

    /** A flow whose traces wait on {@code life-<n>} until resumed; {@code VERSION} is replaced. */
    static final String LIFE = """
            name: life
            version: "VERSION"
            triggers:
              - id: hook
                type: webhook
                params: {path: /life, mode: async}
              - id: manual
                type: manual
            nodes:
              wait:
                type: std::wait
                config:
                  hook_id: "life-${trigger.n}"
                  timeout_ms: 600000
              done:
                type: std::log
                config: {message: "done ${trigger.n}"}
            edges:
              - {from: hook, to: wait}
              - {from: manual, to: wait}
              - {from: wait.out, to: done}
            """;

    @TempDir
    Path data;

    ServeHarness h;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        h = ServeHarness.start(vertx, data);
        HttpResponse<Buffer> r = h.sendYaml(HttpMethod.POST, "/api/v1/pipelines?source=life.yaml", LIFE.replace("VERSION", "1"));
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    JsonObject pipeline() {
        return h.get("/api/v1/pipelines/life").bodyAsJsonObject();
    }

    String fire(String n) {
        HttpResponse<Buffer> r = h.postJson("/life", "{\"n\":\"" + n + "\"}");
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
        return r.bodyAsJsonObject().getString("traceId");
    }

    @Test
    void deployedPipelineRunsAndIsListed() {
        JsonObject p = pipeline();
        assertThat(p.getString("state")).isEqualTo("running");
        assertThat(p.getString("version")).isEqualTo("1");
        assertThat(p.getString("source")).isEqualTo("life.yaml");
        JsonArray names = new JsonArray();
        h.get("/api/v1/pipelines").bodyAsJsonObject().getJsonArray("pipelines").forEach(o -> names.add(((JsonObject) o).getString("name")));
        assertThat(names.getList()).contains("life", "echo", "hold");
    }

    @Test
    void deployWithStartFalseLeavesItStoppedUntilStarted() {
        String yaml = LIFE.replace("name: life", "name: later").replace("/life", "/later").replace("VERSION", "1");
        HttpResponse<Buffer> r = h.sendYaml(HttpMethod.POST, "/api/v1/pipelines?start=false", yaml);
        assertThat(r.bodyAsJsonObject().getString("state")).isEqualTo("stopped");
        assertError(h.postJson("/later", "{}"), 503);
        assertThat(h.post("/api/v1/pipelines/later/start").bodyAsJsonObject().getString("state")).isEqualTo("running");
    }

    @Test
    void validateReportsProblemsWithoutDeploying() {
        HttpResponse<Buffer> ok = h.sendYaml(HttpMethod.POST, "/api/v1/pipelines/validate", LIFE.replace("name: life", "name: v"));
        assertThat(ok.bodyAsJsonObject().getBoolean("valid")).isTrue();
        HttpResponse<Buffer> bad = h.sendYaml(HttpMethod.POST, "/api/v1/pipelines/validate?source=x.yaml",
                "name: x\nnodes:\n  a:\n    type: std::nope\n");
        assertThat(bad.statusCode()).isEqualTo(200);
        assertThat(bad.bodyAsJsonObject().getBoolean("valid")).isFalse();
        assertThat(bad.bodyAsJsonObject().getJsonArray("errors").getString(0)).startsWith("x.yaml:4:11:");
        assertError(h.get("/api/v1/pipelines/x"), 404);
    }

    @Test
    void redeployRunsNewTracesOnTheNewVersionWhileOldTracesFinish() throws Exception {
        String old = fire("v1");
        h.awaitTrace(old, "suspended");

        HttpResponse<Buffer> r = h.sendYaml(HttpMethod.PUT, "/api/v1/pipelines/life", LIFE.replace("VERSION", "2"));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject p = r.bodyAsJsonObject();
        assertThat(p.getString("version")).isEqualTo("2");
        assertThat(p.getJsonArray("versions")).hasSize(2);

        String fresh = fire("v2");
        assertThat(h.awaitTrace(fresh, "suspended").getString("version")).isEqualTo("2");

        resume(h, "life-v1");
        JsonObject done = h.awaitTrace(old, "completed");
        assertThat(done.getString("version")).isEqualTo("1");
        JsonObject after = h.awaitPipeline("life", "running", 1);
        assertThat(after.getJsonArray("versions")).hasSize(1);
        assertThat(after.getJsonArray("versions").getJsonObject(0).getString("version")).isEqualTo("2");
        resume(h, "life-v2");
        h.awaitTrace(fresh, "completed");
    }

    @Test
    void aSupersededVersionsTracesAreCancelledOnceItsDrainGracePeriodPasses() throws Exception {
        String brief = LIFE.replace("name: life", "name: brief").replace("/life", "/brief")
                .replace("life-${trigger.n}", "brief-${trigger.n}") + "settings: {drain_grace_period_ms: 300}\n";
        assertThat(h.sendYaml(HttpMethod.POST, "/api/v1/pipelines", brief.replace("VERSION", "1")).statusCode()).isEqualTo(201);
        HttpResponse<Buffer> fired = h.postJson("/brief", "{\"n\":\"g\"}");
        assertThat(fired.statusCode()).as(fired.bodyAsString()).isEqualTo(202);
        String old = fired.bodyAsJsonObject().getString("traceId");
        h.awaitTrace(old, "suspended");

        assertThat(h.sendYaml(HttpMethod.PUT, "/api/v1/pipelines/brief", brief.replace("VERSION", "2")).statusCode()).isEqualTo(200);

        JsonObject cancelled = h.awaitTrace(old, "cancelled");
        assertThat(cancelled.getString("version")).isEqualTo("1");
        assertThat(cancelled.getString("error")).contains("version 1 was superseded by version 2")
                .contains("drain grace period (300 ms)");
        JsonObject after = h.get("/api/v1/pipelines/brief").bodyAsJsonObject();
        while (after.getJsonArray("versions").size() > 1) {
            Thread.sleep(20);
            after = h.get("/api/v1/pipelines/brief").bodyAsJsonObject();
        }
        assertThat(after.getJsonArray("versions").getJsonObject(0).getString("version")).isEqualTo("2");
        // The new version's traces are not touched.
        String fresh = h.postJson("/brief", "{\"n\":\"h\"}").bodyAsJsonObject().getString("traceId");
        h.awaitTrace(fresh, "suspended");
        resume(h, "brief-h");
        h.awaitTrace(fresh, "completed");
    }

    @Test
    void redeployingTheSameTextChangesNothing() {
        JsonObject p = h.sendYaml(HttpMethod.PUT, "/api/v1/pipelines/life", LIFE.replace("VERSION", "1")).bodyAsJsonObject();
        assertThat(p.getJsonArray("versions")).hasSize(1);
    }

    @Test
    void redeployingTheSameFlowWithOtherSettingsDeploysANewVersion() {
        // Settings are not part of a flow's identity, but a redeploy that changes them still takes effect.
        String digest = pipeline().getJsonArray("versions").getJsonObject(0).getString("digest");
        String limited = LIFE.replace("VERSION", "1") + "settings: {max_concurrent_executions: 1}\n";
        HttpResponse<Buffer> r = h.sendYaml(HttpMethod.PUT, "/api/v1/pipelines/life", limited);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        JsonObject p = r.bodyAsJsonObject();
        assertThat(p.getString("version")).isEqualTo("1+r2");
        assertThat(p.getJsonArray("versions")).extracting(v -> ((JsonObject) v).getString("digest")).containsOnly(digest);
    }

    @Test
    void pausedPipelineRefusesWith503AndResumes() throws Exception {
        assertThat(h.post("/api/v1/pipelines/life/pause").bodyAsJsonObject().getString("state")).isEqualTo("paused");
        HttpResponse<Buffer> refused = h.postJson("/life", "{\"n\":\"p\"}");
        assertThat(assertError(refused, 503).getString("error")).isEqualTo("paused");
        assertThat(refused.getHeader("Retry-After")).isNotNull();
        assertThat(h.post("/api/v1/pipelines/life/resume").bodyAsJsonObject().getString("state")).isEqualTo("running");
        fire("p");
        resume(h, "life-p");
    }

    @Test
    void stoppedPipelineRefusesAndStartsAgain() {
        assertThat(h.post("/api/v1/pipelines/life/stop").bodyAsJsonObject().getString("state")).isEqualTo("stopped");
        assertThat(assertError(h.postJson("/life", "{}"), 503).getString("error")).isEqualTo("pipeline not running");
        assertError(h.post("/api/v1/pipelines/life/pause"), 409);
        assertError(h.post("/api/v1/pipelines/life/resume"), 409);
        assertThat(h.post("/api/v1/pipelines/life/start").bodyAsJsonObject().getString("state")).isEqualTo("running");
    }

    @Test
    void stopCancelsRunningTraces() throws Exception {
        String id = fire("s");
        h.awaitTrace(id, "suspended");
        h.post("/api/v1/pipelines/life/stop");
        assertThat(h.awaitTrace(id, "cancelled").getString("status")).isEqualTo("cancelled");
    }

    @Test
    void drainRefusesNewTracesAndStopsOnceTheLastEnds() throws Exception {
        String id = fire("d");
        h.awaitTrace(id, "suspended");
        HttpResponse<Buffer> d = h.post("/api/v1/pipelines/life/drain");
        assertThat(d.statusCode()).isEqualTo(202);
        assertThat(d.bodyAsJsonObject().getString("state")).isEqualTo("draining");
        assertError(h.postJson("/life", "{}"), 503);
        assertError(h.post("/api/v1/pipelines/life/start"), 409);
        resume(h, "life-d");
        h.awaitTrace(id, "completed");
        h.awaitPipeline("life", "state", "stopped");
    }

    @Test
    void drainWithWaitAnswersWhenStopped() {
        HttpResponse<Buffer> d = h.post("/api/v1/pipelines/life/drain?wait=true");
        assertThat(d.statusCode()).isEqualTo(200);
        assertThat(d.bodyAsJsonObject().getString("state")).isEqualTo("stopped");
    }

    @Test
    void deleteRemovesThePipelineAndFreesItsWebhook() {
        assertThat(h.request(HttpMethod.DELETE, "/api/v1/pipelines/life").send().await().statusCode()).isEqualTo(200);
        assertError(h.get("/api/v1/pipelines/life"), 404);
        assertError(h.postJson("/life", "{}"), 404);
        assertThat(h.get("/metrics").bodyAsString()).doesNotContain("pipeline=\"life\"");
    }

    @Test
    void pausedTriggerRefusesWhileOthersFire() throws Exception {
        JsonObject p = h.post("/api/v1/pipelines/life/triggers/hook/pause").bodyAsJsonObject();
        assertThat(p.getJsonArray("triggers").getJsonObject(0).getBoolean("paused")).isTrue();
        assertThat(assertError(h.postJson("/life", "{}"), 503).getString("detail")).contains("hook");
        HttpResponse<Buffer> manual = h.postJson("/api/v1/pipelines/life/triggers/manual/fire", "{\"n\":\"m\"}");
        assertThat(manual.statusCode()).isEqualTo(202);
        resume(h, "life-m");
        h.post("/api/v1/pipelines/life/triggers/hook/resume");
        fire("after");
        resume(h, "life-after");
    }

    @Test
    void tracesAreListedFilteredCancelledAndShowTheirLogs() throws Exception {
        String waiting = fire("c");
        h.awaitTrace(waiting, "suspended");
        JsonArray suspended = h.get("/api/v1/traces?status=suspended&pipeline=life").bodyAsJsonObject().getJsonArray("traces");
        assertThat(suspended.getJsonObject(0).getString("traceId")).isEqualTo(waiting);
        JsonArray hooks = h.get("/api/v1/suspensions").bodyAsJsonObject().getJsonArray("suspensions");
        assertThat(hooks.stream().map(o -> ((JsonObject) o).getString("hookId"))).contains("life-c");

        HttpResponse<Buffer> c = h.post("/api/v1/traces/" + waiting + "/cancel");
        assertThat(c.statusCode()).isEqualTo(200);
        assertThat(h.awaitTrace(waiting, "cancelled").getString("status")).isEqualTo("cancelled");
        // A trace's own view shows its end at once; the listings move it among the finished traces
        // once its end record is durable, a sync later: wait for that rather than race it.
        JsonArray cancelled = new JsonArray();
        for (int i = 0; i < 500 && cancelled.isEmpty(); i++) {
            cancelled = h.get("/api/v1/pipelines/life/traces?status=cancelled").bodyAsJsonObject().getJsonArray("traces");
            if (cancelled.isEmpty()) {
                Thread.sleep(10);
            }
        }
        assertThat(cancelled.getJsonObject(0).getString("traceId")).isEqualTo(waiting);
        assertThat(h.get("/api/v1/traces?limit=1").bodyAsJsonObject().getJsonArray("traces")).hasSize(1);

        String done = fire("l");
        resume(h, "life-l");
        h.awaitTrace(done, "completed");
        JsonArray logs = h.get("/api/v1/traces/" + done + "/logs").bodyAsJsonObject().getJsonArray("logs");
        assertThat(logs.getJsonObject(0).getString("node")).isEqualTo("done");
        assertThat(logs.getJsonObject(0).getString("line")).contains("done l");
        // Counters follow the trace's end on its event loop; wait for them rather than race them.
        while (h.get("/api/v1/pipelines/life/metrics").bodyAsJsonObject().getJsonObject("stats").getLong("completed") < 1) {
            Thread.sleep(10);
        }
        JsonObject stats = h.get("/api/v1/pipelines/life/metrics").bodyAsJsonObject().getJsonObject("stats");
        assertThat(stats.getLong("completed")).isEqualTo(1);
        assertThat(stats.getLong("cancelled")).isEqualTo(1);
    }

    @Test
    void eventStreamReportsNodesAndEndsWithTheReport() throws Exception {
        // Opened while the trace waits: the stream starts with its state and ends with its report.
        String id = fire("e");
        h.awaitTrace(id, "suspended");
        var stream = h.request(HttpMethod.GET, "/api/v1/traces/" + id + "/events").send();
        resume(h, "life-e");
        HttpResponse<Buffer> r = stream.await();
        assertThat(r.getHeader("Content-Type")).isEqualTo("text/event-stream");
        String body = r.bodyAsString();
        assertThat(body).contains("event: node\ndata: {\"id\":\"wait\"").contains("event: end\ndata: {\"traceId\":\"" + id);
        assertThat(body.substring(body.indexOf("event: end"))).contains("\"status\":\"completed\"");
    }
}
