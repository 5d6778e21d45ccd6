package io.xerv.wal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Where WAL segments live. The default is the file system; tests substitute a layer that loses
 * whatever was not synced when they simulate a crash.
 */
public interface Storage {

    /** One segment open for reading and appending. */
    interface Segment extends AutoCloseable {
        /** Appends all of {@code src}. */
        void write(ByteBuffer src) throws IOException;

        /** Makes everything written so far durable (fdatasync). */
        void sync() throws IOException;

        /** The file's length, which may run past the appended data (reserved or reused space). */
        long size() throws IOException;

        /** Where the next append goes. */
        long position() throws IOException;

        /** Reads the whole segment. */
        ByteBuffer readAll() throws IOException;

        /** Cuts the segment to {@code length} bytes, durably. */
        void truncate(long length) throws IOException;

        /**
         * Sets the file's length to {@code length} ahead of the appends, without writing (a sparse
         * file), so that appending below it does not change the file's size: a sync then writes the
         * data without a journal commit for the size, which measured twice as fast on ext4. The bytes
         * past the appended data read as zeros, where a scan of the log stops. Appends still go after
         * the data written so far. The default does nothing.
         */
        default void reserve(long length) throws IOException {
        }

        /** Gives back the reserved length past the appended data (on a clean close). */
        default void release() throws IOException {
        }

        @Override
        void close() throws IOException;
    }

    /** The segment files in {@code dir} (names {@code wal-NNNNNN.log}), sorted. */
    List<Path> list(Path dir) throws IOException;

    /** The spare files in {@code dir}, segments kept for reuse (names {@code spare-NNNNNN.log}), sorted. */
    List<Path> spares(Path dir) throws IOException;

    /**
     * Reads a whole segment without opening it for writing (nor creating it): for a reader that
     * must not change the log, while a writer may rename or delete the file.
     *
     * @throws java.nio.file.NoSuchFileException when the file is gone
     */
    default ByteBuffer read(Path file) throws IOException {
        if (!list(file.getParent()).contains(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString());
        }
        try (Segment s = open(file)) {
            return s.readAll();
        }
    }

    /**
     * Reads a whole segment that nobody else writes (the log's owner, at open), where the file
     * system may map it instead of copying it to the heap. The default reads it as {@link #read} does.
     */
    default ByteBuffer map(Path file) throws IOException {
        return read(file);
    }

    /** Opens (creating if needed) a segment; appends go after its current end. */
    Segment open(Path file) throws IOException;

    /**
     * Opens an existing file to write it again from its start: appends overwrite its bytes in place,
     * and the bytes not yet overwritten stay as they were. Overwriting allocated blocks is the cheapest
     * write a sync can cover: no block is allocated or freed.
     */
    Segment reuse(Path file) throws IOException;

    /** Renames {@code from} to {@code to} atomically (durable once {@link #syncDirectory} returns). */
    void rename(Path from, Path to) throws IOException;

    void delete(Path file) throws IOException;

    /** Makes the creations, renames and deletions in {@code dir} so far durable. */
    void syncDirectory(Path dir) throws IOException;

    /** The file system. */
    Storage FILES = new Storage() {
        @Override
        public List<Path> list(Path dir) throws IOException {
            return sorted(dir, "wal-*.log");
        }

        @Override
        public List<Path> spares(Path dir) throws IOException {
            return sorted(dir, "spare-*.log");
        }

        private List<Path> sorted(Path dir, String glob) throws IOException {
            Files.createDirectories(dir);
            List<Path> out = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
                ds.forEach(out::add);
            }
            out.sort(null);
            return out;
        }

        @Override
        public Segment open(Path file) throws IOException {
            return open(file, false);
        }

        @Override
        public ByteBuffer read(Path file) throws IOException {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(ch.size()));
                while (b.hasRemaining() && ch.read(b) >= 0) {
                    // until the end
                }
                return b.flip();
            }
        }

        @Override
        public ByteBuffer map(Path file) throws IOException {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            }
        }


        @Override
        public Segment reuse(Path file) throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new java.nio.file.NoSuchFileException(file.toString());
            }
            return open(file, true);
        }

        @Override
        public void rename(Path from, Path to) throws IOException {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        }

        @Override
        public void syncDirectory(Path dir) throws IOException {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        }

        private Segment open(Path file, boolean fromStart) throws IOException {
            RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw");
            FileChannel ch = raf.getChannel();
            ch.position(fromStart ? 0 : ch.size());
            return new Segment() {
                public void write(ByteBuffer src) throws IOException {
                    while (src.hasRemaining()) {
                        ch.write(src);
                    }
                }

                public void sync() throws IOException {
                    ch.force(false);
                }

                public long size() throws IOException {
                    return ch.size();
                }

                public long position() throws IOException {
                    return ch.position();
                }

                public ByteBuffer readAll() throws IOException {
                    ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(ch.size()));
                    long pos = 0;
                    while (b.hasRemaining()) {
                        int n = ch.read(b, pos);
                        if (n < 0) {
                            break;
                        }
                        pos += n;
                    }
                    return b.flip();
                }

                public void truncate(long length) throws IOException {
                    ch.truncate(length);
                    ch.force(true);
                    ch.position(length);
                }

                public void reserve(long length) throws IOException {
                    if (length > raf.length()) {
                        raf.setLength(length);
                    }
                }

                public void release() throws IOException {
                    if (ch.position() < ch.size()) {
                        ch.truncate(ch.position());
                        ch.force(true);
                    }
                }

                public void close() throws IOException {
                    raf.close();
                }
            };
        }

        @Override
        public void delete(Path file) throws IOException {
            Files.deleteIfExists(file);
        }
    };
}
