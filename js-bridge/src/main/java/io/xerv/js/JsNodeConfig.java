package io.xerv.js;

import io.xerv.plugin.ConfigError;
import io.xerv.plugin.Value;
import io.xerv.plugin.ValueType;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A JS node's configuration, checked: where its code comes from, what it may read from the host
 * environment, which ports it may fire, and its limits. Immutable.
 *
 * @param script the script path as written (relative to the flow file), or null for inline source
 * @param source inline module source, or null when {@code script} is set
 * @param env names of environment variables the node may read
 * @param secrets names of secrets the node may read
 * @param ports the output ports the node may fire besides {@code error}, or null for any
 * @param callTimeoutMillis wall-clock limit of one call
 * @param poolSize how many contexts (concurrent calls) the node may have
 */
record JsNodeConfig(String script, String source, Set<String> env, Set<String> secrets, List<String> ports,
                    long callTimeoutMillis, int poolSize) {

    static final long DEFAULT_CALL_TIMEOUT_MILLIS = 10_000;
    static final int DEFAULT_POOL_SIZE = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
    static final int MAX_POOL_SIZE = 64;

    static final Set<String> KEYS = Set.of("script", "source", "params", "env", "secrets", "ports",
            "call_timeout_ms", "pool_size");
    static final Pattern GRANT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    static final Pattern PORT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}");

    /** Reads a config, collecting every problem into {@code errors}; returns null when there were any. */
    static JsNodeConfig read(Value config, List<ConfigError> errors) {
        int before = errors.size();
        if (config == null || config.isNull() || config.type() != ValueType.MAP) {
            errors.add(new ConfigError("", "a js node needs a config map with 'script' or 'source'"));
            return null;
        }
        for (int i = 0; i < config.size(); i++) {
            String k = config.keyAt(i);
            if (!KEYS.contains(k)) {
                errors.add(new ConfigError(k, "unknown key '" + k + "'; a js node takes " + String.join(", ",
                        KEYS.stream().sorted().toList()) + " (put the node's own settings under 'params')"));
            }
        }
        String script = literalString(config, "script", errors);
        String source = literalString(config, "source", errors);
        if (script == null && source == null && errors.size() == before) {
            errors.add(new ConfigError("", "a js node needs 'script' (a path to a module) or 'source' (inline code)"));
        }
        if (script != null && source != null) {
            errors.add(new ConfigError("source", "give either 'script' or 'source', not both"));
        }
        Set<String> env = Set.copyOf(names(config, "env", GRANT_NAME, errors));
        Set<String> secrets = Set.copyOf(names(config, "secrets", GRANT_NAME, errors));
        List<String> ports = config.get("ports") == null ? null : names(config, "ports", PORT_NAME, errors);
        if (ports != null && ports.contains("error")) {
            errors.add(new ConfigError("ports", "'error' is every node's failure port; it cannot be declared"));
        }
        long timeout = positive(config, "call_timeout_ms", DEFAULT_CALL_TIMEOUT_MILLIS, Long.MAX_VALUE, errors);
        long pool = positive(config, "pool_size", DEFAULT_POOL_SIZE, MAX_POOL_SIZE, errors);
        if (errors.size() > before) {
            return null;
        }
        return new JsNodeConfig(script, source, env, secrets, ports == null ? null : List.copyOf(ports), timeout,
                (int) pool);
    }

    private static String literalString(Value config, String key, List<ConfigError> errors) {
        Value v = config.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.type() != ValueType.STRING || v.asString().isBlank()) {
            errors.add(new ConfigError(key, "'" + key + "' must be a non-empty string"));
            return null;
        }
        if (key.equals("script") && v.asString().contains("${")) {
            errors.add(new ConfigError(key, "'script' must be a literal path; selectors are resolved only when a trace runs"));
            return null;
        }
        return v.asString();
    }

    private static List<String> names(Value config, String key, Pattern pattern, List<ConfigError> errors) {
        Value v = config.get(key);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.type() != ValueType.LIST) {
            errors.add(new ConfigError(key, "'" + key + "' must be a list of names"));
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            Value n = v.get(i);
            if (n.type() != ValueType.STRING || !pattern.matcher(n.asString()).matches()) {
                errors.add(new ConfigError(key + "[" + i + "]", "not a valid name: " + n
                        + " (letters, digits and _" + (pattern == PORT_NAME ? " and -" : "") + ")"));
            } else if (!out.contains(n.asString())) {
                out.add(n.asString());
            }
        }
        return out;
    }

    private static long positive(Value config, String key, long dflt, long max, List<ConfigError> errors) {
        Value v = config.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (v.type() != ValueType.INT || v.asLong() <= 0 || v.asLong() > max) {
            errors.add(new ConfigError(key, "'" + key + "' must be a whole number from 1"
                    + (max == Long.MAX_VALUE ? "" : " to " + max) + ", found " + v));
            return dflt;
        }
        return v.asLong();
    }
}
