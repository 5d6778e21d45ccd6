package io.xerv.host.serve;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.xerv.host.serve.ServeHarness.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/** Webhook triggers over real HTTP: the sync and async contracts and both kinds of authentication. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class WebhookTest {

    @TempDir
    static Path data;

    static ServeHarness h;

    @BeforeAll
    static void start(Vertx vertx) throws Exception {
        h = ServeHarness.start(vertx, data);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void syncWebhookAnswersWithTheTracesResult() {
        HttpResponse<Buffer> r = h.postJson("/echo", "{\"word\":\"hello\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject body = r.bodyAsJsonObject();
        assertThat(body.fieldNames()).contains("traceId", "status", "result");
        assertThat(body.getString("status")).isEqualTo("completed");
        assertThat(body.getJsonObject("result").getString("word")).isEqualTo("hello");
    }

    @Test
    void syncWebhookAcceptsCurlsDefaultContentType() {
        HttpResponse<Buffer> r = h.request(HttpMethod.POST, "/echo")
                .putHeader("Content-Type", "application/x-www-form-urlencoded")
                .sendBuffer(Buffer.buffer("{\"word\":\"curl\"}")).await();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getJsonObject("result").getString("word")).isEqualTo("curl");
    }

    @Test
    void getWebhookTakesItsPayloadFromTheQuery() {
        HttpResponse<Buffer> r = h.get("/echo?word=query");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getJsonObject("result").getString("word")).isEqualTo("query");
    }

    @Test
    void asyncWebhookAnswers202WithATraceThatCompletes() throws Exception {
        HttpResponse<Buffer> r = h.postJson("/echo-async", "{\"word\":\"later\"}");
        assertThat(r.statusCode()).isEqualTo(202);
        JsonObject body = r.bodyAsJsonObject();
        assertThat(body.fieldNames()).containsExactly("traceId");
        JsonObject trace = h.awaitTrace(body.getString("traceId"), "completed");
        assertThat(trace.getString("pipeline")).isEqualTo("echo_async");
        assertThat(trace.getJsonObject("result").getString("word")).isEqualTo("later");
        assertThat(trace.getJsonArray("nodes").getJsonObject(0).fieldNames()).contains("id", "status", "port", "output", "micros");
    }

    @Test
    void hmacWebhookAcceptsAValidSignature() {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        long ts = now();
        HttpResponse<Buffer> r = h.request(HttpMethod.POST, "/signed").putHeader("Content-Type", "application/json")
                .putHeader(WebhookAuth.TIMESTAMP_HEADER, Long.toString(ts))
                .putHeader(WebhookAuth.SIGNATURE_HEADER, WebhookAuth.sign("s3cret-hmac".getBytes(StandardCharsets.UTF_8), ts, body))
                .sendBuffer(Buffer.buffer(body)).await();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getString("status")).isEqualTo("completed");
    }

    @Test
    void hmacWebhookRefusesABadSignature() {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        long ts = now();
        HttpResponse<Buffer> r = h.request(HttpMethod.POST, "/signed").putHeader("Content-Type", "application/json")
                .putHeader(WebhookAuth.TIMESTAMP_HEADER, Long.toString(ts))
                .putHeader(WebhookAuth.SIGNATURE_HEADER, WebhookAuth.sign("wrong".getBytes(StandardCharsets.UTF_8), ts, body))
                .sendBuffer(Buffer.buffer(body)).await();
        JsonObject e = assertError(r, 401);
        assertThat(e.getString("detail")).contains("does not match").doesNotContain("s3cret");
    }

    @Test
    void hmacWebhookRefusesASignatureOfAnotherBody() {
        long ts = now();
        HttpResponse<Buffer> r = h.request(HttpMethod.POST, "/signed").putHeader("Content-Type", "application/json")
                .putHeader(WebhookAuth.TIMESTAMP_HEADER, Long.toString(ts))
                .putHeader(WebhookAuth.SIGNATURE_HEADER, WebhookAuth.sign("s3cret-hmac".getBytes(StandardCharsets.UTF_8), ts,
                        "{\"a\":2}".getBytes(StandardCharsets.UTF_8)))
                .sendBuffer(Buffer.buffer("{\"a\":1}")).await();
        assertError(r, 401);
    }

    @Test
    void hmacWebhookRefusesAMissingSignature() {
        JsonObject e = assertError(h.postJson("/signed", "{}"), 401);
        assertThat(e.getString("detail")).contains(WebhookAuth.SIGNATURE_HEADER);
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    static final byte[] SECRET = "s3cret-hmac".getBytes(StandardCharsets.UTF_8);

    /** A POST to {@code path} with these headers (name, value, name, value...) and body. */
    static HttpResponse<Buffer> signed(String path, String body, String... headers) {
        var r = h.request(HttpMethod.POST, path).putHeader("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().add(headers[i], headers[i + 1]);
        }
        return r.sendBuffer(Buffer.buffer(body)).await();
    }

    static String sig(long ts, String body) {
        return WebhookAuth.sign(SECRET, ts, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void hmacWebhookRefusesAReplayedRequest() {
        String body = "{\"order\":\"replay-me\"}";
        long ts = now();
        String[] headers = {WebhookAuth.TIMESTAMP_HEADER, Long.toString(ts), WebhookAuth.SIGNATURE_HEADER, sig(ts, body)};
        assertThat(signed("/signed", body, headers).statusCode()).isEqualTo(200);
        JsonObject e = assertError(signed("/signed", body, headers), 409);
        assertThat(e.getString("detail")).contains("already accepted");
        // The same body signed again, with its own timestamp, is a new request.
        long later = ts + 1;
        assertThat(signed("/signed", body, WebhookAuth.TIMESTAMP_HEADER, Long.toString(later), WebhookAuth.SIGNATURE_HEADER,
                sig(later, body)).statusCode()).isEqualTo(200);
    }

    @Test
    void hmacWebhookRefusesATimestampOutsideTheTolerance() {
        String body = "{}";
        for (long ts : new long[]{now() - 301, now() + 301, 0, -1}) {
            JsonObject e = assertError(signed("/signed", body, WebhookAuth.TIMESTAMP_HEADER, Long.toString(ts),
                    WebhookAuth.SIGNATURE_HEADER, sig(ts, body)), 401);
            assertThat(e.getString("detail")).contains(WebhookAuth.TIMESTAMP_HEADER).contains("300 s");
        }
        assertThat(assertError(signed("/signed", body, WebhookAuth.TIMESTAMP_HEADER, "yesterday",
                WebhookAuth.SIGNATURE_HEADER, sig(now(), body)), 401).getString("detail")).contains("Unix seconds");
    }

    @Test
    void hmacWebhookRefusesAMissingTimestamp() {
        String body = "{}";
        JsonObject e = assertError(signed("/signed", body, WebhookAuth.SIGNATURE_HEADER,
                WebhookAuth.sign(SECRET, body.getBytes(StandardCharsets.UTF_8))), 401);
        assertThat(e.getString("detail")).contains("missing " + WebhookAuth.TIMESTAMP_HEADER);
    }

    @Test
    void hmacWebhookRefusesASignatureWithoutTheSha256Prefix() {
        String body = "{}";
        long ts = now();
        JsonObject e = assertError(signed("/signed", body, WebhookAuth.TIMESTAMP_HEADER, Long.toString(ts),
                WebhookAuth.SIGNATURE_HEADER, sig(ts, body).substring("sha256=".length())), 401);
        assertThat(e.getString("detail")).contains("must be sha256=");
    }

    @Test
    void hmacWebhookRefusesASignatureHeaderSentTwice() {
        String body = "{}";
        long ts = now();
        String good = sig(ts, body);
        String bad = WebhookAuth.sign("guess".getBytes(StandardCharsets.UTF_8), ts, body.getBytes(StandardCharsets.UTF_8));
        for (String[] pair : new String[][]{{good, bad}, {bad, good}, {good, good}}) {
            JsonObject e = assertError(signed("/signed", body, WebhookAuth.TIMESTAMP_HEADER, Long.toString(ts),
                    WebhookAuth.SIGNATURE_HEADER, pair[0], WebhookAuth.SIGNATURE_HEADER, pair[1]), 400);
            assertThat(e.getString("detail")).contains(WebhookAuth.SIGNATURE_HEADER + " header is sent 2 times");
        }
        assertError(signed("/signed", body, WebhookAuth.TIMESTAMP_HEADER, Long.toString(ts), WebhookAuth.TIMESTAMP_HEADER,
                Long.toString(ts + 1), WebhookAuth.SIGNATURE_HEADER, good), 400);
    }

    static final String GITHUB_STYLE = """
            name: github_style
            triggers:
              - id: hook
                type: webhook
                params:
                  path: /github
                  auth: {type: hmac, secret_env: ORDERS_HMAC_SECRET, header: X-Hub-Signature-256, timestamp_header: none,
                         tolerance_seconds: 60}
            nodes:
              say: {type: std::log, config: {message: "pushed"}}
            edges:
              - {from: hook, to: say}
            """;

    @Test
    void bodyOnlySignaturesOfGithubStyleSendersAreAcceptedOnce() {
        assertThat(h.sendYaml(HttpMethod.POST, "/api/v1/pipelines", GITHUB_STYLE).statusCode()).isIn(200, 201);
        String body = "{\"ref\":\"refs/heads/main\"}";
        String sig = WebhookAuth.sign(SECRET, body.getBytes(StandardCharsets.UTF_8));
        assertThat(signed("/github", body, "X-Hub-Signature-256", sig).statusCode()).isEqualTo(200);
        assertError(signed("/github", body, "X-Hub-Signature-256", sig), 409);
        assertError(signed("/github", body, "X-Hub-Signature-256", sig.substring(7)), 401);

        // A new version of the flow still remembers what the old one accepted.
        assertThat(h.sendYaml(HttpMethod.PUT, "/api/v1/pipelines/github_style",
                GITHUB_STYLE.replace("\"pushed\"", "\"pushed again\"")).statusCode()).isEqualTo(200);
        assertError(signed("/github", body, "X-Hub-Signature-256", sig), 409);
    }

    @Test
    void bearerWebhookChecksTheToken() {
        HttpResponse<Buffer> ok = h.request(HttpMethod.POST, "/bearer").putHeader("Authorization", "Bearer tok-123")
                .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{}")).await();
        assertThat(ok.statusCode()).isEqualTo(200);
        HttpResponse<Buffer> wrong = h.request(HttpMethod.POST, "/bearer").putHeader("Authorization", "Bearer nope")
                .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{}")).await();
        assertError(wrong, 401);
        assertError(h.postJson("/bearer", "{}"), 401);
    }

    @Test
    void emptyBodyIsAnEmptyObject() {
        HttpResponse<Buffer> r = h.post("/echo");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getJsonObject("result")).isEqualTo(new JsonObject());
    }
}
