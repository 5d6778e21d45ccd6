package io.xerv.std;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeContext;
import io.xerv.plugin.Value;
import io.xerv.plugin.ValueType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code std::aggregate}: sums, averages, counts, multiplies or finds the minimum or maximum of the
 * numbers in a list of the input (optionally one field of each element) or in a set of input fields.
 * Values that are not numbers are skipped.
 *
 * <p>Result types: {@code count} is an int; {@code sum} and {@code product} are ints when every value
 * was an int and the result fits in 64 bits, floats otherwise; {@code average} is a float; {@code min}
 * and {@code max} keep the type of the value they pick. Over no numbers, sum, average, product and
 * count give 0 (average 0.0) and min and max give null.
 *
 * <p>Immutable and thread-safe.
 */
final class AggregateNode extends StdNode {

    static final String TYPE = "std::aggregate";

    enum Operation { SUM, AVERAGE, MIN, MAX, COUNT, PRODUCT }

    private final Operation operation;
    /** Array source: the list, and optionally the field of each element; null for a fields source. */
    private final FieldPath array;
    private final FieldPath valueField;
    /** Fields source: each path gives one value. */
    private final List<FieldPath> fields;
    private final Param outputField;

    private AggregateNode(Operation operation, FieldPath array, FieldPath valueField, List<FieldPath> fields,
                          Param outputField) {
        super(TYPE);
        this.operation = operation;
        this.array = array;
        this.valueField = valueField;
        this.fields = fields;
        this.outputField = outputField;
    }

    @Override
    Completion run(NodeContext context) {
        Value input = input(context);
        List<Value> numbers = new ArrayList<>();
        if (array != null) {
            Value list = array.resolve(input);
            if (list != null && !list.isNull()) {
                if (list.type() != ValueType.LIST) {
                    throw new NodeFailure("array '" + array + "' is " + ConfigCheck.describe(list) + ", not a list");
                }
                for (int i = 0; i < list.size(); i++) {
                    Value item = list.get(i);
                    addNumber(numbers, valueField == null ? item : valueField.resolve(item));
                }
            }
        } else {
            for (FieldPath f : fields) {
                addNumber(numbers, f.resolve(input));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(outputField.text(config(context)), compute(operation, numbers));
        return Completion.out(context.output().write(out));
    }

    private static void addNumber(List<Value> numbers, Value v) {
        if (v != null && v.isNumber()) {
            numbers.add(v);
        }
    }

    /** The result as a Long, a Double, or null (min or max of nothing). */
    static Object compute(Operation op, List<Value> numbers) {
        boolean allInts = numbers.stream().allMatch(v -> v.type() == ValueType.INT);
        return switch (op) {
            case COUNT -> (long) numbers.size();
            case AVERAGE -> numbers.isEmpty() ? 0.0
                    : numbers.stream().mapToDouble(Value::asDouble).sum() / numbers.size();
            case MIN, MAX -> {
                Value best = null;
                for (Value v : numbers) {
                    // NaN never wins a comparison, so it cannot hide the real extreme.
                    if (best == null || (op == Operation.MIN ? v.asDouble() < best.asDouble() : v.asDouble() > best.asDouble())
                            || Double.isNaN(best.asDouble())) {
                        best = v;
                    }
                }
                yield best == null ? null : best.type() == ValueType.INT ? (Object) best.asLong() : (Object) best.asDouble();
            }
            case SUM -> {
                if (allInts) {
                    try {
                        long sum = 0;
                        for (Value v : numbers) {
                            sum = Math.addExact(sum, v.asLong());
                        }
                        yield sum;
                    } catch (ArithmeticException overflow) {
                        // fall through to the float sum
                    }
                }
                yield numbers.stream().mapToDouble(Value::asDouble).sum();
            }
            case PRODUCT -> {
                if (numbers.isEmpty()) {
                    yield 0L;
                }
                if (allInts) {
                    try {
                        long product = 1;
                        for (Value v : numbers) {
                            product = Math.multiplyExact(product, v.asLong());
                        }
                        yield product;
                    } catch (ArithmeticException overflow) {
                        // fall through to the float product
                    }
                }
                double product = 1;
                for (Value v : numbers) {
                    product *= v.asDouble();
                }
                yield product;
            }
        };
    }

    /** Creates {@code std::aggregate} nodes. Stateless; thread-safe. */
    static final class Factory extends StdFactory {

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public String description() {
            return "Sums, averages, counts, multiplies, or finds the min or max of numbers in the input.";
        }

        @Override
        Node build(ConfigCheck check) {
            ConfigCheck.Section c = check.root();
            c.allowOnly("operation", "source", "array", "value_field", "output_field");
            String opName = c.choice("operation", "sum", "sum", "average", "avg", "min", "max", "count", "product");
            Operation op = opName == null ? null
                    : opName.equals("avg") ? Operation.AVERAGE : Operation.valueOf(opName.toUpperCase(java.util.Locale.ROOT));
            Param outputField = c.text("output_field", false, "result");
            FieldPath array = null;
            FieldPath valueField = null;
            List<FieldPath> fields = List.of();
            if (c.has("source") && c.has("array")) {
                check.error(c.path("array"), "set either 'source' or 'array', not both");
            } else if (c.has("array")) {
                array = c.field("array", true, null);
                valueField = c.field("value_field", false, null);
            } else if (c.has("source")) {
                c.forbid("value_field", "only used with 'array'; put it inside 'source'");
                ConfigCheck.Section s = c.section("source", true);
                if (s != null) {
                    String type = s.choice("type", null, "array", "fields");
                    if (!s.has("type")) {
                        s.require("type");
                    }
                    if ("array".equals(type)) {
                        s.allowOnly("type", "array_path", "value_field");
                        array = s.field("array_path", true, null);
                        valueField = s.field("value_field", false, null);
                    } else if ("fields".equals(type)) {
                        s.allowOnly("type", "fields");
                        fields = s.fields("fields", true);
                    }
                }
            } else {
                check.error(c.path(), "missing 'source' or 'array'; set one of them");
            }
            return new AggregateNode(op, array, valueField, fields, outputField);
        }
    }
}
