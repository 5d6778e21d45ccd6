package io.xerv.host.serve;

import io.xerv.wal.Durability;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * How {@code xerv serve} runs: the config file's settings with defaults filled in. Immutable. Every
 * option is documented in {@code docs/config.md}; {@link #load} checks a file and reports every
 * problem as {@code file:line:col: message}.
 *
 * @param host the address to listen on
 * @param port the HTTP port (0 picks a free one)
 * @param eventLoops event loops shared by the HTTP server and the traces
 * @param bodyLimitBytes the largest request body accepted
 * @param tlsCert a PEM certificate chain, or null for plain HTTP
 * @param tlsKey the PEM private key of {@code tlsCert}, or null
 * @param shutdownTimeoutMs how long a shutdown waits for running traces
 * @param dataDir where the write-ahead log and arenas live
 * @param durability when log records become durable
 * @param flows flow files and folders to deploy at start-up
 * @param plugins a folder of plugin jars, or null
 * @param keepFinishedTraces finished traces whose reports the API keeps
 * @param apiKeys the API keys (besides them, the host accepts its local token, {@link LocalToken})
 * @param secrets named secrets for webhook {@code secret_env} (looked up before the environment)
 * @param network where nodes may connect ({@code network:})
 * @param policy what flows may deploy: node types, files, secrets, environment ({@code policy:})
 * @param limits how much one trace may use ({@code limits:})
 * @param connections how the HTTP server treats its clients ({@code connections:})
 */
public record ServeConfig(String host, int port, int eventLoops, long bodyLimitBytes, Path tlsCert, Path tlsKey,
                          long shutdownTimeoutMs, Path dataDir, Durability durability, List<Path> flows, Path plugins,
                          int keepFinishedTraces, ApiKeys apiKeys, Map<String, String> secrets,
                          NetworkPolicy network, DeployPolicy policy, TraceLimits limits, ConnectionLimits connections) {

    /** The default port. */
    public static final int DEFAULT_PORT = 8080;
    /** The default body limit: 1 MiB. */
    public static final long DEFAULT_BODY_LIMIT = 1 << 20;

    public ServeConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(durability, "durability");
        flows = List.copyOf(Objects.requireNonNull(flows, "flows"));
        Objects.requireNonNull(apiKeys, "apiKeys");
        secrets = Map.copyOf(Objects.requireNonNull(secrets, "secrets"));
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(connections, "connections");
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("TLS needs both a certificate and a key");
        }
    }

    /** The defaults: 127.0.0.1:8080, one event loop per core, ./xerv-data, fsync, no flows, no keys. */
    public static ServeConfig defaults() {
        return new ServeConfig("127.0.0.1", DEFAULT_PORT, Math.max(1, Runtime.getRuntime().availableProcessors()),
                DEFAULT_BODY_LIMIT, null, null, 30_000, Path.of("xerv-data"), Durability.FSYNC, List.of(), null, 10_000,
                ApiKeys.NONE, Map.of(), NetworkPolicy.DEFAULT, DeployPolicy.DEFAULT, TraceLimits.DEFAULT,
                ConnectionLimits.DEFAULT);
    }

    public ServeConfig withPort(int p) {
        return new ServeConfig(host, p, eventLoops, bodyLimitBytes, tlsCert, tlsKey, shutdownTimeoutMs, dataDir,
                durability, flows, plugins, keepFinishedTraces, apiKeys, secrets, network, policy, limits, connections);
    }

    public ServeConfig withHost(String h) {
        return new ServeConfig(h, port, eventLoops, bodyLimitBytes, tlsCert, tlsKey, shutdownTimeoutMs, dataDir,
                durability, flows, plugins, keepFinishedTraces, apiKeys, secrets, network, policy, limits, connections);
    }

    public ServeConfig withDataDir(Path d) {
        return new ServeConfig(host, port, eventLoops, bodyLimitBytes, tlsCert, tlsKey, shutdownTimeoutMs, d,
                durability, flows, plugins, keepFinishedTraces, apiKeys, secrets, network, policy, limits, connections);
    }

    public ServeConfig withFlows(List<Path> f) {
        return new ServeConfig(host, port, eventLoops, bodyLimitBytes, tlsCert, tlsKey, shutdownTimeoutMs, dataDir,
                durability, f, plugins, keepFinishedTraces, apiKeys, secrets, network, policy, limits, connections);
    }

    public ServeConfig withApiKeys(ApiKeys k) {
        return new ServeConfig(host, port, eventLoops, bodyLimitBytes, tlsCert, tlsKey, shutdownTimeoutMs, dataDir,
                durability, flows, plugins, keepFinishedTraces, k, secrets, network, policy, limits, connections);
    }

    public ServeConfig withSecrets(Map<String, String> s) {
        return new ServeConfig(host, port, eventLoops, bodyLimitBytes, tlsCert, tlsKey, shutdownTimeoutMs, dataDir,
                durability, flows, plugins, keepFinishedTraces, apiKeys, s, network, policy, limits, connections);
    }

    public ServeConfig withDurability(Durability d) {
        return new ServeConfig(host, port, eventLoops, bodyLimitBytes, tlsCert, tlsKey, shutdownTimeoutMs, dataDir,
                d, flows, plugins, keepFinishedTraces, apiKeys, secrets, network, policy, limits, connections);
    }

    public ServeConfig withBodyLimit(long bytes) {
        return new ServeConfig(host, port, eventLoops, bytes, tlsCert, tlsKey, shutdownTimeoutMs, dataDir,
                durability, flows, plugins, keepFinishedTraces, apiKeys, secrets, network, policy, limits, connections);
    }

    public ServeConfig withEventLoops(int n) {
        return new ServeConfig(host, port, n, bodyLimitBytes, tlsCert, tlsKey, shutdownTimeoutMs, dataDir,
                durability, flows, plugins, keepFinishedTraces, apiKeys, secrets, network, policy, limits, connections);
    }

    public ServeConfig withTls(Path cert, Path key) {
        return new ServeConfig(host, port, eventLoops, bodyLimitBytes, cert, key, shutdownTimeoutMs, dataDir,
                durability, flows, plugins, keepFinishedTraces, apiKeys, secrets, network, policy, limits, connections);
    }

    public ServeConfig withShutdownTimeoutMs(long ms) {
        return new ServeConfig(host, port, eventLoops, bodyLimitBytes, tlsCert, tlsKey, ms, dataDir,
                durability, flows, plugins, keepFinishedTraces, apiKeys, secrets, network, policy, limits, connections);
    }

    public ServeConfig withNetwork(NetworkPolicy n) {
        return new ServeConfig(host, port, eventLoops, bodyLimitBytes, tlsCert, tlsKey, shutdownTimeoutMs, dataDir,
                durability, flows, plugins, keepFinishedTraces, apiKeys, secrets, n, policy, limits, connections);
    }

    public ServeConfig withPolicy(DeployPolicy p) {
        return new ServeConfig(host, port, eventLoops, bodyLimitBytes, tlsCert, tlsKey, shutdownTimeoutMs, dataDir,
                durability, flows, plugins, keepFinishedTraces, apiKeys, secrets, network, p, limits, connections);
    }

    public ServeConfig withLimits(TraceLimits l) {
        return new ServeConfig(host, port, eventLoops, bodyLimitBytes, tlsCert, tlsKey, shutdownTimeoutMs, dataDir,
                durability, flows, plugins, keepFinishedTraces, apiKeys, secrets, network, policy, l, connections);
    }

    public ServeConfig withConnections(ConnectionLimits c) {
        return new ServeConfig(host, port, eventLoops, bodyLimitBytes, tlsCert, tlsKey, shutdownTimeoutMs, dataDir,
                durability, flows, plugins, keepFinishedTraces, apiKeys, secrets, network, policy, limits, c);
    }

    /** The services nodes get from this host: its policy, network rules and limits. */
    public io.xerv.plugin.HostServices hostServices() {
        return new HostPolicyServices(this);
    }

    /** Looks a webhook secret up: the config's {@code secrets}, then the environment. */
    public Function<String, String> secretLookup() {
        return name -> {
            String v = secrets.get(name);
            return v != null ? v : System.getenv(name);
        };
    }

    /** Whether the listen address is a loopback one. */
    public boolean loopbackOnly() {
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
    }

    @Override
    public String toString() {
        // Secrets and key digests stay out of every string.
        return "ServeConfig[host=" + host + ", port=" + port + ", eventLoops=" + eventLoops + ", dataDir=" + dataDir
                + ", durability=" + durability + ", flows=" + flows + ", tls=" + (tlsCert != null) + ", apiKeys="
                + apiKeys.keys().size() + ", secrets=" + secrets.keySet() + "]";
    }

    /** A config file that cannot be used; the message lists every problem as {@code file:line:col: message}. */
    public static final class ConfigException extends Exception {
        private final List<String> problems;

        public ConfigException(List<String> problems) {
            super(String.join("\n", problems));
            this.problems = List.copyOf(problems);
        }

        /** Each problem as {@code file:line:col: message}. */
        public List<String> problems() {
            return problems;
        }
    }

    /**
     * Reads a config file; relative paths in it resolve against its folder.
     *
     * @throws ConfigException naming file, line and column of every problem
     * @throws IOException when the file cannot be read
     */
    public static ServeConfig load(Path file) throws ConfigException, IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Path base = file.toAbsolutePath().getParent();
        return parse(file.toString(), text, base);
    }

    /** Parses config text; see {@link #load}. */
    public static ServeConfig parse(String name, String text, Path base) throws ConfigException {
        return new Parser(name, base).parse(text);
    }

    /**
     * Reads the config's YAML. Package-private so that each section's record ({@link NetworkPolicy},
     * {@link DeployPolicy}, {@link TraceLimits}, {@link ConnectionLimits}) parses its own keys with
     * the same helpers and error format.
     */
    static final class Parser {
        /** Nesting of maps and lists a config file may have; far more than any real config needs. */
        static final int MAX_DEPTH = 64;

        private final String file;
        private final Path base;
        private final List<String> problems = new ArrayList<>();

        Parser(String file, Path base) {
            this.file = file;
            this.base = base;
        }

        ServeConfig parse(String text) throws ConfigException {
            Node root;
            try {
                LoadSettings settings = LoadSettings.builder().setLabel(file).setAllowDuplicateKeys(false).build();
                // The composer recurses once per level: refuse deep nesting before it runs out of stack.
                int depth = 0;
                for (org.snakeyaml.engine.v2.events.Event e : new org.snakeyaml.engine.v2.api.lowlevel.Parse(settings).parseString(text)) {
                    switch (e.getEventId()) {
                        case MappingStart, SequenceStart -> {
                            if (++depth > MAX_DEPTH) {
                                throw new ConfigException(List.of(at(e.getStartMark().orElse(null))
                                        + "nesting is deeper than " + MAX_DEPTH + " levels"));
                            }
                        }
                        case MappingEnd, SequenceEnd -> depth--;
                        default -> {
                        }
                    }
                }
                root = new Compose(settings).composeString(text).orElse(null);
            } catch (MarkedYamlEngineException e) {
                Mark m = e.getProblemMark().orElse(null);
                throw new ConfigException(List.of(at(m) + "malformed YAML: " + e.getProblem()));
            } catch (YamlEngineException e) {
                throw new ConfigException(List.of(file + ":1:1: malformed YAML: " + e.getMessage()));
            }
            ServeConfig c = defaults();
            if (root == null) {
                return c;
            }
            Map<String, Node> top = map(root, "the config", List.of("server", "data_dir", "durability", "flows",
                    "plugins", "traces", "api", "secrets", "network", "policy", "limits", "connections"));
            if (top == null) {
                throw new ConfigException(problems);
            }
            String host = c.host();
            int port = c.port();
            int loops = c.eventLoops();
            long body = c.bodyLimitBytes();
            long shutdown = c.shutdownTimeoutMs();
            Path cert = null;
            Path key = null;
            Map<String, Node> server = top.containsKey("server")
                    ? map(top.get("server"), "server", List.of("host", "port", "event_loops", "body_limit",
                            "shutdown_timeout_ms", "tls")) : Map.of();
            if (server != null) {
                if (server.containsKey("host")) {
                    host = string(server.get("host"), "server.host", host);
                }
                port = (int) number(server.get("port"), "server.port", port, 0, 65535);
                loops = (int) number(server.get("event_loops"), "server.event_loops", loops, 1, 256);
                body = number(server.get("body_limit"), "server.body_limit", body, 1, 1L << 30);
                shutdown = number(server.get("shutdown_timeout_ms"), "server.shutdown_timeout_ms", shutdown, 0, 86_400_000);
                if (server.containsKey("tls")) {
                    Map<String, Node> tls = map(server.get("tls"), "server.tls", List.of("cert", "key"));
                    if (tls != null) {
                        cert = file(tls.get("cert"), "server.tls.cert", server.get("tls"));
                        key = file(tls.get("key"), "server.tls.key", server.get("tls"));
                    }
                }
            }
            Path dataDir = top.containsKey("data_dir") ? path(top.get("data_dir"), "data_dir") : c.dataDir();
            Durability durability = c.durability();
            if (top.containsKey("durability")) {
                String d = string(top.get("durability"), "durability", "fsync");
                try {
                    durability = Durability.parse(d);
                } catch (IllegalArgumentException e) {
                    problem(top.get("durability"), "durability: " + e.getMessage());
                }
            }
            List<Path> flows = new ArrayList<>();
            if (top.containsKey("flows")) {
                Node f = top.get("flows");
                if (f instanceof SequenceNode seq) {
                    for (Node item : seq.getValue()) {
                        Path p = path(item, "flows[]");
                        if (p != null && !Files.exists(p)) {
                            problem(item, "flows: no such file or folder " + p);
                        }
                        flows.add(p);
                    }
                } else if (f instanceof ScalarNode) {
                    Path p = path(f, "flows");
                    if (p != null && !Files.exists(p)) {
                        problem(f, "flows: no such file or folder " + p);
                    }
                    flows.add(p);
                } else {
                    problem(f, "flows must be a folder or a list of flow files and folders");
                }
            }
            Path plugins = null;
            if (top.containsKey("plugins")) {
                plugins = path(top.get("plugins"), "plugins");
                if (plugins != null && !Files.isDirectory(plugins)) {
                    problem(top.get("plugins"), "plugins: no such folder " + plugins);
                }
            }
            int keep = c.keepFinishedTraces();
            if (top.containsKey("traces")) {
                Map<String, Node> traces = map(top.get("traces"), "traces", List.of("keep_finished"));
                if (traces != null) {
                    keep = (int) number(traces.get("keep_finished"), "traces.keep_finished", keep, 0, 10_000_000);
                }
            }
            ApiKeys keys = ApiKeys.NONE;
            if (top.containsKey("api")) {
                Map<String, Node> api = map(top.get("api"), "api", List.of("keys"));
                if (api != null && api.containsKey("keys")) {
                    keys = keys(api.get("keys"));
                }
            }
            Map<String, String> secrets = new LinkedHashMap<>();
            if (top.containsKey("secrets")) {
                Map<String, Node> s = map(top.get("secrets"), "secrets", null);
                if (s != null) {
                    s.forEach((k, v) -> secrets.put(k, string(v, "secrets." + k, "")));
                }
            }
            NetworkPolicy network = top.containsKey("network") ? NetworkPolicy.parse(this, top.get("network"))
                    : NetworkPolicy.DEFAULT;
            DeployPolicy policy = top.containsKey("policy") ? DeployPolicy.parse(this, top.get("policy"))
                    : DeployPolicy.DEFAULT;
            TraceLimits limits = top.containsKey("limits") ? TraceLimits.parse(this, top.get("limits"))
                    : TraceLimits.DEFAULT;
            ConnectionLimits connections = top.containsKey("connections")
                    ? ConnectionLimits.parse(this, top.get("connections")) : ConnectionLimits.DEFAULT;
            if (!problems.isEmpty()) {
                problems.sort(java.util.Comparator.comparingLong(Parser::position));
                throw new ConfigException(problems);
            }
            return new ServeConfig(host, port, loops, body, cert, key, shutdown, dataDir, durability, flows, plugins, keep,
                    keys, secrets, network, policy, limits, connections);
        }

        private ApiKeys keys(Node n) {
            if (!(n instanceof SequenceNode seq)) {
                problem(n, "api.keys must be a list of {name, sha256 or key_env, scopes}");
                return ApiKeys.NONE;
            }
            List<ApiKeys.Key> out = new ArrayList<>();
            Set<String> names = new LinkedHashSet<>();
            for (Node item : seq.getValue()) {
                Map<String, Node> k = map(item, "api.keys[]", List.of("name", "sha256", "key_env", "scopes"));
                if (k == null) {
                    continue;
                }
                String name = k.containsKey("name") ? string(k.get("name"), "api.keys[].name", null) : null;
                if (name == null) {
                    problem(item, "api.keys[]: every key needs a name");
                    continue;
                }
                if (!names.add(name)) {
                    problem(k.get("name"), "api.keys: duplicate key name '" + name + "'");
                }
                String where = "api key '" + name + "': ";
                byte[] digest = null;
                if (k.containsKey("sha256") == k.containsKey("key_env")) {
                    problem(item, where + "give exactly one of sha256 (the hex SHA-256 of the key) or key_env "
                            + "(a variable holding the key)");
                } else if (k.containsKey("sha256")) {
                    String hex = string(k.get("sha256"), "sha256", "");
                    try {
                        digest = HexFormat.of().parseHex(hex.strip().toLowerCase(java.util.Locale.ROOT));
                        if (digest.length != 32) {
                            problem(k.get("sha256"), where + "sha256 must be 64 hex digits, got " + hex.strip().length());
                            digest = null;
                        }
                    } catch (IllegalArgumentException e) {
                        problem(k.get("sha256"), where + "sha256 must be 64 hex digits");
                    }
                } else {
                    String env = string(k.get("key_env"), "key_env", "");
                    String v = System.getenv(env);
                    if (v == null || v.isEmpty()) {
                        problem(k.get("key_env"), where + "key_env names '" + env + "', which is not set in the environment");
                    } else {
                        digest = ApiKeys.sha256(v);
                    }
                }
                Set<String> scopes = new LinkedHashSet<>();
                Node sc = k.get("scopes");
                if (!(sc instanceof SequenceNode ss) || ss.getValue().isEmpty()) {
                    problem(sc == null ? item : sc, where + "scopes must be a non-empty list of " + String.join(", ", ApiKeys.SCOPES));
                } else {
                    for (Node s : ss.getValue()) {
                        String scope = string(s, "scopes[]", "");
                        if (!ApiKeys.SCOPES.contains(scope)) {
                            problem(s, where + "unknown scope '" + scope + "'; expected one of " + String.join(", ", ApiKeys.SCOPES));
                        }
                        scopes.add(scope);
                    }
                }
                if (digest != null) {
                    out.add(new ApiKeys.Key(name, digest, scopes));
                }
            }
            return new ApiKeys(out);
        }

        Map<String, Node> map(Node n, String what, List<String> allowed) {
            if (!(n instanceof MappingNode m)) {
                problem(n, what + " must be a map");
                return null;
            }
            Map<String, Node> out = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k)) {
                    problem(t.getKeyNode(), what + ": keys must be plain words");
                    continue;
                }
                if (allowed != null && !allowed.contains(k.getValue())) {
                    problem(k, "unknown option '" + k.getValue() + "' in " + what + "; expected one of " + String.join(", ", allowed));
                    continue;
                }
                out.put(k.getValue(), t.getValueNode());
            }
            return out;
        }

        String string(Node n, String what, String dflt) {
            if (n == null) {
                return dflt;
            }
            if (!(n instanceof ScalarNode s)) {
                problem(n, what + " must be a single value");
                return dflt;
            }
            return s.getValue();
        }

        long number(Node n, String what, long dflt, long min, long max) {
            if (n == null) {
                return dflt;
            }
            String s = string(n, what, null);
            if (s == null) {
                return dflt;
            }
            try {
                long v = Long.parseLong(s.strip().replace("_", ""));
                if (v < min || v > max) {
                    problem(n, what + " must be between " + min + " and " + max + ", got " + v);
                    return dflt;
                }
                return v;
            } catch (NumberFormatException e) {
                problem(n, what + " must be a whole number, got '" + s + "'");
                return dflt;
            }
        }

        Path path(Node n, String what) {
            String s = string(n, what, null);
            if (s == null || s.isBlank()) {
                problem(n, what + " must be a path");
                return null;
            }
            Path p;
            try {
                p = Path.of(s);
            } catch (java.nio.file.InvalidPathException e) {
                problem(n, what + " is not a valid path: " + e.getReason());
                return null;
            }
            return p.isAbsolute() ? p : base.resolve(p).normalize();
        }

        Path file(Node n, String what, Node parent) {
            if (n == null) {
                problem(parent, what + " is missing (TLS needs both cert and key, PEM files)");
                return null;
            }
            Path p = path(n, what);
            if (p != null && !Files.isRegularFile(p)) {
                problem(n, what + ": no such file " + p);
            }
            return p;
        }

        /** Orders {@code file:line:col: message} by line, then column. */
        private static long position(String problem) {
            java.util.regex.Matcher m = POSITION.matcher(problem);
            return m.find() ? Long.parseLong(m.group(1)) * 100_000 + Long.parseLong(m.group(2)) : 0;
        }

        private static final java.util.regex.Pattern POSITION = java.util.regex.Pattern.compile(":(\\d+):(\\d+): ");

        void problem(Node n, String message) {
            problems.add(at(n == null ? null : n.getStartMark().orElse(null)) + message);
        }

        private String at(Mark m) {
            return m == null ? file + ":1:1: " : file + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1) + ": ";
        }
    }
}
