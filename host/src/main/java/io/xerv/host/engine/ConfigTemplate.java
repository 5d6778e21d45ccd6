package io.xerv.host.engine;

import io.xerv.arena.ValueCodec;
import io.xerv.host.flow.SelectorRef;
import io.xerv.host.flow.Template;
import io.xerv.plugin.Value;
import io.xerv.plugin.ValueType;
import io.xerv.plugin.ValueTypeException;
import io.xerv.plugin.Values;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A node's config compiled once at deploy time. Parts without selectors are encoded once; a config
 * with selectors is bound per run into a lazy view that resolves a selector only when the node reads
 * that key. Immutable and thread-safe.
 */
final class ConfigTemplate {

    private final Value staticValue;
    private final Part root;

    private ConfigTemplate(Value staticValue, Part root) {
        this.staticValue = staticValue;
        this.root = root;
    }

    /** Compiles a config given as plain Java (maps, lists, scalars); selectors are in strings. */
    static ConfigTemplate compile(Object config) {
        return compile(config, List.of());
    }

    /**
     * Compiles a config given as plain Java (maps, lists, scalars); selectors are in strings.
     *
     * @param urlFields top-level keys whose strings are URLs (see {@link io.xerv.plugin.NodeFactory#urlFields()}):
     *     a selector inside such a string, after the URL's authority, is percent-encoded for the path
     *     segment, query or fragment it lands in
     */
    static ConfigTemplate compile(Object config, Collection<String> urlFields) {
        Object c = config == null ? Map.of() : config;
        Part p = c instanceof Map<?, ?> m && !urlFields.isEmpty() ? rootMap(m, urlFields) : part(c);
        if (p instanceof Static s) {
            return new ConfigTemplate(s.value, null);
        }
        return new ConfigTemplate(null, p);
    }

    /** True when the config has no selector, so {@link #bind} always returns the same value. */
    boolean isStatic() {
        return staticValue != null;
    }

    /** The selectors this config uses, in order. */
    List<SelectorRef> selectors() {
        List<SelectorRef> out = new ArrayList<>();
        if (root != null) {
            root.collect(out);
        }
        return out;
    }

    /** The config as the node sees it in one run. */
    Value bind(Function<SelectorRef, Value> lookup) {
        return staticValue != null ? staticValue : root.bind(lookup);
    }

    private static Part rootMap(Map<?, ?> m, Collection<String> urlFields) {
        TreeMap<String, Part> sorted = new TreeMap<>();
        boolean dynamic = false;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = String.valueOf(e.getKey());
            Part child = e.getValue() instanceof String s && urlFields.contains(key) ? urlPart(s) : part(e.getValue());
            dynamic |= !(child instanceof Static);
            sorted.put(key, child);
        }
        if (!dynamic) {
            return new Static(encodeOnce(m));
        }
        return new MapPart(sorted.keySet().toArray(String[]::new), sorted.values().toArray(Part[]::new));
    }

    private static Part urlPart(String s) {
        Part p = part(s);
        if (!(p instanceof Dynamic d) || d.template.isSingleSelector()) {
            // A string that is one selector is the whole URL; the destination policy guards it.
            return p;
        }
        return new UrlDynamic(d.template, UrlEscaper.components(d.template));
    }

    private static Part part(Object o) {
        if (o instanceof String s) {
            if (!Template.mayHaveSelectors(s)) {
                return new Static(Values.of(s));
            }
            Template t = Template.parse(s);
            return t.hasSelectors() ? new Dynamic(t) : new Static(t.render(ref -> Values.NULL));
        }
        if (o instanceof Map<?, ?> m) {
            TreeMap<String, Part> sorted = new TreeMap<>();
            boolean dynamic = false;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Part child = part(e.getValue());
                dynamic |= !(child instanceof Static);
                sorted.put(String.valueOf(e.getKey()), child);
            }
            if (!dynamic) {
                return new Static(encodeOnce(o));
            }
            return new MapPart(sorted.keySet().toArray(String[]::new), sorted.values().toArray(Part[]::new));
        }
        if (o instanceof List<?> l) {
            Part[] items = new Part[l.size()];
            boolean dynamic = false;
            for (int i = 0; i < items.length; i++) {
                items[i] = part(l.get(i));
                dynamic |= !(items[i] instanceof Static);
            }
            if (!dynamic) {
                return new Static(encodeOnce(o));
            }
            return new ListPart(items);
        }
        return new Static(Values.of(o));
    }

    private static Value encodeOnce(Object o) {
        return ValueCodec.toHeap(o);
    }

    private sealed interface Part permits Static, Dynamic, UrlDynamic, MapPart, ListPart {
        Value bind(Function<SelectorRef, Value> lookup);

        default void collect(List<SelectorRef> out) {
        }
    }

    private record Static(Value value) implements Part {
        public Value bind(Function<SelectorRef, Value> lookup) {
            return value;
        }
    }

    private record Dynamic(Template template) implements Part {
        public Value bind(Function<SelectorRef, Value> lookup) {
            return template.render(lookup);
        }

        public void collect(List<SelectorRef> out) {
            out.addAll(template.selectors());
        }
    }

    /** A URL string: each selector's value is percent-encoded for the component it lands in. */
    private record UrlDynamic(Template template, UrlEscaper.Component[] components) implements Part {
        public Value bind(Function<SelectorRef, Value> lookup) {
            StringBuilder sb = new StringBuilder();
            int i = 0;
            for (Template.Part p : template.parts()) {
                switch (p) {
                    case Template.Literal l -> sb.append(l.text());
                    case SelectorRef s -> {
                        Value v = lookup.apply(s);
                        UrlEscaper.append(sb, v == null ? "null" : Values.toText(v), components[i++]);
                    }
                }
            }
            return Values.of(sb.toString());
        }

        public void collect(List<SelectorRef> out) {
            out.addAll(template.selectors());
        }
    }

    private record MapPart(String[] keys, Part[] parts) implements Part {
        public Value bind(Function<SelectorRef, Value> lookup) {
            return new BoundMap(this, lookup);
        }

        public void collect(List<SelectorRef> out) {
            for (Part p : parts) {
                p.collect(out);
            }
        }
    }

    private record ListPart(Part[] items) implements Part {
        public Value bind(Function<SelectorRef, Value> lookup) {
            return new BoundList(this, lookup);
        }

        public void collect(List<SelectorRef> out) {
            for (Part p : items) {
                p.collect(out);
            }
        }
    }

    /** Shared behaviour of the bound views: not a scalar. */
    private abstract static class Container implements Value {
        @Override
        public boolean asBoolean() {
            throw new ValueTypeException(ValueType.BOOL, type());
        }

        @Override
        public long asLong() {
            throw new ValueTypeException(ValueType.INT, type());
        }

        @Override
        public double asDouble() {
            throw new ValueTypeException(ValueType.FLOAT, type());
        }

        @Override
        public String asString() {
            throw new ValueTypeException(ValueType.STRING, type());
        }

        @Override
        public ByteBuffer asBytes() {
            throw new ValueTypeException(ValueType.BYTES, type());
        }

        @Override
        public String toString() {
            return Values.toJson(this);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Value v && Values.equal(this, v);
        }

        @Override
        public int hashCode() {
            return toString().hashCode();
        }
    }

    private static final class BoundMap extends Container {
        private final MapPart part;
        private final Function<SelectorRef, Value> lookup;
        private Value[] resolved;

        BoundMap(MapPart part, Function<SelectorRef, Value> lookup) {
            this.part = part;
            this.lookup = lookup;
        }

        @Override
        public ValueType type() {
            return ValueType.MAP;
        }

        @Override
        public int size() {
            return part.keys.length;
        }

        @Override
        public Value get(int index) {
            return null;
        }

        @Override
        public Value get(String key) {
            int i = java.util.Arrays.binarySearch(part.keys, key);
            return i >= 0 ? valueAt(i) : null;
        }

        @Override
        public String keyAt(int index) {
            return part.keys[index];
        }

        @Override
        public Value valueAt(int index) {
            if (resolved == null) {
                resolved = new Value[part.keys.length];
            }
            Value v = resolved[index];
            if (v == null) {
                v = resolved[index] = part.parts[index].bind(lookup);
            }
            return v;
        }
    }

    private static final class BoundList extends Container {
        private final ListPart part;
        private final Function<SelectorRef, Value> lookup;
        private Value[] resolved;

        BoundList(ListPart part, Function<SelectorRef, Value> lookup) {
            this.part = part;
            this.lookup = lookup;
        }

        @Override
        public ValueType type() {
            return ValueType.LIST;
        }

        @Override
        public int size() {
            return part.items.length;
        }

        @Override
        public Value get(int index) {
            if (index < 0 || index >= part.items.length) {
                return null;
            }
            if (resolved == null) {
                resolved = new Value[part.items.length];
            }
            Value v = resolved[index];
            if (v == null) {
                v = resolved[index] = part.items[index].bind(lookup);
            }
            return v;
        }

        @Override
        public Value get(String key) {
            return null;
        }

        @Override
        public String keyAt(int index) {
            throw new ValueTypeException(ValueType.MAP, ValueType.LIST);
        }

        @Override
        public Value valueAt(int index) {
            throw new ValueTypeException(ValueType.MAP, ValueType.LIST);
        }
    }
}
