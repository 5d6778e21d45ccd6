package io.xerv.wasm;

import com.dylibso.chicory.compiler.Cache;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Chicory's compiled classes for a module, kept in a folder keyed by the module's digest, so that a
 * host restart deploys its flows without compiling their modules again. Entries are published with
 * an atomic rename; several hosts may share the folder. Thread-safe.
 */
final class DiskCache implements Cache {

    private final Path dir;

    DiskCache(Path dir) {
        this.dir = dir;
    }

    /** The folder named by system property {@code xerv.wasm.cache} or env {@code XERV_WASM_CACHE}, or null. */
    static DiskCache configured() {
        String d = System.getProperty("xerv.wasm.cache");
        if (d == null || d.isBlank()) {
            d = System.getenv("XERV_WASM_CACHE");
        }
        return d == null || d.isBlank() ? null : new DiskCache(Path.of(d));
    }

    private Path file(String key) {
        // Keys are "algo:digest" with a base64 digest ('/' and '+' included): hex keeps names safe and distinct.
        return dir.resolve(java.util.HexFormat.of().formatHex(key.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + ".classes");
    }

    @Override
    public byte[] get(String key) throws IOException {
        Path f = file(key);
        return Files.isRegularFile(f) ? Files.readAllBytes(f) : null;
    }

    @Override
    public void putIfAbsent(String key, byte[] data) throws IOException {
        Path f = file(key);
        if (Files.exists(f)) {
            return;
        }
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "entry", ".tmp");
        try {
            Files.write(tmp, data);
            try {
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f);
            }
        } catch (FileAlreadyExistsException e) {
            // Another host or thread published it first: theirs is the same.
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    Path directory() {
        return dir;
    }
}
