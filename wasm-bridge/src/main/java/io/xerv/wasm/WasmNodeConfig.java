package io.xerv.wasm;

import io.xerv.plugin.ConfigError;
import io.xerv.plugin.Value;
import io.xerv.plugin.ValueType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code wasm} node's configuration, checked. Immutable.
 *
 * @param module the {@code module:} text: a path to a {@code .wasm} file or a module name
 * @param machine which Chicory machine runs the guest
 * @param inPlace whether inputs are readable in place through the arena window
 * @param memoryPages the cap on the guest's memory, in 64 KiB pages
 * @param cpuLimitMs the longest one call may run before it is interrupted
 * @param poolSize how many idle instances the node keeps
 * @param env environment variable names the guest may read
 * @param secrets secret names the guest may read
 * @param ports the output ports the guest may fire
 * @param inputs extra named inputs: name to the config value (selectors resolved per trace)
 * @param wasi the WASI grant, or null when the guest gets no WASI
 */
record WasmNodeConfig(String module, Machine machine, boolean inPlace, int memoryPages, long cpuLimitMs,
                      int poolSize, List<String> env, List<String> secrets, List<String> ports,
                      List<String> inputs, WasiGrant wasi) {

    /** The Chicory machines. */
    enum Machine { COMPILER, INTERPRETER }

    /**
     * What a guest that imports WASI may use: the listed environment variables and preopened
     * directories (guest path to host path, relative host paths against the flow's directory).
     */
    record WasiGrant(List<String> env, Map<String, String> dirs) {
    }

    static final int DEFAULT_MEMORY_PAGES = 256;
    static final long DEFAULT_CPU_LIMIT_MS = 5_000;
    static final int DEFAULT_POOL_SIZE = 4;

    /** Ports a guest may fire when its node lists no {@code ports:}. */
    static final List<String> DECLARED_PORTS = List.of("out", "true", "false", "valid", "invalid", "rejected");

    private static final Set<String> KEYS = Set.of("module", "machine", "input_mode", "memory_pages", "cpu_limit_ms",
            "pool_size", "env", "secrets", "ports", "inputs", "wasi");

    /**
     * Reads and checks a config.
     *
     * @param errors receives every problem with its path; the result is null when there is one
     */
    static WasmNodeConfig parse(Value c, List<ConfigError> errors) {
        int before = errors.size();
        if (c == null || c.type() != ValueType.MAP) {
            errors.add(new ConfigError("", "a wasm node needs a config map with at least 'module'"));
            return null;
        }
        for (int i = 0; i < c.size(); i++) {
            String k = c.keyAt(i);
            if (!KEYS.contains(k)) {
                errors.add(new ConfigError(k, "unknown key '" + k + "'; a wasm node takes " + String.join(", ",
                        new java.util.TreeSet<>(KEYS))));
            }
        }
        String module = null;
        Value m = c.get("module");
        if (m == null || m.type() != ValueType.STRING || m.asString().isBlank()) {
            errors.add(new ConfigError("module", "required: a path to a .wasm file, or the name of a module in a modules folder"));
        } else if (m.asString().contains("${")) {
            errors.add(new ConfigError("module", "must be fixed when the flow is deployed, not a selector"));
        } else {
            module = m.asString().strip();
        }
        Machine machine = Machine.COMPILER;
        String mt = text(c, "machine", "compiler", errors);
        if (mt != null) {
            switch (mt) {
                case "compiler" -> machine = Machine.COMPILER;
                case "interpreter" -> machine = Machine.INTERPRETER;
                default -> errors.add(new ConfigError("machine", "must be 'compiler' or 'interpreter', was '" + mt + "'"));
            }
        }
        boolean inPlace = true;
        String im = text(c, "input_mode", "in_place", errors);
        if (im != null) {
            switch (im) {
                case "in_place" -> inPlace = true;
                case "copy" -> inPlace = false;
                default -> errors.add(new ConfigError("input_mode", "must be 'in_place' or 'copy', was '" + im + "'"));
            }
        }
        int pages = (int) number(c, "memory_pages", DEFAULT_MEMORY_PAGES, 1, AbiV1.MAX_GUEST_PAGES, errors);
        long cpu = number(c, "cpu_limit_ms", DEFAULT_CPU_LIMIT_MS, 1, 3_600_000, errors);
        int pool = (int) number(c, "pool_size", DEFAULT_POOL_SIZE, 1, 1024, errors);
        List<String> env = names(c, "env", errors);
        List<String> secrets = names(c, "secrets", errors);
        List<String> ports = ports(c, errors);
        List<String> inputs = new ArrayList<>();
        Value in = c.get("inputs");
        if (in != null) {
            if (in.type() != ValueType.MAP) {
                errors.add(new ConfigError("inputs", "must be a map of input names to values or selectors"));
            } else {
                for (int i = 0; i < in.size(); i++) {
                    String name = in.keyAt(i);
                    if (name.isEmpty() || name.length() > 255) {
                        errors.add(new ConfigError("inputs", "input names must have 1 to 255 characters"));
                    }
                    inputs.add(name);
                }
            }
        }
        WasiGrant wasi = null;
        Value w = c.get("wasi");
        if (w != null) {
            if (w.type() == ValueType.BOOL) {
                wasi = w.asBoolean() ? new WasiGrant(List.of(), Map.of()) : null;
            } else if (w.type() == ValueType.MAP) {
                for (int i = 0; i < w.size(); i++) {
                    if (!w.keyAt(i).equals("env") && !w.keyAt(i).equals("dirs")) {
                        errors.add(new ConfigError("wasi." + w.keyAt(i), "unknown key; wasi takes env and dirs"));
                    }
                }
                List<String> wenv = w.get("env") == null ? List.of() : names(w, "env", errors, "wasi.");
                Map<String, String> dirs = new LinkedHashMap<>();
                Value d = w.get("dirs");
                if (d != null) {
                    if (d.type() != ValueType.MAP) {
                        errors.add(new ConfigError("wasi.dirs", "must map guest paths to host directories"));
                    } else {
                        for (int i = 0; i < d.size(); i++) {
                            Value hv = d.valueAt(i);
                            if (hv.type() != ValueType.STRING) {
                                errors.add(new ConfigError("wasi.dirs." + d.keyAt(i), "must be a host directory path"));
                            } else {
                                dirs.put(d.keyAt(i), hv.asString());
                            }
                        }
                    }
                }
                wasi = new WasiGrant(wenv, dirs);
            } else {
                errors.add(new ConfigError("wasi", "must be true, false, or a map with env and dirs"));
            }
        }
        if (errors.size() > before) {
            return null;
        }
        return new WasmNodeConfig(module, machine, inPlace, pages, cpu, pool, env, secrets, ports, inputs, wasi);
    }

    private static String text(Value c, String key, String dflt, List<ConfigError> errors) {
        Value v = c.get(key);
        if (v == null) {
            return dflt;
        }
        if (v.type() != ValueType.STRING) {
            errors.add(new ConfigError(key, "must be a string, was " + v.type().label()));
            return null;
        }
        return v.asString();
    }

    private static long number(Value c, String key, long dflt, long min, long max, List<ConfigError> errors) {
        Value v = c.get(key);
        if (v == null) {
            return dflt;
        }
        if (v.type() != ValueType.INT || v.asLong() < min || v.asLong() > max) {
            errors.add(new ConfigError(key, "must be an integer from " + min + " to " + max + ", was " + v));
            return dflt;
        }
        return v.asLong();
    }

    /**
     * The output ports a node's config declares ({@code ports:}, any names but {@code error}), or
     * {@link #DECLARED_PORTS} when it declares none.
     */
    static List<String> ports(Value c, List<ConfigError> errors) {
        if (c == null || c.type() != ValueType.MAP || c.get("ports") == null) {
            return DECLARED_PORTS;
        }
        List<String> ports = names(c, "ports", errors);
        for (int i = 0; i < ports.size(); i++) {
            if (ports.get(i).equals("error")) {
                errors.add(new ConfigError("ports[" + i + "]", "'error' is every node's error port; list only the ports the guest fires"));
            } else if (ports.indexOf(ports.get(i)) != i) {
                errors.add(new ConfigError("ports[" + i + "]", "port '" + ports.get(i) + "' is listed twice"));
            }
        }
        return ports;
    }

    private static List<String> names(Value c, String key, List<ConfigError> errors) {
        return names(c, key, errors, "");
    }

    private static List<String> names(Value c, String key, List<ConfigError> errors, String prefix) {
        Value v = c.get(key);
        if (v == null) {
            return List.of();
        }
        if (v.type() != ValueType.LIST) {
            errors.add(new ConfigError(prefix + key, "must be a list of names"));
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            Value item = v.get(i);
            if (item.type() != ValueType.STRING || item.asString().isBlank()) {
                errors.add(new ConfigError(prefix + key + "[" + i + "]", "must be a non-empty name"));
            } else {
                out.add(item.asString());
            }
        }
        return List.copyOf(out);
    }
}
