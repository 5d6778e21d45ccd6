package io.xerv.host.serve;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.xerv.plugin.HostServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The host's {@code policy:} section, through the API a key holder uses: which node types flows may
 * use, which files their nodes and file triggers may reach, which environment variables and secrets
 * nodes may read. Every refusal happens when the flow is validated or deployed, and no error quotes
 * a file.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class DeployPolicyTest {

    @TempDir
    Path tmp;

    static final ApiKeys KEYS = new ApiKeys(List.of(
            new ApiKeys.Key("reader", ApiKeys.sha256("read-key"), Set.of("pipeline:read")),
            new ApiKeys.Key("writer", ApiKeys.sha256("write-key"), Set.of("pipeline:write"))));

    ServeHarness start(Vertx vertx, UnaryOperator<DeployPolicy> policy) throws Exception {
        return ServeHarness.start(vertx, tmp.resolve("data"),
                c -> c.withApiKeys(KEYS).withPolicy(policy.apply(DeployPolicy.DEFAULT)));
    }

    static String jsFlow(String name, String config) {
        return """
                name: %s
                triggers:
                  - {id: go, type: manual}
                nodes:
                  probe:
                    type: js
                    config: %s
                edges:
                  - {from: go, to: probe}
                """.formatted(name, config);
    }

    /**
     * The errors of {@code POST /pipelines/validate}. Validating loads and links a flow as a deploy does,
     * so it takes a {@code pipeline:write} key (a {@code pipeline:read} key gets 403: AuthTest).
     */
    static JsonArray validate(ServeHarness h, String yaml) {
        HttpResponse<Buffer> r = h.withKey("write-key").sendYaml(HttpMethod.POST, "/api/v1/pipelines/validate?source=probe.yaml", yaml);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getBoolean("valid")).as(r.bodyAsString()).isFalse();
        return r.bodyAsJsonObject().getJsonArray("errors");
    }

    @Test
    void validateRouteNeverQuotesAScriptsContents(Vertx vertx) throws Exception {
        Path scripts = Files.createDirectories(tmp.resolve("scripts"));
        Files.writeString(scripts.resolve("environ.js"), "HOME=/root\u0000XERV_OPS_KEY=admin-7f3a9c2e\u0000");
        Files.writeString(scripts.resolve("key.js"), "admin7f3a9c2e\n");
        try (ServeHarness h = start(vertx, p -> p.withPaths(List.of(Path.of("."), scripts)))) {
            // The process's own environment is never read, let alone echoed.
            JsonArray proc = validate(h, jsFlow("leak", "{script: /proc/self/environ}"));
            assertThat(proc.encode()).contains("it is inside /proc, which nodes may never reach")
                    .doesNotContain(System.getenv("PATH"));
            // A file the policy allows is read, but a load error gives its position and kind only.
            JsonArray environ = validate(h, jsFlow("leak", "{script: " + scripts.resolve("environ.js") + "}"));
            assertThat(environ.getString(0)).startsWith("probe.yaml:6:11: node 'probe' (js) cannot be created: syntax error in ")
                    .doesNotContain("admin-7f3a9c2e").doesNotContain("XERV_OPS_KEY");
            JsonArray key = validate(h, jsFlow("leak", "{script: " + scripts.resolve("key.js") + "}"));
            assertThat(key.getString(0)).endsWith("key.js:1 failed to load: ReferenceError").doesNotContain("admin7f3a9c2e");
        }
    }

    @Test
    void validateRouteDoesNotRevealWhetherAFileExists(Vertx vertx) throws Exception {
        try (ServeHarness h = start(vertx, p -> p)) {
            String shadow = validate(h, jsFlow("peek", "{script: /etc/shadow}")).getString(0);
            String nothing = validate(h, jsFlow("peek", "{script: /etc/no-such-file-here}")).getString(0);
            assertThat(shadow).contains("'/etc/shadow' is not a path nodes may use: it is outside the allowed folders");
            assertThat(nothing).isEqualTo(shadow.replace("/etc/shadow", "/etc/no-such-file-here"));
            String wasm = validate(h, """
                    name: peek
                    nodes:
                      probe: {type: wasm, config: {module: /etc/shadow}}
                    """).getString(0);
            assertThat(wasm).contains("'/etc/shadow' is not a path nodes may use").doesNotContain("root:");
        }
    }

    @Test
    void devZeroAsAScriptIsNeverRead(Vertx vertx) throws Exception {
        // Even a policy that grants the whole file system keeps /dev out, and reads only regular files.
        Path fifo = tmp.resolve("pipe.js");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        try (ServeHarness h = start(vertx, p -> p.withPaths(List.of(Path.of("/"))))) {
            assertThat(validate(h, jsFlow("oom", "{script: /dev/zero}")).getString(0))
                    .contains("it is inside /dev, which nodes may never reach");
            assertThat(validate(h, jsFlow("oom", "{script: " + fifo + "}")).getString(0))
                    .endsWith("script '" + fifo + "' is not a regular file");
        }
    }

    @Test
    void scriptLargerThanMaxFileBytesIsRefused(Vertx vertx) throws Exception {
        Path scripts = Files.createDirectories(tmp.resolve("big"));
        Files.writeString(scripts.resolve("big.js"), "export default () => ({});\n".repeat(100));
        try (ServeHarness h = start(vertx, p -> p.withPaths(List.of(scripts)).withMaxFileBytes(1_000))) {
            assertThat(validate(h, jsFlow("big", "{script: " + scripts.resolve("big.js") + "}")).getString(0))
                    .contains("is 2700 bytes; the limit is 1000 (policy.max_file_bytes)");
        }
    }

    @Test
    void deployedNodeCannotReadTheAdminKeyThroughEnv(Vertx vertx) throws Exception {
        try (ServeHarness h = start(vertx, p -> p)) {
            HttpResponse<Buffer> r = h.withKey("write-key").sendYaml(HttpMethod.POST, "/api/v1/pipelines?source=leak.yaml",
                    jsFlow("leak", "{source: \"export default (i, ctx) => ({key: ctx.env('XERV_OPS_KEY')})\", env: [XERV_OPS_KEY]}"));
            JsonObject e = ServeHarness.assertError(r, 422);
            assertThat(e.getJsonArray("detail").getString(0)).isEqualTo("leak.yaml:6:11: node 'probe' (js) cannot be created:"
                    + " env: environment variable 'XERV_OPS_KEY' is not granted to nodes by the host's policy (policy.env)");
            assertThat(h.withKey("read-key").get("/api/v1/pipelines/leak").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void policyEnvAndSecretsGrantOnlyWhatTheyList(Vertx vertx) throws Exception {
        try (ServeHarness h = start(vertx, p -> p.withEnv(List.of("XERV_PUBLIC_*")).withSecrets(List.of("DB")))) {
            String granted = jsFlow("granted", "{source: \"export default () => ({})\", env: [XERV_PUBLIC_REGION], secrets: [DB]}");
            assertThat(h.withKey("write-key").sendYaml(HttpMethod.POST, "/api/v1/pipelines", granted).statusCode()).isEqualTo(201);
            String hmac = validate(h, jsFlow("hmac", "{source: \"export default () => ({})\", secrets: [ORDERS_HMAC_SECRET]}"))
                    .getString(0);
            assertThat(hmac).endsWith("secrets: secret 'ORDERS_HMAC_SECRET' is not granted to nodes by the host's policy"
                    + " (policy.secrets)");
        }
        ServeConfig c = ServeConfig.defaults().withDataDir(tmp.resolve("data"))
                .withSecrets(Map.of("DB", "db-pass", "ORDERS_HMAC_SECRET", "hmac"))
                .withPolicy(DeployPolicy.DEFAULT.withSecrets(List.of("DB")));
        HostServices s = c.hostServices();
        assertThat(s.secret("DB")).isEqualTo("db-pass");
        assertThat(s.secret("ORDERS_HMAC_SECRET")).isNull();
        assertThat(s.environment("PATH")).isNull();
        // Without policy.secrets, the config's secrets (webhook keys) are never given to nodes.
        assertThat(ServeConfig.defaults().withSecrets(Map.of("DB", "db-pass")).hostServices().secret("DB")).isNull();
    }

    @Test
    void wasiDirsCannotPreopenTheWholeFileSystem(Vertx vertx) throws Exception {
        String root = """
                name: root
                nodes:
                  guest: {type: wasm, config: {module: guest.wasm, wasi: {dirs: {/host: /}}}}
                """;
        try (ServeHarness h = start(vertx, p -> p)) {
            assertThat(validate(h, root).getString(0)).contains("wasi.dirs./host: '/' cannot be given to a WASI guest")
                    .contains("policy.wasi.dirs");
        }
        try (ServeHarness h = start(vertx, p -> p.withWasiDirs(true).withPaths(List.of(Path.of("/"))))) {
            assertThat(validate(h, root).getString(0)).contains("wasi.dirs./host: '/' is not a path nodes may use: it contains /proc");
            assertThat(validate(h, root.replace("/host: /", "/host: " + tmp)).getString(0))
                    .contains("it contains " + tmp.resolve("data"));
        }
    }

    @Test
    void fileTriggerCannotWatchTheDataDirectory(Vertx vertx) throws Exception {
        String watch = """
                name: loop
                triggers:
                  - {id: files, type: filesystem, params: {path: "%s"}}
                nodes:
                  note: {type: std::log}
                edges:
                  - {from: files, to: note}
                """;
        try (ServeHarness h = start(vertx, p -> p.withPaths(List.of(Path.of("."), tmp)))) {
            assertThat(validate(h, watch.formatted("/")).getString(0))
                    .isEqualTo("probe.yaml:3:5: trigger 'files': params.path '/' is not a path nodes may use: it contains /proc,"
                            + " which nodes may never reach (the host's policy.paths decides which folders nodes and file"
                            + " triggers may reach)");
            assertThat(validate(h, watch.formatted(tmp)).getString(0)).contains("it contains " + tmp.resolve("data"));
            assertThat(validate(h, watch.formatted(tmp.resolve("data/wal"))).getString(0)).contains("it is inside " + tmp.resolve("data"));
            Files.createDirectories(tmp.resolve("inbox"));
            HttpResponse<Buffer> ok = h.withKey("write-key").sendYaml(HttpMethod.POST, "/api/v1/pipelines",
                    watch.formatted(tmp.resolve("inbox")));
            assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(201);
        }
    }

    @Test
    void sourceLabelDoesNotChooseTheFlowsFolder(Vertx vertx) throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("node.js"), "export default () => ({});\n");
        try (ServeHarness h = start(vertx, p -> p)) {
            HttpResponse<Buffer> r = h.withKey("write-key").sendYaml(HttpMethod.POST,
                    "/api/v1/pipelines/validate?source=" + elsewhere.resolve("flow.yaml"), jsFlow("label", "{script: node.js}"));
            assertThat(r.bodyAsJsonObject().getJsonArray("errors").getString(0))
                    .contains("'node.js' is not a path nodes may use: it is outside the allowed folders");
        }
    }

    @Test
    void nodeTypesDeniedByPolicyAreRefusedOnEveryRoute(Vertx vertx) throws Exception {
        Path flows = Files.createDirectories(tmp.resolve("flows"));
        Files.writeString(flows.resolve("js.yaml"), jsFlow("atstart", "{source: \"export default () => ({})\"}"));
        ServeConfig config = ServeConfig.defaults().withPort(0).withEventLoops(1).withDataDir(tmp.resolve("data"))
                .withFlows(List.of(flows)).withApiKeys(KEYS)
                .withPolicy(DeployPolicy.DEFAULT.withNodeTypes(List.of("std::*", "js"), List.of("js")));
        String refused = "node type 'js' is not allowed on this host (policy.node_types)";
        try (XervHost host = XervHost.start(config, ServeHarness.REGISTRY)) {
            assertThat(host.deployErrors()).singleElement().asString().contains(refused);
            assertThat(host.controller().engine().registry().find("wasm")).isEmpty();
            assertThat(host.controller().engine().registry().find("std::log")).isPresent();
        }
        try (ServeHarness h = start(vertx, p -> p.withNodeTypes(List.of("*"), List.of("js", "wa?m")))) {
            assertThat(validate(h, jsFlow("api", "{source: \"export default () => ({})\"}")).getString(0))
                    .isEqualTo("probe.yaml:6:11: node 'probe': " + refused);
            HttpResponse<Buffer> d = h.withKey("write-key").sendYaml(HttpMethod.POST, "/api/v1/pipelines?source=api.yaml",
                    jsFlow("api", "{source: \"export default () => ({})\"}"));
            assertThat(ServeHarness.assertError(d, 422).getJsonArray("detail").getString(0)).contains(refused);
        }
    }

    @Test
    void policySectionIsReadWithItsDefaults() throws Exception {
        ServeConfig c = ServeConfig.parse("xerv.yaml", """
                policy:
                  node_types: {allow: ["std::*", js], deny: ["std::http"]}
                  paths: [., /srv/xerv/modules]
                  max_file_bytes: 1048576
                  wasi: {dirs: true}
                  env: [REGION, "XERV_PUBLIC_*"]
                  secrets: [DB_PASSWORD]
                """, tmp);
        DeployPolicy p = c.policy();
        assertThat(p.allowsType("std::log")).isTrue();
        assertThat(p.allowsType("std::http")).isFalse();
        assertThat(p.allowsType("js")).isTrue();
        assertThat(p.allowsType("wasm")).isFalse();
        assertThat(p.paths()).containsExactly(Path.of("."), Path.of("/srv/xerv/modules"));
        assertThat(p.maxFileBytes()).isEqualTo(1_048_576);
        assertThat(p.wasiDirs()).isTrue();
        assertThat(p.grantsEnvironment("XERV_PUBLIC_ZONE")).isTrue();
        assertThat(p.grantsEnvironment("XERV_OPS_KEY")).isFalse();
        assertThat(p.grantsSecret("DB_PASSWORD")).isTrue();
        assertThat(p.grantsSecret("OTHER")).isFalse();

        DeployPolicy d = ServeConfig.parse("xerv.yaml", "server: {port: 1}\n", tmp).policy();
        assertThat(d).isEqualTo(DeployPolicy.DEFAULT);
        assertThat(d.allowsType("wasm")).isTrue();
        assertThat(d.grantsEnvironment("HOME")).isFalse();
        assertThat(d.grantsSecret("ANY")).isTrue();
    }

    @Test
    void badPolicyEntriesAreReportedWithTheirPosition() {
        assertThatThrownBy(() -> ServeConfig.parse("xerv.yaml", """
                policy:
                  node_types: {allow: js}
                  paths: [/proc/self]
                  wasi: {dirs: maybe, write: true}
                  colour: red
                """, tmp))
                .isInstanceOf(ServeConfig.ConfigException.class)
                .satisfies(e -> assertThat(((ServeConfig.ConfigException) e).problems()).containsExactly(
                        "xerv.yaml:2:23: policy.node_types.allow must be a list",
                        "xerv.yaml:3:11: policy.paths: /proc/self is inside /proc, which nodes may never reach",
                        "xerv.yaml:4:16: policy.wasi.dirs must be true or false",
                        "xerv.yaml:4:23: unknown option 'write' in policy.wasi; expected one of dirs",
                        "xerv.yaml:5:3: unknown option 'colour' in policy; expected one of node_types, paths, max_file_bytes,"
                                + " wasi, env, secrets"));
    }
}
