package io.xerv.host.trigger;

import io.methvin.watcher.DirectoryChangeEvent;
import io.methvin.watcher.DirectoryWatcher;
import io.methvin.watcher.visitor.FileTreeVisitor;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Fires a trace when a file in a watched folder is created, modified or deleted, with the payload
 * {@code {"trigger", "event", "path", "relativePath", "name", "size", "at"}} ({@code size} in bytes
 * when the file still exists).
 *
 * <p>Watching is done by {@code directory-watcher} (inotify on Linux through the JDK's
 * {@code WatchService}) on one daemon thread per listener; a recursive listener watches every
 * sub-folder (and those created later), another only the folder itself. That thread only filters events (type,
 * glob, depth, pause) and hands them to a Vert.x context; everything else happens there. Events for
 * directories themselves are not reported.
 *
 * <p>Writing a file usually produces several events in a burst (a create and one or more modifies).
 * The first event for a path opens a window of {@code debounce}; later create or modify events for the
 * same path inside the window are folded into it (a create absorbs the modifies that follow it), and
 * one trace fires when the window closes. A delete closes the path's window at once, so the order of
 * events per path is kept. Sizes are read on the worker pool, in event order.
 */
public final class FileTriggerListener implements TriggerListener {

    private static final Logger LOG = LoggerFactory.getLogger(FileTriggerListener.class);

    /** The window folding a path's burst of events into one; long enough for an editor's save. */
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(100);

    private final String triggerId;
    private final Path root;
    private final Set<FileEvent> events;
    private final PathMatcher pattern;
    private final boolean patternOnRelativePath;
    private final boolean recursive;
    private final Vertx vertx;
    private final Context context;
    private final TriggerSink sink;
    private final long debounceMs;

    private volatile boolean paused;
    private volatile boolean closed;
    private DirectoryWatcher watcher;
    private ExecutorService watchThread;
    private Path watchedRoot;
    /** Open windows by path; touched only on {@link #context}. */
    private final Map<Path, Pending> pending = new HashMap<>();

    private static final class Pending {
        FileEvent event;
        long timerId;

        Pending(FileEvent event) {
            this.event = event;
        }
    }

    /**
     * @param root the folder to watch, absolute
     * @param events the events that fire; others are ignored
     * @param pattern a glob matcher, or {@code null} for every file
     * @param patternOnRelativePath whether the glob is matched against the path relative to
     *     {@code root} (a glob with a {@code /}) rather than the file name
     * @param recursive whether files in sub-folders count
     */
    public FileTriggerListener(String triggerId, Path root, Set<FileEvent> events, PathMatcher pattern,
                               boolean patternOnRelativePath, boolean recursive, Vertx vertx, TriggerSink sink,
                               Duration debounce) {
        this.triggerId = Objects.requireNonNull(triggerId, "triggerId");
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.events = events.isEmpty() ? EnumSet.noneOf(FileEvent.class) : EnumSet.copyOf(events);
        this.pattern = pattern;
        this.patternOnRelativePath = patternOnRelativePath;
        this.recursive = recursive;
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.debounceMs = Math.max(1, Objects.requireNonNull(debounce, "debounce").toMillis());
        this.context = vertx.getOrCreateContext();
    }

    @Override
    public String triggerId() {
        return triggerId;
    }

    /** The folder it watches. */
    public Path root() {
        return root;
    }

    /**
     * Registers the watches (walking the folder tree: blocking I/O) and begins firing; events that
     * happen after this returns are seen.
     *
     * @throws IllegalStateException when the folder does not exist or cannot be watched
     */
    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("filesystem trigger '" + triggerId + "' is closed");
        }
        if (watcher != null) {
            return;
        }
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("filesystem trigger '" + triggerId + "': " + root + " is not a directory");
        }
        try {
            // Events carry paths under the real path of what was registered.
            watchedRoot = root.toRealPath();
            DirectoryWatcher.Builder b = DirectoryWatcher.builder()
                    .path(watchedRoot)
                    .fileHashing(false)
                    .logger(LOG)
                    .listener(this::onWatchEvent);
            if (!recursive) {
                b.fileTreeVisitor(onlyTheRoot(watchedRoot));
            }
            watcher = b.build();
        } catch (IOException e) {
            throw new IllegalStateException("filesystem trigger '" + triggerId + "': cannot watch " + root + ": " + e.getMessage(), e);
        }
        watchThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "xerv-watch-" + triggerId);
            t.setDaemon(true);
            return t;
        });
        watcher.watchAsync(watchThread).whenComplete((v, e) -> {
            if (e != null && !closed) {
                LOG.warn("filesystem trigger '{}': watching {} stopped", triggerId, root, e);
            }
        });
    }

    /** Registers the watched folder alone: sub-folders, present or created later, get no watch. */
    private static FileTreeVisitor onlyTheRoot(Path root) {
        return (dir, onDirectory, onFile) -> {
            if (!dir.equals(root)) {
                return;
            }
            onDirectory.call(root);
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
                for (Path p : entries) {
                    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        onFile.call(p);
                    }
                }
            }
        };
    }

    @Override
    public void pause() {
        paused = true;
    }

    @Override
    public void resume() {
        paused = false;
    }

    @Override
    public boolean paused() {
        return paused;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                throw new UncheckedIOException("filesystem trigger '" + triggerId + "': closing the watch of " + root, e);
            } finally {
                watchThread.shutdown();
            }
        }
        context.runOnContext(v -> {
            pending.values().forEach(p -> vertx.cancelTimer(p.timerId));
            pending.clear();
        });
    }

    /** On the watch thread: filters, then hands the event to the context. */
    private void onWatchEvent(DirectoryChangeEvent e) {
        if (closed || paused || e.isDirectory()) {
            return;
        }
        FileEvent event = switch (e.eventType()) {
            case CREATE -> FileEvent.CREATE;
            case MODIFY -> FileEvent.MODIFY;
            case DELETE -> FileEvent.DELETE;
            case OVERFLOW -> {
                LOG.warn("filesystem trigger '{}': too many changes under {} at once; some were not seen", triggerId, root);
                yield null;
            }
        };
        if (event == null || !events.contains(event)) {
            return;
        }
        Path path = e.path();
        if (path == null || !path.startsWith(watchedRoot)) {
            return;
        }
        Path relative = watchedRoot.relativize(path);
        if (relative.getNameCount() == 0 || (!recursive && relative.getNameCount() > 1)) {
            return;
        }
        if (pattern != null && !pattern.matches(patternOnRelativePath ? relative : relative.getFileName())) {
            return;
        }
        context.runOnContext(v -> onEvent(event, path, relative));
    }

    /** On the context: opens, folds or closes the path's window. */
    private void onEvent(FileEvent event, Path path, Path relative) {
        if (closed) {
            return;
        }
        Pending p = pending.get(path);
        if (event == FileEvent.DELETE) {
            if (p != null) {
                pending.remove(path);
                vertx.cancelTimer(p.timerId);
                emit(p.event, path, relative);
            }
            emit(FileEvent.DELETE, path, relative);
            return;
        }
        if (p != null) {
            if (p.event != FileEvent.CREATE) {
                p.event = event;
            }
            return;
        }
        Pending opened = new Pending(event);
        opened.timerId = vertx.setTimer(debounceMs, id -> {
            if (pending.remove(path) == opened) {
                emit(opened.event, path, relative);
            }
        });
        pending.put(path, opened);
    }

    private void emit(FileEvent event, Path path, Path relative) {
        Instant at = Instant.now();
        // Ordered: sizes are read one after another, so traces fire in event order.
        context.executeBlocking(() -> event == FileEvent.DELETE ? -1L : sizeOf(path), true).onComplete(ar -> {
            if (closed || paused) {
                return;
            }
            JsonObject payload = new JsonObject()
                    .put("trigger", triggerId)
                    .put("event", event.wireName())
                    .put("path", path.toString())
                    .put("relativePath", relative.toString())
                    .put("name", path.getFileName().toString());
            long size = ar.succeeded() ? ar.result() : -1;
            if (size >= 0) {
                payload.put("size", size);
            }
            payload.put("at", at.toString());
            try {
                sink.fire(triggerId, payload.toBuffer().getBytes()).onFailure(err ->
                        LOG.warn("filesystem trigger '{}': the trace for {} {} was refused: {}", triggerId,
                                event.wireName(), path, err.getMessage()));
            } catch (RuntimeException err) {
                LOG.warn("filesystem trigger '{}': firing the trace for {} {} failed", triggerId, event.wireName(), path, err);
            }
        });
    }

    private static long sizeOf(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            // Gone already (or unreadable): the event is still reported, without a size.
            return -1;
        }
    }
}
