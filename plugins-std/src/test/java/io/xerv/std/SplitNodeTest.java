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
import static io.xerv.std.Nodes.run;
import static org.assertj.core.api.Assertions.assertThat;

class SplitNodeTest {

    private final SplitNode.Factory factory = new SplitNode.Factory();

    private SplitNode split(Value config) {
        Node node = create(factory, config);
        assertThat(node).isInstanceOf(SplitNode.class);
        return (SplitNode) node;
    }

    @Test
    void fieldListShouldBeEmittedOnOutWithoutCopy() throws Exception {
        Value config = config("field", "order.items");
        TestContext ctx = TestContext.of(Map.of("order", Map.of("items", List.of(1, 2, 3))));
        Completion c = run(split(config), config, ctx);
        assertThat(c.port()).isEqualTo("out");
        assertThat(c.value()).isSameAs(ctx.input().get("order").get("items"));
    }

    @Test
    void withoutFieldTheInputItselfShouldBeTheList() throws Exception {
        Completion c = run(factory, config(), List.of("a", "b"));
        assertThat(Nodes.java(c)).isEqualTo(List.of("a", "b"));
    }

    @Test
    void modeAndBatchSizeShouldBeExposedToTheHost() {
        assertThat(split(config()).mode()).isEqualTo(SplitMode.SEQUENTIAL);
        assertThat(split(config()).batchSize()).isEqualTo(1);
        assertThat(split(config("mode", "parallel")).batchSize()).isEqualTo(Integer.MAX_VALUE);
        assertThat(split(config("mode", "batched")).batchSize()).isEqualTo(10);
        SplitNode batched = split(config("mode", "batched", "batch_size", 4));
        assertThat(batched.mode()).isEqualTo(SplitMode.BATCHED);
        assertThat(batched.batchSize()).isEqualTo(4);
    }

    @Test
    void missingFieldShouldFail() throws Exception {
        Completion c = run(factory, config("field", "items"), Map.of());
        assertThat(c.kind()).isEqualTo(Completion.Kind.FAIL);
        assertThat(c.message()).isEqualTo("field 'items' is missing from the input");
    }

    @Test
    void fieldThatIsNotAListShouldFail() throws Exception {
        Completion c = run(factory, config("field", "items"), Map.of("items", "abc"));
        assertThat(c.message()).isEqualTo("field 'items' is string 'abc', not a list");
        Completion whole = run(factory, config(), Map.of("a", 1));
        assertThat(whole.message()).isEqualTo("the input is map, not a list");
    }

    @Test
    void badConfigShouldBeReported() {
        assertThat(errors(factory, config("mode", "batched", "batch_size", 0))).containsExactly(
                error("batch_size", "must be at least 1, found 0"));
        assertThat(errors(factory, config("batch_size", 5))).containsExactly(
                error("batch_size", "only used with mode: batched"));
        assertThat(errors(factory, config("mode", "async"))).containsExactly(
                error("mode", "unknown mode 'async'; expected one of sequential, parallel, batched"));
        assertThat(errors(factory, config("field", 3))).containsExactly(
                error("field", "expected a string, found int 3"));
        assertThat(errors(factory, config("mode", "batched", "batch_size", "${pipeline.config.n}"))).containsExactly(
                error("batch_size", "must be a literal integer, not a selector: it is fixed when the flow is deployed"));
    }
}
