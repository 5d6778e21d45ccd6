package io.xerv.std;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Input;
import io.xerv.plugin.Node;
import io.xerv.plugin.Readiness;
import io.xerv.plugin.Values;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.xerv.std.Nodes.config;
import static io.xerv.std.Nodes.create;
import static io.xerv.std.Nodes.error;
import static io.xerv.std.Nodes.errors;
import static io.xerv.std.Nodes.java;
import static org.assertj.core.api.Assertions.assertThat;

class MergeNodeTest {

    private final MergeNode.Factory factory = new MergeNode.Factory();

    private static Input in(String source, Object value) {
        return new Input(source, "out", "in", Values.of(value));
    }

    private static Completion run(Node node, List<Input> inputs) throws Exception {
        return node.execute(TestContext.of(null).withInputs(inputs));
    }

    @Test
    void readinessShouldFollowStrategy() {
        assertThat(create(factory, config()).readiness()).isEqualTo(Readiness.ALL);
        assertThat(create(factory, config("strategy", "any")).readiness()).isEqualTo(Readiness.ANY);
        assertThat(create(factory, config("strategy", "count", "count", 2)).readiness()).isEqualTo(Readiness.count(2));
    }

    @Test
    void autoWithOneInputShouldPassItThrough() throws Exception {
        Input only = in("a", Map.of("x", 1));
        Completion c = run(create(factory, config()), List.of(only));
        assertThat(c.port()).isEqualTo("out");
        assertThat(c.value()).isSameAs(only.value());
    }

    @Test
    void autoWithSeveralInputsShouldKeyValuesBySource() throws Exception {
        Completion c = run(create(factory, config()), List.of(in("a", 1), in("b", "two")));
        assertThat(java(c)).isEqualTo(Map.of("a", 1L, "b", "two"));
    }

    @Test
    void twoEdgesFromOneSourceShouldNotOverwriteEachOther() throws Exception {
        Input first = new Input("sw", "true", "in", Values.of(1));
        Input second = new Input("sw", "false", "in", Values.of(2));
        Completion c = run(create(factory, config("output", "map")), List.of(first, second));
        assertThat(java(c)).isEqualTo(Map.of("sw", 1L, "sw.false", 2L));
    }

    @Test
    void listOutputShouldKeepEdgeOrder() throws Exception {
        Completion c = run(create(factory, config("output", "list")), List.of(in("b", 2), in("a", 1)));
        assertThat(java(c)).isEqualTo(List.of(2L, 1L));
    }

    @Test
    void mapOutputShouldBuildMapEvenForOneInput() throws Exception {
        Completion c = run(create(factory, config("output", "map")), List.of(in("a", 1)));
        assertThat(java(c)).isEqualTo(Map.of("a", 1L));
    }

    @Test
    void noInputsShouldEmitNull() throws Exception {
        Completion c = run(create(factory, config("output", "list")), List.of());
        assertThat(c.value()).isSameAs(Values.NULL);
    }

    @Test
    void countStrategyShouldNeedACount() {
        assertThat(errors(factory, config("strategy", "count"))).containsExactly(
                error("count", "missing required key 'count'"));
        assertThat(errors(factory, config("strategy", "count", "count", 0))).containsExactly(
                error("count", "must be at least 1, found 0"));
        assertThat(errors(factory, config("strategy", "count", "count", "two"))).containsExactly(
                error("count", "expected an integer, found string 'two'"));
    }

    @Test
    void countSelectorShouldBeRejectedBecauseReadinessIsFixedAtDeploy() {
        assertThat(errors(factory, config("strategy", "count", "count", "${pipeline.config.n}"))).containsExactly(
                error("count", "must be a literal integer, not a selector: it is fixed when the flow is deployed"));
    }

    @Test
    void countWithoutCountStrategyShouldBeAnError() {
        assertThat(errors(factory, config("count", 2))).containsExactly(
                error("count", "only used with strategy: count"));
    }

    @Test
    void unknownStrategyOutputAndKeysShouldBeErrors() {
        assertThat(errors(factory, config("strategy", "wait_all", "output", "set", "n", 1))).containsExactly(
                error("n", "unknown key 'n'; expected one of strategy, count, output"),
                error("strategy", "unknown strategy 'wait_all'; expected one of all, any, count"),
                error("output", "unknown output 'set'; expected one of auto, list, map"));
    }

    @Test
    void inputWithoutValueShouldCountAsNull() throws Exception {
        Completion c = run(create(factory, config("output", "list")), List.of(new Input("a", "out", "in", null)));
        assertThat(c.value().get(0)).isEqualTo(Values.NULL);
    }
}
