package io.xerv.std;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeLog;
import io.xerv.plugin.Value;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.xerv.std.Nodes.config;
import static io.xerv.std.Nodes.create;
import static io.xerv.std.Nodes.error;
import static io.xerv.std.Nodes.errors;
import static io.xerv.std.Nodes.run;
import static org.assertj.core.api.Assertions.assertThat;

class LogNodeTest {

    private final LogNode.Factory factory = new LogNode.Factory();

    private TestContext runOn(Value config, Object input) throws Exception {
        TestContext ctx = TestContext.of(input);
        Completion c = run(create(factory, config), config, ctx);
        assertThat(c.port()).isEqualTo("out");
        assertThat(c.value()).isSameAs(ctx.input());
        return ctx;
    }

    @Test
    void messageShouldBeLoggedAtInfoByDefault() throws Exception {
        TestContext ctx = runOn(config("message", "order received"), Map.of("id", 7));
        assertThat(ctx.lines()).containsExactly(new TestContext.Line(NodeLog.Level.INFO, "order received"));
    }

    @Test
    void levelShouldBeHonoured() throws Exception {
        TestContext ctx = runOn(config("message", "careful", "level", "WARN"), Map.of());
        assertThat(ctx.lines()).containsExactly(new TestContext.Line(NodeLog.Level.WARN, "careful"));
    }

    @Test
    void includeInputShouldAppendTheInputAsJson() throws Exception {
        TestContext ctx = runOn(config("message", "got", "include_input", true), Map.of("id", 7));
        assertThat(ctx.lines()).extracting(TestContext.Line::message).containsExactly("got input={\"id\":7}");
    }

    @Test
    void noMessageShouldLogTheInputAsJson() throws Exception {
        TestContext ctx = runOn(config("level", "debug"), Map.of("id", 7));
        assertThat(ctx.lines()).containsExactly(new TestContext.Line(NodeLog.Level.DEBUG, "{\"id\":7}"));
    }

    @Test
    void interpolatedMessageShouldBeReadFromResolvedConfig() throws Exception {
        Node node = create(factory, config("message", "order ${trigger.id} received"));
        TestContext ctx = TestContext.of(Map.of()).withConfig(config("message", "order 42 received"));
        node.execute(ctx);
        assertThat(ctx.lines()).extracting(TestContext.Line::message).containsExactly("order 42 received");
    }

    @Test
    void badConfigShouldBeReported() {
        assertThat(errors(factory, config("level", "loud", "include_input", "yes", "colour", "red"))).containsExactly(
                error("colour", "unknown key 'colour'; expected one of message, level, include_input"),
                error("level", "unknown level 'loud'; expected one of debug, info, warn, error"),
                error("include_input", "expected true or false, found string 'yes'"));
        assertThat(errors(factory, config("message", Map.of("a", 1)))).containsExactly(
                error("message", "expected a string, found map"));
    }

    @Test
    void selectorForIncludeInputShouldBeAccepted() throws Exception {
        Node node = create(factory, config("message", "m", "include_input", "${pipeline.config.verbose}"));
        TestContext ctx = TestContext.of(1).withConfig(config("message", "m", "include_input", true));
        node.execute(ctx);
        assertThat(ctx.lines()).extracting(TestContext.Line::message).containsExactly("m input=1");
    }

    @Test
    void aHugeLogLineIsTruncatedAndMarked() throws Exception {
        String huge = "x".repeat(5_000_000);
        TestContext ctx = runOn(config("message", huge), Map.of());
        String line = ctx.lines().get(0).message();
        assertThat(line).startsWith("x".repeat(LogNode.MAX_LINE))
                .endsWith("\u2026(truncated " + (5_000_000 - LogNode.MAX_LINE) + " characters)");
        assertThat(line.length()).isLessThan(LogNode.MAX_LINE + 64);
    }

    @Test
    void aLineAtTheLimitIsKeptWhole() throws Exception {
        String exact = "y".repeat(LogNode.MAX_LINE);
        TestContext ctx = runOn(config("message", exact), Map.of());
        assertThat(ctx.lines().get(0).message()).isEqualTo(exact);
    }
}
