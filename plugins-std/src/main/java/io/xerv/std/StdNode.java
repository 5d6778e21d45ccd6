package io.xerv.std;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeContext;
import io.xerv.plugin.Value;
import io.xerv.plugin.ValueTypeException;
import io.xerv.plugin.Values;

/**
 * The base of every std node: runs {@link #run} and turns bad runtime data into a failure on the
 * {@code error} port instead of an exception, so that a malformed trace payload reads as a message
 * about the payload rather than a stack trace.
 *
 * <p>Subclasses are immutable after {@code create} and shared by every trace of a deployed flow;
 * they keep no per-trace state, so they are thread-safe.
 */
abstract class StdNode implements Node {

    private final String type;

    StdNode(String type) {
        this.type = type;
    }

    @Override
    public final Completion execute(NodeContext context) throws Exception {
        try {
            return run(context);
        } catch (NodeFailure e) {
            return Completion.fail(e.getMessage());
        } catch (ValueTypeException e) {
            // A typed read on a value of another type; the checks above it should have caught this,
            // but the trace must see a failure of this node, not a crash of the host.
            return Completion.fail(type + ": unexpected value type: " + e.getMessage(), e);
        }
    }

    /** Runs the node for one trace; throws {@link NodeFailure} for bad runtime data. */
    abstract Completion run(NodeContext context) throws Exception;

    /** The primary input, or {@link Values#NULL} when the host has none to give. */
    static Value input(NodeContext context) {
        Value v = context.input();
        return v == null ? Values.NULL : v;
    }

    /** The resolved config, or an empty map when the host has none to give. */
    static Value config(NodeContext context) {
        Value v = context.config();
        return v == null ? Values.NULL : v;
    }
}
