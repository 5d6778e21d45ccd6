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

class ConcatNodeTest {

    private final ConcatNode.Factory factory = new ConcatNode.Factory();

    @Test
    void partsShouldBeJoinedWithSeparator() throws Exception {
        Value config = config("parts", List.of("Hello", config("field", "name"), config("literal", 42)),
                "separator", " ", "output_field", "greeting");
        assertThat(java(run(factory, config, Map.of("name", "Ada")))).isEqualTo(Map.of("greeting", "Hello Ada 42"));
    }

    @Test
    void missingAndNullFieldsShouldBeSkipped() throws Exception {
        Map<String, Object> input = new HashMap<>();
        input.put("b", null);
        input.put("c", "C");
        Value config = config("parts", List.of(config("field", "a"), config("field", "b"), config("field", "c"), "!"),
                "separator", "-");
        assertThat(java(run(factory, config, input))).isEqualTo(Map.of("result", "C-!"));
    }

    @Test
    void nonStringFieldsShouldBeWrittenAsText() throws Exception {
        Value config = config("parts", List.of(config("field", "n"), config("field", "tags")));
        assertThat(java(run(factory, config, Map.of("n", 1.5, "tags", List.of("a")))))
                .isEqualTo(Map.of("result", "1.5[\"a\"]"));
    }

    @Test
    void passthroughShouldKeepInputKeys() throws Exception {
        Value config = config("parts", List.of(config("field", "a"), "x"), "passthrough", true, "output_field", "joined");
        assertThat(java(run(factory, config, Map.of("a", "A")))).isEqualTo(Map.of("a", "A", "joined", "Ax"));
    }

    @Test
    void interpolatedLiteralShouldBeReadFromResolvedConfig() throws Exception {
        Node node = create(factory, config("parts", List.of("id-${trace.id}")));
        Completion c = node.execute(TestContext.of(Map.of()).withConfig(config("parts", List.of("id-123"))));
        assertThat(java(c)).isEqualTo(Map.of("result", "id-123"));
    }

    @Test
    void badConfigShouldBeReported() {
        assertThat(errors(factory, config())).containsExactly(error("parts", "missing required key 'parts'"));
        assertThat(errors(factory, config("parts", List.of(config("field", "a", "literal", "b"))))).containsExactly(
                error("parts[0]", "set exactly one of 'field' and 'literal'"));
        assertThat(errors(factory, config("parts", List.of(config("path", "a"))))).containsExactly(
                error("parts[0].path", "unknown key 'path'; expected one of field, literal"),
                error("parts[0]", "set exactly one of 'field' and 'literal'"));
        assertThat(errors(factory, config("parts", List.of(1)))).containsExactly(
                error("parts[0]", "expected a string, {field: path} or {literal: value}, found int 1"));
        assertThat(errors(factory, config("parts", List.of("a"), "separator", List.of()))).containsExactly(
                error("separator", "expected a string, found list"));
        assertThat(errors(factory, config("parts", List.of(config("field", "a b"))))).extracting(e -> e.path())
                .containsExactly("parts[0].field");
    }

    @Test
    void joiningPartsOverTheOutputLimitFailsBeforeTheWholeTextIsBuilt() throws Exception {
        Value config = config("parts", List.of(config("field", "a"), config("field", "b"), config("field", "c")));
        TestContext ctx = TestContext.of(Map.of("a", "a".repeat(600), "b", "b".repeat(600), "c", "c".repeat(600)))
                .withMaxValueBytes(1000);
        Completion c = run(create(factory, config), config, ctx);
        assertThat(c.kind()).isEqualTo(Completion.Kind.FAIL);
        assertThat(c.message()).isEqualTo("the joined text is over 1000 bytes, the largest output a node may write"
                + " (limits.node_output_bytes)");
    }
}
