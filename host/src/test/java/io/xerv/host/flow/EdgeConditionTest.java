package io.xerv.host.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xerv.plugin.Value;
import io.xerv.plugin.Values;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EdgeConditionTest {

    private final Map<String, Value> data = new HashMap<>();

    private boolean eval(String condition) {
        return EdgeCondition.parse(condition).evaluate(s -> data.get(s.path().toString()));
    }

    @Test
    void loneOperandShouldUseTruthiness() {
        data.put("ok", Values.TRUE);
        data.put("empty", Values.of(""));
        data.put("no", Values.of("no"));
        assertThat(eval("${a.ok}")).isTrue();
        assertThat(eval("${a.empty}")).isFalse();
        assertThat(eval("${a.no}")).isFalse();
        assertThat(eval("${a.missing}")).isFalse();
        assertThat(eval("true")).isTrue();
        assertThat(eval("0")).isFalse();
    }

    @Test
    void numbersShouldCompareNumerically() {
        data.put("n", Values.of(10L));
        data.put("f", Values.of(0.75));
        data.put("s", Values.of("0.9"));
        assertThat(eval("${a.n} > 9")).isTrue();
        assertThat(eval("${a.n} >= 10")).isTrue();
        assertThat(eval("${a.n} < 10")).isFalse();
        assertThat(eval("${a.n} == 10.0")).isTrue();
        assertThat(eval("${a.f} <= 0.8")).isTrue();
        assertThat(eval("${a.s} > ${a.f}")).isTrue();
        assertThat(eval("${a.n} != -3")).isTrue();
        assertThat(eval("${a.n} > 1e1")).isFalse();
    }

    @Test
    void textShouldCompareAsText() {
        data.put("status", Values.of("ok"));
        data.put("code", Values.of(200L));
        assertThat(eval("${a.status} == \"ok\"")).isTrue();
        assertThat(eval("${a.status} == 'ok'")).isTrue();
        assertThat(eval("${a.status} != 'failed'")).isTrue();
        assertThat(eval("${a.code} == \"200\"")).isTrue();
        assertThat(eval("${a.status} < 'pk'")).isTrue();
        assertThat(eval("${a.status} > 5")).isFalse();
        assertThat(eval("${a.missing} == null")).isTrue();
        assertThat(eval("${a.status} == null")).isFalse();
        assertThat(eval("'a \\'q\\'' == \"a 'q'\"")).isTrue();
    }

    @Test
    void selectorsShouldBeListed() {
        EdgeCondition c = EdgeCondition.parse("${a.x} == ${trigger.y}");
        assertThat(c.selectors()).extracting(SelectorRef::text).containsExactly("${a.x}", "${trigger.y}");
        assertThat(c.op()).isEqualTo(EdgeCondition.Op.EQ);
        assertThat(EdgeCondition.parse("${a}").op()).isNull();
    }

    @Test
    void malformedConditionsShouldSayWhere() {
        assertThatThrownBy(() -> EdgeCondition.parse("  ")).hasMessage("condition is empty");
        assertThatThrownBy(() -> EdgeCondition.parse("${a} = 1"))
                .hasMessage("expected an operator (== != > >= < <=) at column 6, found '='");
        assertThatThrownBy(() -> EdgeCondition.parse("${a} ==")).hasMessage("expected an operand after '==' at column 8");
        assertThatThrownBy(() -> EdgeCondition.parse("${a} == 1 2"))
                .hasMessage("unexpected '2' at column 11; a condition is '<operand> [== != > >= < <= <operand>]'");
        assertThatThrownBy(() -> EdgeCondition.parse("status == 'x'"))
                .hasMessageStartingWith("unexpected 'status' at column 1");
        assertThatThrownBy(() -> EdgeCondition.parse("${a} == 'x")).hasMessage("string starting at column 9 is not closed");
        assertThatThrownBy(() -> EdgeCondition.parse("${a.b == 1")).hasMessage("unclosed selector '${a.b == 1': missing '}'");
        assertThatThrownBy(() -> EdgeCondition.parse("${pipeline.x}")).hasMessageStartingWith("unknown selector");
    }
}
