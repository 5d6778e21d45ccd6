package io.xerv.wal;

import org.jctools.queues.MpscArrayQueue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The write-ahead log: segmented files of CRC32C-framed records ({@link RecordDescriptor}).
 *
 * <p>Any thread may {@link #append}; one writer thread takes records from a JCTools MPSC queue in
 * batches, forces the arena ranges the batch's records point at ({@link Forcible}), then writes the
 * batch with one call, syncs once, and only then tells each record's {@link Listener} (group commit).
 * A record is therefore never durable while the arena bytes it points at are not, even when the OS
 * persists the written records before the sync.
 *
 * <p>{@link #open} first scans the existing segments, handing each record to the caller as it is read
 * (nothing keeps them all). A torn or damaged frame at the log's end (the last segment's, with no
 * valid frame after it) is what a crash leaves: the log is truncated there and says where. A damaged
 * frame inside the log (later segments or valid frames follow it) is lost data: {@link #open} fails
 * with a {@link DamagedLogException} and changes nothing; {@link #check} lists every problem and
 * {@link #repair} cuts the log at the first one, moving what follows aside.
 *
 * <p>When a write or a sync fails (a full disk, say) the records of that batch and those queued are
 * failed, never acknowledged, and so are appends until the log writes again: the writer cuts the
 * segment back to its last synced length and retries with backoff ({@link #writeProblem()} says why
 * it cannot write meanwhile). Segments whose traces have all ended are purged as the log rolls:
 * up to {@link Config#spareSegments} of them are kept as spares and written again as later segments
 * (which frees no blocks and allocates none, where deleting a file stalls a journaling file system's
 * next commit), the rest deleted. Each frame's checksum covers its segment's number, so a reused
 * file's earlier frames read as the end of the log; a segment the log rolled away from ends with an
 * end-of-segment frame, written with its last batch ({@link RecordDescriptor}).
 *
 * <p>A trace that stays unfinished for long (suspended, waiting for an approval) would keep its first
 * segment, and so every later one, from being purged. Once {@link #carryLongLivedTraces} is called,
 * each trace that pins a segment that many or more behind the new one is carried forward when the log
 * rolls: its records are copied
 * into the new segment as one block of {@link WalRecord.Carried} records, which replaces them once
 * whole, and the trace pins the new segment only.
 */
public final class Wal implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Wal.class.getName());

    /**
     * How the log is written.
     *
     * @param durability when records become durable
     * @param segmentBytes roll to a new segment after this many bytes
     * @param queueCapacity records waiting for the writer; appends wait when it is full
     * @param maxBatch the most records one sync covers
     * @param spareSegments how many segments no longer needed are kept, renamed, for the log to
     *     write again instead of creating new files (0 deletes them; a log without syncs, durability
     *     none, always deletes them)
     * @param storage where the segments live: the file system, or a layer that injects faults (tests)
     */
    public record Config(Durability durability, long segmentBytes, int queueCapacity, int maxBatch, int spareSegments,
                         Storage storage) {
        public static final Config DEFAULT = new Config(Durability.FSYNC, 64L << 20, 65_536, 8192, 2);

        /** A config that keeps the default number of spare segments. */
        public Config(Durability durability, long segmentBytes, int queueCapacity, int maxBatch) {
            this(durability, segmentBytes, queueCapacity, maxBatch, 2);
        }

        /** A config on the file system. */
        public Config(Durability durability, long segmentBytes, int queueCapacity, int maxBatch, int spareSegments) {
            this(durability, segmentBytes, queueCapacity, maxBatch, spareSegments, Storage.FILES);
        }

        public Config {
            Objects.requireNonNull(durability, "durability");
            Objects.requireNonNull(storage, "storage");
            if (segmentBytes < 4096) {
                throw new IllegalArgumentException("segmentBytes must be at least 4096, was " + segmentBytes);
            }
            if (queueCapacity < 2) {
                throw new IllegalArgumentException("queueCapacity must be at least 2, was " + queueCapacity);
            }
            if (maxBatch < 1) {
                throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
            }
            if (spareSegments < 0) {
                throw new IllegalArgumentException("spareSegments must be at least 0, was " + spareSegments);
            }
        }

        public Config withDurability(Durability d) {
            return new Config(d, segmentBytes, queueCapacity, maxBatch, spareSegments, storage);
        }

        /** At most {@code n} records per sync; 1 syncs every record on its own (no group commit). */
        public Config withMaxBatch(int n) {
            return new Config(durability, segmentBytes, queueCapacity, n, spareSegments, storage);
        }

        public Config withSegmentBytes(long bytes) {
            return new Config(durability, bytes, queueCapacity, maxBatch, spareSegments, storage);
        }

        /** Where the segments live: the file system, or a layer that injects faults (tests). */
        public Config withStorage(Storage st) {
            return new Config(durability, segmentBytes, queueCapacity, maxBatch, spareSegments, st);
        }

        public Config withSpareSegments(int n) {
            return new Config(durability, segmentBytes, queueCapacity, maxBatch, n, storage);
        }
    }

    /** Something the writer must make durable before a sync: the arena bytes a record points at. */
    @FunctionalInterface
    public interface Forcible {
        void force();
    }

    /** Told once a record is durable (or could not be written: then {@code error} is set). */
    @FunctionalInterface
    public interface Listener {
        void synced(long lsn, Throwable error);
    }

    /**
     * What {@link #open} found.
     *
     * @param records how many whole records were read (each was handed to the caller's visitor)
     * @param segments how many segments were read
     * @param truncation where the log was cut and why, or null when it ended cleanly
     * @param nanos how long the scan took
     */
    public record Recovery(long records, int segments, String truncation, long nanos) {
    }

    /**
     * A frame that does not decode.
     *
     * @param segment the segment file
     * @param offset where the frame starts in it
     * @param detail what is wrong (for a checksum: the stored and the computed value)
     * @param tail true when it is at the log's end with no valid frame after it: what a crash leaves
     *     (a host opening the log truncates there); false when it is damage inside the log
     */
    public record Problem(Path segment, long offset, String detail, boolean tail) {
        @Override
        public String toString() {
            return segment.getFileName() + " at offset " + offset + ": " + detail;
        }
    }

    /**
     * What {@link #check} found.
     *
     * @param records how many whole records can be read
     * @param segments how many segments there are
     * @param problems every frame that does not decode, in log order
     */
    public record Check(long records, int segments, List<Problem> problems) {
        /** True when the log is damaged inside (a problem that is not a crash's torn end). */
        public boolean damaged() {
            return problems.stream().anyMatch(p -> !p.tail());
        }
    }

    /**
     * What {@link #repair} did.
     *
     * @param keptRecords whole records left in the log
     * @param keptSegments segments left in the log
     * @param cutAt where the log was cut, or null when it had no problem
     * @param copied the copy of the cut segment, whole, in the quarantine folder (null when the cut was
     *     only a crash's torn end)
     * @param moved the later segments moved into the quarantine folder, in log order
     */
    public record Repair(long keptRecords, int keptSegments, Problem cutAt, Path copied, List<Path> moved) {
    }

    private record Pending(WalRecord record, Forcible forcible, Listener listener) {
    }

    private final Path dir;
    private final Config config;
    private final Storage storage;
    private final MpscArrayQueue<Pending> queue;
    private final Thread writer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    /** The writer is parked: {@link #IDLE} wakes for any record, {@link #LAZY} only for a waited one. */
    private volatile int writerParked;
    private static final int RUNNING = 0;
    private static final int IDLE = 1;
    private static final int LAZY = 2;
    private final Recovery recovery;
    private final Metrics metrics = new Metrics();

    // Writer-thread state.
    private Storage.Segment segment;
    private int segmentIndex;
    /** The first segment this process wrote; earlier ones may hold legacy frames, so are not reused. */
    private int firstOwnSegment;
    private final java.util.ArrayDeque<Path> spares = new java.util.ArrayDeque<>();
    private long segmentSize;
    private long lsn;
    private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private final Map<UUID, Integer> unfinished = new HashMap<>();
    private final TreeMap<Integer, Integer> firstSegments = new TreeMap<>();
    private final Carrier.Pins carriedPins = new Carrier.Pins();
    private final List<Pending> unsynced = new ArrayList<>();
    /** Records in {@link #unsynced} whose listener waits. */
    private int waiters;
    private long oldestUnsyncedNanos;
    private long lastSyncNanos = System.nanoTime();
    /** Why the writer cannot write now (null when it can); appends fail meanwhile. */
    private volatile Throwable failure;
    private volatile long failingSinceMillis;
    /** The segment's length after the last sync: where a failed write is cut back to. */
    private long syncedSize;

    private Wal(Path dir, Config config, Storage storage, Consumer<? super WalRecord> recovered) throws IOException {
        this.dir = dir;
        this.config = config;
        this.storage = storage;
        this.queue = new MpscArrayQueue<>(config.queueCapacity());
        this.recovery = scan(true, recovered);
        for (Path spare : storage.spares(dir)) {
            segmentIndex = Math.max(segmentIndex, indexOf(spare));
            spares.add(spare);
        }
        firstOwnSegment = segmentIndex + 1;
        openSegment(segmentIndex + 1);
        this.writer = Thread.ofPlatform().name("xerv-wal-writer").daemon(true).unstarted(this::writeLoop);
        writer.start();
    }

    /**
     * Opens the log in {@code dir}, recovering what a previous run left, on the config's storage.
     * The recovered records are counted, not kept: see {@link #open(Path, Config, Consumer)}.
     *
     * @throws DamagedLogException when the log is damaged inside (it is left unchanged)
     * @throws IOException when the directory or a segment cannot be read or written
     */
    public static Wal open(Path dir, Config config) throws IOException {
        return new Wal(dir, config, config.storage(), r -> {
        });
    }

    /**
     * Opens the log in {@code dir}, handing each recovered record to {@code recovered} as it is read,
     * in log order, before the log takes appends. Nothing keeps the records: memory does not grow with
     * the log.
     *
     * @throws DamagedLogException when the log is damaged inside (it is left unchanged)
     * @throws IOException when the directory or a segment cannot be read or written
     */
    public static Wal open(Path dir, Config config, Consumer<? super WalRecord> recovered) throws IOException {
        return new Wal(dir, config, config.storage(), recovered);
    }

    /** Opens the log on another storage layer (tests). */
    public static Wal open(Path dir, Config config, Storage storage) throws IOException {
        return new Wal(dir, config, storage, r -> {
        });
    }

    /** Opens the log on another storage layer (tests), handing each recovered record to {@code recovered}. */
    public static Wal open(Path dir, Config config, Storage storage, Consumer<? super WalRecord> recovered)
            throws IOException {
        return new Wal(dir, config, storage, recovered);
    }

    /**
     * Reads the log in {@code dir} without changing it (no truncation, no writer), handing each record
     * to {@code visitor} as it is read: for inspection while a host may be writing it. Stops at the
     * first damaged frame and says where.
     */
    public static Recovery read(Path dir, Consumer<? super WalRecord> visitor) throws IOException {
        Wal w = new Wal(dir, Config.DEFAULT, Storage.FILES, visitor, false);
        return w.recovery;
    }

    // A reader only: no queue, no writer thread.
    private Wal(Path dir, Config config, Storage storage, Consumer<? super WalRecord> visitor, boolean unused)
            throws IOException {
        this.dir = dir;
        this.config = config;
        this.storage = storage;
        this.queue = null;
        this.writer = null;
        this.recovery = scan(false, visitor);
    }

    /** How far behind a segment a trace's first record may be before the log carries the trace forward. */
    public static final int DEFAULT_CARRY_AFTER_SEGMENTS = 2;

    private volatile int carryAfterSegments;

    /**
     * From the next roll on, carries every unfinished trace whose records start {@code segments} or
     * more segments behind the segment the log rolls to into that segment, as a block of
     * {@link WalRecord.Carried} records, so that the segments behind it can be purged: the log then
     * holds about {@code segments} segments (and the spares) however long a trace stays unfinished,
     * and a long-lived trace is copied once per {@code segments} segments. Off until called (0: off):
     * the reader of {@link #recovery()} must apply carried blocks (a whole block replaces its trace's
     * earlier records; a block cut short is ignored).
     */
    public void carryLongLivedTraces(int segments) {
        if (segments < 0) {
            throw new IllegalArgumentException("segments must be at least 0 (0: never carry), was " + segments);
        }
        carryAfterSegments = segments;
    }

    /** What the scan at open found. */
    public Recovery recovery() {
        return recovery;
    }

    /** The log's counters. */
    public Metrics metrics() {
        return metrics;
    }

    /**
     * Why the log cannot write now, or null when it can: a write or a sync failed (a full disk, say),
     * the records of that batch failed, and appends fail until a retry writes again.
     */
    public String writeProblem() {
        Throwable f = failure;
        return f == null || !running.get() ? null
                : "the write-ahead log in " + dir + " cannot write since " + java.time.Instant.ofEpochMilli(failingSinceMillis)
                        + ": " + f.getMessage() + " (retrying)";
    }

    /** The durability this log was opened with. */
    public Durability durability() {
        return config.durability();
    }

    /**
     * Queues a record; {@code listener} is told once it is durable. Waits (spinning, then parking
     * briefly) while the queue is full.
     *
     * @param forcible made durable before the sync that covers this record, or null
     * @throws IllegalStateException when the log is closed or its writer failed
     */
    public void append(WalRecord record, Forcible forcible, Listener listener) {
        Objects.requireNonNull(listener, "listener");
        enqueue(new Pending(Objects.requireNonNull(record, "record"), forcible, listener), true);
    }

    /**
     * Queues a record as {@link #append(WalRecord, Forcible, Listener)} does, or as
     * {@link #append(WalRecord)} when {@code listener} is null, without waking the writer: the caller
     * calls {@link #wake()} later, once for many records. An event loop that appends for every
     * request it reads in one pass and wakes the writer at the end of the pass hands the writer one
     * batch instead of one thread switch per record; on a machine with few cores those switches, not
     * the writes, are what a busy log costs.
     *
     * @throws IllegalStateException when the log is closed or its writer failed
     */
    public void appendDeferred(WalRecord record, Forcible forcible, Listener listener) {
        enqueue(new Pending(Objects.requireNonNull(record, "record"), forcible, listener), false);
    }

    /**
     * Waits at most {@code millis} until the writer has taken every queued record and finished what
     * followed them (a roll, a purge), and is parked: for tests that look at the files. True if so.
     */
    boolean awaitWriterIdle(long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!(queue.isEmpty() && writerParked == IDLE)) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            LockSupport.parkNanos(50_000);
        }
        return true;
    }

    /** Wakes the writer if it is parked, so it takes what {@link #appendDeferred} queued. */
    public void wake() {
        if (writerParked != RUNNING) {
            LockSupport.unpark(writer);
        }
    }

    /**
     * Queues a record nobody waits for. It is written and synced together with the next record
     * somebody waits for, or within {@link #LAZY_SYNC_MILLIS}: a batch of such records costs no sync
     * of its own, and the log's order still makes it durable before any later record.
     *
     * @throws IllegalStateException when the log is closed or its writer failed
     */
    public void append(WalRecord record) {
        enqueue(new Pending(Objects.requireNonNull(record, "record"), null, null), true);
    }

    /** How long a record nobody waits for may wait for a sync. */
    public static final long LAZY_SYNC_MILLIS = 2;

    private void enqueue(Pending p, boolean wake) {
        // Checked before the record is queued: a refused record is the caller's to report, a queued
        // one the writer's (it is written, or its listener told why not), never both.
        checkUsable();
        int spins = 0;
        while (!queue.offer(p)) {
            checkUsable();
            if (++spins > 100) {
                LockSupport.parkNanos(10_000);
            } else {
                Thread.onSpinWait();
            }
        }
        if (!running.get()) {
            throw new IllegalStateException("the WAL in " + dir + " is closed");
        }
        if (!wake) {
            return;
        }
        int parked = writerParked;
        if (parked == IDLE || (parked == LAZY && p.listener() != null)) {
            LockSupport.unpark(writer);
        }
    }

    private void checkUsable() {
        if (!running.get()) {
            throw new IllegalStateException("the WAL in " + dir + " is closed");
        }
        Throwable f = failure;
        if (f != null) {
            throw new IllegalStateException("the WAL in " + dir + " failed: " + f.getMessage()
                    + " (appends fail until a write succeeds again)", f);
        }
    }

    // ---- recovery ----

    private Recovery scan(boolean repair, Consumer<? super WalRecord> visitor) throws IOException {
        Objects.requireNonNull(visitor, "visitor");
        // Traces started and not ended: bounded by the unfinished traces, not by the log.
        java.util.Set<UUID> started = new java.util.HashSet<>();
        long t0 = System.nanoTime();
        List<Path> files = storage.list(dir);
        long[] records = {0};
        String truncation = null;
        int read = 0;
        for (int i = 0; i < files.size() && truncation == null; i++) {
            Path f = files.get(i);
            int index = indexOf(f);
            segmentIndex = Math.max(segmentIndex, index);
            ByteBuffer b;
            try {
                // The owner maps its segments (no heap per segment); a reader beside a writer copies.
                b = repair ? storage.map(f) : storage.read(f);
            } catch (java.nio.file.NoSuchFileException e) {
                if (repair) {
                    throw e;
                }
                continue; // purged by the writer since the listing
            }
            read++;
            Problem p = scanSegment(f, index, b, 0, i == files.size() - 1, r -> {
                records[0]++;
                track(r, index);
                if (r.type() == RecordType.TRACE_START || r instanceof WalRecord.Carried c
                        && c.record().type() == RecordType.TRACE_START) {
                    started.add(r.traceId());
                } else if (r.type().endsTrace()) {
                    started.remove(r.traceId());
                }
                visitor.accept(r);
            });
            if (p == null) {
                continue;
            }
            if (!p.tail()) {
                int later = files.size() - 1 - i;
                if (repair) {
                    throw new DamagedLogException(dir, p, later);
                }
                truncation = p + " (damage inside the log: " + (later > 0 ? later + " later segments follow" : "valid frames follow")
                        + "; a host will not open it until it is repaired)";
                break;
            }
            truncation = p.toString();
            if (repair) {
                try (Storage.Segment s = storage.open(f)) {
                    s.truncate(p.offset());
                }
                // The live segment of a crashed process: a write cut short, or where a reused
                // file's earlier contents begin; no sync covered what follows.
                LOG.warning("WAL: the log ends in " + truncation + "; cut there (a write cut short by a crash, "
                        + "or a reused segment's earlier contents)");
            }
        }
        // Bytes logged for a trace whose start never was: nothing will end it, and nothing needs them.
        for (var it = unfinished.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!started.contains(e.getKey())) {
                it.remove();
                if (firstSegments.merge(e.getValue(), -1, Integer::sum) == 0) {
                    firstSegments.remove(e.getValue());
                }
            }
        }
        lsn = records[0];
        metrics.recovered.add(records[0]);
        return new Recovery(records[0], read, truncation, System.nanoTime() - t0);
    }

    /**
     * Reads segment {@code index}'s frames from {@code from} on, handing each record to
     * {@code visitor}, up to the segment's end (a zero length, its end frame, or an earlier use's
     * frames): returns null there, or the first frame that does not decode.
     *
     * @param last whether this is the log's last segment, where a problem with no valid frame after
     *     it is a crash's torn end
     */
    static Problem scanSegment(Path file, int index, ByteBuffer b, int from, boolean last,
            Consumer<? super WalRecord> visitor) {
        b.order(ByteOrder.LITTLE_ENDIAN).position(from);
        while (b.hasRemaining()) {
            int pos = b.position();
            if (b.remaining() >= 4 && b.getInt(pos) == 0) {
                // A zero length ends the segment: the rest was never published.
                return hasNonZero(b, pos) ? problem(file, index, b, pos, "zero length followed by data", last) : null;
            }
            if (WalCodec.endsSegment(b, index)) {
                // The segment's end frame, or what an earlier use of a reused file left.
                return null;
            }
            WalRecord r;
            try {
                r = WalCodec.decode(b, pos, index);
            } catch (CorruptRecordException e) {
                return problem(file, index, b, pos, e.detail(), last);
            }
            visitor.accept(r);
        }
        return null;
    }

    private static Problem problem(Path file, int index, ByteBuffer b, int pos, String detail, boolean last) {
        return new Problem(file, pos, detail, last && WalCodec.nextFrame(b, pos, index) < 0);
    }

    /**
     * Reads the whole log in {@code dir} without changing it and reports every frame that does not
     * decode: past a damaged frame it goes on from the next valid frame of the same segment, and from
     * the next segment. Safe while a host writes the log (its live end may show as a torn end).
     */
    public static Check check(Path dir) throws IOException {
        List<Path> files = Storage.FILES.list(dir);
        List<Problem> problems = new ArrayList<>();
        long[] records = {0};
        int segments = 0;
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            ByteBuffer b;
            try {
                b = Storage.FILES.read(f);
            } catch (java.nio.file.NoSuchFileException e) {
                continue;
            }
            segments++;
            int index = indexOf(f);
            int from = 0;
            while (true) {
                Problem p = scanSegment(f, index, b, from, i == files.size() - 1, r -> records[0]++);
                if (p == null) {
                    break;
                }
                problems.add(p);
                int next = p.tail() ? -1 : WalCodec.nextFrame(b, (int) p.offset(), index);
                if (next < 0) {
                    break;
                }
                from = next;
            }
        }
        return new Check(records[0], segments, List.copyOf(problems));
    }

    /**
     * Repairs the log in {@code dir}, which no process may have open: cuts it at its first frame that
     * does not decode. When that frame is damage inside the log (not a crash's torn end) the cut
     * segment is first copied whole into {@code quarantine}, and every later segment is moved there;
     * nothing is deleted. A torn end is cut as a host would cut it.
     */
    public static Repair repair(Path dir, Path quarantine) throws IOException {
        List<Path> files = Storage.FILES.list(dir);
        long[] records = {0};
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            ByteBuffer b = Storage.FILES.map(f);
            Problem p = scanSegment(f, indexOf(f), b, 0, i == files.size() - 1, r -> records[0]++);
            if (p == null) {
                continue;
            }
            Path copied = null;
            List<Path> moved = new ArrayList<>();
            if (!p.tail()) {
                java.nio.file.Files.createDirectories(quarantine);
                copied = quarantine.resolve(f.getFileName());
                java.nio.file.Files.copy(f, copied);
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(copied,
                        java.nio.file.StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
                Storage.FILES.syncDirectory(quarantine);
            }
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(p.offset());
                ch.force(true);
            }
            if (!p.tail()) {
                for (Path later : files.subList(i + 1, files.size())) {
                    Path to = quarantine.resolve(later.getFileName());
                    java.nio.file.Files.move(later, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    moved.add(to);
                }
                Storage.FILES.syncDirectory(quarantine);
            }
            Storage.FILES.syncDirectory(dir);
            return new Repair(records[0], i + 1, p, copied, List.copyOf(moved));
        }
        return new Repair(records[0], files.size(), null, null, List.of());
    }

    private static boolean hasNonZero(ByteBuffer b, int from) {
        for (int i = from; i < b.limit(); i++) {
            if (b.get(i) != 0) {
                return true;
            }
        }
        return false;
    }

    // wal-NNNNNN.log and spare-NNNNNN.log
    static int indexOf(Path f) {
        String n = f.getFileName().toString();
        try {
            return Integer.parseInt(n.substring(n.indexOf('-') + 1, n.length() - 4));
        } catch (RuntimeException e) {
            throw new IllegalStateException("unexpected WAL file name " + n);
        }
    }

    private static String name(int index) {
        return String.format("wal-%06d.log", index);
    }

    private static String spareName(int index) {
        return String.format("spare-%06d.log", index);
    }

    // ---- writer ----

    private void openSegment(int index) throws IOException {
        Path file = dir.resolve(name(index));
        Path spare = spares.pollFirst();
        if (segment == null && storage.list(dir).contains(file)) {
            // A retry after a roll that failed half way: the file is there (made, or a spare renamed);
            // written from its start, whatever it held reads as the end of the log.
            if (spare != null) {
                spares.addFirst(spare);
            }
            segment = storage.reuse(file);
        } else if (spare != null) {
            storage.rename(spare, file);
            segment = storage.reuse(file);
            metrics.reused.increment();
        } else {
            segment = storage.open(file);
        }
        segmentIndex = index;
        segmentSize = segment.position();
        syncedSize = segmentSize;
        if (config.durability().mode() != Durability.Mode.NONE) {
            // The segment's name must be durable before any record in it is.
            storage.syncDirectory(dir);
        }
        // Sized ahead (sparse) when new: appends then leave the file's size alone, and a sync writes
        // data only. A reused file already has its size.
        segment.reserve(config.segmentBytes());
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>(config.maxBatch());
        org.jctools.queues.MessagePassingQueue.Consumer<Pending> take = batch::add;
        IdentityHashMap<Forcible, Boolean> forcibles = new IdentityHashMap<>();
        while (true) {
            try {
                if (!writeSome(batch, take, forcibles)) {
                    return;
                }
            } catch (Throwable t) {
                forcibles.clear();
                failed(t);
                if (!writeAgain()) {
                    return;
                }
            }
        }
    }

    /** One turn of the writer: takes a batch, or syncs, or parks. False once closed and drained. */
    private boolean writeSome(List<Pending> batch, org.jctools.queues.MessagePassingQueue.Consumer<Pending> take,
            IdentityHashMap<Forcible, Boolean> forcibles) throws IOException {
        batch.clear();
        queue.drain(take, config.maxBatch());
        if (batch.isEmpty()) {
            if (!unsynced.isEmpty() && dueForSync()) {
                commit(forcibles);
                return true;
            }
            if (!running.get() && queue.isEmpty()) {
                if (!unsynced.isEmpty()) {
                    commit(forcibles);
                }
                return false;
            }
            writerParked = unsynced.isEmpty() ? IDLE : LAZY;
            if (queue.isEmpty()) {
                LockSupport.parkNanos(unsynced.isEmpty() ? TimeUnit.MILLISECONDS.toNanos(1)
                        : Math.max(1000, untilSyncNanos()));
            }
            writerParked = RUNNING;
            return true;
        }
        // Taken over before anything can fail, so every drained record hears how it ended.
        if (unsynced.isEmpty()) {
            oldestUnsyncedNanos = System.nanoTime();
        }
        for (Pending p : batch) {
            if (p.listener() != null) {
                waiters++;
            }
        }
        unsynced.addAll(batch);
        if (dueForSync()) {
            commit(forcibles);
        }
        return true;
    }

    /**
     * A write, a sync or a force failed: the records not yet synced failed with it (none of them was
     * acknowledged), and appends fail from now on until {@link #writeAgain} succeeds.
     */
    private void failed(Throwable t) {
        if (failure == null) {
            failingSinceMillis = System.currentTimeMillis();
            LOG.severe("WAL: cannot write to " + dir + ": " + t + "; failing appends and retrying");
        }
        failure = t;
        metrics.writeFailures.increment();
        for (Pending p : unsynced) {
            tell(p, -1, t);
        }
        unsynced.clear();
        waiters = 0;
        failQueued(t);
    }

    private void failQueued(Throwable t) {
        Pending p;
        while ((p = queue.poll()) != null) {
            tell(p, -1, t);
        }
    }

    /**
     * Retries, with backoff, until the log writes again: cuts the segment back to its last synced
     * length (a failed write may have left part of a frame, which later records must not follow) or
     * opens the next one when a roll failed, then writes and syncs a checkpoint. Records queued
     * meanwhile fail. Returns false when the log closed first.
     */
    private boolean writeAgain() {
        long backoff = MIN_RETRY_NANOS;
        while (running.get()) {
            LockSupport.parkNanos(backoff);
            failQueued(failure);
            if (!running.get()) {
                break;
            }
            try {
                restore();
                LOG.info("WAL: " + dir + " writes again after failing since "
                        + java.time.Instant.ofEpochMilli(failingSinceMillis));
                failure = null;
                return true;
            } catch (Throwable t) {
                failure = t;
                metrics.writeFailures.increment();
                backoff = Math.min(backoff * 2, MAX_RETRY_NANOS);
            }
        }
        failQueued(failure == null ? new IllegalStateException("the WAL in " + dir + " is closed") : failure);
        return false;
    }

    static final long MIN_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    static final long MAX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private void restore() throws IOException {
        if (segment == null) {
            openSegment(segmentIndex + 1);
        } else {
            segment.truncate(syncedSize);
            segmentSize = syncedSize;
            segment.reserve(config.segmentBytes());
        }
        ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        WalCodec.encode(new WalRecord.Checkpoint(new UUID(0, 0), System.currentTimeMillis(), unfinished.size(),
                segmentIndex), b, segmentIndex);
        b.flip();
        int bytes = b.remaining();
        segment.write(b);
        segmentSize += bytes;
        if (config.durability().mode() != Durability.Mode.NONE) {
            segment.sync();
            storage.syncDirectory(dir);
        }
        syncedSize = segmentSize;
    }

    private static void tell(Pending p, long lsn, Throwable error) {
        if (p.listener() == null) {
            return;
        }
        try {
            p.listener().synced(lsn, error);
        } catch (RuntimeException e) {
            // A listener's bug must not fail the log, nor tell the rest of the batch twice.
            LOG.log(Level.WARNING, "WAL listener for a " + p.record().type() + " record failed", e);
        }
    }

    private boolean dueForSync() {
        if (config.durability().mode() == Durability.Mode.BATCH) {
            return System.nanoTime() - lastSyncNanos >= TimeUnit.MILLISECONDS.toNanos(config.durability().batchMillis());
        }
        // Records nobody waits for ride along with the next one somebody does. Without syncs (none)
        // there is nothing to save: write at once.
        return config.durability().mode() == Durability.Mode.NONE || waiters > 0 || unsynced.size() >= config.maxBatch()
                || System.nanoTime() - oldestUnsyncedNanos >= TimeUnit.MILLISECONDS.toNanos(LAZY_SYNC_MILLIS);
    }

    private long untilSyncNanos() {
        if (config.durability().mode() == Durability.Mode.BATCH) {
            return TimeUnit.MILLISECONDS.toNanos(config.durability().batchMillis()) - (System.nanoTime() - lastSyncNanos);
        }
        return TimeUnit.MILLISECONDS.toNanos(LAZY_SYNC_MILLIS) - (System.nanoTime() - oldestUnsyncedNanos);
    }

    /**
     * Makes the unsynced records durable and tells their listeners: forces the arena bytes they point
     * at, writes the records, syncs. The records reach the segment only after the forces, because once
     * written the OS may persist them at any moment, sync or not.
     */
    private void commit(IdentityHashMap<Forcible, Boolean> forcibles) throws IOException {
        long t0 = System.nanoTime();
        boolean durable = config.durability().mode() != Durability.Mode.NONE;
        if (durable) {
            for (Pending p : unsynced) {
                if (p.forcible() != null && forcibles.put(p.forcible(), Boolean.TRUE) == null) {
                    p.forcible().force();
                }
            }
            forcibles.clear();
        }
        boolean full = write(unsynced);
        if (durable) {
            segment.sync();
            metrics.syncs.increment();
            metrics.recordSync(System.nanoTime() - t0);
        }
        syncedSize = segmentSize;
        lastSyncNanos = System.nanoTime();
        for (Pending p : unsynced) {
            track(p.record(), segmentIndex);
        }
        for (Pending p : unsynced) {
            tell(p, ++lsn, null);
        }
        unsynced.clear();
        waiters = 0;
        if (full) {
            roll();
        }
    }

    /**
     * Writes a batch. When it fills the segment, its end-of-segment frame goes in the same write, so
     * the batch's sync covers it, and this returns true: the caller rolls once the sync is done.
     */
    private boolean write(List<Pending> batch) throws IOException {
        buffer.clear();
        for (Pending p : batch) {
            while (true) {
                int mark = buffer.position();
                try {
                    WalCodec.encode(p.record(), buffer, segmentIndex);
                    break;
                } catch (BufferOverflowException e) {
                    buffer.position(mark);
                    growBuffer();
                }
            }
        }
        boolean full = segmentSize + buffer.position() >= config.segmentBytes();
        if (full) {
            if (buffer.remaining() < RecordDescriptor.HEADER_LENGTH) {
                growBuffer();
            }
            // What follows in the file is not this segment's, and a scan must not take it for damage.
            WalCodec.encodeSegmentEnd(buffer, segmentIndex, System.currentTimeMillis());
        }
        buffer.flip();
        int bytes = buffer.remaining();
        segment.write(buffer);
        segmentSize += bytes;
        metrics.bytes.add(bytes);
        metrics.records.add(batch.size());
        metrics.batches.increment();
        metrics.maxBatch = Math.max(metrics.maxBatch, batch.size());
        return full;
    }

    // Doubles the write buffer, keeping what it holds.
    private void growBuffer() {
        ByteBuffer bigger = ByteBuffer.allocateDirect(buffer.capacity() * 2).order(ByteOrder.LITTLE_ENDIAN);
        buffer.flip();
        bigger.put(buffer);
        buffer = bigger;
    }

    // The segment's end frame is written and synced already (write, commit).
    private void roll() throws IOException {
        Storage.Segment done = segment;
        // Null until the next segment is open: a retry after a failure opens it (see restore).
        segment = null;
        done.close();
        int next = segmentIndex + 1;
        purge(next);
        openSegment(next);
        ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        WalCodec.encode(new WalRecord.Checkpoint(new UUID(0, 0), System.currentTimeMillis(), unfinished.size(),
                segmentIndex), b, segmentIndex);
        b.flip();
        segmentSize += b.remaining();
        // Synced with the next batch: nothing waits for it.
        segment.write(b);
        carry();
    }

    /**
     * Copies every unfinished trace that pins a segment {@link #carryLongLivedTraces} or more behind this one
     * into this one ({@link WalRecord.Carried}), after which that trace pins this segment only. The
     * copies are synced here, before the pin moves, and the segments they replace are purged at a
     * later roll: a crash in between leaves both, and recovery reads the trace once. A write or sync
     * that fails here fails like any other (the writer retries, cutting the segment back to its last
     * synced length); the trace keeps its pin and is carried at a later roll.
     */
    private void carry() throws IOException {
        int lag = carryAfterSegments;
        if (lag <= 0) {
            return;
        }
        int upTo = segmentIndex - lag;
        if (firstSegments.isEmpty() || firstSegments.firstKey() > upTo) {
            return;
        }
        java.util.Set<UUID> old = new java.util.LinkedHashSet<>();
        unfinished.forEach((t, first) -> {
            if (first <= upTo) {
                old.add(t);
            }
        });
        Map<UUID, List<WalRecord>> traces = Carrier.read(storage, dir, storage.list(dir), firstSegments.firstKey(),
                segmentIndex, old);
        if (traces == null || traces.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        List<WalRecord.Carried> copies = new ArrayList<>();
        traces.forEach((t, records) -> copies.addAll(Carrier.copies(t, records, now)));
        buffer.clear();
        for (WalRecord.Carried c : copies) {
            while (true) {
                int mark = buffer.position();
                try {
                    WalCodec.encode(c, buffer, segmentIndex);
                    break;
                } catch (BufferOverflowException e) {
                    buffer.position(mark);
                    growBuffer();
                }
            }
        }
        buffer.flip();
        int bytes = buffer.remaining();
        segment.write(buffer);
        segmentSize += bytes;
        // Synced before the trace's pin moves: a write that fails later cuts the segment back to its
        // last synced length (restore), which must not take the copies with it once the segments
        // they replace may be purged.
        if (config.durability().mode() != Durability.Mode.NONE) {
            segment.sync();
            metrics.syncs.increment();
        }
        syncedSize = segmentSize;
        metrics.bytes.add(bytes);
        metrics.carried.add(traces.size());
        for (WalRecord.Carried c : copies) {
            track(c, segmentIndex);
        }
        LOG.info("WAL: carried " + traces.size() + " long-lived trace(s), " + copies.size() + " records, into segment "
                + segmentIndex + " so that the segments before " + segmentIndex + " can be purged");
    }

    /**
     * Without syncs (durability none) nothing waits for a journal commit that a deletion could hold up,
     * and a deleted segment's pages are dropped unwritten where a reused file's would be written back;
     * nor is a rolled segment's end frame ordered before the next segment's records on disk. So only a
     * log that syncs keeps spares.
     */
    private boolean reusesSegments() {
        return config.durability().mode() != Durability.Mode.NONE;
    }

    // Segment s can go once no unfinished trace has a record in s or before it. The next segment
    // opens right after, and its directory sync makes these renames and deletions durable too.
    private void purge(int next) throws IOException {
        int keepFrom = firstSegments.isEmpty() ? next : Math.min(firstSegments.firstKey(), next);
        for (Path f : storage.list(dir)) {
            int index = indexOf(f);
            if (index >= keepFrom) {
                continue;
            }
            if (reusesSegments() && index >= firstOwnSegment && spares.size() < config.spareSegments()) {
                Path spare = dir.resolve(spareName(index));
                storage.rename(f, spare);
                spares.addLast(spare);
            } else {
                storage.delete(f);
            }
            metrics.purged.increment();
        }
    }

    private void track(WalRecord r, int segment) {
        if (r instanceof WalRecord.Carried c) {
            if (carriedPins.add(c, segment)) {
                // A whole copy of the trace is in this segment: the earlier ones no longer hold it.
                Integer was = unfinished.put(c.traceId(), segment);
                if (was != null && firstSegments.merge(was, -1, Integer::sum) == 0) {
                    firstSegments.remove(was);
                }
                firstSegments.merge(segment, 1, Integer::sum);
            }
            return;
        }
        carriedPins.other(r.traceId());
        // A trace's bytes are logged just ahead of its start: either opens its span of segments.
        if (r.type() == RecordType.TRACE_START || r.type() == RecordType.ARENA_DATA) {
            if (unfinished.putIfAbsent(r.traceId(), segment) == null) {
                firstSegments.merge(segment, 1, Integer::sum);
            }
        } else if (r.type().endsTrace()) {
            Integer first = unfinished.remove(r.traceId());
            if (first != null && firstSegments.merge(first, -1, Integer::sum) == 0) {
                firstSegments.remove(first);
            }
        }
    }

    /**
     * Stops taking records, writes and syncs what is queued, and closes the segment.
     */
    @Override
    public void close() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        LockSupport.unpark(writer);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (segment == null) {
            return; // a roll failed and no retry opened the next segment
        }
        try {
            segment.release();
            segment.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close WAL segment: " + e.getMessage(), e);
        }
    }

    /** Counters of the log; read from any thread (values may lag a little). */
    public static final class Metrics {
        final LongAdder records = new LongAdder();
        final LongAdder bytes = new LongAdder();
        final LongAdder syncs = new LongAdder();
        final LongAdder batches = new LongAdder();
        final LongAdder purged = new LongAdder();
        final LongAdder reused = new LongAdder();
        final LongAdder recovered = new LongAdder();
        final LongAdder carried = new LongAdder();
        final LongAdder writeFailures = new LongAdder();
        volatile int maxBatch;
        private final long[] syncMicrosLog2 = new long[40];
        private volatile long syncNanosTotal;

        void recordSync(long nanos) {
            syncNanosTotal += nanos;
            int bucket = 64 - Long.numberOfLeadingZeros(Math.max(1, nanos / 1000));
            syncMicrosLog2[Math.min(bucket, syncMicrosLog2.length - 1)]++;
        }

        public long records() {
            return records.sum();
        }

        public long bytes() {
            return bytes.sum();
        }

        public long syncs() {
            return syncs.sum();
        }

        public long batches() {
            return batches.sum();
        }

        /** Segments whose traces had all ended, kept as spares or deleted. */
        public long purgedSegments() {
            return purged.sum();
        }

        /** Segments written into a spare's file instead of a new one. */
        public long reusedSegments() {
            return reused.sum();
        }

        /** Long-lived traces copied forward into a later segment, so the segments they pinned could go. */
        public long carriedTraces() {
            return carried.sum();
        }

        public long recoveredRecords() {
            return recovered.sum();
        }

        /** Writes, syncs and retries that failed (a full disk, say). */
        public long writeFailures() {
            return writeFailures.sum();
        }

        /** The most records one batch held. */
        public int maxBatch() {
            return maxBatch;
        }

        /** Records per batch, on average. */
        public double meanBatch() {
            long b = batches();
            return b == 0 ? 0 : (double) records() / b;
        }

        /** Mean sync latency in microseconds. */
        public double meanSyncMicros() {
            long s = syncs();
            return s == 0 ? 0 : syncNanosTotal / 1000.0 / s;
        }

        /** An upper bound (power of two) of the sync latency below which {@code q} of the syncs fell, in µs. */
        public long syncMicrosQuantile(double q) {
            long total = 0;
            for (long c : syncMicrosLog2) {
                total += c;
            }
            long seen = 0;
            for (int i = 0; i < syncMicrosLog2.length; i++) {
                seen += syncMicrosLog2[i];
                if (total > 0 && seen >= q * total) {
                    return 1L << i;
                }
            }
            return 0;
        }

        @Override
        public String toString() {
            return String.format("records=%d bytes=%d syncs=%d batches=%d meanBatch=%.1f maxBatch=%d meanSync=%.0fus",
                    records(), bytes(), syncs(), batches(), meanBatch(), maxBatch(), meanSyncMicros());
        }
    }
}
