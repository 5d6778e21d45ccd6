package io.xerv.host.flow;

import io.xerv.plugin.ValuePath;
import java.util.Objects;

/**
 * One parsed selector: what {@code ${...}} reads. Immutable.
 *
 * <ul>
 *   <li>{@code ${trace.id}}: {@link Root#TRACE_ID}, empty path.
 *   <li>{@code ${trigger}}, {@code ${trigger.body.id}}: {@link Root#TRIGGER}, the path inside the
 *       trigger's payload.
 *   <li>{@code ${pipeline.config.x}}: {@link Root#PIPELINE_CONFIG}, path {@code x}.
 *   <li>{@code ${node_id}}, {@code ${node_id.items[0]}}: {@link Root#NODE}, the path inside that
 *       node's output.
 * </ul>
 *
 * @param root what the selector reads
 * @param nodeId the node read, for {@link Root#NODE}; {@code null} otherwise
 * @param path the path inside the root's value
 * @param text the selector as written, {@code ${...}} included
 */
public record SelectorRef(Root root, String nodeId, ValuePath path, String text) implements Template.Part {

    /** What a selector reads. */
    public enum Root { NODE, TRIGGER, PIPELINE_CONFIG, TRACE_ID }

    public SelectorRef {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(text, "text");
        if ((root == Root.NODE) != (nodeId != null)) {
            throw new IllegalArgumentException("nodeId must be given exactly for NODE selectors");
        }
    }

    /**
     * Parses the inside of {@code ${...}}.
     *
     * @param inner the text between the braces
     * @param text the whole selector, for messages
     * @throws IllegalArgumentException naming the selector and the problem
     */
    public static SelectorRef parse(String inner, String text) {
        String s = inner.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty selector '" + text + "'");
        }
        if (!(Character.isLetter(s.charAt(0)) || s.charAt(0) == '_')) {
            throw new IllegalArgumentException("malformed selector '" + text
                    + "': it must start with a node id, trigger, pipeline.config or trace.id");
        }
        ValuePath p;
        try {
            p = ValuePath.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed selector '" + text + "': " + e.getMessage());
        }
        String head = (String) p.step(0);
        switch (head) {
            case "trace" -> {
                if (p.length() == 2 && "id".equals(p.step(1))) {
                    return new SelectorRef(Root.TRACE_ID, null, p.drop(2), text);
                }
                throw new IllegalArgumentException("unknown selector '" + text + "'; use ${trace.id}");
            }
            case "trigger" -> {
                return new SelectorRef(Root.TRIGGER, null, p.drop(1), text);
            }
            case "pipeline" -> {
                if (p.length() >= 2 && "config".equals(p.step(1))) {
                    return new SelectorRef(Root.PIPELINE_CONFIG, null, p.drop(2), text);
                }
                throw new IllegalArgumentException("unknown selector '" + text + "'; use ${pipeline.config.<key>}");
            }
            default -> {
                return new SelectorRef(Root.NODE, head, p.drop(1), text);
            }
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
