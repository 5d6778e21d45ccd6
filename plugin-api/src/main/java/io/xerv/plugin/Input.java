package io.xerv.plugin;

/**
 * One value that reached a node over one incoming edge.
 *
 * @param source the node (or trigger) the edge comes from
 * @param sourcePort the port of the source that fired
 * @param port the input port of this node the edge enters
 * @param value the value, read in place from the trace's arena
 */
@Stable
public record Input(String source, String sourcePort, String port, Value value) {
}
