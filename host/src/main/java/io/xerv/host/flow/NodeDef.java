package io.xerv.host.flow;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of a flow's {@code nodes}. Immutable.
 *
 * @param id the key under {@code nodes}
 * @param type the node type, for example {@code std::switch}
 * @param config the {@code config} map as plain Java (unmodifiable maps and lists of String, Long,
 *     Double, Boolean and null); an empty map when the flow has none. Selectors are left as written.
 * @param timeoutMs the per-attempt timeout, or {@code null} for the host's default
 * @param retry the retry policy, or {@code null} for a single attempt
 * @param enabled a disabled node is skipped when a trace reaches it
 * @param description free text, empty when absent
 * @param mark where the node's id is written
 * @param typeMark where its {@code type} value is written
 * @param configMarks the position of every value inside {@code config}, by path ({@code ""} for the
 *     config itself, {@code condition.value}, {@code mappings[1].from})
 */
public record NodeDef(String id, String type, Object config, Long timeoutMs, RetryPolicy retry, boolean enabled,
        String description, Mark mark, Mark typeMark, Map<String, Mark> configMarks) {

    public NodeDef {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(mark, "mark");
        Objects.requireNonNull(typeMark, "typeMark");
        Objects.requireNonNull(configMarks, "configMarks");
        configMarks = Collections.unmodifiableMap(new LinkedHashMap<>(configMarks));
    }

    /**
     * The mark of the value at {@code path} inside {@code config}, or of its nearest enclosing value
     * that exists, or of the node itself.
     */
    public Mark configMark(String path) {
        String p = path;
        while (true) {
            Mark m = configMarks.get(p);
            if (m != null) {
                return m;
            }
            if (p.isEmpty()) {
                return mark;
            }
            p = ConfigPaths.parent(p);
        }
    }
}
