package io.xerv.std;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.Value;
import io.xerv.plugin.Values;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static io.xerv.std.Nodes.config;
import static io.xerv.std.Nodes.create;
import static io.xerv.std.Nodes.error;
import static io.xerv.std.Nodes.errors;
import static io.xerv.std.Nodes.run;
import static org.assertj.core.api.Assertions.assertThat;

class SwitchNodeTest {

    private final SwitchNode.Factory factory = new SwitchNode.Factory();

    private static Value cond(String type, String field, Object value) {
        return config("condition", config("type", type, "field", field, "value", value));
    }

    private static Value cond(String type, String field) {
        return config("condition", config("type", type, "field", field));
    }

    private String port(Value config, Object input) throws Exception {
        Completion c = run(factory, config, input);
        assertThat(c.kind()).as(c.toString()).isEqualTo(Completion.Kind.EMIT);
        return c.port();
    }

    @Test
    void greaterThanShouldRouteToTrueWhenFieldIsAbove() throws Exception {
        assertThat(port(cond("greater_than", "risk_score", 0.8), Map.of("risk_score", 0.9))).isEqualTo("true");
        assertThat(port(cond("greater_than", "risk_score", 0.8), Map.of("risk_score", 0.8))).isEqualTo("false");
    }

    @Test
    void orderingComparisonsShouldMixIntsAndFloats() throws Exception {
        assertThat(port(cond("greater_or_equal", "n", 10), Map.of("n", 10.0))).isEqualTo("true");
        assertThat(port(cond("less_than", "n", 10.5), Map.of("n", 10))).isEqualTo("true");
        assertThat(port(cond("less_or_equal", "n", 9), Map.of("n", 10))).isEqualTo("false");
    }

    @Test
    void comparisonOnMissingFieldShouldBeFalse() throws Exception {
        assertThat(port(cond("greater_than", "amount", 1), Map.of())).isEqualTo("false");
        assertThat(port(cond("not_equals", "amount", 1), Map.of())).isEqualTo("false");
    }

    @Test
    void orderingComparisonOnNonNumberShouldBeFalse() throws Exception {
        assertThat(port(cond("greater_than", "amount", 1), Map.of("amount", "1500"))).isEqualTo("false");
    }

    @Test
    void equalsShouldCompareNumbersNumericallyAndStringsByText() throws Exception {
        assertThat(port(cond("equals", "n", 1), Map.of("n", 1.0))).isEqualTo("true");
        assertThat(port(cond("equals", "tier", "gold"), Map.of("tier", "gold"))).isEqualTo("true");
        assertThat(port(cond("equals", "tier", "gold"), Map.of("tier", "silver"))).isEqualTo("false");
        assertThat(port(cond("equals", "flag", true), Map.of("flag", true))).isEqualTo("true");
        assertThat(port(cond("not_equals", "tier", "gold"), Map.of("tier", "silver"))).isEqualTo("true");
    }

    @Test
    void containsShouldTestSubstringsAndListElements() throws Exception {
        assertThat(port(cond("contains", "note", "urgent"), Map.of("note", "very urgent!"))).isEqualTo("true");
        assertThat(port(cond("contains", "tags", "vip"), Map.of("tags", List.of("new", "vip")))).isEqualTo("true");
        assertThat(port(cond("contains", "ids", 2), Map.of("ids", List.of(1, 2.0)))).isEqualTo("true");
        assertThat(port(cond("contains", "tags", "vip"), Map.of("tags", List.of("new")))).isEqualTo("false");
        assertThat(port(cond("contains", "n", "1"), Map.of("n", 12))).isEqualTo("false");
    }

    @Test
    void matchesShouldFindTheRegexAnywhereInTheField() throws Exception {
        assertThat(port(cond("matches", "email", "@example\\.com$"), Map.of("email", "a@example.com"))).isEqualTo("true");
        assertThat(port(cond("matches", "email", "^b"), Map.of("email", "a@example.com"))).isEqualTo("false");
    }

    @Test
    void presenceTestsShouldTreatNullAsAbsent() throws Exception {
        Map<String, Object> input = new java.util.HashMap<>();
        input.put("present", 0);
        input.put("nothing", null);
        assertThat(port(cond("exists", "present"), input)).isEqualTo("true");
        assertThat(port(cond("exists", "nothing"), input)).isEqualTo("false");
        assertThat(port(cond("is_null", "nothing"), input)).isEqualTo("true");
        assertThat(port(cond("is_null", "missing"), input)).isEqualTo("true");
        assertThat(port(cond("is_true", "present"), input)).isEqualTo("false");
        assertThat(port(cond("is_false", "present"), input)).isEqualTo("true");
        assertThat(port(cond("is_false", "missing"), input)).isEqualTo("false");
    }

    @Test
    void pathsShouldReachNestedFieldsAndListItems() throws Exception {
        Map<String, Object> input = Map.of("items", List.of(Map.of("price", 30)), "customer", Map.of("tier", "gold"));
        assertThat(port(cond("greater_than", "items[0].price", 20), input)).isEqualTo("true");
        assertThat(port(cond("equals", "$.customer.tier", "gold"), input)).isEqualTo("true");
    }

    @Test
    void inputShouldPassThroughUnchanged() throws Exception {
        Value config = cond("exists", "a");
        TestContext ctx = TestContext.of(Map.of("a", 1));
        Completion c = run(create(factory, config), config, ctx);
        assertThat(c.value()).isSameAs(ctx.input());
    }

    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "amount > 1000        | {\"amount\": 1500}   | true",
            "amount > 1000        | {\"amount\": 1000}   | false",
            "$.amount >= 1000     | {\"amount\": 1000}   | true",
            "amount<=10           | {\"amount\": 10.0}   | true",
            "amount < 10          | {\"amount\": 10}     | false",
            "tier == \"gold\"     | {\"tier\": \"gold\"} | true",
            "tier == 'gold'       | {\"tier\": \"gold\"} | true",
            "tier == gold         | {\"tier\": \"gold\"} | true",
            "tier != 'gold'       | {\"tier\": \"gold\"} | false",
            "n == 1               | {\"n\": 1.0}         | true",
            "vip == true          | {\"vip\": true}      | true",
            "note == null         | {\"note\": null}     | true",
            "vip                  | {\"vip\": true}      | true",
            "vip                  | {\"vip\": \"no\"}    | false",
            "vip                  | {}                   | false",
            "a.b[1] == 2          | {\"a\": {\"b\": [1, 2]}} | true",
            "missing != 3         | {}                   | false",
    })
    void expressionShouldRouteLikeItsOperator(String expression, String inputJson, String expected) throws Exception {
        assertThat(port(config("expression", expression), Json.parse(inputJson))).isEqualTo(expected);
    }

    @Test
    void selectorValueShouldBeReadFromResolvedConfig() throws Exception {
        Value written = cond("greater_than", "amount", "${pipeline.config.limit}");
        Node node = create(factory, written);
        Value resolved = cond("greater_than", "amount", 100);
        assertThat(node.execute(TestContext.of(Map.of("amount", 150)).withConfig(resolved)).port()).isEqualTo("true");
        Value higher = cond("greater_than", "amount", 200);
        assertThat(node.execute(TestContext.of(Map.of("amount", 150)).withConfig(higher)).port()).isEqualTo("false");
    }

    @Test
    void selectorResolvedToNumericTextShouldCompareAsNumber() throws Exception {
        Node node = create(factory, cond("greater_than", "amount", "${trigger.limit}"));
        Completion c = node.execute(TestContext.of(Map.of("amount", 150)).withConfig(cond("greater_than", "amount", "100")));
        assertThat(c.port()).isEqualTo("true");
    }

    @Test
    void expressionWithSelectorShouldBeParsedFromResolvedConfig() throws Exception {
        Node node = create(factory, config("expression", "amount > ${pipeline.config.limit}"));
        Completion c = node.execute(TestContext.of(Map.of("amount", 150)).withConfig(config("expression", "amount > 100")));
        assertThat(c.port()).isEqualTo("true");
    }

    @Test
    void selectorResolvedToWrongTypeShouldFailNamingTheKey() throws Exception {
        Node node = create(factory, cond("greater_than", "amount", "${pipeline.config.limit}"));
        Completion c = node.execute(TestContext.of(Map.of("amount", 150))
                .withConfig(cond("greater_than", "amount", "lots")));
        assertThat(c.kind()).isEqualTo(Completion.Kind.FAIL);
        assertThat(c.message()).isEqualTo("config 'condition.value' resolved to string 'lots', expected a number");
    }

    @Test
    void selectorRegexResolvedToBadPatternShouldFail() throws Exception {
        Node node = create(factory, cond("matches", "email", "${pipeline.config.pattern}"));
        Completion c = node.execute(TestContext.of(Map.of("email", "x")).withConfig(cond("matches", "email", "(")));
        assertThat(c.kind()).isEqualTo(Completion.Kind.FAIL);
        assertThat(c.message()).startsWith("config 'condition.value' resolved to a bad regular expression");
    }

    @Test
    void expressionResolvedToGarbageShouldFail() throws Exception {
        Node node = create(factory, config("expression", "amount > ${pipeline.config.limit}"));
        Completion c = node.execute(TestContext.of(Map.of("amount", 150)).withConfig(config("expression", "amount > many")));
        assertThat(c.kind()).isEqualTo(Completion.Kind.FAIL);
        assertThat(c.message()).isEqualTo("config 'expression' resolved to a bad expression: expected a number after '>'"
                + " in 'amount > many', found string 'many'");
    }

    @Test
    void nonMapInputShouldRouteToFalseNotFail() throws Exception {
        assertThat(port(cond("greater_than", "amount", 1), "just text")).isEqualTo("false");
        assertThat(port(cond("greater_than", "amount", 1), null)).isEqualTo("false");
    }

    // ---- validation ----

    @Test
    void validConfigsShouldHaveNoErrors() {
        assertThat(errors(factory, cond("greater_than", "a", "${pipeline.config.limit}"))).isEmpty();
        assertThat(errors(factory, config("expression", "a == ${trigger.x}"))).isEmpty();
        assertThat(errors(factory, cond("is_true", "a"))).isEmpty();
    }

    @Test
    void missingConditionAndExpressionShouldBeAnError() {
        assertThat(errors(factory, config())).containsExactly(
                error("", "missing 'condition' or 'expression'; set one of them"));
    }

    @Test
    void conditionAndExpressionTogetherShouldBeAnError() {
        assertThat(errors(factory, config("condition", config("type", "exists", "field", "a"), "expression", "a")))
                .containsExactly(error("expression", "set either 'condition' or 'expression', not both"));
    }

    @Test
    void unknownKeysShouldBeErrors() {
        assertThat(errors(factory, config("expression", "a", "foo", 1))).containsExactly(
                error("foo", "unknown key 'foo'; expected one of condition, expression"));
        assertThat(errors(factory, config("condition", config("type", "exists", "field", "a", "thing", 1))))
                .containsExactly(error("condition.thing", "unknown key 'thing'; expected one of type, field, value"));
    }

    @Test
    void conditionShouldNeedTypeAndField() {
        assertThat(errors(factory, config("condition", config()))).containsExactly(
                error("condition.type", "missing required key 'type'"),
                error("condition.field", "missing required key 'field'"));
    }

    @Test
    void conditionThatIsNotAMapShouldBeAnError() {
        assertThat(errors(factory, config("condition", "a > 1"))).containsExactly(
                error("condition", "expected a map, found string 'a > 1'"));
    }

    @Test
    void unknownConditionTypeShouldBeAnError() {
        assertThat(errors(factory, cond("bigger", "a", 1))).containsExactly(error("condition.type",
                "unknown type 'bigger'; expected one of greater_than, greater_or_equal, less_than, less_or_equal,"
                        + " equals, not_equals, contains, matches, exists, is_true, is_false, is_null"));
    }

    @Test
    void comparisonShouldNeedAValue() {
        assertThat(errors(factory, cond("equals", "a"))).containsExactly(
                error("condition.value", "missing required key 'value'"));
    }

    @Test
    void presenceTestShouldRejectAValue() {
        assertThat(errors(factory, cond("exists", "a", 1))).containsExactly(
                error("condition.value", "not used by condition type 'exists'"));
    }

    @Test
    void orderingComparisonShouldNeedANumber() {
        assertThat(errors(factory, cond("greater_than", "a", "ten"))).containsExactly(
                error("condition.value", "expected a number for greater_than, found string 'ten'"));
    }

    @Test
    void badRegexShouldBeAnError() {
        assertThat(errors(factory, cond("matches", "a", "(unclosed"))).containsExactly(
                error("condition.value", "bad regular expression '(unclosed': missing closing )"));
        assertThat(errors(factory, cond("matches", "a", 5))).containsExactly(
                error("condition.value", "expected a regular expression string, found int 5"));
    }

    @Test
    void badFieldPathShouldBeAnError() {
        assertThat(errors(factory, cond("exists", "a..b"))).containsExactly(
                error("condition.field", "bad path 'a..b': empty segment at 3"));
        assertThat(errors(factory, cond("exists", "${input.a}"))).extracting(e -> e.path()).containsExactly("condition.field");
    }

    @Test
    void badExpressionsShouldBeErrors() {
        assertThat(errors(factory, config("expression", "a = 1"))).containsExactly(error("expression",
                "unknown operator '=' at 3 in 'a = 1'; expected one of >=, <=, ==, !=, >, <"));
        assertThat(errors(factory, config("expression", "a > big"))).containsExactly(error("expression",
                "expected a number after '>' in 'a > big', found string 'big'"));
        assertThat(errors(factory, config("expression", "> 3"))).containsExactly(error("expression",
                "expected a field path before '>' in '> 3'"));
        assertThat(errors(factory, config("expression", "a >="))).containsExactly(error("expression",
                "expected a value after '>=' in 'a >='"));
        assertThat(errors(factory, config("expression", "${input.amount} > 3"))).containsExactly(error("expression",
                "the left-hand side of '${input.amount} > 3' must be a field path of the input"
                        + " (such as 'amount' or '$.amount'), not a selector"));
        assertThat(errors(factory, config("expression", 5))).containsExactly(error("expression",
                "expected a string, found int 5"));
    }

    @Test
    void configThatIsNotAMapShouldBeAnError() {
        assertThat(errors(factory, Values.of(List.of(1)))).contains(error("", "config must be a map, found list"));
    }

    @Test
    void aBacktrackingRegexOnALongStringAnswersWithoutBacktracking() throws Exception {
        // With a backtracking engine this pattern takes 2^n steps on n 'a's followed by a 'b'.
        String evil = "a".repeat(100_000) + "b";
        assertThat(port(cond("matches", "s", "^(a+)+$"), Map.of("s", evil))).isEqualTo("false");
        assertThat(port(cond("matches", "s", "^(a|aa)+b$"), Map.of("s", evil))).isEqualTo("true");
    }

    @Test
    void backreferencesAreRejectedAtDeployWithAClearError() {
        assertThat(errors(factory, cond("matches", "a", "(x)\\1"))).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("condition.value");
            assertThat(e.message()).startsWith("bad regular expression '(x)\\1': ");
        });
    }
}
