package io.xerv.host.trigger;

import com.google.re2j.Pattern;

import java.nio.file.PathMatcher;
import java.util.regex.PatternSyntaxException;

/**
 * A file trigger's {@code params.pattern}: the JDK's glob syntax ({@code *}, {@code **}, {@code ?},
 * {@code [a-z]}, {@code [!x]}, {@code {a,b}}, {@code \} escapes), matched by RE2/J in time linear in the
 * path, so that no pattern (say {@code *a*a*a*a*a*a*b}) can make matching backtrack. Immutable.
 */
final class Glob {

    private static final String REGEX_META = ".^$+{[]|()";
    private static final String GLOB_META = "\\*?[{";
    private static final char EOL = 0;

    private Glob() {
    }

    /**
     * Compiles a glob to a matcher of whole paths (as {@link Object#toString()} of the path gives them).
     *
     * @throws PatternSyntaxException for a malformed glob, with the JDK's descriptions and indexes
     */
    static PathMatcher compile(String glob) {
        Pattern p;
        try {
            p = Pattern.compile(toRegex(glob));
        } catch (com.google.re2j.PatternSyntaxException e) {
            throw new PatternSyntaxException(e.getDescription(), glob, -1);
        }
        return path -> p.matches(path.toString());
    }

    /** The regular expression (RE2 syntax) a glob stands for, as the JDK's {@code glob:} matcher reads it. */
    static String toRegex(String glob) {
        boolean inGroup = false;
        StringBuilder regex = new StringBuilder("^");
        int i = 0;
        int n = glob.length();
        while (i < n) {
            char c = glob.charAt(i++);
            switch (c) {
                case '\\' -> {
                    if (i == n) {
                        throw new PatternSyntaxException("No character to escape", glob, i - 1);
                    }
                    char next = glob.charAt(i++);
                    if (GLOB_META.indexOf(next) >= 0 || REGEX_META.indexOf(next) >= 0) {
                        regex.append('\\');
                    }
                    regex.append(next);
                }
                case '[' -> {
                    // No class ever matches the name separator: a negated one excludes it too.
                    regex.append('[');
                    if (next(glob, i) == '^') {
                        regex.append("\\^");
                        i++;
                    } else {
                        if (next(glob, i) == '!') {
                            regex.append("^/");
                            i++;
                        }
                        if (next(glob, i) == '-') {
                            regex.append("\\-");
                            i++;
                        }
                    }
                    boolean hasRangeStart = false;
                    char last = 0;
                    while (i < n) {
                        c = glob.charAt(i++);
                        if (c == ']') {
                            break;
                        }
                        if (c == '/') {
                            throw new PatternSyntaxException("Explicit 'name separator' in class", glob, i - 1);
                        }
                        if (c == '\\' || c == '[' || c == ']' || c == '^' || c == '&') {
                            regex.append('\\');
                        }
                        regex.append(c);
                        if (c == '-') {
                            if (!hasRangeStart) {
                                throw new PatternSyntaxException("Invalid range", glob, i - 1);
                            }
                            if ((c = next(glob, i++)) == EOL || c == ']') {
                                break;
                            }
                            if (c < last) {
                                throw new PatternSyntaxException("Invalid range", glob, i - 3);
                            }
                            if (c == '\\' || c == '[' || c == '^' || c == '&') {
                                regex.append('\\');
                            }
                            regex.append(c);
                            hasRangeStart = false;
                        } else {
                            hasRangeStart = true;
                            last = c;
                        }
                    }
                    if (c != ']') {
                        throw new PatternSyntaxException("Missing ']", glob, i - 1);
                    }
                    regex.append(']');
                }
                case '{' -> {
                    if (inGroup) {
                        throw new PatternSyntaxException("Cannot nest groups", glob, i - 1);
                    }
                    regex.append("(?:(?:");
                    inGroup = true;
                }
                case '}' -> {
                    if (inGroup) {
                        regex.append("))");
                        inGroup = false;
                    } else {
                        regex.append("\\}");
                    }
                }
                case ',' -> regex.append(inGroup ? ")|(?:" : ",");
                case '*' -> {
                    if (next(glob, i) == '*') {
                        regex.append(".*");
                        i++;
                    } else {
                        regex.append("[^/]*");
                    }
                }
                case '?' -> regex.append("[^/]");
                default -> {
                    if (REGEX_META.indexOf(c) >= 0) {
                        regex.append('\\');
                    }
                    regex.append(c);
                }
            }
        }
        if (inGroup) {
            throw new PatternSyntaxException("Missing '}", glob, i - 1);
        }
        return regex.append('$').toString();
    }

    private static char next(String glob, int i) {
        return i < glob.length() ? glob.charAt(i) : EOL;
    }
}
