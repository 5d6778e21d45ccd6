package io.xerv.host.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The host's local admin token: a random secret in {@code <data-dir>/api-token} that the REST and
 * gRPC APIs accept with every scope, so that an operator (and the CLI) on the host's machine can
 * use the API without configuring keys. Whoever can read the data directory's token file is an
 * administrator of the host; nobody else is, whatever address they call from.
 *
 * <p>The file is created once, owner-only ({@code 0600} where the file system has POSIX
 * permissions), written to a temporary file and renamed into place so that a reader never sees half
 * a token, and reused at every later start. Stateless; safe to call from any thread.
 */
public final class LocalToken {

    /** The token file's name in the data directory. */
    public static final String FILE = "api-token";

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private LocalToken() {
    }

    /** Where the token of a data directory lives. */
    public static Path file(Path dataDir) {
        return dataDir.resolve(FILE);
    }

    /**
     * The data directory's token, created when the directory has none. An existing file readable by
     * others is narrowed to its owner.
     *
     * @throws IOException when the file cannot be read or written, or holds no token
     */
    public static String ensure(Path dataDir) throws IOException {
        Path f = file(dataDir);
        if (!Files.exists(f)) {
            create(dataDir, f);
        }
        restrict(f);
        String token = read(f);
        if (token == null) {
            throw new IOException(f + " holds no token; delete it and the host creates a new one at its next start");
        }
        return token;
    }

    /** The token in a file (surrounding white space removed), or null when the file is absent or empty. */
    public static String read(Path f) throws IOException {
        if (!Files.isRegularFile(f)) {
            return null;
        }
        String t = Files.readString(f, StandardCharsets.UTF_8).strip();
        return t.isEmpty() ? null : t;
    }

    private static void create(Path dataDir, Path f) throws IOException {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        boolean posix = Files.getFileAttributeView(dataDir, PosixFileAttributeView.class) != null;
        FileAttribute<?>[] attrs = posix ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dataDir, ".api-token-", ".tmp", attrs);
        try {
            Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                // A link never replaces: when two hosts race on one directory, the first token wins.
                Files.createLink(f, tmp);
            } catch (FileAlreadyExistsException e) {
                return;
            } catch (UnsupportedOperationException | IOException e) {
                if (Files.exists(f)) {
                    return;
                }
                try {
                    Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException a) {
                    Files.move(tmp, f);
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void restrict(Path f) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(f, PosixFileAttributeView.class);
        if (view != null && !view.readAttributes().permissions().equals(OWNER_ONLY)) {
            view.setPermissions(OWNER_ONLY);
        }
    }
}
