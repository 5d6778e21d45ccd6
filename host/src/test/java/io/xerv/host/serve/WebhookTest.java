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
        HttpResponse<Buffer> r = h.request(HttpMethod.POST, "/signed").putHeader("Content-Type", "application/json")
                .putHeader(WebhookAuth.SIGNATURE_HEADER, WebhookAuth.sign("s3cret-hmac".getBytes(StandardCharsets.UTF_8), body))
                .sendBuffer(Buffer.buffer(body)).await();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getString("status")).isEqualTo("completed");
    }

    @Test
    void hmacWebhookRefusesABadSignature() {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<Buffer> r = h.request(HttpMethod.POST, "/signed").putHeader("Content-Type", "application/json")
                .putHeader(WebhookAuth.SIGNATURE_HEADER, WebhookAuth.sign("wrong".getBytes(StandardCharsets.UTF_8), body))
                .sendBuffer(Buffer.buffer(body)).await();
        JsonObject e = assertError(r, 401);
        assertThat(e.getString("detail")).contains("does not match").doesNotContain("s3cret");
    }

    @Test
    void hmacWebhookRefusesASignatureOfAnotherBody() {
        HttpResponse<Buffer> r = h.request(HttpMethod.POST, "/signed").putHeader("Content-Type", "application/json")
                .putHeader(WebhookAuth.SIGNATURE_HEADER, WebhookAuth.sign("s3cret-hmac".getBytes(StandardCharsets.UTF_8),
                        "{\"a\":2}".getBytes(StandardCharsets.UTF_8)))
                .sendBuffer(Buffer.buffer("{\"a\":1}")).await();
        assertError(r, 401);
    }

    @Test
    void hmacWebhookRefusesAMissingSignature() {
        JsonObject e = assertError(h.postJson("/signed", "{}"), 401);
        assertThat(e.getString("detail")).contains(WebhookAuth.SIGNATURE_HEADER);
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
