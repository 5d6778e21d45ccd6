package io.xerv.js;

import org.graalvm.polyglot.io.FileSystem;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryStream;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The only "file system" a sandboxed context has: it holds one read-only file, the SDK's own module, so
 * that {@code import { defineNode } from '@xerv/sdk-js-guest'} works without bundling. Every other path
 * is refused, so any other import fails (bundle it instead). Stateless; thread-safe.
 */
final class SdkModuleFileSystem implements FileSystem {

    /** The package name node modules import. */
    static final String PACKAGE = "@xerv/sdk-js-guest";

    private static final Path SDK = Path.of("/xerv-sandbox/sdk-js-guest.mjs");

    private final byte[] module;

    SdkModuleFileSystem(String moduleSource) {
        this.module = moduleSource.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Path parsePath(URI uri) {
        return parsePath(uri.getPath() == null ? uri.toString() : uri.getPath());
    }

    @Override
    public Path parsePath(String path) {
        if (path.equals(PACKAGE) || path.endsWith("/" + PACKAGE) || path.equals(SDK.toString())) {
            return SDK;
        }
        return Path.of("/xerv-sandbox/denied").resolve(path.replace(':', '_')).normalize();
    }

    private void requireSdk(Path path) throws IOException {
        if (!SDK.equals(path)) {
            throw new NoSuchFileException(path.getFileName() == null ? path.toString() : path.getFileName().toString(),
                    null, "the sandbox has no file system; only '" + PACKAGE + "' can be imported (bundle other imports)");
        }
    }

    @Override
    public void checkAccess(Path path, Set<? extends AccessMode> modes, LinkOption... options) throws IOException {
        requireSdk(path);
        if (modes.contains(AccessMode.WRITE) || modes.contains(AccessMode.EXECUTE)) {
            throw new SecurityException("the SDK module is read-only");
        }
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) {
        throw new SecurityException("the sandbox has no file system");
    }

    @Override
    public void delete(Path path) {
        throw new SecurityException("the sandbox has no file system");
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        requireSdk(path);
        if (options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND)) {
            throw new SecurityException("the SDK module is read-only");
        }
        return new ReadOnlyChannel(module);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) {
        throw new SecurityException("the sandbox has no file system");
    }

    @Override
    public Path toAbsolutePath(Path path) {
        return path.isAbsolute() ? path : Path.of("/xerv-sandbox").resolve(path);
    }

    @Override
    public Path toRealPath(Path path, LinkOption... options) throws IOException {
        Path p = toAbsolutePath(path);
        requireSdk(p);
        return p;
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        requireSdk(path);
        Map<String, Object> m = new HashMap<>();
        FileTime epoch = FileTime.fromMillis(0);
        m.put("size", (long) module.length);
        m.put("isRegularFile", true);
        m.put("isDirectory", false);
        m.put("isSymbolicLink", false);
        m.put("isOther", false);
        m.put("lastModifiedTime", epoch);
        m.put("lastAccessTime", epoch);
        m.put("creationTime", epoch);
        m.put("fileKey", null);
        return m;
    }

    /** A read-only channel over bytes in memory. */
    private static final class ReadOnlyChannel implements SeekableByteChannel {
        private final byte[] bytes;
        private int position;
        private boolean open = true;

        ReadOnlyChannel(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (position >= bytes.length) {
                return -1;
            }
            int n = Math.min(dst.remaining(), bytes.length - position);
            dst.put(bytes, position, n);
            position += n;
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new NonWritableChannelException();
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public SeekableByteChannel position(long newPosition) {
            position = (int) Math.min(newPosition, bytes.length);
            return this;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new NonWritableChannelException();
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }
}
