package io.xerv.host.serve;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.xerv.host.engine.TraceLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing a host while many sync and async webhooks are in flight ends within the shutdown timeout,
 * and every trace the host acknowledged either completed or resumes at the next start.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class ShutdownUnderLoadTest {

    private static final int CONNECTIONS = 64;
    private static final long SHUTDOWN_TIMEOUT_MS = 3_000;

    @TempDir
    Path data;

    @TempDir
    Path flows;

    @Test
    void closeUnderWebhookLoadEndsWithinTheTimeoutAndLosesNoAcknowledgedTrace(Vertx vertx) throws Exception {
        // Few slots and a deep queue: most submissions wait in the queue, so the queue's counters and
        // the dispatch from trace ends run concurrently on both event loops.
        Files.writeString(flows.resolve("orders.yaml"), """
                name: orders
                triggers:
                  - id: sync
                    type: webhook
                    params: {path: /orders, mode: sync}
                  - id: async
                    type: webhook
                    params: {path: /orders-async, mode: async}
                nodes:
                  check:
                    type: std::log
                    config: {message: "order ${trigger.id}"}
                  done:
                    type: std::log
                    config: {message: "done ${check.id}"}
                edges:
                  - {from: sync, to: check}
                  - {from: async, to: check}
                  - {from: check, to: done}
                settings:
                  max_concurrent_executions: 4
                  max_queued_traces: 10000
                """);
        ServeHarness h = ServeHarness.start(vertx, data, c -> c.withFlows(List.of(flows)).withEventLoops(2)
                .withShutdownTimeoutMs(SHUTDOWN_TIMEOUT_MS));
        WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
                .setDefaultPort(h.host.port()), new PoolOptions().setHttp1MaxSize(CONNECTIONS));
        Set<UUID> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger answered = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        for (int i = 0; i < CONNECTIONS * 2; i++) {
            fire(client, i % 2 == 0 ? "/orders" : "/orders-async", i, acknowledged, answered, stop);
        }
        while (answered.get() < 2_000) {
            Thread.sleep(10);
        }

        long t0 = System.nanoTime();
        Thread closer = Thread.ofPlatform().start(h.host::close);
        closer.join(SHUTDOWN_TIMEOUT_MS + 15_000);
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        stop.set(true);
        assertThat(closer.isAlive()).as("close() returned (it took %d ms)", tookMs).isFalse();
        assertThat(tookMs).as("close() ends within the shutdown timeout plus the server's close")
                .isLessThan(SHUTDOWN_TIMEOUT_MS + 10_000);
        client.close();
        h.client.close();
        assertThat(acknowledged).hasSizeGreaterThan(1_000);

        ServeHarness again = ServeHarness.start(vertx, data, c -> c.withFlows(List.of(flows)));
        try {
            for (UUID id : acknowledged) {
                TraceLog log = again.host.engine().recordedTrace(id).orElse(null);
                assertThat(log).as("trace %s was acknowledged, so its start is in the log", id).isNotNull();
                if (!log.ended()) {
                    // Left running by the shutdown: resumed from the log at this start.
                    again.awaitTrace(id.toString(), "completed");
                }
            }
        } finally {
            again.close();
        }
    }

    /** Posts one order, and the next when the answer comes, until stopped. */
    private static void fire(WebClient client, String path, int n, Set<UUID> acknowledged, AtomicInteger answered,
                             AtomicBoolean stop) {
        if (stop.get()) {
            return;
        }
        client.post(path).putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("{\"id\":\"o-" + n + "\",\"amount\":12.5}"))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        answered.incrementAndGet();
                        int status = ar.result().statusCode();
                        if (status == 200 || status == 202) {
                            acknowledged.add(UUID.fromString(ar.result().bodyAsJsonObject().getString("traceId")));
                        }
                    }
                    if (!stop.get() && (ar.failed() || ar.result().statusCode() != 503)) {
                        fire(client, path, n + 1, acknowledged, answered, stop);
                    }
                });
    }
}
