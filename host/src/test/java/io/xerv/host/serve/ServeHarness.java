package io.xerv.host.serve;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.xerv.host.plugin.NodeRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real host on a free loopback port over a temporary data directory, with a web client for it.
 * Test flows live as YAML files in {@code src/test/resources/serve/flows}. Its requests carry the
 * host's local admin token unless {@link #withKey} says otherwise.
 */
final class ServeHarness implements AutoCloseable {

    static final Path FLOWS = Path.of("src/test/resources/serve/flows");
    static final NodeRegistry REGISTRY = NodeRegistry.load();

    final XervHost host;
    final WebClient client;
    private String apiKey;

    private ServeHarness(XervHost host, Vertx vertx) throws IOException {
        this.host = host;
        this.apiKey = token(host);
        this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
                .setDefaultPort(host.port()), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(32));
    }

    /** A host serving the test flows. */
    static ServeHarness start(Vertx vertx, Path dataDir, UnaryOperator<ServeConfig> tweak) throws Exception {
        ServeConfig c = ServeConfig.defaults().withPort(0).withEventLoops(2).withDataDir(dataDir)
                .withFlows(List.of(FLOWS)).withSecrets(Map.of("ORDERS_HMAC_SECRET", "s3cret-hmac"))
                .withShutdownTimeoutMs(5_000);
        return new ServeHarness(XervHost.start(tweak.apply(c), REGISTRY), vertx);
    }

    static ServeHarness start(Vertx vertx, Path dataDir) throws Exception {
        return start(vertx, dataDir, c -> c);
    }

    /** The host's local admin token, from its data directory. */
    static String token(XervHost host) throws IOException {
        return LocalToken.read(LocalToken.file(host.config().dataDir()));
    }

    /** Sends {@code key} instead of the host's local token (null: no credential at all). */
    ServeHarness withKey(String key) {
        this.apiKey = key;
        return this;
    }

    HttpRequest<Buffer> request(HttpMethod method, String uri) {
        HttpRequest<Buffer> r = client.request(method, uri);
        if (apiKey != null) {
            r.putHeader("Authorization", "Bearer " + apiKey);
        }
        return r;
    }

    HttpResponse<Buffer> get(String uri) {
        return request(HttpMethod.GET, uri).send().await();
    }

    HttpResponse<Buffer> post(String uri) {
        return request(HttpMethod.POST, uri).send().await();
    }

    HttpResponse<Buffer> postJson(String uri, String json) {
        return request(HttpMethod.POST, uri).putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(json)).await();
    }

    HttpResponse<Buffer> sendYaml(HttpMethod method, String uri, String yaml) {
        return request(method, uri).putHeader("Content-Type", "application/yaml").sendBuffer(Buffer.buffer(yaml)).await();
    }

    /** A flow file of the test corpus. */
    static String flow(String name) throws IOException {
        return Files.readString(FLOWS.resolve(name));
    }

    /** Asserts the JSON error shape and the status, and returns the body. */
    static JsonObject assertError(HttpResponse<Buffer> r, int status) {
        assertThat(r.statusCode()).as("status of %s", r.bodyAsString()).isEqualTo(status);
        assertThat(r.getHeader("Content-Type")).startsWith("application/json");
        JsonObject body = r.bodyAsJsonObject();
        assertThat(body.getString("error")).isNotBlank();
        assertThat(body.containsKey("detail")).isTrue();
        return body;
    }

    /** Polls a trace until its status is one of {@code statuses}; the test's timeout bounds the wait. */
    JsonObject awaitTrace(String traceId, String... statuses) throws InterruptedException {
        List<String> want = List.of(statuses);
        for (;;) {
            HttpResponse<Buffer> r = get("/api/v1/traces/" + traceId);
            if (r.statusCode() == 200 && want.contains(r.bodyAsJsonObject().getString("status"))) {
                return r.bodyAsJsonObject();
            }
            Thread.sleep(20);
        }
    }

    /** Polls a pipeline until a field has a value; the test's timeout bounds the wait. */
    JsonObject awaitPipeline(String name, String field, Object value) throws InterruptedException {
        for (;;) {
            JsonObject p = get("/api/v1/pipelines/" + name).bodyAsJsonObject();
            if (value.equals(p.getValue(field))) {
                return p;
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        client.close();
        host.close();
    }
}
