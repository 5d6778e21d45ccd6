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
 * <p>Each file has durable bytes and pending bytes: {@code write} appends to pending, {@code sync}
 * moves pending to durable. {@link #crash()} drops every pending byte of every file; {@link
 * #crashTearing} keeps a random prefix of each file's pending bytes instead, as a disk that wrote
 * part of its cache back would. Creating, truncating and deleting files is durable at once.
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
                f.durable.append(f.pending.bytes, 0, kept.applyAsInt(f.pending.length));
                f.pending.length = 0;
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
        synchronized (disk) {
            checkAlive();
            List<Path> out = new ArrayList<>();
            for (Path p : disk.files.keySet()) {
                String name = p.getFileName().toString();
                if (dir.equals(p.getParent()) && name.startsWith("wal-") && name.endsWith(".log")) {
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
            return new LossySegment(disk.files.computeIfAbsent(file, f -> new FileData()));
        }
    }

    @Override
    public void delete(Path file) throws IOException {
        synchronized (disk) {
            checkAlive();
            disk.files.remove(file);
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

        LossySegment(FileData file) {
            this.file = file;
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            synchronized (disk) {
                checkAlive();
                byte[] b = new byte[src.remaining()];
                src.get(b);
                file.pending.append(b, 0, b.length);
            }
        }

        @Override
        public void sync() throws IOException {
            synchronized (disk) {
                checkAlive();
                file.durable.append(file.pending.bytes, 0, file.pending.length);
                file.pending.length = 0;
            }
        }

        @Override
        public long size() throws IOException {
            synchronized (disk) {
                checkAlive();
                return file.durable.length + file.pending.length;
            }
        }

        @Override
        public ByteBuffer readAll() throws IOException {
            synchronized (disk) {
                checkAlive();
                byte[] all = Arrays.copyOf(file.durable.bytes, file.durable.length + file.pending.length);
                System.arraycopy(file.pending.bytes, 0, all, file.durable.length, file.pending.length);
                return ByteBuffer.wrap(all);
            }
        }

        @Override
        public void truncate(long length) throws IOException {
            synchronized (disk) {
                checkAlive();
                ByteBuffer all = readAll();
                int n = (int) Math.min(length, all.remaining());
                file.durable.length = 0;
                file.durable.append(all.array(), 0, n);
                file.pending.length = 0;
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
    }

    private static final class Bytes {
        byte[] bytes = new byte[256];
        int length;

        void append(byte[] src, int from, int n) {
            if (length + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
            }
            System.arraycopy(src, from, bytes, length, n);
            length += n;
        }
    }
}
