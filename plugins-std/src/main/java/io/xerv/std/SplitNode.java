package io.xerv.std;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeContext;
import io.xerv.plugin.Value;
import io.xerv.plugin.ValueType;

import java.util.List;
import java.util.Locale;

/**
 * {@code std::split}: fans a list out over a body of nodes.
 *
 * <p>The fan-out is the host's job. The host recognises this node by its type name {@code std::split}
 * and its class: a run of the node only resolves the list and fires it on port {@code out}; the host
 * then runs the subgraph reachable from {@code out} once per item (each run sees the item as the body's
 * input), in the order and width given by {@link #mode()} and {@link #batchSize()}, and finally fires
 * port {@code done} with the list of per-item results, in item order.
 *
 * <p>Immutable and thread-safe.
 */
public final class SplitNode extends StdNode {

    /** The type name flows use, and by which the host recognises this node. */
    public static final String TYPE = "std::split";

    private final FieldPath field;
    private final SplitMode mode;
    private final int batchSize;

    private SplitNode(FieldPath field, SplitMode mode, int batchSize) {
        super(TYPE);
        this.field = field;
        this.mode = mode;
        this.batchSize = batchSize;
    }

    /** How the host runs the body over the items. */
    public SplitMode mode() {
        return mode;
    }

    /**
     * How many items the body runs for at once: {@code batch_size} for {@link SplitMode#BATCHED}, 1 for
     * {@link SplitMode#SEQUENTIAL}, {@link Integer#MAX_VALUE} (no limit) for {@link SplitMode#PARALLEL}.
     */
    public int batchSize() {
        return batchSize;
    }

    @Override
    Completion run(NodeContext context) {
        Value input = input(context);
        Value list = field == null ? input : field.resolve(input);
        String where = field == null ? "the input" : "field '" + field + "'";
        if (list == null) {
            throw new NodeFailure(where + " is missing from the input");
        }
        if (list.type() != ValueType.LIST) {
            throw new NodeFailure(where + " is " + ConfigCheck.describe(list) + ", not a list");
        }
        return Completion.out(list);
    }

    /** Creates {@code std::split} nodes. Stateless; thread-safe. */
    public static final class Factory extends StdFactory {

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public String description() {
            return "Runs the nodes after port out once per item of a list, then fires done with the results.";
        }

        @Override
        public List<String> outputPorts() {
            return List.of("out", "done");
        }

        @Override
        Node build(ConfigCheck check) {
            ConfigCheck.Section c = check.root();
            c.allowOnly("field", "mode", "batch_size");
            FieldPath field = c.field("field", false, null);
            String modeName = c.choice("mode", "sequential", "sequential", "parallel", "batched");
            SplitMode mode = modeName == null ? null : SplitMode.valueOf(modeName.toUpperCase(Locale.ROOT));
            int batchSize = mode == SplitMode.PARALLEL ? Integer.MAX_VALUE : 1;
            if (mode == SplitMode.BATCHED) {
                Long n = c.literalInteger("batch_size", 1, 10L);
                if (n != null && n > Integer.MAX_VALUE) {
                    check.error(c.path("batch_size"), "must be at most " + Integer.MAX_VALUE + ", found " + n);
                } else if (n != null) {
                    batchSize = n.intValue();
                }
            } else {
                c.forbid("batch_size", "only used with mode: batched");
            }
            return new SplitNode(field != null && field.isRoot() ? null : field, mode, batchSize);
        }
    }
}
