package io.xerv.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.IntUnaryOperator;

/**
 * An in-memory disk that loses what was not synced when it crashes, in the spirit of LazyFS.
 *
 * <p>Each file has durable bytes and one run of pending bytes written since the last sync, which
 * starts where that sync left the writer: at the end of the file, or inside it for a file written
 * again from its start ({@link #reuse}). {@code sync} lays the pending bytes over the durable ones.
 * {@link #crash()} drops every pending byte of every file; {@link #crashTearing} keeps a random prefix
 * of each file's pending bytes instead, as a disk that wrote part of its cache back would. Creating,
 * renaming, truncating and deleting files is durable at once.
 *
 * <p>A crash ends the process that used the disk: every object handed out before it (this storage and
 * its segments) then throws {@link IOException} on use, so a writer that outlives the crash cannot
 * change the disk. {@link #restarted()} is the disk as the next process sees it. Thread-safe: all
 * state is guarded by the shared disk.
 */
final class LossyStorage implements Storage {

    private final Disk disk;
    private final int life;

    LossyStorage() {
        this(new Disk(), 0);
    }

    private LossyStorage(Disk disk, int life) {
        this.disk = disk;
        this.life = life;
    }

    /** The same disk, for a process started after the last crash. */
    LossyStorage restarted() {
        synchronized (disk) {
            return new LossyStorage(disk, disk.crashes);
        }
    }

    /** Drops every byte not yet synced. */
    void crash() {
        crash(pending -> 0);
    }

    /** Keeps a random prefix (possibly empty, possibly all) of each file's unsynced bytes. */
    void crashTearing(Random random) {
        crash(pending -> random.nextInt(pending + 1));
    }

    /** Keeps every unsynced byte, as if the OS had written its whole cache back just before. */
    void crashKeepingPending() {
        crash(pending -> pending);
    }

    private void crash(IntUnaryOperator kept) {
        synchronized (disk) {
            for (FileData f : disk.files.values()) {
                f.settle(kept.applyAsInt(f.pending.length));
            }
            disk.crashes++;
        }
    }

    /** How many crashes the disk has been through. */
    int crashes() {
        synchronized (disk) {
            return disk.crashes;
        }
    }

    /** Bytes written but not synced, over all files. */
    long pendingBytes() {
        synchronized (disk) {
            return disk.files.values().stream().mapToLong(f -> f.pending.length).sum();
        }
    }

    /** The files on the disk, sorted. */
    List<Path> files() {
        synchronized (disk) {
            return new ArrayList<>(disk.files.keySet());
        }
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        return named(dir, "wal-");
    }

    @Override
    public List<Path> spares(Path dir) throws IOException {
        return named(dir, "spare-");
    }

    // The files in dir named prefix*.log, sorted (the map is).
    private List<Path> named(Path dir, String prefix) throws IOException {
        synchronized (disk) {
            checkAlive();
            List<Path> out = new ArrayList<>();
            for (Path p : disk.files.keySet()) {
                String name = p.getFileName().toString();
                if (dir.equals(p.getParent()) && name.startsWith(prefix) && name.endsWith(".log")) {
                    out.add(p);
                }
            }
            return out;
        }
    }

    @Override
    public Segment open(Path file) throws IOException {
        synchronized (disk) {
            checkAlive();
            FileData f = disk.files.computeIfAbsent(file, x -> new FileData());
            return new LossySegment(f, f.size());
        }
    }

    @Override
    public Segment reuse(Path file) throws IOException {
        synchronized (disk) {
            checkAlive();
            FileData f = disk.files.get(file);
            if (f == null) {
                throw new IOException("no such file: " + file);
            }
            return new LossySegment(f, 0);
        }
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        synchronized (disk) {
            checkAlive();
            FileData f = disk.files.remove(from);
            if (f == null) {
                throw new IOException("no such file: " + from);
            }
            disk.files.put(to, f);
        }
    }

    @Override
    public void delete(Path file) throws IOException {
        synchronized (disk) {
            checkAlive();
            disk.files.remove(file);
        }
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        synchronized (disk) {
            checkAlive();
        }
    }

    private void checkAlive() throws IOException {
        if (disk.crashes != life) {
            throw new IOException("the process using this disk crashed");
        }
    }

    private final class LossySegment implements Segment {
        // Kept after a delete, as an open file descriptor keeps an unlinked file.
        private final FileData file;
        private int position;

        LossySegment(FileData file, int position) {
            this.file = file;
            this.position = position;
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            synchronized (disk) {
                checkAlive();
                byte[] b = new byte[src.remaining()];
                src.get(b);
                if (file.pending.length > 0 && file.pendingAt + file.pending.length != position) {
                    throw new IOException("writes since the last sync must follow each other");
                }
                if (file.pending.length == 0) {
                    file.pendingAt = position;
                }
                file.pending.append(b, 0, b.length);
                position += b.length;
            }
        }

        @Override
        public void sync() throws IOException {
            synchronized (disk) {
                checkAlive();
                file.settle(file.pending.length);
            }
        }

        @Override
        public long size() throws IOException {
            synchronized (disk) {
                checkAlive();
                return file.size();
            }
        }

        @Override
        public long position() throws IOException {
            synchronized (disk) {
                checkAlive();
                return position;
            }
        }

        @Override
        public ByteBuffer readAll() throws IOException {
            synchronized (disk) {
                checkAlive();
                return ByteBuffer.wrap(file.contents());
            }
        }

        @Override
        public void truncate(long length) throws IOException {
            synchronized (disk) {
                checkAlive();
                byte[] all = file.contents();
                int n = (int) Math.min(length, all.length);
                file.durable.length = 0;
                file.durable.append(all, 0, n);
                file.pending.length = 0;
                position = n;
            }
        }

        @Override
        public void close() {
            // Closing writes nothing, so a crashed process may still close.
        }
    }

    private static final class Disk {
        final TreeMap<Path, FileData> files = new TreeMap<>();
        int crashes;
    }

    private static final class FileData {
        final Bytes durable = new Bytes();
        final Bytes pending = new Bytes();
        /** Where the pending bytes go in the file. */
        int pendingAt;

        int size() {
            return Math.max(durable.length, pendingAt + pending.length);
        }

        /** The file as the process that writes it reads it: durable bytes with the pending ones over them. */
        byte[] contents() {
            byte[] all = Arrays.copyOf(durable.bytes, size());
            System.arraycopy(pending.bytes, 0, all, pendingAt, pending.length);
            return all;
        }

        /** Makes the first {@code kept} pending bytes durable and drops the rest. */
        void settle(int kept) {
            durable.put(pendingAt, pending.bytes, kept);
            pending.length = 0;
        }
    }

    private static final class Bytes {
        byte[] bytes = new byte[256];
        int length;

        void append(byte[] src, int from, int n) {
            put(length, src, n, from);
        }

        /** Writes the first {@code n} bytes of {@code src} at {@code at}, growing the bytes if needed. */
        void put(int at, byte[] src, int n) {
            put(at, src, n, 0);
        }

        private void put(int at, byte[] src, int n, int from) {
            if (at + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, at + n));
            }
            System.arraycopy(src, from, bytes, at, n);
            length = Math.max(length, at + n);
        }
    }
}
