package io.xerv.host.serve;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.xerv.host.flow.Mark;
import io.xerv.host.flow.TriggerDef;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The replay memory of HMAC webhooks: bounded, and each signature forgotten only once its timestamp is stale. */
class WebhookAuthTest {

    static final byte[] SECRET = "k".getBytes(StandardCharsets.UTF_8);
    final AtomicLong clock = new AtomicLong(1_800_000_000_000L);

    WebhookAuth auth(Map<String, Object> extra, int entries) {
        Map<String, Object> a = new java.util.HashMap<>(Map.of("type", "hmac", "secret", "k"));
        a.putAll(extra);
        return WebhookAuth.of(new TriggerDef("hook", "webhook", Map.of("path", "/h", "auth", a), true, "", new Mark("f.yaml", 1, 1)),
                name -> null, clock::get, entries);
    }

    WebhookAuth.Denial send(WebhookAuth auth, long ts, String body) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap()
                .add(WebhookAuth.TIMESTAMP_HEADER, Long.toString(ts))
                .add(WebhookAuth.SIGNATURE_HEADER, WebhookAuth.sign(SECRET, ts, body.getBytes(StandardCharsets.UTF_8)));
        return auth.check(h, Buffer.buffer(body));
    }

    long now() {
        return clock.get() / 1000;
    }

    @Test
    void aFullReplayMemoryRefusesRatherThanForgets() {
        WebhookAuth a = auth(Map.of(), 2);
        assertThat(send(a, now(), "1")).isNull();
        assertThat(send(a, now(), "2")).isNull();
        WebhookAuth.Denial full = send(a, now(), "3");
        assertThat(full.status()).isEqualTo(503);
        assertThat(send(a, now(), "1").status()).as("still remembered").isEqualTo(409);
        clock.addAndGet(301_000);
        assertThat(send(a, now(), "3")).as("the old signatures are stale now, so forgotten").isNull();
    }

    @Test
    void aSignatureIsRememberedUntilItsTimestampLeavesTheWindow() {
        WebhookAuth a = auth(Map.of("tolerance_seconds", 10L), 100);
        long ts = now() + 9;
        assertThat(send(a, ts, "x")).isNull();
        clock.addAndGet(18_000);
        assertThat(send(a, ts, "x").status()).as("9 s ahead, accepted; 18 s later still within 10 s of it").isEqualTo(409);
        clock.addAndGet(2_000);
        assertThat(send(a, ts, "x").status()).as("outside the window: the timestamp check refuses it").isEqualTo(401);
    }

    @Test
    void theToleranceIsConfigurable() {
        WebhookAuth a = auth(Map.of("tolerance_seconds", 5L), 100);
        assertThat(send(a, now() - 6, "x").detail()).contains("5 s");
        assertThat(send(a, now() - 4, "x")).isNull();
    }
}
