package io.xerv.host.serve;

import org.snakeyaml.engine.v2.nodes.Node;

import java.util.List;
import java.util.Map;

/** How the HTTP server treats its clients (timeouts, connection cap, event-stream queues): the {@code connections:} section of the config. Immutable. */
public record ConnectionLimits() {

    /** The defaults, used when the config has no {@code connections:} section. */
    public static final ConnectionLimits DEFAULT = new ConnectionLimits();

    /** Reads the {@code connections:} section; problems go to the parser. */
    static ConnectionLimits parse(ServeConfig.Parser p, Node n) {
        Map<String, Node> m = p.map(n, "connections", List.of());
        return DEFAULT;
    }
}
