package io.xerv.host.serve;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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

/**
 * {@code std::http} under the host's {@code network:} policy, end to end: a webhook whose caller picks
 * the URL ({@code url: "${trigger.url}"}) cannot make the host call itself unless the operator allows it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class NetworkEgressTest {

    static final String FETCH = """
            name: fetch
            triggers:
              - {id: hook, type: webhook, params: {path: /fetch, method: POST, mode: sync}}
            nodes:
              call: {type: std::http, config: {url: "${trigger.url}", fail_on_status: false, timeout_ms: 5000}}
            edges:
              - {from: hook, to: call}
            """;

    /** For tests whose std::http nodes call a server of theirs on 127.0.0.1, which the defaults refuse. */
    static final NetworkPolicy LOOPBACK = new NetworkPolicy(List.of(NetworkPolicy.Rule.parse("127.0.0.1/32")),
            List.of(), NetworkPolicy.DEFAULT_MAX_RESPONSE_BYTES, NetworkPolicy.DEFAULT_MAX_REDIRECTS);

    @TempDir
    Path dir;

    private ServeHarness start(Vertx vertx, String network) throws Exception {
        Path flows = Files.createDirectories(dir.resolve("flows"));
        Files.writeString(flows.resolve("fetch.yaml"), FETCH);
        NetworkPolicy policy = network == null ? NetworkPolicy.DEFAULT
                : ServeConfig.parse("x.yaml", network, dir).network();
        return ServeHarness.start(vertx, dir.resolve("data"), c -> c.withFlows(List.of(flows)).withNetwork(policy));
    }

    @Test
    void anonymousWebhookCallerShouldNotMakeTheHostCallItsOwnApi(Vertx vertx) throws Exception {
        try (ServeHarness h = start(vertx, null)) {
            String own = "http://127.0.0.1:" + h.host.port() + "/api/v1/pipelines";
            HttpResponse<Buffer> r = h.postJson("/fetch", new JsonObject().put("url", own).encode());
            String body = r.bodyAsString();
            assertThat(body).contains("refused: destination 127.0.0.1 (127.0.0.1) is a loopback address; "
                    + "the host's config key network.allow decides which may be reached");
            assertThat(body).doesNotContain("\"pipelines\"").doesNotContain("\"fetch\",");
            String byName = "http://localhost:" + h.host.port() + "/health";
            assertThat(h.postJson("/fetch", new JsonObject().put("url", byName).encode()).bodyAsString())
                    .contains("refused: destination localhost (").contains("network.allow");
        }
    }

    @Test
    void loopbackShouldBeReachableWhenTheNetworkSectionAllowsIt(Vertx vertx) throws Exception {
        try (ServeHarness h = start(vertx, "network: {allow: [127.0.0.1/32]}")) {
            String health = "http://127.0.0.1:" + h.host.port() + "/health";
            HttpResponse<Buffer> r = h.postJson("/fetch", new JsonObject().put("url", health).encode());
            assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
            assertThat(r.bodyAsJsonObject().getJsonObject("result").getInteger("status")).isEqualTo(200);
        }
    }
}
