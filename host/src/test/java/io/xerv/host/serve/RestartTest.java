package io.xerv.host.serve;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
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
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An acknowledged trace survives the host: a 202-acknowledged trace whose node is still waiting on an
 * outside service when the host goes away is resumed by the next host on the same data directory and
 * completes.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class RestartTest {

    @TempDir
    Path data;

    @TempDir
    Path flows;

    @Test
    void acknowledgedTraceCompletesAfterARestart(Vertx vertx) throws Exception {
        // The outside service holds every request until the test lets go.
        Queue<HttpServerRequest> held = new ConcurrentLinkedQueue<>();
        AtomicInteger calls = new AtomicInteger();
        Promise<Void> release = Promise.promise();
        HttpServer slow = vertx.createHttpServer().requestHandler(req -> {
            calls.incrementAndGet();
            if (release.future().isComplete()) {
                req.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
            } else {
                held.add(req);
            }
        }).listen(0, "127.0.0.1").await();
        Files.writeString(flows.resolve("call.yaml"), """
                name: call
                triggers:
                  - id: hook
                    type: webhook
                    params: {path: /call, mode: async}
                nodes:
                  ask:
                    type: std::http
                    timeout_ms: 60000
                    config:
                      url: "http://127.0.0.1:%d/answer"
                      method: GET
                      timeout_ms: 60000
                edges:
                  - {from: hook, to: ask}
                """.formatted(slow.actualPort()));

        String traceId;
        ServeHarness first = ServeHarness.start(vertx, data, c -> c.withFlows(List.of(flows)).withShutdownTimeoutMs(0));
        try {
            HttpResponse<Buffer> r = first.postJson("/call", "{\"order\":1}");
            assertThat(r.statusCode()).isEqualTo(202);
            traceId = r.bodyAsJsonObject().getString("traceId");
            while (calls.get() == 0) {
                Thread.sleep(10);
            }
        } finally {
            first.close();
        }

        ServeHarness second = ServeHarness.start(vertx, data, c -> c.withFlows(List.of(flows)));
        try {
            assertThat(second.host.recoveredTraces()).isEqualTo(1);
            while (calls.get() < 2) {
                Thread.sleep(10);
            }
            release.complete();
            for (HttpServerRequest req; (req = held.poll()) != null; ) {
                if (!req.response().closed()) {
                    req.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
                }
            }
            JsonObject trace = second.awaitTrace(traceId, "completed", "failed");
            assertThat(trace.getString("status")).as(trace.encode()).isEqualTo("completed");
            assertThat(trace.getString("pipeline")).isEqualTo("call");
            assertThat(trace.getJsonObject("result").getJsonObject("body").getBoolean("ok")).isTrue();
        } finally {
            second.close();
            slow.close();
        }
    }

    @Test
    void unfinishedTraceResumesAfterTheFlowsFolderMoves(Vertx vertx) throws Exception {
        Path before = Files.createDirectories(flows.resolve("before"));
        Files.writeString(before.resolve("life.yaml"), LifecycleTest.LIFE.replace("VERSION", "1"));
        String traceId;
        try (ServeHarness first = ServeHarness.start(vertx, data, c -> c.withFlows(List.of(before)))) {
            HttpResponse<Buffer> r = first.postJson("/life", "{\"n\":\"moved\"}");
            assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
            traceId = r.bodyAsJsonObject().getString("traceId");
            first.awaitTrace(traceId, "suspended");
        }
        // The operator moves the folder (and renames the file): the flow is the same.
        Path after = flows.resolve("after/deeper");
        Files.createDirectories(after.getParent());
        Files.move(before, after);
        Files.move(after.resolve("life.yaml"), after.resolve("renamed.yaml"));

        try (ServeHarness second = ServeHarness.start(vertx, data, c -> c.withFlows(List.of(after)))) {
            assertThat(second.host.recoveredTraces()).isEqualTo(1);
            BackpressureTest.resume(second, "life-moved");
            JsonObject trace = second.awaitTrace(traceId, "completed", "failed", "cancelled");
            assertThat(trace.getString("status")).as(trace.encode()).isEqualTo("completed");
        }
    }

    @Test
    void traceRecordedWithTheEarlierDigestResumesWhenItsFileIsDeployedFromTheSamePath(Vertx vertx) throws Exception {
        Path folder = Files.createDirectories(flows.resolve("same"));
        Path file = folder.resolve("life.yaml");
        Files.writeString(file, LifecycleTest.LIFE.replace("VERSION", "1"));
        String traceId;
        try (ServeHarness first = ServeHarness.start(vertx, data, c -> c.withFlows(List.of(folder)))) {
            HttpResponse<Buffer> r = first.postJson("/life", "{\"n\":\"legacy\"}");
            assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
            traceId = r.bodyAsJsonObject().getString("traceId");
            first.awaitTrace(traceId, "suspended");
        }
        // Rewrite the log as an earlier release wrote it: the start record carries the path-based digest.
        String legacy = io.xerv.host.flow.FlowLoader.load(file, ServeHarness.REGISTRY).legacyDigest();
        Path wal = data.resolve("wal");
        List<io.xerv.wal.WalRecord> records = new java.util.ArrayList<>();
        try (io.xerv.wal.Wal old = io.xerv.wal.Wal.open(wal, io.xerv.wal.Wal.Config.DEFAULT, records::add)) {
            // read at open
        }
        try (Stream<Path> files = Files.list(wal)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        try (io.xerv.wal.Wal rewritten = io.xerv.wal.Wal.open(wal, io.xerv.wal.Wal.Config.DEFAULT)) {
            for (io.xerv.wal.WalRecord rec : records) {
                rewritten.append(rec instanceof io.xerv.wal.WalRecord.TraceStart s
                        ? new io.xerv.wal.WalRecord.TraceStart(s.traceId(), s.timeMillis(), s.pipeline(), s.version(), legacy,
                                s.trigger(), s.payloadOffset(), s.payloadSize())
                        : rec);
            }
        }

        try (ServeHarness second = ServeHarness.start(vertx, data, c -> c.withFlows(List.of(folder)))) {
            assertThat(second.host.recoveredTraces()).isEqualTo(1);
            BackpressureTest.resume(second, "life-legacy");
            JsonObject trace = second.awaitTrace(traceId, "completed", "failed", "cancelled");
            assertThat(trace.getString("status")).as(trace.encode()).isEqualTo("completed");
        }
    }
}
