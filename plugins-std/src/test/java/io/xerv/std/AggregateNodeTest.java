package io.xerv.std;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.xerv.std.Nodes.config;
import static io.xerv.std.Nodes.error;
import static io.xerv.std.Nodes.errors;
import static io.xerv.std.Nodes.java;
import static io.xerv.std.Nodes.run;
import static org.assertj.core.api.Assertions.assertThat;

class AggregateNodeTest {

    private final AggregateNode.Factory factory = new AggregateNode.Factory();

    private Object result(Value config, Object input) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) java(run(factory, config, input));
        return out.get("result");
    }

    private static final Map<String, Object> ORDER = Map.of("items", List.of(
            Map.of("price", 10, "qty", 2), Map.of("price", 2.5, "qty", 1), Map.of("price", "n/a", "qty", 3)));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"sum, 12.5", "average, 6.25", "avg, 6.25", "min, 2.5", "max, 10", "count, 2", "product, 25.0"})
    void operationsShouldSkipNonNumbers(String operation, String expected) throws Exception {
        Value config = config("operation", operation, "source", config("type", "array", "array_path", "items",
                "value_field", "price"));
        Object r = result(config, ORDER);
        assertThat(String.valueOf(r)).isEqualTo(expected);
    }

    @Test
    void sumOfIntsShouldStayAnInt() throws Exception {
        assertThat(result(config("array", "items", "value_field", "qty"), ORDER)).isEqualTo(6L);
        assertThat(result(config("operation", "product", "array", "items", "value_field", "qty"), ORDER)).isEqualTo(6L);
    }

    @Test
    void overflowingIntSumShouldBecomeAFloat() throws Exception {
        Object r = result(config("array", "$"), List.of(Long.MAX_VALUE, 1));
        assertThat(r).isEqualTo((double) Long.MAX_VALUE + 1);
    }

    @Test
    void fieldsSourceShouldReadEachPath() throws Exception {
        Value config = config("operation", "max", "source", config("type", "fields", "fields", List.of("a", "b.c", "z")),
                "output_field", "top");
        Object out = java(run(factory, config, Map.of("a", 3, "b", Map.of("c", 7))));
        assertThat(out).isEqualTo(Map.of("top", 7L));
    }

    @Test
    void emptyInputShouldGiveZeroOrNull() throws Exception {
        Map<String, Object> input = Map.of("items", List.of());
        assertThat(result(config("array", "items"), input)).isEqualTo(0L);
        assertThat(result(config("operation", "count", "array", "items"), input)).isEqualTo(0L);
        assertThat(result(config("operation", "product", "array", "items"), input)).isEqualTo(0L);
        assertThat(result(config("operation", "average", "array", "items"), input)).isEqualTo(0.0);
        assertThat(result(config("operation", "min", "array", "items"), input)).isNull();
        assertThat(result(config("operation", "max", "array", "items"), Map.of())).isNull();
    }

    @Test
    void missingOrNullArrayShouldCountAsEmpty() throws Exception {
        Map<String, Object> input = new HashMap<>();
        input.put("items", null);
        assertThat(result(config("array", "items"), input)).isEqualTo(0L);
        assertThat(result(config("array", "items"), Map.of())).isEqualTo(0L);
    }

    @Test
    void arrayThatIsNotAListShouldFail() throws Exception {
        Completion c = run(factory, config("array", "items"), Map.of("items", Map.of("a", 1)));
        assertThat(c.kind()).isEqualTo(Completion.Kind.FAIL);
        assertThat(c.message()).isEqualTo("array 'items' is map, not a list");
    }

    @Test
    void badConfigShouldBeReported() {
        assertThat(errors(factory, config())).containsExactly(error("", "missing 'source' or 'array'; set one of them"));
        assertThat(errors(factory, config("array", "a", "source", config("type", "array", "array_path", "a"))))
                .containsExactly(error("array", "set either 'source' or 'array', not both"));
        assertThat(errors(factory, config("operation", "median", "array", "a"))).containsExactly(error("operation",
                "unknown operation 'median'; expected one of sum, average, avg, min, max, count, product"));
        assertThat(errors(factory, config("source", config("array_path", "a")))).containsExactly(
                error("source.type", "missing required key 'type'"));
        assertThat(errors(factory, config("source", config("type", "array")))).containsExactly(
                error("source.array_path", "missing required key 'array_path'"));
        assertThat(errors(factory, config("source", config("type", "fields", "array_path", "a")))).containsExactly(
                error("source.array_path", "unknown key 'array_path'; expected one of type, fields"),
                error("source.fields", "missing required key 'fields'"));
        assertThat(errors(factory, config("source", config("type", "fields", "fields", List.of("a", 2))))).containsExactly(
                error("source.fields[1]", "expected a field path string, found int 2"));
        assertThat(errors(factory, config("source", config("type", "table")))).containsExactly(
                error("source.type", "unknown type 'table'; expected one of array, fields"));
        assertThat(errors(factory, config("value_field", "p", "source", config("type", "array", "array_path", "a"))))
                .containsExactly(error("value_field", "only used with 'array'; put it inside 'source'"));
    }
}
