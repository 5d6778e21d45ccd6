package io.xerv.std;

import io.xerv.plugin.Input;
import io.xerv.plugin.NodeContext;
import io.xerv.plugin.NodeLog;
import io.xerv.plugin.OutputWriter;
import io.xerv.plugin.Resumption;
import io.xerv.plugin.Value;
import io.xerv.plugin.Values;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * A {@link NodeContext} on heap values for unit tests: the output writer returns {@link Values#of},
 * and log lines are recorded. Configure with the {@code with*} methods before running a node. Not
 * thread-safe; one per test.
 */
final class TestContext implements NodeContext {

    /** One recorded log line. */
    record Line(NodeLog.Level level, String message) {
    }

    static final UUID TRACE_ID = UUID.fromString("00000000-0000-4000-8000-000000000001");

    private final Value input;
    private Value config = Values.of(Map.of());
    private List<Input> inputs = List.of();
    private int iteration;
    private Resumption resumption;
    private final List<Line> lines = new ArrayList<>();
    private long maxValueBytes = Long.MAX_VALUE;

    private TestContext(Value input) {
        this.input = input;
    }

    /** A context whose primary input is {@code input} (a Java object or a {@link Value}). */
    static TestContext of(Object input) {
        return new TestContext(Values.of(input));
    }

    /** The config the host resolved for this run (selectors already replaced). */
    TestContext withConfig(Value resolved) {
        this.config = resolved;
        return this;
    }

    /** The largest value the output writer accepts (as the host's {@code limits.node_output_bytes}). */
    TestContext withMaxValueBytes(long max) {
        this.maxValueBytes = max;
        return this;
    }

    TestContext withInputs(List<Input> all) {
        this.inputs = all;
        return this;
    }

    TestContext withIteration(int k) {
        this.iteration = k;
        return this;
    }

    TestContext withResumption(Resumption r) {
        this.resumption = r;
        return this;
    }

    List<Line> lines() {
        return lines;
    }

    @Override
    public UUID traceId() {
        return TRACE_ID;
    }

    @Override
    public String nodeId() {
        return "node";
    }

    @Override
    public int attempt() {
        return 1;
    }

    @Override
    public int iteration() {
        return iteration;
    }

    @Override
    public long deadlineMillis() {
        return Long.MAX_VALUE;
    }

    @Override
    public Value input() {
        return input;
    }

    @Override
    public Value input(String port) {
        for (Input in : inputs) {
            if (in.port().equals(port)) {
                return in.value();
            }
        }
        return "in".equals(port) ? input : null;
    }

    @Override
    public List<Input> inputs() {
        return inputs;
    }

    @Override
    public Value config() {
        return config;
    }

    @Override
    public Resumption resumption() {
        return resumption;
    }

    @Override
    public OutputWriter output() {
        long max = maxValueBytes;
        return new OutputWriter() {
            @Override
            public Value write(Object value) {
                return Values.of(value);
            }

            @Override
            public long maxValueBytes() {
                return max;
            }
        };
    }

    @Override
    public NodeLog log() {
        return (level, message) -> lines.add(new Line(level, message));
    }

    @Override
    public long currentTimeMillis() {
        return 1_700_000_000_000L;
    }

    @Override
    public RandomGenerator random() {
        return new java.util.Random(42);
    }

    @Override
    public UUID randomUuid() {
        return UUID.fromString("00000000-0000-4000-8000-000000000002");
    }
}
