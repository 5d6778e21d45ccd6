package io.xerv.plugin;

import java.util.List;

/**
 * Describes one node type and creates its instances. A factory is created once per host and is
 * shared; it must be thread-safe.
 *
 * <p>The host calls {@link #validate} when a flow is deployed or validated, and {@link #create} once
 * per node of a deployed flow. Neither is called on a trace's hot path.
 */
@Stable
public interface NodeFactory {

    /** The port every node has: it fires when the node fails and the port is connected. */
    String ERROR_PORT = "error";

    /** The default input port, used by edges that name no port. */
    String DEFAULT_INPUT = "in";

    /** The default output port, used by edges that name no port. */
    String DEFAULT_OUTPUT = "out";

    /** The type name used in flows, for example {@code std::switch} or {@code acme::geocode}. */
    String type();

    /** One sentence for {@code xerv nodes} and the API's node metadata. */
    default String description() {
        return "";
    }

    /** Declared input ports. Several edges may enter the same port. */
    default List<String> inputPorts() {
        return List.of(DEFAULT_INPUT);
    }

    /** Declared output ports, not counting {@link #ERROR_PORT}, which every node has. */
    default List<String> outputPorts() {
        return List.of(DEFAULT_OUTPUT);
    }

    /**
     * The output ports of one node of this type, for types whose ports depend on the node's config
     * (a WASM or JS node lists the ports its code fires). Edges are checked against these.
     *
     * @param config the node's {@code config} map as written (an empty map when the flow has none)
     */
    @Experimental
    default List<String> outputPorts(Value config) {
        return outputPorts();
    }

    /** Where instances run: inline on the trace's event loop, or on the blocking worker pool. */
    default Execution execution() {
        return Execution.INLINE;
    }

    /**
     * Whether nodes of this type are pure: a run reads only its context (inputs, config, clock, random)
     * and writes only its output and the trace's log, so running it again after a crash changes nothing
     * outside the trace. The engine runs a pure node without first waiting for its start to reach the
     * write-ahead log; every other node runs only once its start is durable, so that after a crash its
     * next run sees a higher {@link NodeContext#attempt()}. The default, {@code false}, is always safe.
     */
    @Experimental
    default boolean pure() {
        return false;
    }

    /**
     * Top-level config keys whose strings are URLs. When a selector is substituted into such a string
     * among other text, the engine percent-encodes the value for the part of the URL it lands in: in the
     * path, as one path segment (so {@code /} and {@code ..} cannot change the path); in the query or
     * fragment, as one component (so {@code &}, {@code =} and {@code #} cannot add parameters). A string
     * that is exactly one selector is the whole URL and is not encoded; the host's network policy
     * guards where it points. Selectors before the path (scheme, host, port) are not encoded either.
     */
    @Experimental
    default List<String> urlFields() {
        return List.of();
    }

    /**
     * Checks a node's configuration. Selectors ({@code ${...}}) appear here as the strings the flow
     * wrote, since their values exist only when a trace runs.
     *
     * @param config the node's {@code config} map (an empty map when the flow has none)
     * @return the problems found, each with the path of the offending key; empty when valid
     */
    default List<ConfigError> validate(Value config) {
        return List.of();
    }

    /**
     * Creates the node for one entry of a flow. Called after {@link #validate} found no errors.
     *
     * @throws IllegalArgumentException when the definition cannot be used; the message is shown to
     *     the flow's author
     */
    Node create(NodeDefinition definition);
}
