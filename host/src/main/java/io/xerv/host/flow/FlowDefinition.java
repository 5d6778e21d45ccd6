package io.xerv.host.flow;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated flow file. Everything in it has been checked by {@link FlowLoader}: types exist, ports
 * exist, the graph is acyclic apart from {@code loop_back} edges, and every selector reads a node that
 * runs before its reader. Immutable and safe to share between threads.
 *
 * @param name the flow's name
 * @param version the flow's version ("1.0" when absent)
 * @param description free text, empty when absent
 * @param triggers in file order
 * @param nodes by id, in file order
 * @param edges in file order
 * @param settings limits and circuit breaker
 * @param config the pipeline config map ({@code ${pipeline.config.x}}), plain Java
 * @param source the file name the flow was loaded from
 */
public record FlowDefinition(String name, String version, String description, List<TriggerDef> triggers,
        Map<String, NodeDef> nodes, List<EdgeDef> edges, FlowSettings settings, Map<String, Object> config,
        String source) {

    public FlowDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(description, "description");
        triggers = List.copyOf(Objects.requireNonNull(triggers, "triggers"));
        nodes = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(nodes, "nodes")));
        edges = List.copyOf(Objects.requireNonNull(edges, "edges"));
        Objects.requireNonNull(settings, "settings");
        config = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(config, "config")));
        Objects.requireNonNull(source, "source");
    }

    /** The trigger with this id. */
    public Optional<TriggerDef> trigger(String id) {
        return triggers.stream().filter(t -> t.id().equals(id)).findFirst();
    }

    /** The edges that leave {@code id} (a node or a trigger), in file order. */
    public List<EdgeDef> edgesFrom(String id) {
        return edges.stream().filter(e -> e.from().equals(id)).toList();
    }

    /** The edges that enter node {@code id}, in file order. */
    public List<EdgeDef> edgesTo(String id) {
        return edges.stream().filter(e -> e.to().equals(id)).toList();
    }
}
