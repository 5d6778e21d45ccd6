package io.xerv.std;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.Value;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.xerv.std.Nodes.config;
import static io.xerv.std.Nodes.create;
import static io.xerv.std.Nodes.error;
import static io.xerv.std.Nodes.errors;
import static io.xerv.std.Nodes.java;
import static io.xerv.std.Nodes.run;
import static org.assertj.core.api.Assertions.assertThat;

class MapNodeTest {

    private final MapNode.Factory factory = new MapNode.Factory();

    private static Value mapping(Object... keysAndValues) {
        return config(keysAndValues);
    }

    @Test
    void mappingsShouldBuildNewNestedMap() throws Exception {
        Value config = config("mappings", List.of(
                mapping("from", "$.customer.name", "to", "name"),
                mapping("from", "items[0].price", "to", "first.price")));
        Object out = java(run(factory, config, Map.of("customer", Map.of("name", "Ada"),
                "items", List.of(Map.of("price", 9.5)), "other", 1)));
        assertThat(out).isEqualTo(Map.of("name", "Ada", "first", Map.of("price", 9.5)));
    }

    @Test
    void missingFromShouldUseDefaultOrBeSkipped() throws Exception {
        Value config = config("mappings", List.of(
                mapping("from", "tier", "to", "tier", "default", "standard"),
                mapping("from", "nothing", "to", "nothing")));
        assertThat(java(run(factory, config, Map.of()))).isEqualTo(Map.of("tier", "standard"));
    }

    @Test
    void passthroughShouldKeepInputKeysAndLetMappingsWin() throws Exception {
        Value config = config("passthrough", true, "mappings", List.of(
                mapping("from", "a", "to", "b"),
                mapping("from", "a", "to", "c.d")));
        Object out = java(run(factory, config, Map.of("a", 1, "b", 2, "c", Map.of("e", 3))));
        assertThat(out).isEqualTo(Map.of("a", 1L, "b", 1L, "c", Map.of("d", 1L, "e", 3L)));
    }

    @Test
    void writingUnderAScalarShouldReplaceIt() throws Exception {
        Value config = config("passthrough", true, "mappings", List.of(mapping("from", "a", "to", "a.x")));
        assertThat(java(run(factory, config, Map.of("a", 1)))).isEqualTo(Map.of("a", Map.of("x", 1L)));
    }

    @Test
    void passthroughOfNonMapInputShouldStartEmpty() throws Exception {
        Value config = config("passthrough", true, "mappings", List.of(mapping("from", "$", "to", "value")));
        assertThat(java(run(factory, config, 5))).isEqualTo(Map.of("value", 5L));
    }

    @Test
    void defaultSelectorShouldBeReadFromResolvedConfig() throws Exception {
        Value written = config("mappings", List.of(mapping("from", "x", "to", "y", "default", "${pipeline.config.d}")));
        Node node = create(factory, written);
        Value resolved = config("mappings", List.of(mapping("from", "x", "to", "y", "default", 42)));
        Completion c = node.execute(TestContext.of(Map.of()).withConfig(resolved));
        assertThat(java(c)).isEqualTo(Map.of("y", 42L));
    }

    @Test
    void badConfigShouldBeReported() {
        assertThat(errors(factory, config())).containsExactly(error("mappings", "missing required key 'mappings'"));
        assertThat(errors(factory, config("mappings", List.of()))).containsExactly(error("mappings", "must not be empty"));
        assertThat(errors(factory, config("mappings", "a->b"))).containsExactly(
                error("mappings", "expected a list, found string 'a->b'"));
        assertThat(errors(factory, config("mappings", List.of(mapping("from", "a", "to", "b"), mapping("to", "c")))))
                .containsExactly(error("mappings[1].from", "missing required key 'from'"));
        assertThat(errors(factory, config("mappings", List.of("a")))).containsExactly(
                error("mappings[0]", "expected a map {from, to, default}, found string 'a'"));
        assertThat(errors(factory, config("mappings", List.of(mapping("from", "a", "to", "b[0]", "x", 1)))))
                .containsExactly(
                        error("mappings[0].x", "unknown key 'x'; expected one of from, to, default"),
                        error("mappings[0].to", "'b[0]' has a list index; only keys can be written"));
        assertThat(errors(factory, config("mappings", List.of(mapping("from", "a", "to", "$")))))
                .containsExactly(error("mappings[0].to", "must name at least one key"));
        assertThat(errors(factory, config("mappings", List.of(mapping("from", "a", "to", "b")), "passthrough", 1)))
                .containsExactly(error("passthrough", "expected true or false, found int 1"));
    }
}
