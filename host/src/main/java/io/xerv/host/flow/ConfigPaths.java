package io.xerv.host.flow;

/** Paths inside a node's config, in the syntax of {@link io.xerv.plugin.ConfigError#path()}. */
final class ConfigPaths {

    private ConfigPaths() {
    }

    /** {@code a.b[1]} for key {@code b} under {@code a}, quoting keys that are not plain words. */
    static String key(String parent, String key) {
        if (!key.isEmpty() && key.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
            return parent.isEmpty() ? key : parent + "." + key;
        }
        return parent + "[\"" + key.replace("\"", "\\\"") + "\"]";
    }

    static String index(String parent, int i) {
        return parent + "[" + i + "]";
    }

    /** The enclosing path: {@code a.b[1]} -> {@code a.b} -> {@code a} -> {@code ""}. */
    static String parent(String path) {
        if (path.endsWith("]")) {
            int open = path.lastIndexOf('[');
            if (open >= 0) {
                return path.substring(0, open);
            }
        }
        int dot = path.lastIndexOf('.');
        return dot < 0 ? "" : path.substring(0, dot);
    }

    /** How a config path is shown to the author: {@code config.a.b}, or {@code config} for the root. */
    static String show(String path) {
        if (path.isEmpty()) {
            return "config";
        }
        return path.startsWith("[") ? "config" + path : "config." + path;
    }
}
