package io.xerv.host.serve;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static io.xerv.host.serve.ServeHarness.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/** A graceful shutdown refuses new work, lets running traces finish, and closes the log; TLS when configured. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class ShutdownTest {

    @TempDir
    Path data;

    @TempDir
    Path flows;

    @Test
    void shutdownRefusesNewTracesAndWaitsForRunningOnes(Vertx vertx) throws Exception {
        Queue<HttpServerRequest> held = new ConcurrentLinkedQueue<>();
        HttpServer slow = vertx.createHttpServer().requestHandler(held::add).listen(0, "127.0.0.1").await();
        Files.writeString(flows.resolve("call.yaml"), """
                name: call
                triggers:
                  - id: hook
                    type: webhook
                    params: {path: /call, mode: async}
                nodes:
                  ask:
                    type: std::http
                    config: {url: "http://127.0.0.1:%d/", method: GET, timeout_ms: 60000}
                edges:
                  - {from: hook, to: ask}
                """.formatted(slow.actualPort()));
        ServeHarness h = ServeHarness.start(vertx, data, c -> c.withNetwork(NetworkEgressTest.LOOPBACK).withFlows(List.of(flows)).withShutdownTimeoutMs(60_000));
        String id = h.postJson("/call", "{}").bodyAsJsonObject().getString("traceId");
        while (held.isEmpty()) {
            Thread.sleep(10);
        }
        Thread closer = Thread.ofPlatform().start(h.host::close);
        while (!h.host.controller().shuttingDown()) {
            Thread.sleep(10);
        }
        assertThat(h.get("/health").statusCode()).isEqualTo(503);
        assertThat(assertError(h.postJson("/call", "{}"), 503).getString("error")).isEqualTo("shutting down");
        assertThat(closer.isAlive()).as("the shutdown waits for the running trace").isTrue();

        held.poll().response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
        closer.join();
        h.client.close();
        slow.close();

        ServeHarness again = ServeHarness.start(vertx, data, c -> c.withNetwork(NetworkEgressTest.LOOPBACK).withFlows(List.of(flows)));
        try {
            assertThat(again.host.recoveredTraces()).as("nothing was left unfinished").isZero();
            assertThat(again.host.engine().recordedTrace(UUID.fromString(id)).orElseThrow().ended()).isTrue();
            assertThat(again.get("/api/v1/traces/" + id).bodyAsJsonObject().getString("status")).isEqualTo("completed");
        } finally {
            again.close();
        }
    }

    @Test
    void tlsIsServedWhenConfigured(Vertx vertx) throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
        ServeHarness h = ServeHarness.start(vertx, data, c -> c.withTls(Path.of(cert.certificatePath()), Path.of(cert.privateKeyPath())));
        WebClient tls = WebClient.create(vertx, new WebClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false));
        try {
            assertThat(h.host.url()).startsWith("https://");
            HttpResponse<Buffer> r = tls.get(h.host.port(), "127.0.0.1", "/health").send().await();
            assertThat(r.statusCode()).isEqualTo(200);
            HttpResponse<Buffer> hook = tls.post(h.host.port(), "127.0.0.1", "/echo").putHeader("Content-Type", "application/json")
                    .sendBuffer(Buffer.buffer("{\"word\":\"secure\"}")).await();
            assertThat(hook.bodyAsJsonObject().getJsonObject("result").getString("word")).isEqualTo("secure");
        } finally {
            tls.close();
            h.close();
            cert.delete();
        }
    }
}
