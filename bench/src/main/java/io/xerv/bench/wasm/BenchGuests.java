package io.xerv.bench.wasm;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import io.xerv.arena.Arena;
import io.xerv.arena.ArenaStore;
import io.xerv.arena.ConfigBlock;
import io.xerv.plugin.Input;
import io.xerv.plugin.NodeContext;
import io.xerv.plugin.NodeLog;
import io.xerv.plugin.OutputWriter;
import io.xerv.plugin.Resumption;
import io.xerv.plugin.Value;
import io.xerv.plugin.Values;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.random.RandomGenerator;

/** Guests and contexts the WASM benchmarks share. */
final class BenchGuests {

    private BenchGuests() {
    }

    /** bench/wasm/noop.wat, assembled: ABI v1 exports that do nothing. */
    static final byte[] NOOP = HexFormat.of().parseHex("0061736d01000000010c0260017f017f60027f7f017f03030200010503010001"
            + "072a03066d656d6f727902000c5f5f786572765f616c6c6f6300000e5f5f786572765f6578656375746500010a0c020500418020"
            + "0b040041000b");

    /** The SDK's example guests, built by sdk-rust-guest/build.sh. */
    static Path rustGuest(String name) {
        Path p = Path.of(System.getProperty("xerv.guests.dir", "sdk-rust-guest/target/wasm32-unknown-unknown/release/examples"))
                .resolve(name + ".wasm").toAbsolutePath();
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: run sdk-rust-guest/build.sh first");
        }
        return p;
    }

    static Path write(Path dir, String name, byte[] wasm) throws IOException {
        Path p = dir.resolve(name + ".wasm");
        Files.write(p, wasm);
        return p;
    }

    /** A compiled Chicory instance of {@code module} whose imports all do nothing: the runtime's own floor. */
    static Instance bareInstance(WasmModule module) {
        List<HostFunction> stubs = new ArrayList<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            if (imp.importType() == ExternalType.FUNCTION) {
                FunctionType t = module.typeSection().getType(((FunctionImport) imp).typeIndex());
                long[] zeros = new long[t.returns().size()];
                stubs.add(new HostFunction(imp.module(), imp.name(), t, (inst, args) -> zeros));
            }
        }
        return Instance.builder(module)
                .withImportValues(ImportValues.builder().withFunctions(new ArrayList<>(stubs)).build())
                .withMachineFactory(MachineFactoryCompiler.compile(module))
                .build();
    }

    static WasmModule parse(Path p) {
        return Parser.parse(p);
    }

    static ArenaStore store(Path dir) {
        return ArenaStore.open(dir, ArenaStore.Config.DEFAULT);
    }

    static Arena arena(ArenaStore store) {
        return store.create(UUID.randomUUID(), new ConfigBlock("bench", "1", "digest", "manual", new byte[] {0, 0, 1}));
    }

    /** What the engine hands a blocking node, reduced to what a wasm node reads; reused across calls. */
    static final class Context implements NodeContext {
        private final List<Input> inputs;
        private final OutputWriter writer;
        private final Value config;
        private final SplittableRandom random = new SplittableRandom(1);

        Context(Arena arena, Value input, Value config) {
            this.inputs = List.of(new Input("manual", "out", "in", input));
            this.writer = arena.writer(1);
            this.config = config;
        }

        @Override
        public UUID traceId() {
            return UUID.nameUUIDFromBytes(new byte[0]);
        }

        @Override
        public String nodeId() {
            return "guest";
        }

        @Override
        public int attempt() {
            return 1;
        }

        @Override
        public int iteration() {
            return 0;
        }

        @Override
        public long deadlineMillis() {
            return Long.MAX_VALUE;
        }

        @Override
        public Value input() {
            return inputs.getFirst().value();
        }

        @Override
        public Value input(String port) {
            return port.equals("in") ? input() : null;
        }

        @Override
        public List<Input> inputs() {
            return inputs;
        }

        @Override
        public Value config() {
            return config == null ? Values.of(java.util.Map.of()) : config;
        }

        @Override
        public Resumption resumption() {
            return null;
        }

        @Override
        public OutputWriter output() {
            return writer;
        }

        @Override
        public NodeLog log() {
            return (level, message) -> { };
        }

        @Override
        public long currentTimeMillis() {
            return 1_700_000_000_000L;
        }

        @Override
        public RandomGenerator random() {
            return random;
        }

        @Override
        public UUID randomUuid() {
            return new UUID(random.nextLong(), random.nextLong());
        }
    }
}
