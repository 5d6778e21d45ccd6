package io.xerv.host.trigger;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.xerv.host.flow.Mark;
import io.xerv.host.flow.TriggerDef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** File-system listeners over a real temporary folder (inotify on Linux). */
class FileTriggerListenerTest {

    static Vertx vertx;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    FileTriggerListener listener(RecordingSink sink, Set<FileEvent> events, String glob, boolean recursive, Duration debounce) {
        return new FileTriggerListener("files", dir, events, glob == null ? null : FileSystems.getDefault().getPathMatcher("glob:" + glob),
                glob != null && glob.contains("/"), recursive, vertx, sink, debounce);
    }

    @Test
    void createModifyAndDeleteFireWithTheirEvents() throws Exception {
        RecordingSink sink = new RecordingSink();
        try (FileTriggerListener l = listener(sink, EnumSet.allOf(FileEvent.class), null, false, Duration.ofMillis(300))) {
            l.start();
            Path f = dir.resolve("orders.csv");
            Files.writeString(f, "id,amount\n");
            JsonObject created = sink.next();
            assertThat(created.getString("event")).isEqualTo("create");
            assertThat(created.getString("trigger")).isEqualTo("files");
            assertThat(created.getString("path")).isEqualTo(dir.toRealPath().resolve("orders.csv").toString());
            assertThat(created.getString("relativePath")).isEqualTo("orders.csv");
            assertThat(created.getString("name")).isEqualTo("orders.csv");
            assertThat(created.getLong("size")).isEqualTo(10L);
            assertThat(created.getString("at")).isNotBlank();

            Files.writeString(f, "1,2\n", StandardOpenOption.APPEND);
            JsonObject modified = sink.next();
            assertThat(modified.getString("event")).isEqualTo("modify");
            assertThat(modified.getLong("size")).isEqualTo(14L);

            Files.delete(f);
            JsonObject deleted = sink.next();
            assertThat(deleted.getString("event")).isEqualTo("delete");
            assertThat(deleted.getString("name")).isEqualTo("orders.csv");
            assertThat(deleted.containsKey("size")).isFalse();
        }
    }

    @Test
    void aBurstOfWritesFoldsIntoItsCreate() throws Exception {
        RecordingSink sink = new RecordingSink();
        // A window far longer than the burst below takes, even on a loaded machine.
        try (FileTriggerListener l = listener(sink, EnumSet.allOf(FileEvent.class), null, false, Duration.ofSeconds(5))) {
            l.start();
            Path f = dir.resolve("burst.txt");
            Files.writeString(f, "a");
            for (int i = 0; i < 5; i++) {
                Files.writeString(f, "b", StandardOpenOption.APPEND);
            }
            // The delete closes the window at once: the create (with its modifies folded in), then the delete.
            Files.delete(f);
            assertThat(sink.next().getString("event")).isEqualTo("create");
            assertThat(sink.next().getString("event")).isEqualTo("delete");
            assertThat(sink.fired).isEmpty();
        }
    }

    @Test
    void theGlobFiltersOnFileNames() throws Exception {
        RecordingSink sink = new RecordingSink();
        try (FileTriggerListener l = listener(sink, EnumSet.of(FileEvent.CREATE), "*.csv", false, Duration.ofMillis(100))) {
            l.start();
            Files.writeString(dir.resolve("notes.txt"), "x");
            Files.writeString(dir.resolve("data.csv"), "x");
            Files.writeString(dir.resolve("data.csv.tmp"), "x");
            Files.writeString(dir.resolve("last.csv"), "x");
            // Events keep their order; the files between did not fire.
            assertThat(sink.next().getString("name")).isEqualTo("data.csv");
            assertThat(sink.next().getString("name")).isEqualTo("last.csv");
            assertThat(sink.fired).isEmpty();
        }
    }

    @Test
    void onlyTheListedEventsFire() throws Exception {
        RecordingSink sink = new RecordingSink();
        try (FileTriggerListener l = listener(sink, EnumSet.of(FileEvent.DELETE), null, false, Duration.ofMillis(100))) {
            l.start();
            Path f = dir.resolve("gone.txt");
            Files.writeString(f, "x");
            Files.writeString(f, "y", StandardOpenOption.APPEND);
            Files.delete(f);
            JsonObject first = sink.next();
            assertThat(first.getString("event")).isEqualTo("delete");
            assertThat(first.getString("name")).isEqualTo("gone.txt");
        }
    }

    @Test
    void subFoldersCountOnlyWhenRecursive() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("in/2026"));
        RecordingSink flat = new RecordingSink();
        RecordingSink deep = new RecordingSink();
        try (FileTriggerListener l1 = listener(flat, EnumSet.of(FileEvent.CREATE), null, false, Duration.ofMillis(100));
             FileTriggerListener l2 = listener(deep, EnumSet.of(FileEvent.CREATE), "in/**/*.json", true, Duration.ofMillis(100))) {
            l1.start();
            l2.start();
            Files.writeString(sub.resolve("a.json"), "{}");
            Files.writeString(sub.resolve("a.txt"), "{}");
            Files.writeString(dir.resolve("top.json"), "{}");
            JsonObject nested = deep.next();
            assertThat(nested.getString("relativePath")).isEqualTo(Path.of("in", "2026", "a.json").toString());
            // top.json is not under in/, a.txt is not json; the flat listener sees only top.json
            assertThat(flat.next().getString("relativePath")).isEqualTo("top.json");
            assertThat(deep.fired).isEmpty();
            assertThat(flat.fired).isEmpty();
        }
    }

    @Test
    void pausedListenersDropEventsAndResumeLater() throws Exception {
        RecordingSink sink = new RecordingSink();
        try (FileTriggerListener l = listener(sink, EnumSet.of(FileEvent.CREATE), null, false, Duration.ofMillis(100))) {
            l.start();
            l.pause();
            assertThat(l.paused()).isTrue();
            Files.writeString(dir.resolve("while-paused.txt"), "x");
            l.resume();
            Files.writeString(dir.resolve("after.txt"), "x");
            // The pause may end before the first file's event is read; only then can it fire.
            JsonObject o = sink.next();
            if (o.getString("name").equals("while-paused.txt")) {
                o = sink.next();
            }
            assertThat(o.getString("name")).isEqualTo("after.txt");
        }
    }

    @Test
    void closedListenersStopFiring() throws Exception {
        RecordingSink sink = new RecordingSink();
        FileTriggerListener l = listener(sink, EnumSet.of(FileEvent.CREATE), null, false, Duration.ofMillis(50));
        l.start();
        Files.writeString(dir.resolve("one.txt"), "x");
        assertThat(sink.next().getString("name")).isEqualTo("one.txt");
        l.close();
        Files.writeString(dir.resolve("two.txt"), "x");
        Thread.sleep(1000);
        assertThat(sink.fired).isEmpty();
        assertThatThrownBy(l::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void relativePathsResolveAgainstTheBaseDirectory() throws Exception {
        Files.createDirectories(dir.resolve("inbox"));
        TriggerDef def = new TriggerDef("inbox", "filesystem",
                Map.of("path", "inbox", "events", List.of("create"), "pattern", "*.xml", "recursive", false),
                true, "", new Mark("flow.yaml", 3, 5));
        RecordingSink sink = new RecordingSink();
        try (TriggerListener l = TriggerListeners.create(def, vertx, sink, dir).orElseThrow()) {
            assertThat(((FileTriggerListener) l).root()).isEqualTo(dir.resolve("inbox").toAbsolutePath());
            l.start();
            Files.writeString(dir.resolve("inbox/po.xml"), "<po/>", StandardCharsets.UTF_8);
            JsonObject o = sink.next();
            assertThat(o.getString("trigger")).isEqualTo("inbox");
            assertThat(o.getString("name")).isEqualTo("po.xml");
        }
    }

    @Test
    void aMissingFolderIsAnErrorAtStart() {
        RecordingSink sink = new RecordingSink();
        FileTriggerListener l = new FileTriggerListener("files", dir.resolve("nope"), EnumSet.allOf(FileEvent.class), null,
                false, false, vertx, sink, Duration.ofMillis(50));
        assertThatThrownBy(l::start).isInstanceOf(IllegalStateException.class)
                .hasMessage("filesystem trigger 'files': " + dir.resolve("nope") + " is not a directory");
        l.close();
    }
}
