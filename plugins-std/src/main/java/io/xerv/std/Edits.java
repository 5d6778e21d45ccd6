package io.xerv.std;

import io.xerv.plugin.Value;
import io.xerv.plugin.ValueType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds changed copies of input maps for {@link io.xerv.plugin.OutputWriter#write}. Copies are
 * shallow: untouched entries stay {@link Value} views, so the writer copies them without decoding them
 * into Java objects first; only the maps along an edited path are copied.
 *
 * <p>Stateless; the maps it returns belong to the caller and are not thread-safe.
 */
final class Edits {

    private Edits() {
    }

    /** The entries of a map value as a mutable map; an empty map for any other value. */
    static Map<String, Object> copy(Value map) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (map != null && map.type() == ValueType.MAP) {
            for (int i = 0; i < map.size(); i++) {
                out.put(map.keyAt(i), map.valueAt(i));
            }
        }
        return out;
    }

    /**
     * Puts {@code value} at the key path {@code keys} under {@code root}, creating maps on the way and
     * replacing anything on the way that is not a map.
     */
    static void set(Map<String, Object> root, List<String> keys, Object value) {
        Map<String, Object> m = root;
        for (int i = 0; i < keys.size() - 1; i++) {
            m = child(m, keys.get(i), true);
        }
        m.put(keys.get(keys.size() - 1), value);
    }

    /** Removes the entry at the key path {@code keys}; does nothing when a step is missing. */
    static void delete(Map<String, Object> root, List<String> keys) {
        Map<String, Object> m = root;
        for (int i = 0; i < keys.size() - 1 && m != null; i++) {
            m = child(m, keys.get(i), false);
        }
        if (m != null) {
            m.remove(keys.get(keys.size() - 1));
        }
    }

    /** The mutable map under {@code key}, copying a map view into place; null when absent and not creating. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> child(Map<String, Object> parent, String key, boolean create) {
        Object existing = parent.get(key);
        if (existing instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        if (existing instanceof Value v && v.type() == ValueType.MAP) {
            Map<String, Object> copy = copy(v);
            parent.put(key, copy);
            return copy;
        }
        if (!create) {
            return null;
        }
        Map<String, Object> fresh = new LinkedHashMap<>();
        parent.put(key, fresh);
        return fresh;
    }
}
