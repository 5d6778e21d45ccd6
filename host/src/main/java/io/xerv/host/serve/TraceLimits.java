package io.xerv.host.serve;

import org.snakeyaml.engine.v2.nodes.Node;

import java.util.List;
import java.util.Map;

/** How much one trace may use (output and arena bytes, time): the {@code limits:} section of the config. Immutable. */
public record TraceLimits() {

    /** The defaults, used when the config has no {@code limits:} section. */
    public static final TraceLimits DEFAULT = new TraceLimits();

    /** Reads the {@code limits:} section; problems go to the parser. */
    static TraceLimits parse(ServeConfig.Parser p, Node n) {
        Map<String, Node> m = p.map(n, "limits", List.of());
        return DEFAULT;
    }
}
