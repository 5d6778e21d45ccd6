package io.xerv.wasm;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;

import java.nio.file.Path;
import java.util.Map;

/**
 * One instantiated guest: its memory (with the arena window), host imports, exports and call state.
 * Used by one call at a time (a node's pool hands it out); the watchdog may interrupt its running
 * call through its {@link CallClock}.
 */
final class GuestInstance {

    final Instance instance;
    final WindowedMemory memory;
    final CallState state;
    final ExportFunction alloc;
    final ExportFunction execute;
    private final WasiPreview1 wasi;

    final CallClock clock;

    private GuestInstance(CallClock clock, CallState state, WindowedMemory[] memory, Instance instance,
                          WasiPreview1 wasi) {
        this.clock = clock;
        this.state = state;
        this.memory = memory[0];
        this.instance = instance;
        this.alloc = instance.export(AbiV1.ALLOC);
        this.execute = instance.export(AbiV1.EXECUTE);
        this.wasi = wasi;
    }

    /**
     * Instantiates the node's module: memory, data segments, start function. The start function runs
     * under the node's time limit.
     *
     * @throws RuntimeException from Chicory when instantiation traps, fails to link or runs too long
     */
    static GuestInstance create(WasmNodeSettings settings, long limitNanos) {
        CallClock clock = new CallClock();
        Watchdog.watch(clock);
        boolean ok = false;
        clock.start(limitNanos);
        try {
            GuestInstance g = instantiate(settings, clock);
            ok = true;
            return g;
        } finally {
            if (clock.stop()) {
                Watchdog.forget(clock);
                throw new IllegalStateException("instantiating the module ran longer than cpu_limit_ms ("
                        + settings.config().cpuLimitMs() + " ms): its start function was stopped");
            }
            if (!ok) {
                Watchdog.forget(clock);
            }
        }
    }

    private static GuestInstance instantiate(WasmNodeSettings settings, CallClock clock) {
        CallState state = new CallState(settings);
        WindowedMemory[] memory = new WindowedMemory[1];
        ImportValues.Builder imports = ImportValues.builder();
        WasiPreview1 wasi = null;
        int cap = settings.config().memoryPages();
        imports.withFunctions(new HostImports(state, memory).functions());
        if (settings.module().importsWasi() && settings.config().wasi() != null) {
            wasi = wasi(settings);
            imports.addFunction(wasi.toHostFunctions());
        }
        Instance instance = Instance.builder(settings.module().wasm())
                .withImportValues(imports.build())
                .withMemoryFactory(limits -> memory[0] = new WindowedMemory(limits, cap))
                .withMachineFactory(settings.module().machineFactory())
                .build();
        if (memory[0] == null) {
            throw new IllegalStateException("module " + settings.modulePath() + " defines no memory");
        }
        return new GuestInstance(clock, state, memory, instance, wasi);
    }

    private static WasiPreview1 wasi(WasmNodeSettings settings) {
        WasmNodeConfig.WasiGrant grant = settings.config().wasi();
        WasiOptions.Builder o = WasiOptions.builder();
        for (String name : grant.env()) {
            String v = settings.services().environment(name);
            if (v != null) {
                o.withEnvironment(name, v);
            }
        }
        for (Map.Entry<String, Path> d : settings.wasiDirs().entrySet()) {
            o.withDirectory(d.getKey(), d.getValue());
        }
        return WasiPreview1.builder().withOptions(o.build()).build();
    }

    /** Drops this instance for good (after a trap, a timeout, or when the pool is full). */
    void discard() {
        Watchdog.forget(clock);
        if (wasi != null) {
            wasi.close();
        }
    }
}
