package io.xerv.host.serve;

import org.snakeyaml.engine.v2.nodes.Node;

import java.util.List;
import java.util.Map;

/** Where nodes may connect: the {@code network:} section of the config. Immutable. */
public record NetworkPolicy() {

    /** The defaults, used when the config has no {@code network:} section. */
    public static final NetworkPolicy DEFAULT = new NetworkPolicy();

    /** Reads the {@code network:} section; problems go to the parser. */
    static NetworkPolicy parse(ServeConfig.Parser p, Node n) {
        Map<String, Node> m = p.map(n, "network", List.of());
        return DEFAULT;
    }
}
