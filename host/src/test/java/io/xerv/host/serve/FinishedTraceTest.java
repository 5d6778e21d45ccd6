package io.xerv.host.serve;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.xerv.arena.ArenaStore;
import io.xerv.host.engine.Engine;
import io.xerv.host.engine.EngineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A finished trace kept for the API renders its report when asked, long after the trace ended: its
 * values are copies, not views of an arena that was freed and reused since.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FinishedTraceTest {

    private static final String ECHO = """
            name: echo
            triggers:
              - id: manual
                type: manual
            nodes:
              say:
                type: std::log
                config: {message: "echo ${trigger.word}"}
              pick:
                type: std::log
                config: {message: "picked ${say.word}"}
            edges:
              - {from: manual, to: say}
              - {from: say, to: pick}
            """;

    @TempDir
    Path data;

    @Test
    void finishedTraceShowsItsOwnValuesAfterItsArenaIsReused() throws Exception {
        // One finished arena kept: the first trace's slot is freed and taken by the next traces.
        Engine engine = Engine.start(EngineConfig.defaults(data).withEventLoops(1)
                .withArenas(new ArenaStore.Config(64 << 10, 4, Duration.ofHours(1), 1)));
        try {
            PipelineController controller = new PipelineController(engine, new ServeMetrics(engine),
                    new PipelineController.Options(name -> null, 100, data));
            controller.deploy("echo.yaml", ECHO);
            UUID first = run(controller, "{\"word\":\"first\",\"n\":1}");
            for (int i = 0; i < 20; i++) {
                run(controller, "{\"word\":\"later-" + i + "\",\"n\":" + (i + 2) + "}");
            }

            JsonObject report = new JsonObject(controller.trace(first).await().orElseThrow().json());
            assertThat(report.getString("status")).isEqualTo("completed");
            assertThat(report.getJsonObject("result")).isEqualTo(new JsonObject().put("n", 1).put("word", "first"));
            JsonArray nodes = report.getJsonArray("nodes");
            for (int i = 0; i < nodes.size(); i++) {
                assertThat(nodes.getJsonObject(i).getJsonObject("output").getString("word")).isEqualTo("first");
            }
            assertThat(nodes.getJsonObject(1).getJsonArray("logs").getString(0)).contains("picked first");
        } finally {
            engine.close();
        }
    }

    /** Runs one trace to its end and waits until the controller has filed it. */
    private static UUID run(PipelineController controller, String json) throws InterruptedException {
        Accepted a = controller.submit("echo", null, json.getBytes(StandardCharsets.UTF_8)).await();
        a.handle().completion().await();
        while (controller.traces(null, null, 1_000).stream().noneMatch(t -> t.traceId().equals(a.traceId())
                && t.status().isFinal())) {
            Thread.sleep(5);
        }
        return a.traceId();
    }
}
