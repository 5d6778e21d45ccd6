package io.xerv.host.serve;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code connections:} limits: header timeout, connection cap, and the event-stream queue of a client that does not read. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class ConnectionLimitsTest {

    @TempDir
    Path data;

    /** How long a test waits for the server to act (a bound on the wait, never an assertion). */
    static final int READ_BOUND_MS = 30_000;

    Socket connect(ServeHarness h, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(new InetSocketAddress("127.0.0.1", h.host.port()));
        s.setSoTimeout(READ_BOUND_MS);
        return s;
    }

    /** Reads until the server closes the connection; what it sent before. */
    static String readToClose(Socket s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[65536];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            // A reset is a close too.
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** One complete request on a kept-alive connection; the response's status line and headers. */
    static String get(Socket s, String path) throws IOException {
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                return head.toString();
            }
            head.append((char) c);
        }
        int len = Integer.parseInt(head.toString().replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
        in.readNBytes(len);
        return head.toString();
    }

    @Test
    void aHalfSentRequestHeadIsClosedAfterTheIdleTimeout(Vertx vertx) throws Exception {
        try (ServeHarness h = ServeHarness.start(vertx, data, c -> c.withConnections(
                ConnectionLimits.DEFAULT.withIdleTimeoutMs(300)))) {
            try (Socket slow = connect(h, 0)) {
                slow.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                slow.getOutputStream().flush();
                assertThat(readToClose(slow)).as("nothing is answered, the connection is closed").isEmpty();
            }
            try (Socket silent = connect(h, 0)) {
                assertThat(readToClose(silent)).isEmpty();
            }
            // A connection that sends its requests is served.
            try (Socket quick = connect(h, 0)) {
                assertThat(get(quick, "/health")).startsWith("HTTP/1.1 200");
                assertThat(get(quick, "/health")).startsWith("HTTP/1.1 200");
            }
        }
    }

    @Test
    void connectionsPastTheCapAreRefusedWhileTheHostKeepsServing(Vertx vertx) throws Exception {
        try (ServeHarness h = ServeHarness.start(vertx, data, c -> c.withConnections(
                ConnectionLimits.DEFAULT.withMaxConnections(3)))) {
            List<Socket> held = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Socket s = connect(h, 0);
                assertThat(get(s, "/health")).startsWith("HTTP/1.1 200");
                held.add(s);
            }
            try (Socket over = connect(h, 0)) {
                over.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readToClose(over)).as("the fourth connection is closed without an answer").isEmpty();
            }
            // The three held connections are still served.
            for (Socket s : held) {
                assertThat(get(s, "/health")).startsWith("HTTP/1.1 200");
            }
            held.remove(0).close();
            // Once a slot is free (the close is counted on an event loop), a new connection is served.
            for (;;) {
                try (Socket again = connect(h, 0)) {
                    String answer = get(again, "/health");
                    if (answer.startsWith("HTTP/1.1 200")) {
                        break;
                    }
                }
                Thread.sleep(20);
            }
            for (Socket s : held) {
                s.close();
            }
        }
    }

    /** Waits on std::wait, then runs a chain of nodes that each output the (large) trigger payload. */
    static String burst(int nodes) {
        StringBuilder y = new StringBuilder("""
                name: burst
                triggers:
                  - {id: manual, type: manual}
                nodes:
                  wait: {type: std::wait, config: {hook_id: "burst-${trigger.n}", timeout_ms: 600000}}
                """);
        for (int i = 1; i <= nodes; i++) {
            y.append("  n").append(i).append(": {type: std::log, config: {message: \"n").append(i).append("\"}}\n");
        }
        y.append("edges:\n  - {from: manual, to: wait}\n  - {from: wait.out, to: n1}\n");
        for (int i = 2; i <= nodes; i++) {
            y.append("  - {from: n").append(i - 1).append(", to: n").append(i).append("}\n");
        }
        return y.toString();
    }

    static String bigPayload(String n) {
        return new JsonObject().put("n", n).put("blob", "x".repeat(200_000)).encode();
    }

    @Test
    void anEventStreamReaderThatNeverReadsIsDisconnected(Vertx vertx) throws Exception {
        try (ServeHarness h = ServeHarness.start(vertx, data, c -> c.withConnections(
                ConnectionLimits.DEFAULT.withEventStreamQueueBytes(4096)))) {
            assertThat(h.sendYaml(HttpMethod.POST, "/api/v1/pipelines", burst(20)).statusCode()).isEqualTo(201);
            String id = h.postJson("/api/v1/pipelines/burst/triggers/manual/fire", bigPayload("1"))
                    .bodyAsJsonObject().getString("traceId");
            h.awaitTrace(id, "suspended");

            try (Socket reader = connect(h, 4096)) {
                reader.getOutputStream().write(("GET /api/v1/traces/" + id + "/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + ServeHarness.token(h.host) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                var handle = h.host.engine().trace(UUID.fromString(id)).orElseThrow();
                while (handle.observerCount().await(20, TimeUnit.SECONDS) != 1) {
                    Thread.sleep(10);
                }
                assertThat(h.postJson("/api/v1/suspensions/burst-1/resume", "{\"decision\":\"approve\"}").statusCode())
                        .isEqualTo(200);
                assertThat(h.awaitTrace(id, "completed").getJsonArray("nodes")).hasSize(21);

                // Read now: what the server had handed to the socket, then its close, never the end.
                String got = readToClose(reader);
                assertThat(got).startsWith("HTTP/1.1 200").contains("event: node").doesNotContain("event: end");
                assertThat(handle.observerCount().await(20, TimeUnit.SECONDS)).as("the watch was closed with the stream").isZero();
            }
            // The host still streams to a reading client.
            assertThat(h.get("/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void theConnectionsSectionIsParsedAndCheckedWithPositions(@TempDir Path dir) throws Exception {
        ServeConfig c = ServeConfig.parse("x.yaml", """
                connections:
                  idle_timeout_ms: 30000
                  max_connections: 200
                  event_stream_queue_bytes: 65536
                """, dir);
        assertThat(c.connections()).isEqualTo(new ConnectionLimits(30_000, 200, 65_536));
        assertThat(ServeConfig.parse("x.yaml", "", dir).connections()).isEqualTo(ConnectionLimits.DEFAULT);
        assertThatThrownBy(() -> ServeConfig.parse("x.yaml", """
                connections:
                  max_connections: 0
                  header_timeout: 5
                """, dir)).hasMessageContaining("x.yaml:2:20: connections.max_connections must be between 1 and 10000000, got 0")
                .hasMessageContaining("x.yaml:3:3: unknown option 'header_timeout' in connections");
    }
}
