package io.xerv.host.serve;

import io.xerv.host.plugin.NodeRegistry;
import io.xerv.plugin.FileRules;
import io.xerv.plugin.HostServices;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What flows may deploy (node types, files, secrets, environment variables, WASI directories): the
 * {@code policy:} section of the config. Every route a flow comes by (the API's deploy and validate,
 * the flows folder at start-up, recovery) goes through the engine's {@link NodeRegistry}, restricted by
 * {@link #restrict}, and the engine's {@link HostServices}, which ask this record. Immutable.
 *
 * @param allowTypes globs of node types flows may use ({@code *} any characters)
 * @param denyTypes globs of node types flows may not use; they win over {@code allowTypes}
 * @param paths folders that {@code module:}, {@code script:}, WASI directories and file triggers may
 *     reach; relative ones against the flow's folder
 * @param maxFileBytes the largest module or script a node may load
 * @param wasiDirs whether WASI guests may be given directories (read and write: Chicory cannot make them read-only)
 * @param env globs of environment variables nodes may read; none by default
 * @param secrets names of secrets nodes may read (from the config's {@code secrets:}, then environment
 *     variable {@code XERV_SECRET_<NAME>}), or null for any name from {@code XERV_SECRET_<NAME>} only
 */
public record DeployPolicy(List<String> allowTypes, List<String> denyTypes, List<Path> paths, long maxFileBytes,
                           boolean wasiDirs, List<String> env, List<String> secrets) {

    /** The environment variable prefix of secrets. */
    static final String SECRET_PREFIX = "XERV_SECRET_";

    /**
     * The defaults, used when the config has no {@code policy:} section: the same rules as
     * {@link HostServices#defaults()} (every node type, files in the flow's folder, no WASI directories,
     * no environment variables, secrets from {@code XERV_SECRET_<NAME>}).
     */
    public static final DeployPolicy DEFAULT = new DeployPolicy(List.of("*"), List.of(), FileRules.DEFAULT.roots(),
            FileRules.DEFAULT_MAX_FILE_BYTES, false, List.of(), null);

    private static final List<String> KEYS = List.of("node_types", "paths", "max_file_bytes", "wasi", "env", "secrets");

    public DeployPolicy {
        allowTypes = List.copyOf(Objects.requireNonNull(allowTypes, "allowTypes"));
        denyTypes = List.copyOf(Objects.requireNonNull(denyTypes, "denyTypes"));
        paths = List.copyOf(Objects.requireNonNull(paths, "paths"));
        env = List.copyOf(Objects.requireNonNull(env, "env"));
        secrets = secrets == null ? null : List.copyOf(secrets);
        if (maxFileBytes < 1) {
            throw new IllegalArgumentException("maxFileBytes must be at least 1, was " + maxFileBytes);
        }
    }

    /** This policy with node types {@code allow} and {@code deny} (globs). */
    public DeployPolicy withNodeTypes(List<String> allow, List<String> deny) {
        return new DeployPolicy(allow, deny, paths, maxFileBytes, wasiDirs, env, secrets);
    }

    /** This policy with {@code p} as the folders nodes and file triggers may reach. */
    public DeployPolicy withPaths(List<Path> p) {
        return new DeployPolicy(allowTypes, denyTypes, p, maxFileBytes, wasiDirs, env, secrets);
    }

    /** This policy with {@code bytes} as the largest module or script. */
    public DeployPolicy withMaxFileBytes(long bytes) {
        return new DeployPolicy(allowTypes, denyTypes, paths, bytes, wasiDirs, env, secrets);
    }

    /** This policy with WASI directories granted or not. */
    public DeployPolicy withWasiDirs(boolean granted) {
        return new DeployPolicy(allowTypes, denyTypes, paths, maxFileBytes, granted, env, secrets);
    }

    /** This policy with {@code e} as the environment variables (globs) nodes may read. */
    public DeployPolicy withEnv(List<String> e) {
        return new DeployPolicy(allowTypes, denyTypes, paths, maxFileBytes, wasiDirs, e, secrets);
    }

    /** This policy with {@code s} as the secrets nodes may read (null: any, from {@code XERV_SECRET_<NAME>} only). */
    public DeployPolicy withSecrets(List<String> s) {
        return new DeployPolicy(allowTypes, denyTypes, paths, maxFileBytes, wasiDirs, env, s);
    }

    /** Whether flows may use node type {@code type}. */
    public boolean allowsType(String type) {
        return matchesAny(allowTypes, type) && !matchesAny(denyTypes, type);
    }

    /** {@code registry} without the node types this policy refuses. */
    public NodeRegistry restrict(NodeRegistry registry) {
        return registry.restrictedTo(this::allowsType, "policy.node_types");
    }

    /** The file rules for a host whose data directory is {@code dataDir} (which nodes may never reach). */
    public FileRules files(Path dataDir) {
        return new FileRules(paths, List.of(dataDir), wasiDirs, maxFileBytes);
    }

    /** Whether nodes may read environment variable {@code name}. */
    public boolean grantsEnvironment(String name) {
        return matchesAny(env, name);
    }

    /** Environment variable {@code name} when granted, else null. */
    public String environment(String name) {
        return grantsEnvironment(name) ? System.getenv(name) : null;
    }

    /** Whether nodes may read secret {@code name}. */
    public boolean grantsSecret(String name) {
        return secrets == null || secrets.contains(name);
    }

    /**
     * Secret {@code name} when granted: from {@code configured} (the config's {@code secrets:}) for a name
     * {@code policy.secrets} lists, then from environment variable {@code XERV_SECRET_<NAME>}; else null.
     */
    public String secret(String name, Map<String, String> configured) {
        if (!grantsSecret(name)) {
            return null;
        }
        String v = secrets == null ? null : configured.get(name);
        return v != null ? v : System.getenv(SECRET_PREFIX + name);
    }

    private static boolean matchesAny(List<String> globs, String name) {
        for (String g : globs) {
            if (glob(g).matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    /** Compiled globs: a policy's are few and fixed, and nodes ask on every read of a variable. */
    private static final java.util.concurrent.ConcurrentHashMap<String, Pattern> GLOBS = new java.util.concurrent.ConcurrentHashMap<>();

    /** {@code *} matches any characters, {@code ?} one; everything else stands for itself. */
    static Pattern glob(String glob) {
        return GLOBS.computeIfAbsent(glob, DeployPolicy::compile);
    }

    private static Pattern compile(String glob) {
        StringBuilder re = new StringBuilder();
        for (String part : glob.split("(?=[*?])|(?<=[*?])")) {
            switch (part) {
                case "*" -> re.append(".*");
                case "?" -> re.append('.');
                default -> re.append(Pattern.quote(part));
            }
        }
        return Pattern.compile(re.toString());
    }

    /** Reads the {@code policy:} section; problems go to the parser. */
    static DeployPolicy parse(ServeConfig.Parser p, Node n) {
        Map<String, Node> m = p.map(n, "policy", KEYS);
        if (m == null) {
            return DEFAULT;
        }
        List<String> allow = DEFAULT.allowTypes();
        List<String> deny = DEFAULT.denyTypes();
        if (m.containsKey("node_types")) {
            Map<String, Node> t = p.map(m.get("node_types"), "policy.node_types", List.of("allow", "deny"));
            if (t != null) {
                if (t.containsKey("allow")) {
                    allow = strings(p, t.get("allow"), "policy.node_types.allow");
                }
                if (t.containsKey("deny")) {
                    deny = strings(p, t.get("deny"), "policy.node_types.deny");
                }
            }
        }
        List<Path> paths = DEFAULT.paths();
        if (m.containsKey("paths")) {
            List<Path> out = new ArrayList<>();
            Node list = m.get("paths");
            List<String> written = strings(p, list, "policy.paths");
            for (int i = 0; i < written.size(); i++) {
                Node item = list instanceof SequenceNode s ? s.getValue().get(i) : list;
                try {
                    Path path = Path.of(written.get(i));
                    for (Path f : FileRules.SYSTEM_FOLDERS) {
                        if (path.isAbsolute() && path.normalize().startsWith(f)) {
                            p.problem(item, "policy.paths: " + path + " is inside " + f + ", which nodes may never reach");
                        }
                    }
                    out.add(path);
                } catch (InvalidPathException e) {
                    p.problem(item, "policy.paths: '" + written.get(i) + "' is not a valid path");
                }
            }
            paths = out;
        }
        long max = p.number(m.get("max_file_bytes"), "policy.max_file_bytes", DEFAULT.maxFileBytes(), 1, 1L << 30);
        boolean wasiDirs = DEFAULT.wasiDirs();
        if (m.containsKey("wasi")) {
            Map<String, Node> w = p.map(m.get("wasi"), "policy.wasi", List.of("dirs"));
            if (w != null && w.containsKey("dirs")) {
                wasiDirs = bool(p, w.get("dirs"), "policy.wasi.dirs");
            }
        }
        List<String> env = m.containsKey("env") ? strings(p, m.get("env"), "policy.env") : DEFAULT.env();
        List<String> secrets = m.containsKey("secrets") ? strings(p, m.get("secrets"), "policy.secrets") : null;
        return new DeployPolicy(allow, deny, paths, max, wasiDirs, env, secrets);
    }

    private static List<String> strings(ServeConfig.Parser p, Node n, String what) {
        if (!(n instanceof SequenceNode seq)) {
            p.problem(n, what + " must be a list");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            String s = p.string(item, what + "[]", null);
            if (s == null || s.isBlank()) {
                p.problem(item, what + ": entries must be non-empty");
                out.add("");
            } else {
                out.add(s.strip());
            }
        }
        return out;
    }

    private static boolean bool(ServeConfig.Parser p, Node n, String what) {
        String s = n instanceof ScalarNode sc ? sc.getValue() : null;
        if ("true".equals(s)) {
            return true;
        }
        if (!"false".equals(s)) {
            p.problem(n, what + " must be true or false");
        }
        return false;
    }
}
