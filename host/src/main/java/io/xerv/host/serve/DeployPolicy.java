package io.xerv.host.serve;

import org.snakeyaml.engine.v2.nodes.Node;

import java.util.List;
import java.util.Map;

/** What flows may deploy (node types, files, secrets, environment variables, WASI limits): the {@code policy:} section of the config. Immutable. */
public record DeployPolicy() {

    /** The defaults, used when the config has no {@code policy:} section. */
    public static final DeployPolicy DEFAULT = new DeployPolicy();

    /** Reads the {@code policy:} section; problems go to the parser. */
    static DeployPolicy parse(ServeConfig.Parser p, Node n) {
        Map<String, Node> m = p.map(n, "policy", List.of());
        return DEFAULT;
    }
}
