package io.xerv.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which files and folders a node's config and a flow's file triggers may name: the {@code paths} rule
 * of a host's policy, shared by {@link HostServices#defaults()} and the host's configured policy so
 * that both apply the same checks. A path is allowed when it lies inside one of the roots (a relative
 * root, such as the default {@code .}, is taken against the flow's folder) and inside none of the
 * forbidden folders ({@code /proc}, {@code /dev}, {@code /sys} always, plus the host's own, such as
 * its data directory). A directory (a WASI preopen, a watched folder) is also refused when it
 * contains a forbidden folder. Both the path as written and its real path (symbolic links followed)
 * are checked, so a link cannot lead out; the check never reads a file, and its answer does not
 * depend on whether a file outside the roots exists. Immutable and thread-safe.
 */
@Experimental
public final class FileRules {

    /** Folders no node may reach, whatever the roots say. */
    public static final List<Path> SYSTEM_FOLDERS = List.of(Path.of("/proc"), Path.of("/dev"), Path.of("/sys"));

    /** 16 MiB: the default cap on a file a node's config names. */
    public static final long DEFAULT_MAX_FILE_BYTES = 16L << 20;

    /** The flow's folder only, no WASI directories, files up to 16 MiB. */
    public static final FileRules DEFAULT = new FileRules(List.of(Path.of(".")), List.of(), false, DEFAULT_MAX_FILE_BYTES);

    private final List<Path> roots;
    private final List<Path> forbidden;
    private final boolean wasiDirs;
    private final long maxFileBytes;
    /** Folders a flow's own folder must be in for relative roots to count, or null when any folder is. */
    private final List<Path> flowFolders;

    /**
     * @param roots folders files may be in; relative ones are taken against the flow's folder
     * @param forbidden folders files may not be in, besides {@link #SYSTEM_FOLDERS}; relative ones against the working directory
     * @param wasiDirs whether WASI guests may be given directories ({@link HostServices.FileUse#PREOPEN})
     * @param maxFileBytes the largest file a node may load
     */
    public FileRules(List<Path> roots, List<Path> forbidden, boolean wasiDirs, long maxFileBytes) {
        this(roots, forbidden, wasiDirs, maxFileBytes, null);
    }

    private FileRules(List<Path> roots, List<Path> forbidden, boolean wasiDirs, long maxFileBytes, List<Path> flowFolders) {
        this.flowFolders = flowFolders == null ? null
                : flowFolders.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        this.roots = List.copyOf(Objects.requireNonNull(roots, "roots"));
        List<Path> f = new ArrayList<>(SYSTEM_FOLDERS);
        for (Path p : Objects.requireNonNull(forbidden, "forbidden")) {
            Path abs = p.toAbsolutePath().normalize();
            f.add(abs);
            Path real = real(abs);
            if (real != null && !real.equals(abs)) {
                f.add(real);
            }
        }
        this.forbidden = List.copyOf(f);
        this.wasiDirs = wasiDirs;
        if (maxFileBytes < 1) {
            throw new IllegalArgumentException("maxFileBytes must be at least 1, was " + maxFileBytes);
        }
        this.maxFileBytes = maxFileBytes;
    }

    /** These rules with {@code folder} forbidden as well (the host's data directory, for example). */
    public FileRules forbidding(Path folder) {
        List<Path> f = new ArrayList<>(forbidden.subList(SYSTEM_FOLDERS.size(), forbidden.size()));
        f.add(folder);
        return new FileRules(roots, f, wasiDirs, maxFileBytes, flowFolders);
    }

    /**
     * These rules where a relative root (such as {@code .}) counts only for a flow whose folder is inside
     * one of {@code folders}: a host whose API takes flows as text names their folder from a label the
     * caller chooses, so the folder proves nothing unless the operator's own flows live there.
     */
    public FileRules trustingFlowFoldersIn(List<Path> folders) {
        return new FileRules(roots, forbidden.subList(SYSTEM_FOLDERS.size(), forbidden.size()), wasiDirs, maxFileBytes,
                List.copyOf(folders));
    }

    /** The roots as configured. */
    public List<Path> roots() {
        return roots;
    }

    /** Whether WASI guests may be given directories. */
    public boolean wasiDirs() {
        return wasiDirs;
    }

    /** The largest file a node may load, in bytes. */
    public long maxFileBytes() {
        return maxFileBytes;
    }

    /**
     * Resolves a path a config names and checks it.
     *
     * @return the real path when the file exists (links followed), else the normalized absolute path
     * @throws IllegalArgumentException naming the path as written and the rule; the same message
     *     whether or not a refused file exists
     */
    public Path resolve(String written, Path baseDirectory, HostServices.FileUse use) {
        Objects.requireNonNull(written, "written");
        Objects.requireNonNull(use, "use");
        if (use == HostServices.FileUse.PREOPEN && !wasiDirs) {
            throw new IllegalArgumentException("'" + written + "' cannot be given to a WASI guest: the host's policy"
                    + " grants WASI guests no directories (policy.wasi.dirs)");
        }
        Path base = baseDirectory.toAbsolutePath().normalize();
        Path p;
        try {
            p = base.resolve(written).normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + written + "' is not a valid path");
        }
        List<Path> allowed = allowedRoots(base);
        String refusal = refusal(p, allowed, use);
        if (refusal != null) {
            throw new IllegalArgumentException(refused(written, refusal));
        }
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            // Nothing there: the caller reports it missing. A missing path inside a root says nothing
            // about files outside, so this answer may differ from the one for an existing file.
            Path parentReal = p.getParent() == null ? null : real(p.getParent());
            if (parentReal != null && refusal(parentReal.resolve(p.getFileName()), allowed, use) != null) {
                throw new IllegalArgumentException(refused(written, "it leads out through a symbolic link"));
            }
            return p;
        }
        Path real = real(p);
        if (real == null || refusal(real, allowed, use) != null) {
            // A dangling link, or one that leads out: the same answer whether its target exists or not.
            throw new IllegalArgumentException(refused(written, "it leads out through a symbolic link"));
        }
        return real;
    }

    private static String refused(String written, String why) {
        return "'" + written + "' is not a path nodes may use: " + why + " (the host's policy.paths decides which"
                + " folders nodes and file triggers may reach)";
    }

    private List<Path> allowedRoots(Path base) {
        List<Path> out = new ArrayList<>(roots.size() * 2);
        boolean trusted = flowFolders == null || flowFolders.stream().anyMatch(base::startsWith);
        for (Path r : roots) {
            if (!r.isAbsolute() && !trusted) {
                continue;
            }
            Path abs = base.resolve(r).normalize();
            out.add(abs);
            Path real = real(abs);
            if (real != null && !real.equals(abs)) {
                out.add(real);
            }
        }
        return out;
    }

    /** Why {@code p} is refused, or null when it is allowed. */
    private String refusal(Path p, List<Path> allowed, HostServices.FileUse use) {
        for (Path f : forbidden) {
            if (p.startsWith(f)) {
                return "it is inside " + f + ", which nodes may never reach";
            }
            boolean directory = use == HostServices.FileUse.PREOPEN || use == HostServices.FileUse.WATCH;
            if (directory && f.startsWith(p)) {
                return "it contains " + f + ", which nodes may never reach";
            }
        }
        for (Path r : allowed) {
            if (p.startsWith(r)) {
                return null;
            }
        }
        return "it is outside the allowed folders";
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /**
     * Reads a regular file of at most {@code maxBytes} bytes, with a bounded stream (a device or a
     * pipe is refused before it is opened; a file that grows while read is cut off and refused).
     *
     * @param written the path as the config wrote it, for messages
     * @throws IllegalArgumentException naming the path and the problem, never anything read from it
     */
    public static byte[] readRegularFile(Path path, String written, long maxBytes) {
        try {
            if (!Files.isRegularFile(path)) {
                if (Files.exists(path)) {
                    throw new IllegalArgumentException("'" + written + "' is not a regular file");
                }
                throw new IllegalArgumentException("'" + written + "' not found (looked for " + path + ")");
            }
            long size = Files.size(path);
            if (size > maxBytes) {
                throw new IllegalArgumentException("'" + written + "' is " + size + " bytes; the limit is " + maxBytes
                        + " (policy.max_file_bytes)");
            }
            try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (bytes.length > maxBytes) {
                    throw new IllegalArgumentException("'" + written + "' is larger than the limit of " + maxBytes
                            + " bytes (policy.max_file_bytes)");
                }
                return bytes;
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("'" + written + "' not found (looked for " + path + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read '" + written + "' (" + path + "): "
                    + e.getClass().getSimpleName());
        }
    }
}
