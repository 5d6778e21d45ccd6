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

import static org.assertj.core.api.Assertions.assertThat;

/** Cron and file-system triggers of a deployed pipeline fire traces through the host; a stopped pipeline's do not. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ListenerTriggersTest {

    @TempDir
    Path data;

    @TempDir
    Path inbox;

    static JsonArray traces(ServeHarness h, String pipeline) {
        return h.get("/api/v1/traces?pipeline=" + pipeline).bodyAsJsonObject().getJsonArray("traces");
    }

    static JsonArray awaitTraces(ServeHarness h, String pipeline, int n) throws InterruptedException {
        for (;;) {
            JsonArray t = traces(h, pipeline);
            if (t.size() >= n) {
                return t;
            }
            Thread.sleep(50);
        }
    }

    @Test
    void cronTriggerFiresTracesWhileThePipelineRuns(Vertx vertx) throws Exception {
        try (ServeHarness h = ServeHarness.start(vertx, data)) {
            HttpResponse<Buffer> d = h.sendYaml(HttpMethod.POST, "/api/v1/pipelines", """
                    name: tick
                    triggers:
                      - id: every_second
                        type: cron
                        params: {schedule: "* * * * * *", timezone: Europe/Paris}
                    nodes:
                      note:
                        type: std::log
                        config: {message: "tick ${trigger.scheduledAt}"}
                    edges:
                      - {from: every_second, to: note}
                    """);
            assertThat(d.statusCode()).as(d.bodyAsString()).isEqualTo(201);
            JsonObject first = awaitTraces(h, "tick", 1).getJsonObject(0);
            JsonObject trace = h.awaitTrace(first.getString("traceId"), "completed");
            assertThat(trace.getString("trigger")).isEqualTo("every_second");
            assertThat(trace.getJsonObject("result").getString("timezone")).isEqualTo("Europe/Paris");

            h.post("/api/v1/pipelines/tick/stop");
            int stopped = traces(h, "tick").size();
            Thread.sleep(2_500);
            assertThat(traces(h, "tick").size()).as("a stopped pipeline's cron does not fire").isEqualTo(stopped);
        }
    }

    @Test
    void fileTriggerFiresATraceForANewFile(Vertx vertx) throws Exception {
        // The inbox is outside the working directory (the folder of flows deployed as text): the policy grants it.
        try (ServeHarness h = ServeHarness.start(vertx, data,
                c -> c.withPolicy(DeployPolicy.DEFAULT.withPaths(List.of(Path.of("."), inbox))))) {
            HttpResponse<Buffer> d = h.sendYaml(HttpMethod.POST, "/api/v1/pipelines", """
                    name: inbox
                    triggers:
                      - id: drop
                        type: filesystem
                        params: {path: "%s", events: [create], pattern: "*.csv"}
                    nodes:
                      note:
                        type: std::log
                        config: {message: "got ${trigger.name}"}
                    edges:
                      - {from: drop, to: note}
                    """.formatted(inbox.toString().replace("\\", "/")));
            assertThat(d.statusCode()).as(d.bodyAsString()).isEqualTo(201);
            Files.writeString(inbox.resolve("ignored.txt"), "x");
            Files.writeString(inbox.resolve("orders.csv"), "id\n1\n");
            JsonObject t = awaitTraces(h, "inbox", 1).getJsonObject(0);
            JsonObject trace = h.awaitTrace(t.getString("traceId"), "completed");
            assertThat(trace.getJsonObject("result").getString("name")).isEqualTo("orders.csv");
            assertThat(trace.getJsonObject("result").getString("event")).isEqualTo("create");
        }
    }

    @Test
    void badCronScheduleIsADeployErrorWithItsPosition(Vertx vertx) throws Exception {
        try (ServeHarness h = ServeHarness.start(vertx, data)) {
            HttpResponse<Buffer> d = h.sendYaml(HttpMethod.POST, "/api/v1/pipelines?source=late.yaml", """
                    name: late
                    triggers:
                      - id: nightly
                        type: cron
                        params: {schedule: "0 61 2 * * *"}
                    nodes:
                      note:
                        type: std::log
                    edges:
                      - {from: nightly, to: note}
                    """);
            JsonObject e = ServeHarness.assertError(d, 422);
            assertThat(e.getJsonArray("detail").getString(0)).startsWith("late.yaml:3:").contains("nightly");
        }
    }
}
