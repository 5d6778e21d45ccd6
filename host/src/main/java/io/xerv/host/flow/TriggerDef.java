package io.xerv.host.flow;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of a flow's {@code triggers}. Immutable.
 *
 * @param id unique within the flow; edges start from it
 * @param type one of {@link #TYPES}, without the {@code trigger::} prefix
 * @param params the type's parameters as plain Java, defaults filled in
 * @param enabled a disabled trigger is not started
 * @param description free text, empty when absent
 * @param mark where the entry starts
 */
public record TriggerDef(String id, String type, Map<String, Object> params, boolean enabled, String description, Mark mark) {

    /** The trigger types a flow may use. */
    public static final java.util.List<String> TYPES =
            java.util.List.of("webhook", "cron", "filesystem", "manual", "queue", "memory");

    public TriggerDef {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(mark, "mark");
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** A string parameter, or {@code null} when absent. */
    public String param(String key) {
        Object v = params.get(key);
        return v == null ? null : v.toString();
    }
}
