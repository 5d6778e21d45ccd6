package io.xerv.host.fuzz;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generators of YAML text for the parsers' fuzz targets: edits of a valid document (lines deleted,
 * repeated, moved, re-indented; characters replaced by YAML's own punctuation), random documents
 * over a vocabulary of keys, and pathological shapes (deep nesting, aliases, tags). Also the check
 * that an error message names a place inside the text. Stateless.
 */
final class YamlFuzz {

    private YamlFuzz() {
    }

    /** Text that YAML gives a meaning to, spliced into documents. */
    static final List<String> TOKENS = List.of(":", ": ", "- ", "-", "[", "]", "{", "}", ",", "&a ", "*a", "<<: *a", "!!str ",
            "!!map ", "!!java.lang.Object ", "!custom ", "? ", "|", ">", "|-", "\"", "'", "#", "\t", "\n", "  ", "---\n", "...\n",
            "%YAML 1.2\n", "%TAG ! tag:x,2000:\n", "\\", "\u0000", "\uFEFF", "\uD800", "\u2028", "~", "null", "true", "0x1F", "0o17",
            ".inf", "-.nan", "1e999", "99999999999999999999999", "-9223372036854775809", "${", "${a.b}", "${trigger.", "}",
            "std::", "std::log", "é", "\u202e");

    /** An edit of one document. */
    sealed interface Edit {
        String apply(String text);

        record DeleteLine(int at) implements Edit {
            public String apply(String text) {
                List<String> lines = lines(text);
                lines.remove(at % lines.size());
                return String.join("\n", lines);
            }
        }

        record RepeatLine(int at, int times) implements Edit {
            public String apply(String text) {
                List<String> lines = lines(text);
                int i = at % lines.size();
                for (int k = 0; k < times; k++) {
                    lines.add(i, lines.get(i));
                }
                return String.join("\n", lines);
            }
        }

        record MoveLine(int from, int to) implements Edit {
            public String apply(String text) {
                List<String> lines = lines(text);
                String l = lines.remove(from % lines.size());
                lines.add(to % (lines.size() + 1), l);
                return String.join("\n", lines);
            }
        }

        record Indent(int at, int delta) implements Edit {
            public String apply(String text) {
                List<String> lines = lines(text);
                int i = at % lines.size();
                String l = lines.get(i);
                lines.set(i, delta >= 0 ? " ".repeat(delta) + l : l.substring(Math.min(-delta, leading(l))));
                return String.join("\n", lines);
            }
        }

        record Splice(int at, int cut, String token) implements Edit {
            public String apply(String text) {
                int i = at % (text.length() + 1);
                int end = Math.min(text.length(), i + cut);
                return text.substring(0, i) + token + text.substring(end);
            }
        }

        /** Replaces one scalar value (after a {@code key: }) with another. */
        record Value(int at, String value) implements Edit {
            private static final Pattern SCALAR = Pattern.compile("(?m)(:\\s+)([^\\s{\\[#][^\\n]*)$");

            public String apply(String text) {
                Matcher m = SCALAR.matcher(text);
                List<int[]> spans = new ArrayList<>();
                while (m.find()) {
                    spans.add(new int[] {m.start(2), m.end(2)});
                }
                if (spans.isEmpty()) {
                    return text;
                }
                int[] s = spans.get(at % spans.size());
                return text.substring(0, s[0]) + value + text.substring(s[1]);
            }
        }
    }

    private static int leading(String l) {
        int i = 0;
        while (i < l.length() && l.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    private static List<String> lines(String text) {
        return new ArrayList<>(Arrays.asList(text.split("\n", -1)));
    }

    /** One to {@code max} edits applied to {@code doc}. */
    static Arbitrary<String> edited(Arbitrary<String> docs, int max) {
        return Combinators.combine(docs, edits().list().ofMinSize(1).ofMaxSize(max)).as((doc, es) -> {
            String t = doc;
            for (Edit e : es) {
                t = e.apply(t);
            }
            return t;
        });
    }

    static Arbitrary<Edit> edits() {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, Integer.MAX_VALUE);
        return Arbitraries.oneOf(
                at.map(Edit.DeleteLine::new),
                Combinators.combine(at, Arbitraries.integers().between(1, 3)).as(Edit.RepeatLine::new),
                Combinators.combine(at, at).as(Edit.MoveLine::new),
                Combinators.combine(at, Arbitraries.integers().between(-6, 6)).as(Edit.Indent::new),
                Combinators.combine(at, Arbitraries.integers().between(0, 3), token()).as(Edit.Splice::new),
                Combinators.combine(at, scalar()).as(Edit.Value::new));
    }

    static Arbitrary<String> token() {
        return Arbitraries.oneOf(Arbitraries.of(TOKENS), Arbitraries.strings().ofMaxLength(3), Arbitraries.strings().all().ofMaxLength(2));
    }

    /** Scalars as they appear in documents, the odd ones included. */
    static Arbitrary<String> scalar() {
        return Arbitraries.oneOf(
                Arbitraries.of("0", "-1", "1", "65536", "2147483648", "9223372036854775807", "9223372036854775808", "1e308", "1e309",
                        "-0", ".5", "0x10", "1_000", "true", "no", "null", "~", "''", "\"\"", "\"\\u0000\"", "\"\\uD800\"", "[]", "{}",
                        "std::log", "std::loop", "std::wait", "std::nope", "webhook", "cron", "manual", "filesystem", "/hook", "POST",
                        "${trigger.x}", "${a.out}", "${pipeline.config.x}", "${", "a.b.c", "trigger", "batch:5", "fsync", "none",
                        "batch:-1", "batch:99999999999", "pipeline:read", "0 0 * * * *", "[a, b]", "{a: 1}", "&x 1", "*x", "!!binary AA=="),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(12),
                Arbitraries.strings().all().ofMaxLength(6),
                Arbitraries.integers().between(1, 5000).map("x"::repeat));
    }

    /** Random documents: maps and lists over {@code keys}, in block and flow style. */
    static Arbitrary<String> documents(List<String> keys) {
        return tree(keys, 4).map(t -> render(t, 0, true));
    }

    private static Arbitrary<Object> tree(List<String> keys, int depth) {
        Arbitrary<Object> leaf = scalar().map(s -> (Object) s);
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<Object> child = Arbitraries.lazy(() -> tree(keys, depth - 1));
        Arbitrary<String> key = Arbitraries.oneOf(Arbitraries.of(keys), Arbitraries.of(keys), scalar());
        Arbitrary<Object> map = Combinators.combine(key, child).as(List::<Object>of).list().ofMaxSize(5)
                .map(entries -> (Object) new Doc.MapDoc(entries));
        Arbitrary<Object> list = child.list().ofMaxSize(4).map(items -> (Object) new Doc.ListDoc(items));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, leaf), net.jqwik.api.Tuple.of(3, map), net.jqwik.api.Tuple.of(2, list));
    }

    private sealed interface Doc {
        record MapDoc(List<List<Object>> entries) implements Doc {
        }

        record ListDoc(List<Object> items) implements Doc {
        }
    }

    private static String render(Object t, int indent, boolean block) {
        String pad = " ".repeat(indent);
        if (t instanceof Doc.MapDoc m) {
            if (m.entries().isEmpty() || !block) {
                return m.entries().stream().map(e -> e.get(0) + ": " + render(e.get(1), 0, false))
                        .collect(Collectors.joining(", ", "{", "}"));
            }
            StringBuilder sb = new StringBuilder();
            for (List<Object> e : m.entries()) {
                Object v = e.get(1);
                sb.append(pad).append(e.get(0)).append(':');
                if (v instanceof String s) {
                    sb.append(' ').append(s).append('\n');
                } else {
                    boolean flow = (e.get(0).hashCode() & 3) == 0;
                    sb.append(flow ? " " + render(v, 0, false) + "\n" : "\n" + render(v, indent + 2, true));
                }
            }
            return sb.toString();
        }
        if (t instanceof Doc.ListDoc l) {
            if (l.items().isEmpty() || !block) {
                return l.items().stream().map(i -> render(i, 0, false)).collect(Collectors.joining(", ", "[", "]"));
            }
            StringBuilder sb = new StringBuilder();
            for (Object i : l.items()) {
                sb.append(pad).append("- ");
                sb.append(i instanceof String s ? s + "\n" : "\n" + render(i, indent + 2, true));
            }
            return sb.toString();
        }
        return block ? pad + t + "\n" : (String) t;
    }

    /** Documents whose shape attacks a parser: deep nesting, many aliases, huge scalars. */
    static Arbitrary<String> pathological() {
        Arbitrary<Integer> n = Arbitraries.oneOf(Arbitraries.integers().between(1, 200), Arbitraries.integers().between(1000, 40_000));
        return Arbitraries.oneOf(
                n.map(k -> "[".repeat(k) + "]".repeat(k)),
                n.map(k -> "[".repeat(k)),
                n.map(k -> "{a: ".repeat(k) + "1" + "}".repeat(k)),
                n.map(k -> "- ".repeat(k) + "x"),
                Arbitraries.integers().between(1, 300).map(k -> {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < k; i++) {
                        sb.append(" ".repeat(i)).append("k").append(i).append(":\n");
                    }
                    return sb.toString();
                }),
                Arbitraries.integers().between(1, 12).map(k -> {
                    // The billion laughs: each level lists the previous one ten times.
                    StringBuilder sb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
                    for (int i = 1; i <= k; i++) {
                        String prev = "*a" + (i - 1);
                        sb.append("a").append(i).append(": &a").append(i).append(" [")
                                .append(String.join(", ", java.util.Collections.nCopies(10, prev))).append("]\n");
                    }
                    return sb.toString();
                }),
                n.map(k -> "name: " + "x".repeat(k * 10) + "\n"),
                n.map(k -> "a: \"" + "\\u00e9".repeat(k) + "\n"),
                n.map(k -> "&a x: " + "*a ".repeat(Math.min(k, 500))));
    }

    private static final Pattern PLACE = Pattern.compile("^(.*?):(\\d+):(\\d+): (.+)$", Pattern.DOTALL);

    /**
     * Asserts that {@code message} is {@code file:line:col: text}, for the file {@code file} and a
     * position inside {@code text} (or just past its end, where YAML reports an unexpected end).
     */
    static void assertPlaced(String message, String file, String text) {
        Matcher m = PLACE.matcher(message);
        assertThat(m.matches()).as("'%s' is not file:line:col: message", message).isTrue();
        assertThat(m.group(1)).as("file named by '%s'", message).isEqualTo(file);
        int line = Integer.parseInt(m.group(2));
        int col = Integer.parseInt(m.group(3));
        // YAML breaks lines at \n, \r, NEL, LS and PS.
        int lines = (int) text.chars().filter(c -> c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029).count() + 1;
        assertThat(line).as("line of '%s' (the text has %d lines)", message, lines).isBetween(1, lines + 1);
        assertThat(col).as("column of '%s'", message).isGreaterThanOrEqualTo(1);
        assertThat(m.group(4).strip()).as("what '%s' says", message).isNotEmpty();
    }
}
