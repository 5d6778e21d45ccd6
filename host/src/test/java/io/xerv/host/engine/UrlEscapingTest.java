package io.xerv.host.engine;

import io.xerv.arena.ValueCodec;
import io.xerv.host.flow.FlowLoader;
import io.xerv.host.flow.SelectorRef;
import io.xerv.host.plugin.NodeRegistry;
import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.Value;
import io.xerv.plugin.Values;
import io.xerv.std.StdPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A selector substituted into a URL field is percent-encoded for the part of the URL it lands in. */
class UrlEscapingTest {

    @TempDir
    Path dir;

    /** Renders {@code url} (a URL field) and {@code other} (not one) with each selector's value from {@code values}. */
    private static Value render(String url, Map<String, Object> values) {
        ConfigTemplate t = ConfigTemplate.compile(Map.of("url", url, "other", "/x/${trigger.id}"), List.of("url"));
        Value bound = t.bind(ref -> value(ref, values));
        return bound;
    }

    private static Value value(SelectorRef ref, Map<String, Object> values) {
        String key = ref.text().substring(2, ref.text().length() - 1);
        return values.containsKey(key) ? Values.of(values.get(key)) : null;
    }

    @Test
    void selectorValuesShouldBeEscapedForThePathSegmentOrQueryTheyLandIn() {
        Map<String, Object> v = Map.of("trigger.id", "../admin?x=", "trigger.q", "a&b=c#d e+f",
                "trigger.dots", "..", "pipeline.config.base", "http://api.internal:8080/v1", "trigger.host", "api",
                "trigger.n", 42);
        assertThat(render("http://api/users/${trigger.id}", v).get("url").asString())
                .isEqualTo("http://api/users/..%2Fadmin%3Fx%3D");
        assertThat(render("http://api/users/${trigger.dots}/x", v).get("url").asString())
                .isEqualTo("http://api/users/%2E%2E/x");
        assertThat(render("http://api/search?q=${trigger.q}&n=${trigger.n}#${trigger.q}", v).get("url").asString())
                .isEqualTo("http://api/search?q=a%26b%3Dc%23d%20e%2Bf&n=42#a%26b%3Dc%23d%20e%2Bf");
        assertThat(render("${pipeline.config.base}/users/${trigger.id}", v).get("url").asString())
                .isEqualTo("http://api.internal:8080/v1/users/..%2Fadmin%3Fx%3D");
        assertThat(render("http://${trigger.host}.internal/u/${trigger.id}", v).get("url").asString())
                .isEqualTo("http://api.internal/u/..%2Fadmin%3Fx%3D");
        assertThat(render("http://api/caf\u00e9/${trigger.host}\u00e9", Map.of("trigger.host", "\u00e9/")).get("url").asString())
                .isEqualTo("http://api/caf\u00e9/%C3%A9%2F\u00e9");
        // The whole URL from one selector is not encoded: it is the URL; the network policy guards it.
        assertThat(render("${pipeline.config.base}", v).get("url").asString()).isEqualTo("http://api.internal:8080/v1");
        // Keys that are not URL fields render as before.
        assertThat(render("http://api/", v).get("other").asString()).isEqualTo("/x/../admin?x=");
    }

    /** Echoes its resolved {@code url}; declares it a URL field. */
    static final NodeFactory ECHO_URL = new NodeFactory() {
        public String type() {
            return "test::echo_url";
        }

        public List<String> urlFields() {
            return List.of("url");
        }

        public Node create(NodeDefinition d) {
            return ctx -> Completion.out(ctx.output().write(Map.of("url", ctx.config().get("url").asString())));
        }
    };

    @Test
    void linkedFlowShouldEscapeSelectorsInTheUrlFieldsItsNodeTypesDeclare() throws Exception {
        List<NodeFactory> factories = new ArrayList<>(new StdPlugin().nodeFactories());
        factories.add(ECHO_URL);
        try (Engine engine = Engine.start(EngineConfig.defaults(dir).withRegistry(new NodeRegistry(factories))
                .withEventLoops(1))) {
            CompiledFlow flow = engine.link(FlowLoader.parse("t.yaml", """
                    name: t
                    nodes:
                      e: {type: test::echo_url, config: {url: "http://api/users/${trigger.id}?q=${trigger.id}"}}
                    """, engine.registry()));
            TraceReport r = engine.start(flow, null, "{\"id\":\"../admin?x=\"}".getBytes(StandardCharsets.UTF_8))
                    .completion().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
            assertThat(ValueCodec.parseJson(r.toJson()).get("result").get("url").asString())
                    .isEqualTo("http://api/users/..%2Fadmin%3Fx%3D?q=..%2Fadmin%3Fx%3D");
        }
    }
}
