package io.xerv.bench.extism;

import org.extism.sdk.chicory.Manifest;
import org.extism.sdk.chicory.ManifestWasm;
import org.extism.sdk.chicory.Plugin;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * The peer of WasmCallBench: one call of a trivial plugin (an export that does nothing,
 * bench/wasm/extism_noop.wat) through Extism's chicory-sdk-core 0.3.0 with its ahead-of-time
 * compiler, passing the same small input the host's benchmark passes, in nanoseconds.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ExtismCallBench {

    /** bench/wasm/extism_noop.wat, assembled. */
    static final byte[] NOOP = HexFormat.of().parseHex("0061736d010000000105016000017f03020100070801046e6f6f7000000a0601040041000b");

    static final byte[] INPUT = "{\"id\":\"o-1\",\"amount\":12.5}".getBytes(StandardCharsets.UTF_8);

    Plugin compiled;
    Plugin interpreted;

    @Setup
    public void setUp() {
        ManifestWasm wasm = ManifestWasm.fromBytes(NOOP).build();
        compiled = Plugin.ofManifest(Manifest.ofWasms(wasm).withOptions(new Manifest.Options().withAoT()).build()).build();
        interpreted = Plugin.ofManifest(Manifest.ofWasms(wasm).build()).build();
    }

    @Benchmark
    public byte[] extismCompiled() {
        return compiled.call("noop", INPUT);
    }

    @Benchmark
    public byte[] extismInterpreter() {
        return interpreted.call("noop", INPUT);
    }
}
