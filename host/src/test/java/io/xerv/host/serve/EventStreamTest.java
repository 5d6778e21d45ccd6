package io.xerv.host.serve;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.xerv.host.engine.TraceHandle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.xerv.host.serve.BackpressureTest.resume;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/v1/traces/{id}/events} over a real socket, read as it streams: the trace's state
 * when the stream opens, then every change as the engine pushes it, then the end; a client that goes
 * away leaves the trace with no observer.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class EventStreamTest {

    /** One server-sent event: its {@code event:} and its {@code data:} as JSON. */
    record Sse(String kind, JsonObject data) {
        String line() {
            return kind.equals("node") ? "node " + data.getString("id") + " " + data.getString("status")
                    : kind + " " + data.getString("status");
        }
    }

    @TempDir
    Path data;

    ServeHarness h;
    HttpClient client;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        h = ServeHarness.start(vertx, data);
        client = vertx.createHttpClient();
    }

    @AfterEach
    void stop() {
        client.close();
        h.close();
    }

    /** Fires a trace of the {@code hold} flow and returns its id once it waits on {@code hold-<n>}. */
    String suspendedTrace(String n) throws InterruptedException {
        HttpResponse<Buffer> r = h.postJson("/hold", "{\"n\":\"" + n + "\"}");
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
        String id = r.bodyAsJsonObject().getString("traceId");
        h.awaitTrace(id, "suspended");
        return id;
    }

    /** Opens the trace's event stream; each event goes to {@code events} as it arrives, the end to {@code ended}. */
    HttpClientResponse open(String id, BlockingQueue<Sse> events, Promise<Void> ended) throws Exception {
        StringBuilder pending = new StringBuilder();
        String token = ServeHarness.token(h.host);
        HttpClientResponse resp = client.request(HttpMethod.GET, h.host.port(), "127.0.0.1", "/api/v1/traces/" + id + "/events")
                .compose(req -> req.putHeader("Authorization", "Bearer " + token).send()).map(r -> {
                    // Set on the response's event loop as it arrives, before any of its body.
                    r.handler(buf -> {
                        pending.append(buf.toString());
                        for (int cut; (cut = pending.indexOf("\n\n")) >= 0; pending.delete(0, cut + 2)) {
                            events.add(parse(pending.substring(0, cut)));
                        }
                    });
                    r.endHandler(v -> ended.tryComplete());
                    return r;
                }).await(20, TimeUnit.SECONDS);
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.getHeader("Content-Type")).isEqualTo("text/event-stream");
        return resp;
    }

    static Sse parse(String block) {
        String kind = null;
        String json = null;
        for (String line : block.split("\n")) {
            if (line.startsWith("event: ")) {
                kind = line.substring(7);
            } else if (line.startsWith("data: ")) {
                json = line.substring(6);
            }
        }
        return new Sse(kind, new JsonObject(json));
    }

    static List<Sse> take(BlockingQueue<Sse> events, int n) throws InterruptedException {
        List<Sse> out = new ArrayList<>();
        while (out.size() < n) {
            Sse e = events.poll(20, TimeUnit.SECONDS);
            assertThat(e).as("event %d of %d (so far %s)", out.size() + 1, n, out).isNotNull();
            out.add(e);
        }
        return out;
    }

    TraceHandle handle(String id) {
        return h.host.engine().trace(UUID.fromString(id)).orElseThrow();
    }

    @Test
    void theStreamOpensWithTheStateThenPushesEveryNodeRunningAndDoneThenTheEnd() throws Exception {
        String id = suspendedTrace("sse");
        BlockingQueue<Sse> events = new LinkedBlockingQueue<>();
        Promise<Void> ended = Promise.promise();
        open(id, events, ended);
        List<Sse> state = take(events, 2);
        assertThat(state).extracting(Sse::line).containsExactly("node wait suspended", "status suspended");

        resume(h, "hold-sse");
        List<Sse> rest = take(events, 6);
        assertThat(rest).extracting(Sse::line).containsExactly(
                "status running",
                "node wait running", "node wait completed",
                "node done running", "node done completed",
                "end completed");
        ended.future().await(20, TimeUnit.SECONDS);
        assertThat(events).as("nothing after the end").isEmpty();

        JsonObject done = rest.get(4).data();
        assertThat(done.fieldNames()).containsExactlyInAnyOrder("id", "status", "port", "output", "micros");
        assertThat(done.getString("port")).isEqualTo("out");
        assertThat(rest.get(3).data().getValue("output")).as("a running node has no output yet").isNull();
        JsonObject report = rest.get(5).data();
        assertThat(report.getString("traceId")).isEqualTo(id);
        assertThat(report.getString("status")).isEqualTo("completed");
        assertThat(report.getJsonArray("nodes")).hasSize(2);
        assertThat(rest.get(0).data()).isEqualTo(new JsonObject().put("traceId", id).put("status", "running"));
    }

    @Test
    void aClientThatGoesAwayLeavesTheTraceWithNoObserver() throws Exception {
        String id = suspendedTrace("gone");
        BlockingQueue<Sse> events = new LinkedBlockingQueue<>();
        HttpClientResponse resp = open(id, events, Promise.promise());
        take(events, 2);
        assertThat(handle(id).observerCount().await(20, TimeUnit.SECONDS)).isEqualTo(1);

        resp.request().connection().close().await(20, TimeUnit.SECONDS);
        while (handle(id).observerCount().await(20, TimeUnit.SECONDS) != 0) {
            Thread.sleep(10);
        }

        resume(h, "hold-gone");
        assertThat(h.awaitTrace(id, "completed").getString("status")).isEqualTo("completed");
    }
}
