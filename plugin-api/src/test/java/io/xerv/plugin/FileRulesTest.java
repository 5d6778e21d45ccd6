package io.xerv.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default host services' file, secret and environment rules, which the host's policy shares. */
class FileRulesTest {

    @TempDir
    Path dir;

    static final HostServices D = HostServices.defaults();

    @Test
    void defaultsAllowFilesInTheFlowsFolderOnly() throws Exception {
        Path f = Files.writeString(dir.resolve("a.js"), "x");
        assertThat(D.resolveFile("a.js", dir, HostServices.FileUse.SCRIPT)).isEqualTo(f.toRealPath());
        assertThat(D.resolveFile("sub/missing.js", dir, HostServices.FileUse.SCRIPT)).isEqualTo(dir.resolve("sub/missing.js"));
        assertThatThrownBy(() -> D.resolveFile("../x.js", dir, HostServices.FileUse.SCRIPT))
                .hasMessageContaining("it is outside the allowed folders");
    }

    @Test
    void systemFoldersAreNeverReachableWhateverTheRoots() {
        FileRules everything = new FileRules(List.of(Path.of("/")), List.of(), true, 100);
        for (String p : List.of("/proc/self/environ", "/dev/zero", "/sys/kernel")) {
            assertThatThrownBy(() -> everything.resolve(p, dir, HostServices.FileUse.MODULE))
                    .hasMessageContaining("which nodes may never reach");
        }
        assertThatThrownBy(() -> everything.resolve("/", dir, HostServices.FileUse.WATCH)).hasMessageContaining("it contains /proc");
        assertThat(everything.resolve("/etc", dir, HostServices.FileUse.MODULE)).isEqualTo(Path.of("/etc"));
    }

    @Test
    void aSymbolicLinkCannotLeadOut() throws Exception {
        Files.createSymbolicLink(dir.resolve("etc"), Path.of("/etc"));
        Files.createSymbolicLink(dir.resolve("dangling.js"), Path.of("/no/such/target"));
        assertThatThrownBy(() -> D.resolveFile("etc/passwd", dir, HostServices.FileUse.SCRIPT))
                .hasMessageContaining("it leads out through a symbolic link");
        assertThatThrownBy(() -> D.resolveFile("etc/no-such-file", dir, HostServices.FileUse.SCRIPT))
                .hasMessageContaining("it leads out through a symbolic link");
        assertThatThrownBy(() -> D.resolveFile("dangling.js", dir, HostServices.FileUse.SCRIPT))
                .hasMessageContaining("it leads out through a symbolic link");
    }

    @Test
    void defaultsGrantNoWasiDirectories() {
        assertThatThrownBy(() -> D.resolveFile(".", dir, HostServices.FileUse.PREOPEN)).hasMessageContaining("policy.wasi.dirs");
    }

    @Test
    void aForbiddenFolderIsRefusedAndSoIsOneHoldingIt() {
        FileRules rules = FileRules.DEFAULT.forbidding(dir.resolve("data"));
        assertThatThrownBy(() -> rules.resolve("data/wal/1.log", dir, HostServices.FileUse.MODULE))
                .hasMessageContaining("it is inside " + dir.resolve("data"));
        assertThatThrownBy(() -> rules.resolve(".", dir, HostServices.FileUse.WATCH))
                .hasMessageContaining("it contains " + dir.resolve("data"));
    }

    @Test
    void relativeRootsCountOnlyForTrustedFlowFolders() throws Exception {
        Files.writeString(dir.resolve("a.js"), "x");
        FileRules rules = FileRules.DEFAULT.trustingFlowFoldersIn(List.of(dir.resolve("flows")));
        assertThatThrownBy(() -> rules.resolve("a.js", dir, HostServices.FileUse.SCRIPT))
                .hasMessageContaining("outside the allowed folders");
        Files.createDirectories(dir.resolve("flows/x"));
        assertThat(rules.resolve("b.js", dir.resolve("flows/x"), HostServices.FileUse.SCRIPT)).isEqualTo(dir.resolve("flows/x/b.js"));
    }

    @Test
    void onlyRegularFilesUnderTheCapAreRead() throws Exception {
        Path f = Files.writeString(dir.resolve("a.wasm"), "0123456789");
        assertThat(FileRules.readRegularFile(f, "a.wasm", 10)).hasSize(10);
        assertThatThrownBy(() -> FileRules.readRegularFile(f, "a.wasm", 9)).hasMessage("'a.wasm' is 10 bytes; the limit is 9 (policy.max_file_bytes)");
        assertThatThrownBy(() -> FileRules.readRegularFile(dir, "d", 9)).hasMessage("'d' is not a regular file");
        assertThatThrownBy(() -> FileRules.readRegularFile(Path.of("/dev/zero"), "z", 9)).hasMessage("'z' is not a regular file");
    }

    @Test
    void defaultsGrantSecretsFromTheirPrefixAndNoEnvironment() {
        assertThat(D.grantsEnvironment("PATH")).isFalse();
        assertThat(D.environment("PATH")).isNull();
        assertThat(D.grantsSecret("ANY")).isTrue();
        assertThat(D.secret("NO_SUCH_SECRET_SET")).isNull();
    }
}
