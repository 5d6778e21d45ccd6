package io.xerv.host.flow;

import io.xerv.plugin.Value;
import io.xerv.plugin.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A string from a flow with its {@code ${...}} selectors parsed once, at deploy time. Immutable and
 * thread-safe.
 *
 * <p>{@code $${} writes a literal {@code ${}. A string that is exactly one selector
 * ({@link #isSingleSelector()}) renders to the selected value with its type kept; any other string
 * renders to text, each selector replaced by {@link Values#toText} of its value.
 */
public final class Template {

    /** A piece of a template: a {@link Literal} or a {@link SelectorRef}. */
    public sealed interface Part permits Literal, SelectorRef {
    }

    /** Text copied as it is. */
    public record Literal(String text) implements Part {
        public Literal {
            Objects.requireNonNull(text, "text");
        }
    }

    private final String text;
    private final List<Part> parts;
    private final List<SelectorRef> selectors;

    private Template(String text, List<Part> parts) {
        this.text = text;
        this.parts = List.copyOf(parts);
        this.selectors = parts.stream().filter(p -> p instanceof SelectorRef).map(p -> (SelectorRef) p).toList();
    }

    /**
     * Parses a string.
     *
     * @throws IllegalArgumentException naming the selector and what is wrong with it
     */
    public static Template parse(String text) {
        Objects.requireNonNull(text, "text");
        List<Part> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '$' && text.startsWith("$${", i)) {
                lit.append("${");
                i += 3;
            } else if (c == '$' && text.startsWith("${", i)) {
                int close = closingBrace(text, i + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed selector '" + text.substring(i) + "': missing '}'");
                }
                if (!lit.isEmpty()) {
                    parts.add(new Literal(lit.toString()));
                    lit.setLength(0);
                }
                parts.add(SelectorRef.parse(text.substring(i + 2, close), text.substring(i, close + 1)));
                i = close + 1;
            } else {
                lit.append(c);
                i++;
            }
        }
        if (!lit.isEmpty()) {
            parts.add(new Literal(lit.toString()));
        }
        return new Template(text, parts);
    }

    /** The index of the '}' closing a selector whose body starts at {@code from}; quotes inside brackets are skipped. */
    static int closingBrace(String s, int from) {
        char quote = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '}') {
                return i;
            } else if (c == '{') {
                return -1;
            }
        }
        return -1;
    }

    /** True when {@code text} contains a selector; a cheap test before {@link #parse}. */
    public static boolean mayHaveSelectors(String text) {
        return text.contains("${");
    }

    /** The string as written. */
    public String text() {
        return text;
    }

    /** Literals and selectors in order. */
    public List<Part> parts() {
        return parts;
    }

    /** The selectors in order. */
    public List<SelectorRef> selectors() {
        return selectors;
    }

    /** True when the string is exactly one selector, so that rendering keeps the value's type. */
    public boolean isSingleSelector() {
        return parts.size() == 1 && parts.get(0) instanceof SelectorRef;
    }

    /** True when the string has at least one selector. */
    public boolean hasSelectors() {
        return !selectors.isEmpty();
    }

    /**
     * Renders the template.
     *
     * @param lookup the value of a selector, or {@code null} when it selects nothing (rendered as
     *     {@link Values#NULL}, or {@code null} in text)
     */
    public Value render(Function<SelectorRef, Value> lookup) {
        if (isSingleSelector()) {
            Value v = lookup.apply(selectors.get(0));
            return v == null ? Values.NULL : v;
        }
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            switch (p) {
                case Literal l -> sb.append(l.text());
                case SelectorRef s -> {
                    Value v = lookup.apply(s);
                    sb.append(v == null ? "null" : Values.toText(v));
                }
            }
        }
        return Values.of(sb.toString());
    }

    @Override
    public String toString() {
        return text;
    }
}
