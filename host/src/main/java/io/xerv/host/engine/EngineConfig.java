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
 */
public record EngineConfig(Path dataDir, ArenaStore.Config arenas, int eventLoops, NodeRegistry registry,
                           LongSupplier clock, Wal.Config wal, HostServices services) {

    public EngineConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(arenas, "arenas");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(wal, "wal");
        Objects.requireNonNull(services, "services");
        if (eventLoops < 1) {
            throw new IllegalArgumentException("eventLoops must be at least 1, was " + eventLoops);
        }
    }

    /** Defaults: one event loop per core, the plugins on the class path, the system clock. */
    public static EngineConfig defaults(Path dataDir) {
        return new EngineConfig(dataDir, ArenaStore.Config.DEFAULT, Runtime.getRuntime().availableProcessors(),
                NodeRegistry.load(), System::currentTimeMillis, Wal.Config.DEFAULT, HostServices.defaults());
    }

    public EngineConfig withArenas(ArenaStore.Config a) {
        return new EngineConfig(dataDir, a, eventLoops, registry, clock, wal, services);
    }

    public EngineConfig withEventLoops(int n) {
        return new EngineConfig(dataDir, arenas, n, registry, clock, wal, services);
    }

    public EngineConfig withClock(LongSupplier c) {
        return new EngineConfig(dataDir, arenas, eventLoops, registry, c, wal, services);
    }

    public EngineConfig withRegistry(NodeRegistry r) {
        return new EngineConfig(dataDir, arenas, eventLoops, r, clock, wal, services);
    }

    /** When WAL records become durable: fsync (default), batch:&lt;ms&gt;, or none (benchmarks only). */
    public EngineConfig withDurability(Durability d) {
        return new EngineConfig(dataDir, arenas, eventLoops, registry, clock, wal.withDurability(d), services);
    }

    /** The write-ahead log's settings (durability, segment size, batch size). */
    public EngineConfig withWal(Wal.Config w) {
        return new EngineConfig(dataDir, arenas, eventLoops, registry, clock, w, services);
    }

    /** What the host grants nodes. */
    public EngineConfig withServices(HostServices s) {
        return new EngineConfig(dataDir, arenas, eventLoops, registry, clock, wal, s);
    }

    /** When WAL records become durable. */
    public Durability durability() {
        return wal.durability();
    }
}
