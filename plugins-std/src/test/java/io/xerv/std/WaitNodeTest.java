package io.xerv.std;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.Resumption;
import io.xerv.plugin.Suspension;
import io.xerv.plugin.Value;
import io.xerv.plugin.Values;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.xerv.std.Nodes.config;
import static io.xerv.std.Nodes.create;
import static io.xerv.std.Nodes.error;
import static io.xerv.std.Nodes.errors;
import static io.xerv.std.Nodes.java;
import static org.assertj.core.api.Assertions.assertThat;

class WaitNodeTest {

    private final WaitNode.Factory factory = new WaitNode.Factory();
    private static final Map<String, Object> ORDER = Map.of("order", Map.of("id", 7, "total", 900));

    private Completion run(Value config, TestContext ctx) throws Exception {
        return create(factory, config).execute(ctx.withConfig(config));
    }

    private Completion resume(String decision, Object payload, boolean timedOut) throws Exception {
        return run(config("hook_id", "h1"), TestContext.of(ORDER)
                .withResumption(new Resumption(decision, Values.of(payload), timedOut)));
    }

    @Test
    void firstRunShouldSuspendWithMetadata() throws Exception {
        Value config = config("hook_id", "approve-1", "timeout_ms", 5000, "timeout_action", "escalate",
                "metadata_fields", List.of("order.id", "$.order.total", "order.missing"));
        Completion c = run(config, TestContext.of(ORDER));
        assertThat(c.kind()).isEqualTo(Completion.Kind.SUSPEND);
        Suspension s = c.suspension();
        assertThat(s.hookId()).isEqualTo("approve-1");
        assertThat(s.decisions()).isEqualTo(Set.of("approve", "reject", "escalate"));
        assertThat(s.timeoutMillis()).isEqualTo(5000);
        assertThat(s.timeoutDecision()).isEqualTo("escalate");
        assertThat(Values.toJava(s.metadata())).isEqualTo(Map.of("hook_id", "approve-1",
                "trace_id", TestContext.TRACE_ID.toString(), "node_metadata", Map.of("id", 7L, "total", 900L)));
    }

    @Test
    void defaultsShouldWaitForeverAndRejectOnTimeout() throws Exception {
        Suspension s = run(config("hook_id", "h"), TestContext.of(ORDER)).suspension();
        assertThat(s.timeoutMillis()).isZero();
        assertThat(s.timeoutDecision()).isEqualTo("reject");
    }

    @Test
    void timeoutSecsShouldBeConvertedToMillis() throws Exception {
        assertThat(run(config("hook_id", "h", "timeout_secs", 3), TestContext.of(ORDER)).suspension().timeoutMillis())
                .isEqualTo(3000);
    }

    @Test
    void hookIdSelectorShouldBeReadFromResolvedConfig() throws Exception {
        Node node = create(factory, config("hook_id", "approve-${trace.id}"));
        Completion c = node.execute(TestContext.of(ORDER).withConfig(config("hook_id", "approve-abc")));
        assertThat(c.suspension().hookId()).isEqualTo("approve-abc");
    }

    @Test
    void hookIdResolvedToBlankShouldFail() throws Exception {
        Node node = create(factory, config("hook_id", "${trigger.hook}"));
        Completion c = node.execute(TestContext.of(ORDER).withConfig(config("hook_id", " ")));
        assertThat(c.message()).isEqualTo("config 'hook_id' resolved to an empty hook id");
    }

    @Test
    void approveShouldEmitPayloadOrOriginalInput() throws Exception {
        Completion withPayload = resume("approve", Map.of("approved_by", "kim"), false);
        assertThat(withPayload.port()).isEqualTo("out");
        assertThat(java(withPayload)).isEqualTo(Map.of("approved_by", "kim"));
        Completion without = resume("approve", null, false);
        assertThat(without.port()).isEqualTo("out");
        assertThat(java(without)).isEqualTo(Values.toJava(Values.of(ORDER)));
    }

    @Test
    void rejectShouldCarryReason() throws Exception {
        Completion c = resume("reject", Map.of("reason", "too expensive"), false);
        assertThat(c.port()).isEqualTo("rejected");
        assertThat(java(c)).isEqualTo(Map.of("rejected", true, "reason", "too expensive"));
    }

    @Test
    void rejectByTimeoutShouldSayTimeout() throws Exception {
        assertThat(java(resume("reject", null, true))).isEqualTo(Map.of("rejected", true, "reason", "timeout"));
        Map<String, Object> noReason = new HashMap<>();
        noReason.put("rejected", true);
        noReason.put("reason", null);
        assertThat(java(resume("reject", null, false))).isEqualTo(noReason);
    }

    @Test
    void escalateShouldCarryDetailsAndTimeoutFlag() throws Exception {
        Completion c = resume("escalate", Map.of("to", "boss"), false);
        assertThat(c.port()).isEqualTo("escalated");
        assertThat(java(c)).isEqualTo(Map.of("escalated", true, "details", Map.of("to", "boss"), "timed_out", false));
        Map<String, Object> timedOut = new HashMap<>();
        timedOut.put("escalated", true);
        timedOut.put("details", null);
        timedOut.put("timed_out", true);
        assertThat(java(resume("escalate", null, true))).isEqualTo(timedOut);
    }

    @Test
    void unknownDecisionShouldFail() throws Exception {
        assertThat(resume("maybe", null, false).message())
                .isEqualTo("resumed with unknown decision 'maybe'; expected approve, reject or escalate");
    }

    @Test
    void badConfigShouldBeReported() {
        assertThat(errors(factory, config())).containsExactly(error("hook_id", "missing required key 'hook_id'"));
        assertThat(errors(factory, config("hook_id", "h", "timeout_ms", -1))).containsExactly(
                error("timeout_ms", "must be at least 0, found -1"));
        assertThat(errors(factory, config("hook_id", "h", "timeout_ms", 1, "timeout_secs", 1))).containsExactly(
                error("timeout_secs", "set either 'timeout_ms' or 'timeout_secs', not both"));
        assertThat(errors(factory, config("hook_id", "h", "timeout_action", "ignore"))).containsExactly(
                error("timeout_action", "unknown timeout_action 'ignore'; expected one of approve, reject, escalate"));
        assertThat(errors(factory, config("hook_id", "h", "metadata_fields", List.of(true)))).containsExactly(
                error("metadata_fields[0]", "expected a field path string, found bool true"));
        assertThat(errors(factory, config("hook_id", "h", "resume_method", "webhook"))).containsExactly(error("resume_method",
                "unknown key 'resume_method'; expected one of hook_id, timeout_ms, timeout_secs, timeout_action, metadata_fields"));
        assertThat(errors(factory, config("hook_id", "h", "timeout_ms", "${pipeline.config.t}"))).isEmpty();
    }
}
