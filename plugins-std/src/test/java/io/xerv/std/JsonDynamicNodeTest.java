package io.xerv.std;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.Value;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.xerv.std.Nodes.config;
import static io.xerv.std.Nodes.create;
import static io.xerv.std.Nodes.error;
import static io.xerv.std.Nodes.errors;
import static io.xerv.std.Nodes.java;
import static io.xerv.std.Nodes.run;
import static org.assertj.core.api.Assertions.assertThat;

class JsonDynamicNodeTest {

    private final JsonDynamicNode.Factory factory = new JsonDynamicNode.Factory();

    private static final Map<String, Object> DOC = Map.of(
            "user", Map.of("name", "Ada", "address", Map.of("city", "London")),
            "tags", List.of("a", "b"));

    @Test
    void passthroughShouldEmitTheInputItself() throws Exception {
        Value config = config();
        TestContext ctx = TestContext.of(DOC);
        assertThat(run(create(factory, config), config, ctx).value()).isSameAs(ctx.input());
    }

    @Test
    void extractShouldKeyValuesByLastSegment() throws Exception {
        Value config = config("operation", "extract", "fields", List.of("user.name", "$.user.address.city", "tags[1]", "nope"));
        assertThat(java(run(factory, config, DOC))).isEqualTo(Map.of("name", "Ada", "city", "London", "tags", "b"));
    }

    @Test
    void mergeShouldCombineListOfMapsLaterWinning() throws Exception {
        Object out = java(run(factory, config("operation", "merge"),
                List.of(Map.of("a", 1, "b", 1), "skipped", Map.of("b", 2, "c", 3))));
        assertThat(out).isEqualTo(Map.of("a", 1L, "b", 2L, "c", 3L));
        assertThat(java(run(factory, config("operation", "merge"), Map.of("a", 1)))).isEqualTo(Map.of("a", 1L));
    }

    @Test
    void mergeOfScalarShouldFail() throws Exception {
        Completion c = run(factory, config("operation", "merge"), 5);
        assertThat(c.message()).isEqualTo("merge needs a map or a list of maps, found int 5");
    }

    @Test
    void setShouldWriteAtPathCreatingMaps() throws Exception {
        Object out = java(run(factory, config("operation", "set", "path", "user.address.zip", "value", "N1"), DOC));
        assertThat(out).isEqualTo(Map.of("user", Map.of("name", "Ada", "address", Map.of("city", "London", "zip", "N1")),
                "tags", List.of("a", "b")));
        Object fresh = java(run(factory, config("operation", "set", "path", "$.meta.v", "value", 2), Map.of()));
        assertThat(fresh).isEqualTo(Map.of("meta", Map.of("v", 2L)));
    }

    @Test
    void setShouldAcceptAnExplicitNull() throws Exception {
        Map<String, Object> cfg = new HashMap<>(Map.of("operation", "set", "path", "a"));
        cfg.put("value", null);
        Map<String, Object> expected = new HashMap<>();
        expected.put("a", null);
        assertThat(java(run(factory, io.xerv.plugin.Values.of(cfg), Map.of("a", 1)))).isEqualTo(expected);
    }

    @Test
    void setValueSelectorShouldBeReadFromResolvedConfig() throws Exception {
        Node node = create(factory, config("operation", "set", "path", "t", "value", "${trace.id}"));
        Completion c = node.execute(TestContext.of(Map.of()).withConfig(config("operation", "set", "path", "t", "value", "abc")));
        assertThat(java(c)).isEqualTo(Map.of("t", "abc"));
    }

    @Test
    void deleteShouldRemoveKeyAndIgnoreMissingPaths() throws Exception {
        assertThat(java(run(factory, config("operation", "delete", "path", "user.address"), DOC)))
                .isEqualTo(Map.of("user", Map.of("name", "Ada"), "tags", List.of("a", "b")));
        assertThat(java(run(factory, config("operation", "delete", "path", "x.y"), Map.of("a", 1))))
                .isEqualTo(Map.of("a", 1L));
    }

    @Test
    void setOnNonMapInputShouldFail() throws Exception {
        Completion c = run(factory, config("operation", "delete", "path", "a"), List.of(1));
        assertThat(c.message()).isEqualTo("the input is list; set and delete need a map");
    }

    @Test
    void flattenShouldJoinKeysAndIndexes() throws Exception {
        Object out = java(run(factory, config("operation", "flatten"), DOC));
        assertThat(out).isEqualTo(Map.of("user_name", "Ada", "user_address_city", "London", "tags_0", "a", "tags_1", "b"));
        Object dotted = java(run(factory, config("operation", "flatten", "separator", "."),
                Map.of("a", Map.of("b", 1), "e", Map.of())));
        assertThat(dotted).isEqualTo(Map.of("a.b", 1L, "e", Map.of()));
        assertThat(java(run(factory, config("operation", "flatten"), 3))).isEqualTo(Map.of("", 3L));
    }

    @Test
    void missingRequiredFieldShouldFailFirst() throws Exception {
        Completion c = run(factory, config("operation", "flatten", "required_fields", List.of("user.name", "user.id")), DOC);
        assertThat(c.kind()).isEqualTo(Completion.Kind.FAIL);
        assertThat(c.message()).isEqualTo("required field 'user.id' is missing");
    }

    @Test
    void badConfigShouldBeReported() {
        assertThat(errors(factory, config("operation", "extract"))).containsExactly(
                error("fields", "missing required key 'fields'"));
        assertThat(errors(factory, config("operation", "set", "path", "a"))).containsExactly(
                error("value", "missing required key 'value'"));
        assertThat(errors(factory, config("operation", "delete"))).containsExactly(
                error("path", "missing required key 'path'"));
        assertThat(errors(factory, config("fields", List.of("a"), "path", "p", "value", 1, "separator", "."))).containsExactly(
                error("fields", "only used with operation: extract"),
                error("path", "only used with operation: set or delete"),
                error("value", "only used with operation: set"),
                error("separator", "only used with operation: flatten"));
        assertThat(errors(factory, config("operation", "pivot"))).containsExactly(error("operation",
                "unknown operation 'pivot'; expected one of passthrough, extract, merge, set, delete, flatten"));
        assertThat(errors(factory, config("required_fields", "a"))).containsExactly(
                error("required_fields", "expected a list, found string 'a'"));
        assertThat(errors(factory, config("operation", "set", "path", "a..b", "value", 1))).containsExactly(
                error("path", "bad path 'a..b': empty segment at 3"));
    }
}
