package io.xerv.host.engine;

import io.xerv.arena.ArenaStore;
import io.xerv.host.plugin.NodeRegistry;
import io.xerv.plugin.HostServices;

import io.xerv.wal.Durability;
import io.xerv.wal.Wal;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How an {@link Engine} is set up.
 *
 * @param dataDir where arenas live ({@code DIR/arenas})
 * @param arenas slot size and retention of arenas
 * @param eventLoops how many event loops run traces (each trace is pinned to one)
 * @param registry the node types flows may use
 * @param clock the wall clock nodes see, in epoch millis
 * @param wal the write-ahead log's settings, durability among them
 * @param services what the host grants nodes (files, secrets, environment, network), handed to every factory
 * @param limits how much one trace may write and log
 */
public record EngineConfig(Path dataDir, ArenaStore.Config arenas, int eventLoops, NodeRegistry registry,
                           LongSupplier clock, Wal.Config wal, HostServices services, Limits limits) {

    /**
     * How much one trace may write and log.
     *
     * @param nodeOutputBytes the largest value a node may write into the trace's arena (encoded bytes)
     * @param traceBytes the most bytes a trace's nodes may write into its arena, all values together
     * @param logLineBytes the longest log line a node may keep; longer lines are cut and marked
     */
    public record Limits(long nodeOutputBytes, long traceBytes, int logLineBytes) {
        /** 16 MiB per value, 256 MiB per trace, 8 KiB per log line. */
        public static final Limits DEFAULT = new Limits(16L << 20, 256L << 20, 8 << 10);

        public Limits {
            if (nodeOutputBytes < 1 || nodeOutputBytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("nodeOutputBytes must be between 1 and " + (Integer.MAX_VALUE - 8)
                        + ", was " + nodeOutputBytes);
            }
            if (traceBytes < 1) {
                throw new IllegalArgumentException("traceBytes must be positive, was " + traceBytes);
            }
            if (logLineBytes < 64) {
                throw new IllegalArgumentException("logLineBytes must be at least 64, was " + logLineBytes);
            }
        }
    }

    public EngineConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(arenas, "arenas");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(wal, "wal");
        Objects.requireNonNull(services, "services");
        Objects.requireNonNull(limits, "limits");
        if (eventLoops < 1) {
            throw new IllegalArgumentException("eventLoops must be at least 1, was " + eventLoops);
        }
    }

    /** Defaults: one event loop per core, the plugins on the class path, the system clock. */
    public static EngineConfig defaults(Path dataDir) {
        return new EngineConfig(dataDir, ArenaStore.Config.DEFAULT, Runtime.getRuntime().availableProcessors(),
                NodeRegistry.load(), System::currentTimeMillis, Wal.Config.DEFAULT, HostServices.defaults(),
                Limits.DEFAULT);
    }

    public EngineConfig withArenas(ArenaStore.Config a) {
        return new EngineConfig(dataDir, a, eventLoops, registry, clock, wal, services, limits);
    }

    public EngineConfig withEventLoops(int n) {
        return new EngineConfig(dataDir, arenas, n, registry, clock, wal, services, limits);
    }

    public EngineConfig withClock(LongSupplier c) {
        return new EngineConfig(dataDir, arenas, eventLoops, registry, c, wal, services, limits);
    }

    public EngineConfig withRegistry(NodeRegistry r) {
        return new EngineConfig(dataDir, arenas, eventLoops, r, clock, wal, services, limits);
    }

    /** When WAL records become durable: fsync (default), batch:&lt;ms&gt;, or none (benchmarks only). */
    public EngineConfig withDurability(Durability d) {
        return new EngineConfig(dataDir, arenas, eventLoops, registry, clock, wal.withDurability(d), services, limits);
    }

    /** The write-ahead log's settings (durability, segment size, batch size). */
    public EngineConfig withWal(Wal.Config w) {
        return new EngineConfig(dataDir, arenas, eventLoops, registry, clock, w, services, limits);
    }

    /** What the host grants nodes. */
    public EngineConfig withServices(HostServices s) {
        return new EngineConfig(dataDir, arenas, eventLoops, registry, clock, wal, s, limits);
    }

    /** How much one trace may write and log. */
    public EngineConfig withLimits(Limits l) {
        return new EngineConfig(dataDir, arenas, eventLoops, registry, clock, wal, services, l);
    }

    /** When WAL records become durable. */
    public Durability durability() {
        return wal.durability();
    }
}
