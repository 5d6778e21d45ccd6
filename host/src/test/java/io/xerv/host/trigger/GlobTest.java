package io.xerv.host.trigger;

import org.junit.jupiter.api.Test;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.regex.PatternSyntaxException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** File trigger globs: the JDK's syntax and answers, matched in linear time. */
class GlobTest {

    static final List<String> GLOBS = List.of("*.csv", "*.{csv,json}", "**/*.csv", "in/*.csv", "data-??.txt",
            "[a-c]*.log", "[!a-c]*.log", "file\\*.txt", "a+b(1).txt", "{x,y}/**", "*", "**", "[-x]*", "report.[0-9]");
    static final List<String> PATHS = List.of("a.csv", "a.json", "in/a.csv", "in/deep/a.csv", "data-01.txt", "data-1.txt",
            "b.log", "d.log", "file*.txt", "fileX.txt", "a+b(1).txt", "x/1/2", "y", "-q", "report.7", "report.x", ".csv");

    @Test
    void globsMatchAsTheJdksGlobMatcherDoes() {
        for (String g : GLOBS) {
            PathMatcher jdk = FileSystems.getDefault().getPathMatcher("glob:" + g);
            PathMatcher ours = Glob.compile(g);
            for (String p : PATHS) {
                assertThat(ours.matches(Path.of(p))).as("glob %s on %s", g, p).isEqualTo(jdk.matches(Path.of(p)));
            }
        }
    }

    @Test
    void aGlobOfManyStarsOnALongNameAnswersWithoutBacktracking() {
        // A backtracking matcher takes about n^k steps for k stars on a name of n characters that fails at the end.
        PathMatcher m = Glob.compile("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b");
        assertThat(m.matches(Path.of("a".repeat(250)))).isFalse();
        assertThat(m.matches(Path.of("a".repeat(249) + "b"))).isTrue();
    }

    @Test
    void malformedGlobsAreRefusedAsTheJdkRefusesThem() {
        assertThatThrownBy(() -> Glob.compile("*.{csv")).isInstanceOf(PatternSyntaxException.class)
                .hasMessageStartingWith("Missing '} near index 5");
        assertThatThrownBy(() -> Glob.compile("[a/b]")).isInstanceOf(PatternSyntaxException.class)
                .hasMessageStartingWith("Explicit 'name separator' in class");
        assertThatThrownBy(() -> Glob.compile("{a,{b}}")).isInstanceOf(PatternSyntaxException.class)
                .hasMessageStartingWith("Cannot nest groups");
    }
}
