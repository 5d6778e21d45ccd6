package io.xerv.host.flow;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
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
 * <p>Its {@link #digest()} is its identity: the write-ahead log records it with every trace's start,
 * and recovery resumes a trace only on a deployed flow with the same digest.
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

    /**
     * The flow's identity: a SHA-256 (hex) over what a trace of it runs, in file order: name, version,
     * the pipeline config, triggers (id, type, params, enabled), nodes (id, type, config, timeout,
     * retry, enabled) and edges (ends, ports, condition, loop_back). Where the file is, positions in it,
     * comments, descriptions and {@code settings} are left out: the same flow copied to another folder,
     * re-indented or with other limits has the same identity. Files a node names ({@code module:},
     * {@code script:}) are named by their written path only, not by their contents.
     */
    public String digest() {
        StringBuilder sb = new StringBuilder(1024).append("xerv-flow/1\n");
        canonical(sb, name);
        canonical(sb, version);
        canonical(sb, config);
        sb.append('[');
        for (TriggerDef t : triggers) {
            canonical(sb, t.id());
            canonical(sb, t.type());
            canonical(sb, t.params());
            canonical(sb, t.enabled());
        }
        sb.append("][");
        for (NodeDef n : nodes.values()) {
            canonical(sb, n.id());
            canonical(sb, n.type());
            canonical(sb, n.config());
            canonical(sb, n.timeoutMs());
            RetryPolicy r = n.retry();
            canonical(sb, r == null ? null : java.util.Arrays.asList(r.maxAttempts(), r.initialDelayMs(), r.maxDelayMs(),
                    r.backoffMultiplier(), r.jitter()));
            canonical(sb, n.enabled());
        }
        sb.append("][");
        for (EdgeDef e : edges) {
            canonical(sb, e.from());
            canonical(sb, e.fromPort());
            canonical(sb, e.to());
            canonical(sb, e.toPort());
            canonical(sb, e.condition());
            canonical(sb, e.loopBack());
        }
        return sha256(sb.append(']').toString());
    }

    /**
     * The digest earlier releases recorded: it also covers the file's path, positions and
     * descriptions. Recovery accepts it for traces the log recorded before {@link #digest()} changed,
     * so they resume when the same file is deployed from the same path, as they did then.
     */
    public String legacyDigest() {
        return sha256(toString());
    }

    /** Appends a value unambiguously: each kind has its tag and strings their length. */
    private static void canonical(StringBuilder sb, Object v) {
        switch (v) {
            case null -> sb.append('n');
            case String s -> sb.append('s').append(s.length()).append(':').append(s);
            case Boolean b -> sb.append(b ? 't' : 'f');
            case Long l -> sb.append('i').append(l).append(';');
            case Integer i -> sb.append('i').append(i).append(';');
            case Double d -> sb.append('d').append(Double.doubleToLongBits(d)).append(';');
            case Map<?, ?> m -> {
                sb.append('{');
                m.forEach((k, x) -> {
                    canonical(sb, String.valueOf(k));
                    canonical(sb, x);
                });
                sb.append('}');
            }
            case List<?> l -> {
                sb.append('[');
                l.forEach(x -> canonical(sb, x));
                sb.append(']');
            }
            default -> canonical(sb, v.getClass().getName() + "=" + v);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
