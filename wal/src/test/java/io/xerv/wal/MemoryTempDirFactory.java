package io.xerv.wal;

import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Puts a {@code @TempDir} in memory ({@code /dev/shm}) where there is one, so tests that open and
 * truncate a log hundreds of times do not wait on a shared disk's fsync. Elsewhere, the usual temp dir.
 */
final class MemoryTempDirFactory implements TempDirFactory {

    private static final Path SHM = Path.of("/dev/shm");

    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension) throws IOException {
        if (Files.isDirectory(SHM) && Files.isWritable(SHM)) {
            return Files.createTempDirectory(SHM, "xerv-wal-test");
        }
        return Files.createTempDirectory("xerv-wal-test");
    }
}
