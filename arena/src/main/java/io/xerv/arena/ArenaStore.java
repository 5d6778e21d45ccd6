package io.xerv.arena;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import static io.xerv.arena.Arena.U16;
import static io.xerv.arena.Arena.U32;
import static io.xerv.arena.Arena.U64;
import static io.xerv.arena.ArenaLayout.*;

/**
 * Creates, reopens and retires the arenas of one data directory.
 *
 * <p>Arenas are carved from <em>slabs</em>: sparse files of {@code slotsPerSlab} fixed-size slots,
 * mapped once. Starting a trace takes a free slot and writes its header, so the hot path creates,
 * maps and unmaps no file, and reused slots rewrite pages that are already mapped. A trace that
 * outgrows its slot moves, offsets unchanged, to a dedicated file {@code trace-<id>.xa}.
 *
 * <p>After a restart, {@link #open} scans every slot header and dedicated file, so
 * {@link #find(UUID)} returns each arena that was active or finished. Finished arenas are kept for
 * inspection until {@link #cleanup} finds them past the retention period. Thread-safe.
 */
public final class ArenaStore implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ArenaStore.class.getName());

    /**
     * How much nodes may write into one arena: each value at most {@code valueBytes}, and all the
     * entries they append together at most {@code dataBytes}. Entries the host writes (tag 0: the
     * trigger's payload) do not count against the limits, though they take arena space.
     *
     * @param valueBytes the largest entry a node may append
     * @param dataBytes the most bytes of entries (headers and padding included) nodes may append to one arena
     */
    public record Limits(long valueBytes, long dataBytes) {
        /** No limits beyond what an arena can address. */
        public static final Limits NONE = new Limits(Integer.MAX_VALUE - 8, Long.MAX_VALUE);

        public Limits {
            if (valueBytes < 1 || valueBytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("valueBytes must be between 1 and " + (Integer.MAX_VALUE - 8)
                        + ", was " + valueBytes);
            }
            if (dataBytes < 1) {
                throw new IllegalArgumentException("dataBytes must be positive, was " + dataBytes);
            }
        }
    }

    /**
     * How a store sizes and keeps arenas.
     *
     * @param slotSize bytes per slab slot (an arena's size before it moves to its own file)
     * @param slotsPerSlab slots per slab file
     * @param retention how long finished arenas are kept for inspection; zero frees them at once
     * @param maxFinished how many finished arenas are kept at most, whatever their age
     */
    public record Config(long slotSize, int slotsPerSlab, Duration retention, int maxFinished) {
        /** 64 KiB slots in 16 MiB slabs; finished arenas kept an hour, at most 1000 of them. */
        public static final Config DEFAULT = new Config(64 << 10, 256, Duration.ofHours(1), 1000);

        public Config {
            Objects.requireNonNull(retention, "retention");
            if (slotSize < 4096 || slotSize % 4096 != 0) {
                throw new IllegalArgumentException("slotSize must be a positive multiple of 4096, was " + slotSize);
            }
            if (slotsPerSlab < 1) {
                throw new IllegalArgumentException("slotsPerSlab must be at least 1, was " + slotsPerSlab);
            }
            if (maxFinished < 0) {
                throw new IllegalArgumentException("maxFinished must not be negative, was " + maxFinished);
            }
        }

        public Config withRetention(Duration r) {
            return new Config(slotSize, slotsPerSlab, r, maxFinished);
        }

        public Config withSlotSize(long size) {
            return new Config(size, slotsPerSlab, retention, maxFinished);
        }
    }

    /** A mapped place an arena can live: a slab slot, or a dedicated file (slot -1). */
    record Region(Path file, long fileOffset, int slot, MemorySegment segment, java.lang.foreign.Arena mapping) {
        @Override
        public String toString() {
            return slot >= 0 ? file.getFileName() + "#" + (fileOffset) : file.getFileName().toString();
        }
    }

    private record Slab(Path file, FileChannel channel, java.lang.foreign.Arena mapping, MemorySegment segment) {
    }

    private final Path dir;
    private final Config config;
    private final List<Slab> slabs = new ArrayList<>();
    private int[] freeSlots = new int[64];
    private int freeCount;
    private final ConcurrentHashMap<UUID, Arena> arenas = new ConcurrentHashMap<>();
    private final java.util.concurrent.ExecutorService preparer = java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("xerv-arena-slabs").daemon(true).unstarted(r));
    private java.util.concurrent.Future<Slab> nextSlab;
    private final ConcurrentLinkedQueue<Arena> finished = new ConcurrentLinkedQueue<>();
    private final AtomicInteger finishedCount = new AtomicInteger();
    private volatile boolean closed;
    private volatile Limits limits = Limits.NONE;

    private ArenaStore(Path dir, Config config) {
        this.dir = dir;
        this.config = config;
    }

    /**
     * Opens (creating if needed) the arena directory and finds every arena a previous run left.
     *
     * @throws UncheckedIOException when the directory or a slab cannot be read or mapped
     */
    public static ArenaStore open(Path dir, Config config) {
        ArenaStore s = new ArenaStore(dir, config);
        try {
            Files.createDirectories(dir);
            s.scan();
        } catch (IOException e) {
            s.close();
            throw new UncheckedIOException("cannot open arena directory " + dir + ": " + e.getMessage(), e);
        }
        return s;
    }

    /** The directory this store manages. */
    public Path directory() {
        return dir;
    }

    /** Sets how much nodes may write into each arena of this store (applies to appends from now on). */
    public void limits(Limits l) {
        this.limits = java.util.Objects.requireNonNull(l, "limits");
    }

    /** How much nodes may write into each arena. */
    public Limits limits() {
        return limits;
    }

    /** This store's sizing and retention. */
    public Config config() {
        return config;
    }

    /**
     * Starts the arena of a new trace.
     *
     * @throws IllegalStateException when an arena for this trace exists already, or the store is closed
     */
    public Arena create(UUID traceId, ConfigBlock block) {
        return create(traceId, block.encode(), block);
    }

    /**
     * Starts the arena of a new trace with a config block encoded beforehand (callers that start many
     * traces of one flow encode it once).
     *
     * @param encodedConfig the bytes of {@link ConfigBlock#encode()}
     */
    public Arena create(UUID traceId, byte[] encodedConfig) {
        return create(traceId, encodedConfig, null);
    }

    private Arena create(UUID traceId, byte[] cfg, ConfigBlock block) {
        checkOpen();
        long dataStart = dataStart(cfg.length);
        Region r = dataStart + 64 <= config.slotSize ? takeSlot() : dedicated(traceId, align(dataStart * 2) + 4096);
        MemorySegment seg = r.segment();
        long now = System.currentTimeMillis();
        seg.asSlice(0, HEADER_LENGTH).fill((byte) 0);
        seg.set(U32, MAGIC_OFFSET, MAGIC);
        seg.set(U16, VERSION_OFFSET, VERSION);
        seg.set(U64, TRACE_ID_OFFSET, traceId.getMostSignificantBits());
        seg.set(U64, TRACE_ID_OFFSET + 8, traceId.getLeastSignificantBits());
        seg.set(U64, WRITE_OFFSET_OFFSET, dataStart);
        seg.set(U64, CAPACITY_OFFSET, seg.byteSize());
        seg.set(U64, CONFIG_OFFSET_OFFSET, CONFIG_OFFSET);
        seg.set(U32, CONFIG_SIZE_OFFSET, cfg.length);
        seg.set(U32, SLOT_OFFSET, r.slot());
        seg.set(U64, CREATED_OFFSET, now);
        seg.set(U64, UPDATED_OFFSET, now);
        MemorySegment.copy(cfg, 0, seg, ValueLayout.JAVA_BYTE, CONFIG_OFFSET, cfg.length);
        // The state goes last: a slot whose state is active has a whole header.
        seg.set(U16, STATE_OFFSET, STATE_ACTIVE);
        Arena a = new Arena(this, traceId, r, dataStart);
        if (block != null) {
            a.cacheConfig(block);
        }
        if (arenas.putIfAbsent(traceId, a) != null) {
            free(r);
            throw new IllegalStateException("an arena for trace " + traceId + " exists already");
        }
        return a;
    }

    /** The arena of a trace that is running or finished and not yet cleaned up. */
    public Optional<Arena> find(UUID traceId) {
        return Optional.ofNullable(arenas.get(traceId));
    }

    /** Every arena this store holds (active and finished). */
    public Collection<Arena> arenas() {
        return List.copyOf(arenas.values());
    }

    /** The number of arenas held. */
    public int size() {
        return arenas.size();
    }

    /**
     * Marks a trace's arena finished. It stays readable until the retention period passes (or is freed
     * at once when retention is zero).
     */
    public void finish(Arena a) {
        MemorySegment seg = a.segment();
        long now = System.currentTimeMillis();
        seg.set(U64, FINISHED_OFFSET, now);
        seg.set(U64, UPDATED_OFFSET, now);
        seg.set(U16, STATE_OFFSET, STATE_FINISHED);
        if (config.retention().isZero() || config.maxFinished() == 0) {
            release(a);
            return;
        }
        finished.add(a);
        if (finishedCount.incrementAndGet() > config.maxFinished()) {
            cleanup(now);
        }
    }

    /** Frees an arena now: its slot returns to the pool, a dedicated file is deleted. */
    public void release(Arena a) {
        if (arenas.remove(a.traceId(), a)) {
            synchronized (a) {
                for (Region r : a.retired) {
                    free(r);
                }
                a.retired.clear();
                free(a.region);
            }
        }
    }

    /**
     * Frees finished arenas older than the retention period, and the oldest ones beyond
     * {@code maxFinished}.
     *
     * @return how many were freed
     */
    public int cleanup(long nowMillis) {
        int freed = 0;
        long cutoff = nowMillis - config.retention().toMillis();
        Arena a;
        while ((a = finished.peek()) != null) {
            boolean tooMany = finishedCount.get() > config.maxFinished();
            boolean tooOld = a.finishedMillis() <= cutoff;
            if (!tooMany && !tooOld) {
                break;
            }
            if (finished.remove(a)) {
                finishedCount.decrementAndGet();
                release(a);
                freed++;
            }
        }
        return freed;
    }

    // Moves an arena to a dedicated file large enough for `needed` bytes. Called with a's lock held.
    void grow(Arena a, long needed) {
        checkOpen();
        long cap = Math.max(a.capacity() * 2, align(needed) * 2);
        cap = (cap + 4095) & -4096L;
        Region from = a.region;
        Region to = dedicated(a.traceId(), cap);
        long used = a.writeOffsetLocked();
        MemorySegment.copy(from.segment(), 0, to.segment(), 0, used);
        to.segment().set(U64, CAPACITY_OFFSET, cap);
        to.segment().set(U32, SLOT_OFFSET, -1);
        if (from.slot() >= 0) {
            from.segment().set(U16, STATE_OFFSET, STATE_MOVED);
        }
        a.moveTo(to);
    }

    private Region takeSlot() {
        int slot;
        synchronized (this) {
            if (freeCount == 0) {
                addSlab();
            }
            slot = freeSlots[--freeCount];
            if (freeCount < config.slotsPerSlab() / 4 && nextSlab == null && !closed) {
                // Allocate the next slab's blocks off the hot path: a first write into a hole of a
                // sparse file costs the file system a block allocation (about half a millisecond).
                Path next = slabFile(slabs.size());
                nextSlab = preparer.submit(() -> mapSlab(next, true));
            }
        }
        return slotRegion(slot);
    }

    private Path slabFile(int index) {
        return dir.resolve(String.format("slab-%06d.xa", index));
    }

    private Region slotRegion(int slot) {
        Slab slab = slabs.get(slot / config.slotsPerSlab());
        long off = (long) (slot % config.slotsPerSlab()) * config.slotSize();
        return new Region(slab.file(), off, slot, slab.segment().asSlice(off, config.slotSize()), null);
    }

    private void free(Region r) {
        if (r.slot() >= 0) {
            r.segment().set(U16, STATE_OFFSET, STATE_FREE);
            synchronized (this) {
                pushFree(r.slot());
            }
        } else {
            if (r.mapping() != null) {
                r.mapping().close();
            }
            try {
                Files.deleteIfExists(r.file());
            } catch (IOException e) {
                LOG.warning("cannot delete arena file " + r.file() + ": " + e.getMessage());
            }
        }
    }

    private void pushFree(int slot) {
        if (freeCount == freeSlots.length) {
            freeSlots = java.util.Arrays.copyOf(freeSlots, freeCount * 2);
        }
        freeSlots[freeCount++] = slot;
    }

    private synchronized void addSlab() {
        int index = slabs.size();
        Slab slab = null;
        if (nextSlab != null) {
            try {
                slab = nextSlab.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.warning("preparing an arena slab failed: " + e.getCause());
            }
            nextSlab = null;
        }
        if (slab == null) {
            slab = mapSlab(slabFile(index), true);
        }
        slabs.add(slab);
        // Push in reverse so the lowest slot is taken first.
        for (int i = config.slotsPerSlab() - 1; i >= 0; i--) {
            pushFree(index * config.slotsPerSlab() + i);
        }
    }

    private Slab mapSlab(Path file, boolean create) {
        long size = config.slotSize() * config.slotsPerSlab();
        try {
            FileChannel ch = create
                    ? FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            if (ch.size() < size) {
                // Written with zeros, so its blocks exist before arenas touch them.
                java.nio.ByteBuffer zeros = java.nio.ByteBuffer.allocateDirect(1 << 20);
                for (long pos = ch.size(); pos < size; ) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), size - pos));
                    pos += ch.write(zeros, pos);
                }
            }
            java.lang.foreign.Arena mapping = java.lang.foreign.Arena.ofShared();
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, mapping);
            return new Slab(file, ch, mapping, seg);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map arena slab " + file + ": " + e.getMessage(), e);
        }
    }

    private Region dedicated(UUID traceId, long capacity) {
        Path file = dir.resolve("trace-" + traceId + ".xa");
        for (int n = 1; Files.exists(file); n++) {
            file = dir.resolve("trace-" + traceId + "." + n + ".xa");
        }
        return mapDedicated(file, capacity);
    }

    private Region mapDedicated(Path file, long capacity) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long size = Math.max(capacity, ch.size());
            if (ch.size() < size) {
                try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
                    raf.setLength(size);
                }
            }
            java.lang.foreign.Arena mapping = java.lang.foreign.Arena.ofShared();
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, mapping);
            return new Region(file, 0, -1, seg, mapping);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create arena file " + file + ": " + e.getMessage(), e);
        }
    }

    private void scan() throws IOException {
        List<Path> slabFiles = new ArrayList<>();
        List<Path> traceFiles = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.xa")) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.startsWith("slab-")) {
                    slabFiles.add(p);
                } else if (n.startsWith("trace-")) {
                    traceFiles.add(p);
                }
            }
        }
        slabFiles.sort(null);
        for (int i = 0; i < slabFiles.size(); i++) {
            Path expected = dir.resolve(String.format("slab-%06d.xa", i));
            if (!slabFiles.get(i).equals(expected)) {
                throw new IOException("arena slabs are not numbered 0.." + (slabFiles.size() - 1) + ": found "
                        + slabFiles.get(i).getFileName() + " where " + expected.getFileName() + " belongs");
            }
            slabs.add(mapSlab(expected, false));
        }
        List<Arena> found = new ArrayList<>();
        int total = slabs.size() * config.slotsPerSlab();
        for (int slot = total - 1; slot >= 0; slot--) {
            Region r = slotRegion(slot);
            Arena a = reopen(r);
            if (a == null) {
                pushFree(slot);
            } else {
                found.add(a);
            }
        }
        for (Path f : traceFiles) {
            Region r = mapDedicated(f, 0);
            Arena a = reopen(r);
            if (a == null) {
                LOG.warning("ignoring arena file without a valid header: " + f);
                r.mapping().close();
                continue;
            }
            found.add(a);
        }
        for (Arena a : found) {
            Arena prev = arenas.get(a.traceId());
            if (prev == null) {
                arenas.put(a.traceId(), a);
            } else if (a.slot < 0 && prev.slot >= 0) {
                // A crash between the move and marking the old slot: the dedicated copy is whole.
                arenas.put(a.traceId(), a);
                free(prev.region);
            } else {
                free(a.region);
            }
        }
        for (Arena a : arenas.values()) {
            if (a.state() == STATE_FINISHED) {
                finished.add(a);
                finishedCount.incrementAndGet();
            }
        }
    }

    private Arena reopen(Region r) {
        MemorySegment seg = r.segment();
        if (seg.byteSize() < HEADER_LENGTH || seg.get(U32, MAGIC_OFFSET) != MAGIC) {
            return null;
        }
        short state = seg.get(U16, STATE_OFFSET);
        if (state != STATE_ACTIVE && state != STATE_FINISHED) {
            return null;
        }
        UUID id = new UUID(seg.get(U64, TRACE_ID_OFFSET), seg.get(U64, TRACE_ID_OFFSET + 8));
        long write = seg.get(U64, WRITE_OFFSET_OFFSET);
        int cfgSize = seg.get(U32, CONFIG_SIZE_OFFSET);
        if (cfgSize < 0 || write < dataStart(cfgSize) || write > seg.byteSize()) {
            LOG.warning("arena " + id + " in " + r + " has a bad header (write offset " + write + "); dropped");
            return null;
        }
        return new Arena(this, id, r, write);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("arena store " + dir + " is closed");
        }
    }

    /** Unmaps every slab and file. Arenas and their views must not be used afterwards. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        preparer.shutdownNow();
        if (nextSlab != null) {
            try {
                Slab s = nextSlab.get();
                slabs.add(s);
            } catch (Exception e) {
                // Nothing mapped.
            }
        }
        for (Arena a : arenas.values()) {
            synchronized (a) {
                for (Region r : a.retired) {
                    if (r.mapping() != null) {
                        r.mapping().close();
                    }
                }
                if (a.region.mapping() != null) {
                    a.region.mapping().close();
                }
            }
        }
        for (Slab s : slabs) {
            s.mapping().close();
            try {
                s.channel().close();
            } catch (IOException e) {
                LOG.warning("cannot close " + s.file() + ": " + e.getMessage());
            }
        }
    }
}
