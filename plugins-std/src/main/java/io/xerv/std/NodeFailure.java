package io.xerv.std;

/**
 * Bad runtime data found while a std node runs: a missing field, a list that is not a list, a
 * selector that resolved to the wrong type. {@link StdNode} turns it into
 * {@link io.xerv.plugin.Completion#fail(String)}, so the message is what the flow's author sees and
 * must name the field or config key involved.
 */
final class NodeFailure extends RuntimeException {

    NodeFailure(String message) {
        super(message, null, false, false);
    }
}
