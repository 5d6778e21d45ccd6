package io.xerv.host.serve;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What was deployed and changed through the API, recorded under {@code <data-dir>/pipelines} so that
 * the next start of the host deploys it again. One folder per pipeline:
 *
 * <pre>
 * pipelines/NAME/deployment.json        the manifest: the lifecycle state, and the deployed version
 * pipelines/NAME/VERSION-DIGEST.yaml    the YAML of each version deployed through the API
 * </pre>
 *
 * <p>A manifest without a deployed version only keeps the state of a pipeline the flows folder
 * deploys (paused or stopped through the API). Version files stay while a version may still have
 * traces; {@link #prune} removes the others. Every file is written whole or not at all: a temporary
 * file, forced to disk, renamed over the old one, then the folder forced.
 *
 * <p>Thread-safe: every method synchronizes on the store. Methods do file I/O: call them off event loops.
 */
final class Deployments {

    static final String MANIFEST = "deployment.json";
    private static final int FORMAT = 1;
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]+");

    /**
     * One pipeline's manifest.
     *
     * @param name the pipeline
     * @param state {@code running}, {@code paused} or {@code stopped}
     * @param version the version deployed through the API, or null when only the state is recorded
     */
    record Entry(String name, PipelineState state, Deployed version) {
        Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(state, "state");
        }
    }

    /**
     * A version deployed through the API.
     *
     * @param version the flow's version
     * @param digest the flow's identity ({@link io.xerv.host.flow.FlowDefinition#digest()})
     * @param file the YAML file's name in the pipeline's folder
     * @param source the source name it was deployed with (relative paths in it resolve as then)
     * @param supersedes the digest of the flows folder's flow of the same name when it was deployed,
     *     or null when the folder had none
     * @param deployedAt epoch millis
     */
    record Deployed(String version, String digest, String file, String source, String supersedes, long deployedAt) {
        Deployed {
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(digest, "digest");
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(source, "source");
        }
    }

    private final Path root;

    Deployments(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    /** The folder of the store. */
    Path root() {
        return root;
    }

    /**
     * Every recorded pipeline, by folder name. A manifest that cannot be read is reported in
     * {@code problems} (naming the file) and left alone.
     */
    synchronized List<Entry> load(List<String> problems) {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(root, Files::isDirectory)) {
            s.forEach(dirs::add);
        } catch (IOException e) {
            problems.add(root + ": cannot list the recorded deployments: " + e.getMessage());
            return out;
        }
        dirs.sort(Comparator.naturalOrder());
        for (Path dir : dirs) {
            Path manifest = dir.resolve(MANIFEST);
            if (!Files.isRegularFile(manifest)) {
                continue;
            }
            try {
                Entry e = parse(Files.readString(manifest, StandardCharsets.UTF_8));
                if (!folder(e.name()).equals(dir)) {
                    throw new IllegalArgumentException("it names pipeline '" + e.name() + "', whose record belongs in "
                            + folder(e.name()));
                }
                out.add(e);
            } catch (IOException | RuntimeException e) {
                problems.add(manifest + ": cannot read the recorded deployment: " + e.getMessage());
            }
        }
        return out;
    }

    private static Entry parse(String text) {
        JsonObject j;
        try {
            j = new JsonObject(text);
        } catch (DecodeException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (j.getInteger("format", 0) != FORMAT) {
            throw new IllegalArgumentException("format " + j.getValue("format") + " is not " + FORMAT);
        }
        String name = required(j, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name '" + name + "' is not a pipeline name (letters, digits, '_', '.' and '-')");
        }
        String word = required(j, "state");
        PipelineState state = switch (word) {
            case "running" -> PipelineState.RUNNING;
            case "paused" -> PipelineState.PAUSED;
            case "stopped" -> PipelineState.STOPPED;
            default -> throw new IllegalArgumentException("state '" + word + "' is not running, paused or stopped");
        };
        JsonObject d = j.getJsonObject("deployed");
        Deployed deployed = d == null ? null : new Deployed(required(d, "version"), required(d, "digest"),
                required(d, "file"), required(d, "source"), d.getString("supersedes"), d.getLong("deployedAt", 0L));
        if (deployed != null && (deployed.file().contains("/") || deployed.file().contains("\\") || deployed.file().startsWith("."))) {
            throw new IllegalArgumentException("deployed.file '" + deployed.file() + "' is not a file name");
        }
        return new Entry(name, state, deployed);
    }

    private static String required(JsonObject j, String key) {
        Object v = j.getValue(key);
        if (!(v instanceof String s) || s.isEmpty()) {
            throw new IllegalArgumentException("'" + key + "' is missing or not a string");
        }
        return s;
    }

    /** The YAML of a recorded version. */
    synchronized String yaml(Entry e) throws IOException {
        return Files.readString(folder(e.name()).resolve(e.version().file()), StandardCharsets.UTF_8);
    }

    /** The recorded version files of a pipeline whose digest is {@code digest}, if one is kept. */
    synchronized Optional<Path> versionFile(String name, String digest) {
        Path dir = folder(name);
        String suffix = "-" + digest + ".yaml";
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(suffix)).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The manifest of a pipeline, or empty. */
    synchronized Optional<Entry> get(String name) {
        Path manifest = folder(name).resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(Files.readString(manifest, StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Records a version deployed through the API: its YAML, then the manifest naming it.
     *
     * @throws IOException when either cannot be written (the previous record stays as it was)
     */
    synchronized void deployed(String name, String version, String digest, String yaml, String source,
                               String supersedes, PipelineState state, long now) throws IOException {
        Path dir = folder(name);
        Files.createDirectories(dir);
        String file = fileSafe(version) + "-" + digest + ".yaml";
        if (!Files.isRegularFile(dir.resolve(file))) {
            write(dir.resolve(file), yaml);
        }
        writeManifest(new Entry(name, recordable(state), new Deployed(version, digest, file, source, supersedes, now)));
    }

    /**
     * Records a pipeline's lifecycle state. A running pipeline that the flows folder deploys needs no
     * record: its manifest is removed.
     *
     * @throws IOException when the manifest cannot be written
     */
    synchronized void state(String name, PipelineState state) throws IOException {
        Entry old = get(name).orElse(null);
        PipelineState s = recordable(state);
        if (old == null && s == PipelineState.RUNNING) {
            return;
        }
        Deployed d = old == null ? null : old.version();
        if (d == null && s == PipelineState.RUNNING) {
            remove(name);
            return;
        }
        Files.createDirectories(folder(name));
        writeManifest(new Entry(name, s, d));
    }

    /**
     * Forgets the version deployed through the API (the flows folder's flow runs instead) and keeps
     * the recorded state.
     */
    synchronized void forgetVersion(String name) throws IOException {
        Entry old = get(name).orElse(null);
        if (old == null) {
            return;
        }
        if (old.state() == PipelineState.RUNNING) {
            remove(name);
        } else {
            writeManifest(new Entry(name, old.state(), null));
            prune(name, Set.of());
        }
    }

    /** Removes everything recorded of a pipeline. */
    synchronized void remove(String name) throws IOException {
        Path dir = folder(name);
        if (!Files.isDirectory(dir)) {
            return;
        }
        // The manifest goes first: a crash half-way leaves version files that nothing names, never a
        // manifest naming a file that is gone.
        Files.deleteIfExists(dir.resolve(MANIFEST));
        forceFolder(dir);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
        forceFolder(root);
    }

    /** Deletes the version files of a pipeline other than its manifest's and those in {@code keepDigests}. */
    synchronized void prune(String name, Set<String> keepDigests) throws IOException {
        Path dir = folder(name);
        if (!Files.isDirectory(dir)) {
            return;
        }
        Entry e = get(name).orElse(null);
        String current = e == null || e.version() == null ? null : e.version().file();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.toList()) {
                String n = f.getFileName().toString();
                if (!n.endsWith(".yaml") || n.equals(current)) {
                    continue;
                }
                String digest = n.substring(n.lastIndexOf('-') + 1, n.length() - ".yaml".length());
                if (!keepDigests.contains(digest)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private static PipelineState recordable(PipelineState s) {
        // A drain ends stopped; a restart in the middle of one finds the pipeline stopped.
        return s == PipelineState.DRAINING ? PipelineState.STOPPED : s;
    }

    private void writeManifest(Entry e) throws IOException {
        JsonObject j = new JsonObject().put("format", FORMAT).put("name", e.name()).put("state", e.state().label());
        Deployed d = e.version();
        if (d != null) {
            j.put("deployed", new JsonObject().put("version", d.version()).put("digest", d.digest()).put("file", d.file())
                    .put("source", d.source()).put("supersedes", d.supersedes()).put("deployedAt", d.deployedAt()));
        }
        write(folder(e.name()).resolve(MANIFEST), j.encodePrettily() + "\n");
    }

    /** The folder of a pipeline. Flow names are letters, digits, '_', '.' and '-'; a leading '.' is escaped. */
    Path folder(String name) {
        return root.resolve(name.startsWith(".") ? "%2E" + name.substring(1) : name);
    }

    private static String fileSafe(String version) {
        return version.replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    /** Writes a file whole or not at all: a temporary file, forced, renamed over the target, folder forced. */
    private static void write(Path target, String text) throws IOException {
        Path dir = target.getParent();
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        forceFolder(dir);
    }

    private static void forceFolder(Path dir) {
        // Makes the rename durable; not every platform can open a folder (the rename is then as
        // durable as the platform makes it).
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // nothing more to do
        }
    }
}
