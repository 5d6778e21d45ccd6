package io.xerv.host.flow;

import io.xerv.host.flow.YamlTree.YBad;
import io.xerv.host.flow.YamlTree.YEntry;
import io.xerv.host.flow.YamlTree.YMap;
import io.xerv.host.flow.YamlTree.YNode;
import io.xerv.host.flow.YamlTree.YScalar;
import io.xerv.host.flow.YamlTree.YSeq;
import io.xerv.host.plugin.NodeRegistry;
import io.xerv.plugin.ConfigError;
import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.Values;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a flow file, checks everything that can be checked before a trace runs, and returns the
 * {@link FlowDefinition}; or throws a {@link FlowException} listing every problem found, each at its
 * {@code file:line:col}. Stateless and thread-safe; each call works on its own state.
 *
 * <p>Checks, in the words of docs/flows.md: YAML syntax and limits; no tags but the core ones; known
 * keys only; names, ids and types; trigger parameters; node configs (by the node's factory); edges,
 * their ports and conditions; no cycles except through {@code std::loop} with {@code loop_back} edges;
 * and every {@code ${...}} selector reads something that exists and runs before its reader.
 */
public final class FlowLoader {

    /** Names a node or trigger may not take, because selectors use them. */
    public static final Set<String> RESERVED_IDS = Set.of("trigger", "pipeline", "trace", "input");
    /** The type that may be the target of a {@code loop_back} edge. */
    public static final String LOOP_TYPE = "std::loop";
    /** The loop port whose branch must lead to a {@code loop_back} edge. */
    public static final String LOOP_CONTINUE_PORT = "continue";

    private static final List<String> TOP_KEYS =
            List.of("name", "version", "description", "triggers", "nodes", "edges", "settings", "config", "metadata");
    private static final List<String> TRIGGER_KEYS = List.of("id", "type", "params", "enabled", "description");
    private static final List<String> NODE_KEYS = List.of("type", "config", "timeout_ms", "retry", "enabled", "description");
    private static final List<String> RETRY_KEYS =
            List.of("max_attempts", "initial_delay_ms", "max_delay_ms", "backoff_multiplier", "jitter");
    private static final List<String> EDGE_KEYS = List.of("from", "to", "condition", "loop_back", "description");
    private static final List<String> SETTINGS_KEYS = List.of("max_concurrent_executions", "execution_timeout_ms",
            "circuit_breaker_threshold", "circuit_breaker_failure_threshold", "circuit_breaker_window_ms",
            "circuit_breaker_recovery_ms", "circuit_breaker_success_threshold", "max_concurrent_versions",
            "drain_timeout_ms", "drain_grace_period_ms", "max_queued_traces", "debug");
    private static final List<String> HTTP_METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static final List<String> FS_EVENTS = List.of("create", "modify", "delete");

    private static final Pattern FLOW_NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern ID = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern CRON_FIELD = Pattern.compile("[0-9A-Za-z*/,?#LW-]+");

    private final String source;
    private final NodeRegistry registry;
    private final FlowLimits limits;
    private final List<FlowError> errors = new ArrayList<>();

    private String flowName = "";
    private final Map<String, TriggerDef> triggers = new LinkedHashMap<>();
    private final Map<String, NodeDef> nodes = new LinkedHashMap<>();
    private final Map<String, NodeFactory> factories = new HashMap<>();
    /** Edges as written, with the marks of their parts; only fully resolved ones take part in graph checks. */
    private final List<ParsedEdge> edges = new ArrayList<>();
    private boolean edgesBroken;
    private Map<String, Object> pipelineConfig = Map.of();

    private record ParsedEdge(int index, EdgeDef def, Mark fromMark, Mark toMark, Mark conditionMark,
            EdgeCondition condition, boolean resolved) {
    }

    private FlowLoader(String source, NodeRegistry registry, FlowLimits limits) {
        this.source = source;
        this.registry = registry;
        this.limits = limits;
    }

    /** Loads a flow file with the default limits. */
    public static FlowDefinition load(Path file, NodeRegistry registry) throws FlowException {
        return load(file, registry, FlowLimits.DEFAULT);
    }

    /**
     * Loads a flow file.
     *
     * @throws FlowException listing every problem found, including a file that cannot be read
     */
    public static FlowDefinition load(Path file, NodeRegistry registry, FlowLimits limits) throws FlowException {
        String name = file.toString();
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > limits.maxFileBytes()) {
                throw tooBig(name, size, limits);
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new FlowException(List.of(new FlowError(Mark.start(name), "cannot read the file: " + e)));
        }
        if (bytes.length > limits.maxFileBytes()) {
            throw tooBig(name, bytes.length, limits);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new FlowException(List.of(new FlowError(Mark.start(name), "the file is not valid UTF-8")));
        }
        return parse(name, text, registry, limits);
    }

    /** Parses a flow from text with the default limits. */
    public static FlowDefinition parse(String sourceName, String yamlText, NodeRegistry registry) throws FlowException {
        return parse(sourceName, yamlText, registry, FlowLimits.DEFAULT);
    }

    /**
     * Parses a flow from text.
     *
     * @param sourceName the file name used in error positions
     * @throws FlowException listing every problem found, sorted by position
     */
    public static FlowDefinition parse(String sourceName, String yamlText, NodeRegistry registry, FlowLimits limits)
            throws FlowException {
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(yamlText, "yamlText");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(limits, "limits");
        long bytes = utf8Length(yamlText);
        if (bytes > limits.maxFileBytes()) {
            throw tooBig(sourceName, bytes, limits);
        }
        FlowLoader l = new FlowLoader(sourceName, registry, limits);
        FlowDefinition def = l.run(yamlText);
        if (!l.errors.isEmpty()) {
            List<FlowError> sorted = new ArrayList<>(l.errors);
            sorted.sort(Comparator.comparing(FlowError::mark)); // stable: same position keeps finding order
            throw new FlowException(sorted);
        }
        return def;
    }

    private static FlowException tooBig(String name, long size, FlowLimits limits) {
        return new FlowException(List.of(new FlowError(Mark.start(name),
                "the file is " + size + " bytes; the limit is " + limits.maxFileBytes())));
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- top level

    private FlowDefinition run(String text) {
        YNode root = YamlTree.parse(source, text, limits, errors);
        if (root == null) {
            return null;
        }
        if (!(root instanceof YMap top)) {
            if (!(root instanceof YBad)) {
                error(root.mark(), "a flow file must be a map with 'name', 'nodes' and the other keys of a flow; found "
                        + kind(root));
            }
            return null;
        }
        checkKeys(top, TOP_KEYS, "");

        YEntry nameEntry = top.entry("name");
        if (nameEntry == null) {
            error(top.mark(), "missing required key 'name'");
        } else {
            String n = string(nameEntry.value(), "name");
            if (n != null) {
                if (n.isEmpty()) {
                    error(nameEntry.value().mark(), "name must not be empty");
                } else if (!FLOW_NAME.matcher(n).matches()) {
                    error(nameEntry.value().mark(), "name '" + n + "' may only contain letters, digits, '_', '.' and '-'");
                } else {
                    flowName = n;
                }
            }
        }
        String version = version(top.get("version"));
        String description = optionalString(top.get("description"), "description", "");

        YNode configNode = top.get("config");
        if (configNode != null && !isNull(configNode)) {
            if (configNode instanceof YMap) {
                @SuppressWarnings("unchecked")
                Map<String, Object> c = (Map<String, Object>) YamlTree.toJava(configNode, "", null);
                pipelineConfig = c;
            } else if (!(configNode instanceof YBad)) {
                error(configNode.mark(), "config must be a map of pipeline settings, found " + kind(configNode));
            }
        }

        parseTriggers(top.get("triggers"));
        YEntry nodesEntry = top.entry("nodes");
        if (nodesEntry == null) {
            error(top.mark(), "missing required key 'nodes'");
        } else {
            parseNodes(nodesEntry.value());
        }
        parseEdges(top.get("edges"));
        FlowSettings settings = parseSettings(top.get("settings"));

        checkCycles();
        checkLoopBacks();
        checkSelectors();

        if (!errors.isEmpty()) {
            return null;
        }
        return new FlowDefinition(flowName, version, description, new ArrayList<>(triggers.values()), nodes,
                edges.stream().map(ParsedEdge::def).toList(), settings, pipelineConfig, source);
    }

    private String version(YNode n) {
        if (n == null || isNull(n)) {
            return "1.0";
        }
        if (n instanceof YScalar s && (s.value() instanceof String || s.value() instanceof Number)) {
            String v = s.value() instanceof String str ? str : s.text();
            if (v.isBlank()) {
                error(n.mark(), "version must not be empty");
            }
            return v;
        }
        if (!(n instanceof YBad)) {
            error(n.mark(), "version must be a string or a number, found " + kind(n));
        }
        return "1.0";
    }

    // ---------------------------------------------------------------- triggers

    private void parseTriggers(YNode n) {
        if (n == null || isNull(n)) {
            return;
        }
        if (!(n instanceof YSeq seq)) {
            if (n instanceof YMap) {
                error(n.mark(), "triggers must be a list of {id, type, params}, found a map");
            } else if (!(n instanceof YBad)) {
                error(n.mark(), "triggers must be a list of {id, type, params}, found " + kind(n));
            }
            return;
        }
        if (seq.items().size() > limits.maxTriggers()) {
            error(n.mark(), "too many triggers: " + seq.items().size() + "; the limit is " + limits.maxTriggers());
            return;
        }
        Map<String, Mark> seen = new HashMap<>();
        for (int i = 0; i < seq.items().size(); i++) {
            YNode item = seq.items().get(i);
            String where = "triggers[" + i + "]";
            if (!(item instanceof YMap m)) {
                if (!(item instanceof YBad)) {
                    error(item.mark(), where + " must be a map with 'id' and 'type', found " + kind(item));
                }
                continue;
            }
            YEntry idEntry = m.entry("id");
            String id = idEntry == null ? null : string(idEntry.value(), where + ".id");
            if (idEntry == null) {
                error(m.mark(), where + ": missing required key 'id'");
            } else if (id != null) {
                if (!checkId(id, idEntry.value().mark(), "trigger id")) {
                    id = null;
                } else {
                    Mark first = seen.putIfAbsent(id, idEntry.value().mark());
                    if (first != null) {
                        error(idEntry.value().mark(), "duplicate trigger id '" + id + "' (first at line " + first.line() + ")");
                        id = null;
                    }
                }
            }
            String prefix = id != null ? "trigger '" + id + "': " : where + ": ";
            checkKeys(m, TRIGGER_KEYS, prefix);
            YEntry typeEntry = m.entry("type");
            String type = null;
            if (typeEntry == null) {
                error(m.mark(), prefix + "missing required key 'type'");
            } else {
                type = string(typeEntry.value(), prefix + "type");
                if (type != null) {
                    if (type.startsWith("trigger::")) {
                        type = type.substring("trigger::".length());
                    }
                    if (!TriggerDef.TYPES.contains(type)) {
                        error(typeEntry.value().mark(), prefix + "unknown trigger type '" + type + "'"
                                + Names.suggest(type, TriggerDef.TYPES) + "; expected one of " + String.join(", ", TriggerDef.TYPES));
                        type = null;
                    }
                }
            }
            boolean enabled = optionalBool(m.get("enabled"), prefix + "enabled", true);
            String description = optionalString(m.get("description"), prefix + "description", "");
            Map<String, Object> params = type == null ? Map.of() : triggerParams(type, m.entry("params"), m.mark(), prefix);
            if (id != null && type != null) {
                triggers.put(id, new TriggerDef(id, type, params, enabled, description, m.mark()));
            }
        }
    }

    private Map<String, Object> triggerParams(String type, YEntry entry, Mark triggerMark, String prefix) {
        YMap m;
        if (entry == null || isNull(entry.value())) {
            m = new YMap(List.of(), triggerMark);
        } else if (entry.value() instanceof YMap pm) {
            m = pm;
        } else {
            if (!(entry.value() instanceof YBad)) {
                error(entry.value().mark(), prefix + "params must be a map, found " + kind(entry.value()));
            }
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        switch (type) {
            case "webhook" -> {
                checkParams(m, List.of("path", "method", "mode", "auth"), type, prefix);
                String path = optionalString(m.get("path"), prefix + "params.path", "/" + flowName);
                if (m.get("path") != null && path != null && !path.startsWith("/")) {
                    error(m.get("path").mark(), prefix + "params.path must start with '/', got '" + path + "'");
                }
                out.put("path", path);
                String method = optionalString(m.get("method"), prefix + "params.method", "POST");
                if (method != null) {
                    String written = method;
                    method = method.toUpperCase(Locale.ROOT);
                    if (!HTTP_METHODS.contains(method)) {
                        error(m.get("method").mark(), prefix + "params.method must be one of "
                                + String.join(", ", HTTP_METHODS) + ", got '" + written + "'");
                    }
                }
                out.put("method", method);
                String mode = optionalString(m.get("mode"), prefix + "params.mode", "sync");
                if (mode != null && !mode.equals("sync") && !mode.equals("async")) {
                    error(m.get("mode").mark(), prefix + "params.mode must be 'sync' (reply with the trace's result) or 'async' (reply 202 with the trace id), got '" + mode + "'");
                }
                out.put("mode", mode);
                YNode auth = m.get("auth");
                if (auth != null && !isNull(auth)) {
                    webhookAuth(auth, prefix);
                    out.put("auth", YamlTree.toJava(auth, "", null));
                }
            }
            case "cron" -> {
                checkParams(m, List.of("schedule", "timezone"), type, prefix);
                YNode sched = m.get("schedule");
                if (sched == null) {
                    error(m.mark(), prefix + "cron trigger needs params.schedule");
                } else {
                    String s = string(sched, prefix + "params.schedule");
                    if (s != null) {
                        cronSchedule(s, sched.mark(), prefix);
                        out.put("schedule", s);
                    }
                }
                String tz = optionalString(m.get("timezone"), prefix + "params.timezone", "UTC");
                if (tz != null) {
                    try {
                        ZoneId.of(tz);
                    } catch (DateTimeException e) {
                        error(m.get("timezone").mark(), prefix + "params.timezone '" + tz + "' is not a time zone (use an id like 'Europe/Paris' or 'UTC')");
                    }
                }
                out.put("timezone", tz);
            }
            case "filesystem" -> {
                checkParams(m, List.of("path", "events", "pattern", "recursive"), type, prefix);
                YNode path = m.get("path");
                if (path == null) {
                    error(m.mark(), prefix + "filesystem trigger needs params.path");
                } else {
                    String p = string(path, prefix + "params.path");
                    if (p != null && p.isBlank()) {
                        error(path.mark(), prefix + "params.path must not be empty");
                    }
                    out.put("path", p);
                }
                YNode events = m.get("events");
                List<String> evs = new ArrayList<>();
                if (events == null || isNull(events)) {
                    evs.addAll(FS_EVENTS);
                } else if (events instanceof YSeq es) {
                    for (YNode e : es.items()) {
                        String ev = string(e, prefix + "params.events[]");
                        if (ev != null) {
                            if (!FS_EVENTS.contains(ev)) {
                                error(e.mark(), prefix + "unknown file event '" + ev + "'; expected one of " + String.join(", ", FS_EVENTS));
                            } else {
                                evs.add(ev);
                            }
                        }
                    }
                } else if (!(events instanceof YBad)) {
                    error(events.mark(), prefix + "params.events must be a list of " + String.join(", ", FS_EVENTS) + ", found " + kind(events));
                }
                out.put("events", List.copyOf(evs));
                String pattern = optionalString(m.get("pattern"), prefix + "params.pattern", null);
                if (pattern != null) {
                    try {
                        FileSystems.getDefault().getPathMatcher("glob:" + pattern);
                    } catch (java.util.regex.PatternSyntaxException e) {
                        error(m.get("pattern").mark(), prefix + "params.pattern '" + pattern + "' is not a valid glob: "
                                + e.getDescription() + " near index " + e.getIndex());
                    } catch (IllegalArgumentException e) {
                        error(m.get("pattern").mark(), prefix + "params.pattern '" + pattern + "' is not a valid glob");
                    }
                }
                out.put("pattern", pattern);
                out.put("recursive", optionalBool(m.get("recursive"), prefix + "params.recursive", false));
            }
            case "manual", "queue", "memory" -> {
                checkParams(m, List.of("buffer_size"), type, prefix);
                long dflt = switch (type) {
                    case "manual" -> 10;
                    case "queue" -> 100;
                    default -> 1000;
                };
                out.put("buffer_size", optionalLong(m.get("buffer_size"), prefix + "params.buffer_size", 1, Integer.MAX_VALUE, dflt));
            }
            default -> throw new IllegalStateException(type);
        }
        return out;
    }

    private void webhookAuth(YNode auth, String prefix) {
        if (!(auth instanceof YMap a)) {
            if (!(auth instanceof YBad)) {
                error(auth.mark(), prefix + "params.auth must be a map with 'type' (hmac or bearer), found " + kind(auth));
            }
            return;
        }
        checkKeys(a, List.of("type", "secret", "secret_env", "token", "header", "timestamp_header", "tolerance_seconds",
                "replay_cache_entries"),
                prefix + "params.auth: ");
        YNode t = a.get("type");
        if (t == null) {
            error(a.mark(), prefix + "params.auth needs 'type': hmac or bearer");
            return;
        }
        String type = string(t, prefix + "params.auth.type");
        if (type == null) {
            return;
        }
        switch (type) {
            case "hmac" -> {
                if (a.get("secret") == null && a.get("secret_env") == null) {
                    error(a.mark(), prefix + "params.auth of type hmac needs 'secret' or 'secret_env'");
                }
            }
            case "bearer" -> {
                if (a.get("token") == null && a.get("secret_env") == null) {
                    error(a.mark(), prefix + "params.auth of type bearer needs 'token' or 'secret_env'");
                }
            }
            default -> error(t.mark(), prefix + "params.auth.type must be 'hmac' or 'bearer', got '" + type + "'");
        }
        for (String k : List.of("secret", "secret_env", "token", "header", "timestamp_header")) {
            optionalString(a.get(k), prefix + "params.auth." + k, null);
        }
        optionalLong(a.get("tolerance_seconds"), prefix + "params.auth.tolerance_seconds", 1, 86_400, 300);
        optionalLong(a.get("replay_cache_entries"), prefix + "params.auth.replay_cache_entries", 1, 10_000_000, 100_000);
    }

    private void cronSchedule(String s, Mark mark, String prefix) {
        String[] fields = s.strip().split("\\s+");
        if (s.isBlank()) {
            error(mark, prefix + "params.schedule must not be empty");
        } else if (fields.length == 5) {
            error(mark, prefix + "cron schedules need a seconds field: 'sec min hour day month weekday' (got '" + s + "')");
        } else if (fields.length != 6 && fields.length != 7) {
            error(mark, prefix + "cron schedule '" + s + "' has " + fields.length
                    + " fields; expected 6 or 7: 'sec min hour day month weekday [year]'");
        } else {
            for (String f : fields) {
                if (!CRON_FIELD.matcher(f).matches()) {
                    error(mark, prefix + "cron schedule '" + s + "' has a bad field '" + f + "'");
                    break;
                }
            }
        }
    }

    private void checkParams(YMap m, List<String> allowed, String type, String prefix) {
        for (YEntry e : m.entries()) {
            if (!allowed.contains(e.key())) {
                error(e.keyMark(), prefix + "unknown param '" + e.key() + "' for a " + type + " trigger; expected "
                        + (allowed.size() == 1 ? allowed.get(0) : "one of " + String.join(", ", allowed)));
            }
        }
    }

    // ---------------------------------------------------------------- nodes

    private void parseNodes(YNode n) {
        if (!(n instanceof YMap m)) {
            if (isNull(n)) {
                error(n.mark(), "nodes must not be empty");
            } else if (!(n instanceof YBad)) {
                error(n.mark(), "nodes must be a map from node id to {type, config}, found " + kind(n));
            }
            return;
        }
        if (m.entries().isEmpty()) {
            error(n.mark(), "nodes must not be empty");
            return;
        }
        if (m.entries().size() > limits.maxNodes()) {
            error(n.mark(), "too many nodes: " + m.entries().size() + "; the limit is " + limits.maxNodes());
            return;
        }
        for (YEntry e : m.entries()) {
            parseNode(e);
        }
    }

    private void parseNode(YEntry e) {
        String id = e.key();
        Mark mark = e.keyMark();
        String prefix = "node '" + id + "': ";
        if (checkId(id, mark, "node id") && triggers.containsKey(id)) {
            error(mark, "node id '" + id + "' is also the id of a trigger");
        }
        if (!(e.value() instanceof YMap m)) {
            if (!(e.value() instanceof YBad)) {
                error(e.value().mark(), prefix + "must be a map with at least 'type', found " + kind(e.value()));
            }
            return;
        }
        checkKeys(m, NODE_KEYS, prefix);

        YEntry typeEntry = m.entry("type");
        String type = null;
        Mark typeMark = mark;
        NodeFactory factory = null;
        if (typeEntry == null) {
            error(mark, prefix + "missing required key 'type'");
        } else {
            typeMark = typeEntry.value().mark();
            type = string(typeEntry.value(), prefix + "type");
            if (type != null) {
                factory = registry.find(type).orElse(null);
                if (type.isBlank()) {
                    error(typeMark, prefix + "type must not be empty");
                } else if (factory == null && registry.refusal(type).isPresent()) {
                    error(typeMark, prefix + registry.refusal(type).get());
                } else if (factory == null) {
                    List<String> known = registry.all().stream().map(NodeFactory::type).toList();
                    error(typeMark, prefix + "unknown node type '" + type + "'" + Names.suggest(type, known));
                }
            }
        }

        Map<String, Mark> configMarks = new LinkedHashMap<>();
        Object config = Map.of();
        // A config that is broken as YAML, or not a map, is reported once; the factory would only repeat it.
        boolean validatable = true;
        YNode configNode = m.get("config");
        if (configNode != null && !isNull(configNode)) {
            if (configNode instanceof YMap) {
                config = YamlTree.toJava(configNode, "", configMarks);
                validatable = !YamlTree.containsBad(configNode);
            } else {
                validatable = false;
                if (!(configNode instanceof YBad)) {
                    error(configNode.mark(), prefix + "config must be a map, found " + kind(configNode));
                }
            }
        }

        Long timeout = null;
        YNode t = m.get("timeout_ms");
        if (t != null && !isNull(t)) {
            timeout = optionalLong(t, prefix + "timeout_ms", 1, Long.MAX_VALUE, 0);
        }
        RetryPolicy retry = retry(m.get("retry"), prefix);
        boolean enabled = optionalBool(m.get("enabled"), prefix + "enabled", true);
        String description = optionalString(m.get("description"), prefix + "description", "");

        NodeDef def = new NodeDef(id, type == null ? "" : type, config, timeout, retry, enabled, description, mark,
                typeMark, configMarks);
        if (factory != null) {
            factories.put(id, factory);
            if (validatable) {
                validateConfig(def, factory);
            }
        }
        nodes.put(id, def);
    }

    private void validateConfig(NodeDef def, NodeFactory factory) {
        List<ConfigError> problems;
        try {
            problems = factory.validate(Values.of(def.config()));
        } catch (RuntimeException ex) {
            error(def.configMark(""), "node '" + def.id() + "': " + def.type() + " failed to validate its config: " + ex);
            return;
        }
        for (ConfigError ce : problems) {
            error(def.configMark(ce.path()), "node '" + def.id() + "': " + ConfigPaths.show(ce.path()) + ": " + ce.message());
        }
    }

    private RetryPolicy retry(YNode n, String prefix) {
        if (n == null || isNull(n)) {
            return null;
        }
        if (!(n instanceof YMap m)) {
            if (!(n instanceof YBad)) {
                error(n.mark(), prefix + "retry must be a map of " + String.join(", ", RETRY_KEYS) + ", found " + kind(n));
            }
            return null;
        }
        checkKeys(m, RETRY_KEYS, prefix + "retry: ");
        RetryPolicy d = RetryPolicy.DEFAULT;
        int errorsBefore = errors.size();
        long attempts = optionalLong(m.get("max_attempts"), prefix + "retry.max_attempts", 1, 1000, d.maxAttempts());
        long initial = optionalLong(m.get("initial_delay_ms"), prefix + "retry.initial_delay_ms", 0, Long.MAX_VALUE, d.initialDelayMs());
        long max = optionalLong(m.get("max_delay_ms"), prefix + "retry.max_delay_ms", 0, Long.MAX_VALUE, d.maxDelayMs());
        double mult = optionalDouble(m.get("backoff_multiplier"), prefix + "retry.backoff_multiplier", 1.0, 1000.0, d.backoffMultiplier());
        boolean jitter = optionalBool(m.get("jitter"), prefix + "retry.jitter", d.jitter());
        if (errors.size() != errorsBefore) {
            return null;
        }
        if (max < initial) {
            Mark at = m.get("max_delay_ms") != null ? m.get("max_delay_ms").mark() : m.get("initial_delay_ms").mark();
            error(at, prefix + "retry.max_delay_ms (" + max + ") must not be less than retry.initial_delay_ms (" + initial + ")");
            return null;
        }
        return new RetryPolicy((int) attempts, initial, max, mult, jitter);
    }

    private boolean checkId(String id, Mark mark, String what) {
        if (!ID.matcher(id).matches()) {
            error(mark, what + " '" + id + "' must start with a letter or '_' and contain only letters, digits and '_'");
            return false;
        }
        if (RESERVED_IDS.contains(id)) {
            error(mark, what + " '" + id + "' is reserved for selectors; reserved: input, pipeline, trace, trigger");
            return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- edges

    private void parseEdges(YNode n) {
        if (n == null || isNull(n)) {
            return;
        }
        if (!(n instanceof YSeq seq)) {
            if (!(n instanceof YBad)) {
                error(n.mark(), "edges must be a list of {from, to}, found " + kind(n));
            }
            edgesBroken = true;
            return;
        }
        if (seq.items().size() > limits.maxEdges()) {
            error(n.mark(), "too many edges: " + seq.items().size() + "; the limit is " + limits.maxEdges());
            edgesBroken = true;
            return;
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < seq.items().size(); i++) {
            YNode item = seq.items().get(i);
            String where = "edges[" + i + "]";
            if (!(item instanceof YMap m)) {
                if (!(item instanceof YBad)) {
                    error(item.mark(), where + " must be a map with 'from' and 'to', found " + kind(item));
                }
                edgesBroken = true;
                continue;
            }
            checkKeys(m, EDGE_KEYS, where + ": ");
            YEntry fromE = m.entry("from");
            YEntry toE = m.entry("to");
            String from = null;
            String to = null;
            if (fromE == null) {
                error(m.mark(), where + ": missing required key 'from'");
            } else {
                from = string(fromE.value(), where + ".from");
            }
            if (toE == null) {
                error(m.mark(), where + ": missing required key 'to'");
            } else {
                to = string(toE.value(), where + ".to");
            }
            String condText = optionalString(m.get("condition"), where + ".condition", null);
            boolean loopBack = optionalBool(m.get("loop_back"), where + ".loop_back", false);
            String description = optionalString(m.get("description"), where + ".description", "");
            if (from == null || to == null) {
                edgesBroken = true;
                continue;
            }
            String[] f = endpoint(from, fromE.value().mark(), "edge from", NodeFactory.DEFAULT_OUTPUT);
            String[] t = endpoint(to, toE.value().mark(), "edge to", NodeFactory.DEFAULT_INPUT);
            if (f == null || t == null) {
                edgesBroken = true;
                continue;
            }
            boolean ok = resolveFrom(from, f[0], f[1], fromE.value().mark())
                    & resolveTo(to, t[0], t[1], toE.value().mark());
            EdgeCondition cond = null;
            Mark condMark = m.get("condition") == null ? null : m.get("condition").mark();
            if (condText != null) {
                try {
                    cond = EdgeCondition.parse(condText);
                } catch (IllegalArgumentException ex) {
                    error(condMark, where + ": condition: " + ex.getMessage());
                }
            }
            EdgeDef def = new EdgeDef(f[0], f[1], t[0], t[1], condText, loopBack, description == null ? "" : description, m.mark());
            String key = def.label() + "|" + loopBack + "|" + condText;
            Integer first = seen.putIfAbsent(key, i);
            if (first != null) {
                error(m.mark(), where + ": duplicate of edges[" + first + "] (" + def.label() + ")");
            }
            if (!ok) {
                edgesBroken = true;
            }
            edges.add(new ParsedEdge(i, def, fromE.value().mark(), toE.value().mark(), condMark, cond, ok));
        }
    }

    /** Splits {@code node[.port]} at the last '.'. */
    private String[] endpoint(String text, Mark mark, String what, String defaultPort) {
        int dot = text.lastIndexOf('.');
        String id = dot < 0 ? text : text.substring(0, dot);
        String port = dot < 0 ? defaultPort : text.substring(dot + 1);
        if (id.isEmpty() || port.isEmpty()) {
            error(mark, what + " '" + text + "': expected 'node' or 'node.port'");
            return null;
        }
        return new String[] {id, port};
    }

    private boolean resolveFrom(String text, String id, String port, Mark mark) {
        if (triggers.containsKey(id)) {
            if (!port.equals(NodeFactory.DEFAULT_OUTPUT)) {
                error(mark, "edge from '" + text + "': trigger '" + id + "' has only the output port 'out'");
                return false;
            }
            return true;
        }
        NodeDef node = nodes.get(id);
        if (node == null) {
            List<String> names = new ArrayList<>(nodes.keySet());
            names.addAll(triggers.keySet());
            error(mark, "edge from '" + text + "': no node or trigger named '" + id + "'" + Names.suggest(id, names));
            return false;
        }
        NodeFactory f = factories.get(id);
        if (f == null) {
            return true; // its type is unknown (already reported), so its ports cannot be checked
        }
        List<String> declared = f.outputPorts(Values.of(node.config()));
        if (!port.equals(NodeFactory.ERROR_PORT) && !declared.contains(port)) {
            List<String> ports = new ArrayList<>(declared);
            ports.add(NodeFactory.ERROR_PORT);
            error(mark, "edge from '" + text + "': node '" + id + "' (" + node.type() + ") has no output port '" + port
                    + "'; ports: " + String.join(", ", ports));
            return false;
        }
        return true;
    }

    private boolean resolveTo(String text, String id, String port, Mark mark) {
        if (triggers.containsKey(id)) {
            error(mark, "edge to '" + text + "': '" + id + "' is a trigger; triggers cannot be the target of an edge");
            return false;
        }
        NodeDef node = nodes.get(id);
        if (node == null) {
            error(mark, "edge to '" + text + "': no node named '" + id + "'" + Names.suggest(id, nodes.keySet()));
            return false;
        }
        NodeFactory f = factories.get(id);
        if (f == null) {
            return true;
        }
        if (!f.inputPorts().contains(port)) {
            error(mark, "edge to '" + text + "': node '" + id + "' (" + node.type() + ") has no input port '" + port
                    + "'; ports: " + String.join(", ", f.inputPorts()));
            return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- graph

    private List<ParsedEdge> forward;

    /** Node-to-node edges that take part in ordering: resolved and not loop_back. */
    private List<ParsedEdge> forwardEdges() {
        if (forward == null) {
            forward = edges.stream()
                    .filter(e -> e.resolved() && !e.def().loopBack() && nodes.containsKey(e.def().from()))
                    .toList();
        }
        return forward;
    }

    private void checkCycles() {
        Map<String, List<ParsedEdge>> out = new LinkedHashMap<>();
        for (ParsedEdge e : forwardEdges()) {
            out.computeIfAbsent(e.def().from(), k -> new ArrayList<>()).add(e);
        }
        List<String> order = new ArrayList<>(nodes.keySet());
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            position.put(order.get(i), i);
        }
        for (List<String> scc : new Tarjan(order, out).components()) {
            boolean selfLoop = scc.size() == 1 && out.getOrDefault(scc.get(0), List.of()).stream()
                    .anyMatch(e -> e.def().to().equals(scc.get(0)));
            if (scc.size() < 2 && !selfLoop) {
                continue;
            }
            Set<String> members = new HashSet<>(scc);
            String start = scc.stream().min(Comparator.comparing(position::get)).orElseThrow();
            // Shortest way round from start back to start, inside the component.
            Map<String, ParsedEdge> via = new HashMap<>();
            java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>(List.of(start));
            ParsedEdge closing = null;
            search:
            while (!queue.isEmpty()) {
                String cur = queue.poll();
                for (ParsedEdge e : out.getOrDefault(cur, List.of())) {
                    String next = e.def().to();
                    if (next.equals(start)) {
                        closing = e;
                        break search;
                    }
                    if (members.contains(next) && !via.containsKey(next)) {
                        via.put(next, e);
                        queue.add(next);
                    }
                }
            }
            List<String> path = new ArrayList<>();
            path.add(start);
            for (String at = closing.def().from(); !at.equals(start); at = via.get(at).def().from()) {
                path.add(1, at);
            }
            path.add(start);
            error(closing.def().mark(), "cycle: " + String.join(" -> ", path)
                    + "; close loops through a std::loop node with an edge marked loop_back: true");
        }
    }

    private void checkLoopBacks() {
        for (ParsedEdge e : edges) {
            if (!e.resolved() || !e.def().loopBack()) {
                continue;
            }
            EdgeDef d = e.def();
            String where = "edges[" + e.index() + "]";
            NodeDef target = nodes.get(d.to());
            if (!factories.containsKey(d.to())) {
                continue; // unknown type, already reported
            }
            if (!LOOP_TYPE.equals(target.type())) {
                error(d.mark(), where + ": a loop_back edge must go to a " + LOOP_TYPE + " node; '" + d.to() + "' is "
                        + target.type());
                continue;
            }
            if (d.from().equals(d.to()) && d.fromPort().equals(LOOP_CONTINUE_PORT)) {
                continue;
            }
            Set<String> body = new HashSet<>();
            java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>();
            for (ParsedEdge f : forwardEdges()) {
                if (f.def().from().equals(d.to()) && f.def().fromPort().equals(LOOP_CONTINUE_PORT) && body.add(f.def().to())) {
                    queue.add(f.def().to());
                }
            }
            while (!queue.isEmpty()) {
                String cur = queue.poll();
                for (ParsedEdge f : forwardEdges()) {
                    if (f.def().from().equals(cur) && body.add(f.def().to())) {
                        queue.add(f.def().to());
                    }
                }
            }
            if (!body.contains(d.from())) {
                error(d.mark(), where + ": loop_back edge from '" + d.from() + "' to loop '" + d.to() + "': '" + d.from()
                        + "' is not reachable from '" + d.to() + "." + LOOP_CONTINUE_PORT + "'");
            }
        }
    }

    // ---------------------------------------------------------------- selectors

    private final Map<String, Set<String>> upstreamCache = new HashMap<>();

    /** Nodes that run before {@code id}: reachable backwards through forward edges. */
    private Set<String> upstream(String id) {
        return upstreamCache.computeIfAbsent(id, k -> {
            Map<String, List<String>> in = new HashMap<>();
            for (ParsedEdge e : forwardEdges()) {
                in.computeIfAbsent(e.def().to(), x -> new ArrayList<>()).add(e.def().from());
            }
            Set<String> seen = new HashSet<>();
            java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>(List.of(k));
            while (!queue.isEmpty()) {
                for (String p : in.getOrDefault(queue.poll(), List.of())) {
                    if (seen.add(p)) {
                        queue.add(p);
                    }
                }
            }
            seen.remove(k);
            return seen;
        });
    }

    private void checkSelectors() {
        for (NodeDef n : nodes.values()) {
            walkStrings(n.config(), "", (path, s) -> {
                Template t;
                try {
                    t = Template.parse(s);
                } catch (IllegalArgumentException ex) {
                    error(n.configMark(path), "node '" + n.id() + "': " + ConfigPaths.show(path) + ": " + ex.getMessage());
                    return;
                }
                for (SelectorRef ref : t.selectors()) {
                    checkSelector(ref, "in node '" + n.id() + "'", n.id(), false, n.configMark(path));
                }
            });
        }
        for (ParsedEdge e : edges) {
            if (e.condition() == null) {
                continue;
            }
            String from = e.def().from();
            for (SelectorRef ref : e.condition().selectors()) {
                checkSelector(ref, "in the condition of edges[" + e.index() + "]", from, true, e.conditionMark());
            }
        }
    }

    private void checkSelector(SelectorRef ref, String where, String reader, boolean readerMayBeRead, Mark mark) {
        switch (ref.root()) {
            case NODE -> {
                String id = ref.nodeId();
                if (!nodes.containsKey(id)) {
                    String hint = triggers.containsKey(id)
                            ? "; '" + id + "' is a trigger: read its payload with ${trigger.<path>}"
                            : Names.suggest(id, nodes.keySet());
                    error(mark, "selector '" + ref.text() + "' " + where + " reads unknown node '" + id + "'" + hint);
                    return;
                }
                if (edgesBroken) {
                    return; // the graph is incomplete; do not guess what runs first
                }
                if (id.equals(reader) && !readerMayBeRead) {
                    error(mark, "selector '" + ref.text() + "' " + where + " reads node '" + id
                            + "' itself; a node can only read nodes that run before it");
                    return;
                }
                boolean ok = id.equals(reader) || (nodes.containsKey(reader) && upstream(reader).contains(id));
                if (!ok) {
                    error(mark, "selector '" + ref.text() + "' " + where + " reads node '" + id
                            + "', which does not run before '" + reader + "'");
                }
            }
            case PIPELINE_CONFIG -> {
                if (ref.path().isRoot()) {
                    return;
                }
                if (!(ref.path().step(0) instanceof String key)) {
                    error(mark, "selector '" + ref.text() + "' " + where + ": the pipeline config is a map, not a list");
                } else if (!pipelineConfig.containsKey(key)) {
                    error(mark, "selector '" + ref.text() + "' " + where + ": the pipeline config has no key '" + key + "'"
                            + Names.suggest(key, pipelineConfig.keySet()));
                }
            }
            case TRIGGER, TRACE_ID -> {
            }
        }
    }

    private static void walkStrings(Object v, String path, java.util.function.BiConsumer<String, String> visit) {
        switch (v) {
            case String s -> {
                if (Template.mayHaveSelectors(s)) {
                    visit.accept(path, s);
                }
            }
            case Map<?, ?> m -> m.forEach((k, x) -> walkStrings(x, ConfigPaths.key(path, (String) k), visit));
            case List<?> l -> {
                for (int i = 0; i < l.size(); i++) {
                    walkStrings(l.get(i), ConfigPaths.index(path, i), visit);
                }
            }
            case null, default -> {
            }
        }
    }

    // ---------------------------------------------------------------- settings

    private FlowSettings parseSettings(YNode n) {
        FlowSettings d = FlowSettings.DEFAULT;
        if (n == null || isNull(n)) {
            return d;
        }
        if (!(n instanceof YMap m)) {
            if (!(n instanceof YBad)) {
                error(n.mark(), "settings must be a map, found " + kind(n));
            }
            return d;
        }
        checkKeys(m, SETTINGS_KEYS, "settings: ");
        int before = errors.size();
        String p = "settings.";
        FlowSettings s = new FlowSettings(
                (int) optionalLong(m.get("max_concurrent_executions"), p + "max_concurrent_executions", 1, Integer.MAX_VALUE, d.maxConcurrentExecutions()),
                optionalLong(m.get("execution_timeout_ms"), p + "execution_timeout_ms", 1, Long.MAX_VALUE, d.executionTimeoutMs()),
                errorRate(m.get("circuit_breaker_threshold"), d.circuitBreakerErrorRate()),
                (int) optionalLong(m.get("circuit_breaker_failure_threshold"), p + "circuit_breaker_failure_threshold", 1, Integer.MAX_VALUE, d.circuitBreakerFailureThreshold()),
                optionalLong(m.get("circuit_breaker_window_ms"), p + "circuit_breaker_window_ms", 1, Long.MAX_VALUE, d.circuitBreakerWindowMs()),
                optionalLong(m.get("circuit_breaker_recovery_ms"), p + "circuit_breaker_recovery_ms", 1, Long.MAX_VALUE, d.circuitBreakerRecoveryMs()),
                (int) optionalLong(m.get("circuit_breaker_success_threshold"), p + "circuit_breaker_success_threshold", 1, Integer.MAX_VALUE, d.circuitBreakerSuccessThreshold()),
                (int) optionalLong(m.get("max_concurrent_versions"), p + "max_concurrent_versions", 1, Integer.MAX_VALUE, d.maxConcurrentVersions()),
                optionalLong(m.get("drain_timeout_ms"), p + "drain_timeout_ms", 0, Long.MAX_VALUE, d.drainTimeoutMs()),
                optionalLong(m.get("drain_grace_period_ms"), p + "drain_grace_period_ms", 0, Long.MAX_VALUE, d.drainGracePeriodMs()),
                (int) optionalLong(m.get("max_queued_traces"), p + "max_queued_traces", 0, Integer.MAX_VALUE, d.maxQueuedTraces()),
                optionalBool(m.get("debug"), p + "debug", d.debug()));
        return errors.size() == before ? s : d;
    }

    private double errorRate(YNode n, double dflt) {
        if (n == null || isNull(n)) {
            return dflt;
        }
        if (n instanceof YScalar s && s.value() instanceof Number num) {
            double v = num.doubleValue();
            if (v > 0 && v <= 1) {
                return v;
            }
        } else if (n instanceof YBad) {
            return dflt;
        }
        error(n.mark(), "settings.circuit_breaker_threshold is an error rate: a number greater than 0 and at most 1, got "
                + describe(n));
        return dflt;
    }

    // ---------------------------------------------------------------- typed reads

    private void error(Mark mark, String message) {
        errors.add(new FlowError(mark, message));
    }

    private void checkKeys(YMap m, List<String> allowed, String prefix) {
        for (YEntry e : m.entries()) {
            if (!allowed.contains(e.key())) {
                error(e.keyMark(), prefix + "unknown key '" + e.key() + "'; expected one of " + String.join(", ", allowed));
            }
        }
    }

    private static boolean isNull(YNode n) {
        return n instanceof YScalar s && s.value() == null;
    }

    private static String kind(YNode n) {
        return switch (n) {
            case YMap m -> "a map";
            case YSeq s -> "a list";
            case YBad b -> "an invalid value";
            case YScalar s -> switch (s.value()) {
                case null -> "null";
                case String str -> "the string '" + str + "'";
                case Boolean b -> "the boolean " + b;
                default -> "the number " + s.text();
            };
        };
    }

    private static String describe(YNode n) {
        return n instanceof YScalar s && s.value() != null ? s.text() : kind(n);
    }

    /** A required string; null (after an error) when it is not one. */
    private String string(YNode n, String what) {
        if (n instanceof YScalar s && s.value() instanceof String str) {
            return str;
        }
        if (!(n instanceof YBad)) {
            error(n.mark(), what + " must be a string, found " + kind(n));
        }
        return null;
    }

    private String optionalString(YNode n, String what, String dflt) {
        if (n == null || isNull(n)) {
            return dflt;
        }
        String s = string(n, what);
        return s == null ? dflt : s;
    }

    private boolean optionalBool(YNode n, String what, boolean dflt) {
        if (n == null || isNull(n)) {
            return dflt;
        }
        if (n instanceof YScalar s && s.value() instanceof Boolean b) {
            return b;
        }
        if (!(n instanceof YBad)) {
            error(n.mark(), what + " must be true or false, found " + kind(n));
        }
        return dflt;
    }

    private long optionalLong(YNode n, String what, long min, long max, long dflt) {
        if (n == null || isNull(n)) {
            return dflt;
        }
        if (n instanceof YScalar s && s.value() instanceof Long l && l >= min && l <= max) {
            return l;
        }
        if (!(n instanceof YBad)) {
            String range = max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? ">= " + min : "from " + min + " to " + max;
            error(n.mark(), what + " must be an integer " + range + ", got " + describe(n));
        }
        return dflt;
    }

    private double optionalDouble(YNode n, String what, double min, double max, double dflt) {
        if (n == null || isNull(n)) {
            return dflt;
        }
        if (n instanceof YScalar s && s.value() instanceof Number num) {
            double v = num.doubleValue();
            if (v >= min && v <= max) {
                return v;
            }
        }
        if (!(n instanceof YBad)) {
            error(n.mark(), what + " must be a number from " + fmt(min) + " to " + fmt(max) + ", got " + describe(n));
        }
        return dflt;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** Strongly connected components of the node graph, in a deterministic order. */
    private static final class Tarjan {
        private final List<String> order;
        private final Map<String, List<ParsedEdge>> out;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final java.util.ArrayDeque<String> stack = new java.util.ArrayDeque<>();
        private final Set<String> onStack = new HashSet<>();
        private final List<List<String>> result = new ArrayList<>();
        private int next;

        Tarjan(List<String> order, Map<String, List<ParsedEdge>> out) {
            this.order = order;
            this.out = out;
        }

        List<List<String>> components() {
            for (String v : order) {
                if (!index.containsKey(v)) {
                    visit(v);
                }
            }
            return result;
        }

        private void visit(String v) {
            index.put(v, next);
            low.put(v, next);
            next++;
            stack.push(v);
            onStack.add(v);
            for (ParsedEdge e : out.getOrDefault(v, List.of())) {
                String w = e.def().to();
                if (!index.containsKey(w)) {
                    visit(w);
                    low.put(v, Math.min(low.get(v), low.get(w)));
                } else if (onStack.contains(w)) {
                    low.put(v, Math.min(low.get(v), index.get(w)));
                }
            }
            if (low.get(v).equals(index.get(v))) {
                List<String> scc = new ArrayList<>();
                String w;
                do {
                    w = stack.pop();
                    onStack.remove(w);
                    scc.add(w);
                } while (!w.equals(v));
                result.add(scc);
            }
        }
    }
}
