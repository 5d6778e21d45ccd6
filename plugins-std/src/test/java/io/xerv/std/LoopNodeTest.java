package io.xerv.std;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.Value;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.xerv.std.Nodes.config;
import static io.xerv.std.Nodes.create;
import static io.xerv.std.Nodes.error;
import static io.xerv.std.Nodes.errors;
import static org.assertj.core.api.Assertions.assertThat;

class LoopNodeTest {

    private final LoopNode.Factory factory = new LoopNode.Factory();

    private static String port(Node node, Value config, Object input, int iteration) throws Exception {
        Completion c = node.execute(TestContext.of(input).withConfig(config).withIteration(iteration));
        assertThat(c.kind()).as(c.toString()).isEqualTo(Completion.Kind.EMIT);
        return c.port();
    }

    @Test
    void bodyShouldRunMaxIterationsTimes() throws Exception {
        Value config = config("max_iterations", 3);
        Node node = create(factory, config);
        assertThat(port(node, config, 1, 0)).isEqualTo("continue");
        assertThat(port(node, config, 1, 1)).isEqualTo("continue");
        assertThat(port(node, config, 1, 2)).isEqualTo("continue");
        assertThat(port(node, config, 1, 3)).isEqualTo("exit");
    }

    @Test
    void defaultLimitShouldBeTen() throws Exception {
        Node node = create(factory, config());
        assertThat(port(node, config(), 1, 9)).isEqualTo("continue");
        assertThat(port(node, config(), 1, 10)).isEqualTo("exit");
    }

    @Test
    void conditionShouldExitEarly() throws Exception {
        Value config = config("condition", config("type", "greater_or_equal", "field", "count", "value", 5));
        Node node = create(factory, config);
        assertThat(port(node, config, Map.of("count", 4), 0)).isEqualTo("continue");
        assertThat(port(node, config, Map.of("count", 5), 1)).isEqualTo("exit");
    }

    @Test
    void untilExpressionShouldExitWhenTrue() throws Exception {
        Value config = config("until", "done == true", "max_iterations", 100);
        Node node = create(factory, config);
        assertThat(port(node, config, Map.of("done", false), 0)).isEqualTo("continue");
        assertThat(port(node, config, Map.of("done", true), 0)).isEqualTo("exit");
    }

    @Test
    void inputShouldPassThroughOnBothPorts() throws Exception {
        Node node = create(factory, config("max_iterations", 1));
        TestContext ctx = TestContext.of(Map.of("a", 1)).withConfig(config("max_iterations", 1));
        assertThat(node.execute(ctx).value()).isSameAs(ctx.input());
    }

    @Test
    void maxIterationsSelectorShouldBeReadFromResolvedConfig() throws Exception {
        Node node = create(factory, config("max_iterations", "${pipeline.config.retries}"));
        assertThat(port(node, config("max_iterations", 2), 1, 1)).isEqualTo("continue");
        assertThat(port(node, config("max_iterations", 2), 1, 2)).isEqualTo("exit");
    }

    @Test
    void maxIterationsResolvedBelowOneShouldFail() throws Exception {
        Node node = create(factory, config("max_iterations", "${pipeline.config.retries}"));
        Completion c = node.execute(TestContext.of(1).withConfig(config("max_iterations", 0)));
        assertThat(c.kind()).isEqualTo(Completion.Kind.FAIL);
        assertThat(c.message()).isEqualTo("config 'max_iterations' resolved to 0, expected at least 1");
    }

    @Test
    void badConfigShouldBeReported() {
        assertThat(errors(factory, config("max_iterations", 0))).containsExactly(
                error("max_iterations", "must be at least 1, found 0"));
        assertThat(errors(factory, config("max_iterations", 2.5))).containsExactly(
                error("max_iterations", "expected an integer, found float 2.5"));
        assertThat(errors(factory, config("until", "a", "condition", config("type", "exists", "field", "a"))))
                .containsExactly(error("until", "set either 'condition' or 'until', not both"));
        assertThat(errors(factory, config("while", "a"))).containsExactly(
                error("while", "unknown key 'while'; expected one of max_iterations, condition, until"));
        assertThat(errors(factory, config("condition", config("type", "equals", "field", "a")))).containsExactly(
                error("condition.value", "missing required key 'value'"));
    }
}
