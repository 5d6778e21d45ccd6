package io.xerv.std;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Input;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeContext;
import io.xerv.plugin.Readiness;
import io.xerv.plugin.Value;
import io.xerv.plugin.Values;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code std::merge}: joins branches. Its {@link #readiness()} tells the scheduler when to run it
 * (all incoming edges settled, the first to fire, or a count of fired edges); the run then combines
 * the values that fired.
 *
 * <p>Immutable and thread-safe.
 */
final class MergeNode extends StdNode {

    static final String TYPE = "std::merge";

    /** How the fired values are combined. */
    enum Output { AUTO, LIST, MAP }

    private final Readiness readiness;
    private final Output output;

    private MergeNode(Readiness readiness, Output output) {
        super(TYPE);
        this.readiness = readiness;
        this.output = output;
    }

    @Override
    public Readiness readiness() {
        return readiness;
    }

    @Override
    Completion run(NodeContext context) {
        List<Input> inputs = context.inputs() == null ? List.of() : context.inputs();
        if (inputs.isEmpty()) {
            return Completion.out(Values.NULL);
        }
        if (output == Output.AUTO && inputs.size() == 1) {
            return Completion.out(valueOf(inputs.get(0)));
        }
        if (output == Output.LIST) {
            List<Value> list = new ArrayList<>(inputs.size());
            for (Input in : inputs) {
                list.add(valueOf(in));
            }
            return Completion.out(context.output().write(list));
        }
        Map<String, Value> map = new LinkedHashMap<>();
        for (Input in : inputs) {
            // Two edges from the same node (different ports) must not overwrite each other.
            String key = map.containsKey(in.source()) ? in.source() + "." + in.sourcePort() : in.source();
            map.put(key, valueOf(in));
        }
        return Completion.out(context.output().write(map));
    }

    private static Value valueOf(Input in) {
        return in.value() == null ? Values.NULL : in.value();
    }

    /** Creates {@code std::merge} nodes. Stateless; thread-safe. */
    static final class Factory extends StdFactory {

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public String description() {
            return "Waits for all, any, or a count of incoming branches and combines their values.";
        }

        @Override
        Node build(ConfigCheck check) {
            ConfigCheck.Section c = check.root();
            c.allowOnly("strategy", "count", "output");
            String strategy = c.choice("strategy", "all", "all", "any", "count");
            String output = c.choice("output", "auto", "auto", "list", "map");
            Readiness readiness = Readiness.ALL;
            if ("count".equals(strategy)) {
                Long count = c.literalInteger("count", 1, null);
                if (!c.has("count")) {
                    c.require("count");
                } else if (count != null && count > Integer.MAX_VALUE) {
                    check.error(c.path("count"), "must be at most " + Integer.MAX_VALUE + ", found " + count);
                } else if (count != null) {
                    readiness = Readiness.count(count.intValue());
                }
            } else {
                c.forbid("count", "only used with strategy: count");
                if ("any".equals(strategy)) {
                    readiness = Readiness.ANY;
                }
            }
            return new MergeNode(readiness, output == null ? null : Output.valueOf(output.toUpperCase(java.util.Locale.ROOT)));
        }
    }
}
