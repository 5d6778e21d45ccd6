package io.xerv.host.flow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Turns YAML text into a tree of plain values with positions, without ever constructing objects from
 * tags. Only the core tags are accepted; scalars are resolved with the YAML core schema. Not
 * thread-safe (one instance per load).
 */
final class YamlTree {

    /** A value with its position. */
    sealed interface YNode permits YScalar, YMap, YSeq, YBad {
        Mark mark();
    }

    /** A scalar: String, Long, Double, Boolean or null; {@code text} is the source text. */
    record YScalar(Object value, String text, Mark mark) implements YNode {
    }

    record YEntry(String key, Mark keyMark, YNode value) {
    }

    /** A map with unique string keys, in file order. */
    record YMap(List<YEntry> entries, Mark mark) implements YNode {
        YEntry entry(String key) {
            for (YEntry e : entries) {
                if (e.key().equals(key)) {
                    return e;
                }
            }
            return null;
        }

        YNode get(String key) {
            YEntry e = entry(key);
            return e == null ? null : e.value();
        }
    }

    record YSeq(List<YNode> items, Mark mark) implements YNode {
    }

    /** A value already reported as an error; readers skip it silently. */
    record YBad(Mark mark) implements YNode {
    }

    private static final String CORE = Tag.PREFIX;
    private static final Set<Tag> ALLOWED = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.MAP, Tag.SEQ);

    private final String file;
    private final FlowLimits limits;
    private final List<FlowError> errors;
    private final Set<Node> onPath = Collections.newSetFromMap(new IdentityHashMap<>());
    private int values;

    private YamlTree(String file, FlowLimits limits, List<FlowError> errors) {
        this.file = file;
        this.limits = limits;
        this.errors = errors;
    }

    /** Thrown inside the walk when going on is pointless (a limit that guards memory was hit). */
    private static final class Abort extends RuntimeException {
        Abort() {
            super(null, null, false, false);
        }
    }

    /**
     * Parses {@code text}. Problems are added to {@code errors}.
     *
     * @return the root, or {@code null} when the text is not usable YAML (an error was added)
     */
    static YNode parse(String file, String text, FlowLimits limits, List<FlowError> errors) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(file)
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(true) // reported by us, with positions, all of them
                .setAllowRecursiveKeys(false)
                .setAllowNonScalarKeys(true) // reported by us, at the key
                .setMaxAliasesForCollections(limits.maxAliases())
                .setCodePointLimit(Math.max(limits.maxFileBytes(), 1) + 1)
                .setUseMarks(true)
                .build();
        YamlTree t = new YamlTree(file, limits, errors);
        try {
            // A first pass over the events checks depth and aliases before the (recursive) composer runs.
            if (!t.precheck(new Parse(settings).parseString(text))) {
                return null;
            }
            Optional<Node> root = new Compose(settings).composeString(text);
            if (root.isEmpty()) {
                errors.add(new FlowError(Mark.start(file), "the file is empty; a flow needs at least 'name' and 'nodes'"));
                return null;
            }
            return t.convert(root.get(), 1);
        } catch (MarkedYamlEngineException e) {
            Mark m = e.getProblemMark().or(e::getContextMark).map(t::mark).orElse(Mark.start(file));
            // One line per error: the YAML library's messages may break lines.
            String problem = e.getProblem() != null ? e.getProblem().strip().replaceAll("\\s*\\R\\s*", " ") : "";
            String context = e.getContext() != null ? e.getContext().strip() : "";
            if (problem.isEmpty() || (problem.startsWith("but ") && !context.isEmpty())) {
                problem = context + (problem.isEmpty() ? "" : ", " + problem);
            }
            errors.add(new FlowError(m, "YAML syntax: " + problem));
            return null;
        } catch (YamlEngineException e) {
            errors.add(new FlowError(Mark.start(file), "YAML syntax: " + e.getMessage()));
            return null;
        } catch (Abort e) {
            return null;
        }
    }

    private boolean precheck(Iterable<Event> events) {
        int depth = 0;
        int aliases = 0;
        for (Event e : events) {
            switch (e.getEventId()) {
                case MappingStart, SequenceStart -> {
                    if (++depth > limits.maxDepth()) {
                        errors.add(new FlowError(mark(e.getStartMark()), "nesting is deeper than " + limits.maxDepth() + " levels"));
                        return false;
                    }
                }
                case MappingEnd, SequenceEnd -> depth--;
                case Alias -> {
                    if (++aliases > limits.maxAliases()) {
                        errors.add(new FlowError(mark(e.getStartMark()), "more than " + limits.maxAliases() + " aliases"));
                        return false;
                    }
                }
                default -> {
                }
            }
        }
        return true;
    }

    private Mark mark(Optional<org.snakeyaml.engine.v2.exceptions.Mark> m) {
        return m.map(this::mark).orElse(Mark.start(file));
    }

    private Mark mark(org.snakeyaml.engine.v2.exceptions.Mark m) {
        return new Mark(file, m.getLine() + 1, m.getColumn() + 1);
    }

    private YNode convert(Node node, int depth) {
        Mark mark = mark(node.getStartMark());
        if (++values > limits.maxValues()) {
            errors.add(new FlowError(mark, "the file expands to more than " + limits.maxValues() + " values (too many aliases?)"));
            throw new Abort();
        }
        if (depth > limits.maxDepth()) {
            errors.add(new FlowError(mark, "nesting is deeper than " + limits.maxDepth() + " levels"));
            throw new Abort();
        }
        Tag tag = node.getTag();
        if (!ALLOWED.contains(tag)) {
            errors.add(new FlowError(mark, "tag '" + showTag(tag) + "' is not allowed: flows cannot construct objects"));
            return new YBad(mark);
        }
        if (!onPath.add(node)) {
            errors.add(new FlowError(mark, "recursive alias: a value cannot contain itself"));
            return new YBad(mark);
        }
        try {
            return switch (node) {
                case ScalarNode s -> scalar(s, tag, mark);
                case SequenceNode s -> {
                    if (tag != Tag.SEQ && !tag.equals(Tag.SEQ)) {
                        yield wrongTag(tag, "a list", mark);
                    }
                    List<YNode> items = new ArrayList<>(s.getValue().size());
                    for (Node c : s.getValue()) {
                        items.add(convert(c, depth + 1));
                    }
                    yield new YSeq(Collections.unmodifiableList(items), mark);
                }
                case MappingNode m -> {
                    if (!tag.equals(Tag.MAP)) {
                        yield wrongTag(tag, "a map", mark);
                    }
                    yield map(m, depth, mark);
                }
                default -> new YBad(mark);
            };
        } finally {
            onPath.remove(node);
        }
    }

    private YNode map(MappingNode m, int depth, Mark mark) {
        List<YEntry> entries = new ArrayList<>(m.getValue().size());
        Map<String, Mark> seen = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            Node k = t.getKeyNode();
            Mark km = mark(k.getStartMark());
            if (!(k instanceof ScalarNode ks)) {
                errors.add(new FlowError(km, "map keys must be strings, not " + (k instanceof MappingNode ? "maps" : "lists")));
                continue;
            }
            if (!ALLOWED.contains(k.getTag())) {
                errors.add(new FlowError(km, "tag '" + showTag(k.getTag()) + "' is not allowed: flows cannot construct objects"));
                continue;
            }
            String key = ks.getValue();
            if (key.length() > limits.maxStringLength()) {
                errors.add(new FlowError(km, "key is " + key.length() + " characters long; the limit is " + limits.maxStringLength()));
                continue;
            }
            Mark first = seen.putIfAbsent(key, km);
            if (first != null) {
                errors.add(new FlowError(km, "duplicate key '" + key + "' (first at line " + first.line() + ")"));
                continue;
            }
            entries.add(new YEntry(key, km, convert(t.getValueNode(), depth + 1)));
        }
        return new YMap(Collections.unmodifiableList(entries), mark);
    }

    private YNode scalar(ScalarNode s, Tag tag, Mark mark) {
        String v = s.getValue();
        if (v.length() > limits.maxStringLength()) {
            errors.add(new FlowError(mark, "string is " + v.length() + " characters long; the limit is " + limits.maxStringLength()));
            return new YBad(mark);
        }
        if (tag.equals(Tag.STR)) {
            return new YScalar(v, v, mark);
        }
        if (tag.equals(Tag.NULL)) {
            if (!v.isEmpty() && !v.equals("~") && !v.equalsIgnoreCase("null")) {
                return wrongScalar(tag, v, mark);
            }
            return new YScalar(null, v, mark);
        }
        if (tag.equals(Tag.BOOL)) {
            if (v.equalsIgnoreCase("true")) {
                return new YScalar(Boolean.TRUE, v, mark);
            }
            if (v.equalsIgnoreCase("false")) {
                return new YScalar(Boolean.FALSE, v, mark);
            }
            return wrongScalar(tag, v, mark);
        }
        if (tag.equals(Tag.INT)) {
            Long l = parseInt(v);
            return l == null ? wrongScalar(tag, v, mark) : new YScalar(l, v, mark);
        }
        if (tag.equals(Tag.FLOAT)) {
            Double d = parseFloat(v);
            return d == null ? wrongScalar(tag, v, mark) : new YScalar(d, v, mark);
        }
        return wrongTag(tag, "a scalar", mark);
    }

    private static Long parseInt(String text) {
        String v = text.replace("_", "");
        try {
            boolean neg = v.startsWith("-");
            String d = v.startsWith("-") || v.startsWith("+") ? v.substring(1) : v;
            long r;
            if (d.startsWith("0x") || d.startsWith("0X")) {
                r = Long.parseLong(d.substring(2), 16);
            } else if (d.startsWith("0o") || d.startsWith("0O")) {
                r = Long.parseLong(d.substring(2), 8);
            } else {
                return Long.parseLong(v);
            }
            return neg ? -r : r;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Double parseFloat(String text) {
        String v = text.replace("_", "");
        String lower = v.toLowerCase(java.util.Locale.ROOT);
        switch (lower) {
            case ".inf", "+.inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-.inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case ".nan" -> {
                return Double.NaN;
            }
            default -> {
            }
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private YNode wrongScalar(Tag tag, String v, Mark mark) {
        String shown = tag.equals(Tag.INT) && looksNumeric(v) ? "is out of range for" : "is not a valid";
        errors.add(new FlowError(mark, "'" + v + "' " + shown + " " + showTag(tag)));
        return new YBad(mark);
    }

    private static boolean looksNumeric(String v) {
        return v.matches("[+-]?[0-9_]+");
    }

    private YNode wrongTag(Tag tag, String what, Mark mark) {
        errors.add(new FlowError(mark, "tag '" + showTag(tag) + "' cannot be applied to " + what));
        return new YBad(mark);
    }

    /** {@code !!int} for core tags, the tag as written otherwise. */
    static String showTag(Tag tag) {
        String v = tag.getValue();
        return v.startsWith(CORE) ? "!!" + v.substring(CORE.length()) : v;
    }

    /** True when the value holds something already reported as broken. */
    static boolean containsBad(YNode n) {
        return switch (n) {
            case YBad b -> true;
            case YScalar s -> false;
            case YSeq s -> s.items().stream().anyMatch(YamlTree::containsBad);
            case YMap m -> m.entries().stream().anyMatch(e -> containsBad(e.value()));
        };
    }

    /** The value as plain Java (unmodifiable maps and lists), recording the mark of every path. */
    static Object toJava(YNode n, String path, Map<String, Mark> marks) {
        if (marks != null) {
            marks.put(path, n.mark());
        }
        return switch (n) {
            case YScalar s -> s.value();
            case YBad b -> null;
            case YSeq s -> {
                List<Object> l = new ArrayList<>(s.items().size());
                for (int i = 0; i < s.items().size(); i++) {
                    l.add(toJava(s.items().get(i), ConfigPaths.index(path, i), marks));
                }
                yield Collections.unmodifiableList(l);
            }
            case YMap m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                for (YEntry e : m.entries()) {
                    out.put(e.key(), toJava(e.value(), ConfigPaths.key(path, e.key()), marks));
                }
                yield Collections.unmodifiableMap(out);
            }
        };
    }
}
