package io.xerv.wasm;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A parsed, checked and (for the compiler machine) compiled guest module, shared by every node that
 * runs the same bytes. Immutable and thread-safe; instances are made from it by {@link GuestInstance}.
 */
final class GuestModule {

    /** WASI's import module name. */
    static final String WASI_MODULE = "wasi_snapshot_preview1";

    /** Compiled modules by content hash and machine, so that a module compiles once per host. */
    private static final Map<String, GuestModule> CACHE = new ConcurrentHashMap<>();

    private final WasmModule wasm;
    private final Function<Instance, Machine> machineFactory;
    private final boolean importsWasi;

    private GuestModule(WasmModule wasm, Function<Instance, Machine> machineFactory, boolean importsWasi) {
        this.wasm = wasm;
        this.machineFactory = machineFactory;
        this.importsWasi = importsWasi;
    }

    /**
     * Checks and compiles a module's bytes, or returns the cached module with the same bytes.
     *
     * @param path where the bytes came from, for messages
     * @param disk where compiled classes are kept across restarts, or null
     * @throws IllegalArgumentException naming the path and the problem: malformed or invalid bytes, a
     *     missing or mistyped export, an import the host does not provide
     */
    static GuestModule load(Path path, byte[] bytes, WasmNodeConfig.Machine machine, boolean wasiGranted,
                            DiskCache disk) {
        String hash = sha256(bytes);
        GuestModule cached = CACHE.get(hash + "/" + machine);
        if (cached == null) {
            cached = compile(path, bytes, machine, disk);
            GuestModule raced = CACHE.putIfAbsent(hash + "/" + machine, cached);
            if (raced != null) {
                cached = raced;
            }
        }
        if (cached.importsWasi && !wasiGranted) {
            throw new IllegalArgumentException("WASM module " + path + " imports " + WASI_MODULE
                    + ", which a node gets only when its config grants it (wasi: true, or wasi: {env: [...], dirs: {...}})");
        }
        return cached;
    }

    private static GuestModule compile(Path path, byte[] bytes, WasmNodeConfig.Machine machine,
                                       DiskCache disk) {
        if (bytes.length < 8 || bytes[0] != 0 || bytes[1] != 'a' || bytes[2] != 's' || bytes[3] != 'm') {
            throw new IllegalArgumentException("WASM module " + path + " is not a WebAssembly binary (it does not start with \\0asm)");
        }
        WasmModule wasm;
        try {
            wasm = Parser.parse(bytes);
        } catch (ChicoryException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("WASM module " + path + " is malformed or invalid: " + e.getMessage(), e);
        }
        boolean wasi = checkImports(path, wasm);
        checkExports(path, wasm);
        Function<Instance, Machine> factory;
        if (machine == WasmNodeConfig.Machine.COMPILER) {
            try {
                MachineFactoryCompiler.Builder b = MachineFactoryCompiler.builder(wasm);
                if (disk != null) {
                    b.withCache(disk);
                }
                factory = b.compile();
            } catch (ChicoryException | IllegalArgumentException e) {
                throw new IllegalArgumentException("WASM module " + path + " cannot be compiled: " + e.getMessage(), e);
            }
        } else {
            factory = InterpreterMachine::new;
        }
        return new GuestModule(wasm, factory, wasi);
    }

    private static boolean checkImports(Path path, WasmModule wasm) {
        boolean wasi = false;
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < wasm.importSection().importCount(); i++) {
            Import imp = wasm.importSection().getImport(i);
            String name = imp.module() + "." + imp.name();
            if (imp.module().equals(WASI_MODULE) && imp.importType() == ExternalType.FUNCTION) {
                wasi = true;
                continue;
            }
            if (!imp.module().equals(AbiV1.IMPORT_MODULE)) {
                problems.add("imports " + name + ", which the host does not provide (host imports live in module '"
                        + AbiV1.IMPORT_MODULE + "')");
                continue;
            }
            if (imp.importType() != ExternalType.FUNCTION) {
                problems.add("imports " + name + " as a " + imp.importType().name().toLowerCase(java.util.Locale.ROOT)
                        + "; the host provides only functions (the guest must define and export its own memory)");
                continue;
            }
            FunctionType expected = AbiV1.IMPORTS.get(imp.name());
            if (expected == null) {
                problems.add("imports " + name + ", which ABI v1 does not define; the host provides "
                        + String.join(", ", new java.util.TreeSet<>(AbiV1.IMPORTS.keySet())));
                continue;
            }
            FunctionType actual = wasm.typeSection().getType(((FunctionImport) imp).typeIndex());
            if (!actual.equals(expected)) {
                problems.add("imports " + name + " with type " + AbiV1.describe(actual) + "; ABI v1 defines it as "
                        + AbiV1.describe(expected));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("WASM module " + path + " " + String.join("; ", problems));
        }
        return wasi;
    }

    private static void checkExports(Path path, WasmModule wasm) {
        List<String> problems = new ArrayList<>();
        boolean memory = false;
        FunctionType alloc = null;
        FunctionType execute = null;
        int importedFunctions = wasm.importSection().count(ExternalType.FUNCTION);
        for (int i = 0; i < wasm.exportSection().exportCount(); i++) {
            Export e = wasm.exportSection().getExport(i);
            if (e.name().equals(AbiV1.MEMORY) && e.exportType() == ExternalType.MEMORY) {
                memory = e.index() == 0 && wasm.memorySection().isPresent();
            } else if (e.exportType() == ExternalType.FUNCTION
                    && (e.name().equals(AbiV1.ALLOC) || e.name().equals(AbiV1.EXECUTE))) {
                FunctionType t = functionType(wasm, e.index(), importedFunctions);
                if (e.name().equals(AbiV1.ALLOC)) {
                    alloc = t;
                } else {
                    execute = t;
                }
            }
        }
        if (!memory) {
            problems.add("does not export its memory as 'memory'");
        }
        checkExport(problems, AbiV1.ALLOC, alloc, AbiV1.ALLOC_TYPE);
        checkExport(problems, AbiV1.EXECUTE, execute, AbiV1.EXECUTE_TYPE);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("WASM module " + path + " " + String.join("; ", problems));
        }
    }

    private static void checkExport(List<String> problems, String name, FunctionType actual, FunctionType expected) {
        if (actual == null) {
            problems.add("lacks the export " + name + " " + AbiV1.describe(expected));
        } else if (!actual.equals(expected)) {
            problems.add("exports " + name + " with type " + AbiV1.describe(actual) + "; ABI v1 needs "
                    + AbiV1.describe(expected));
        }
    }

    private static FunctionType functionType(WasmModule wasm, int index, int importedFunctions) {
        if (index < importedFunctions) {
            int seen = 0;
            for (int i = 0; i < wasm.importSection().importCount(); i++) {
                Import imp = wasm.importSection().getImport(i);
                if (imp.importType() == ExternalType.FUNCTION && seen++ == index) {
                    return wasm.typeSection().getType(((FunctionImport) imp).typeIndex());
                }
            }
        }
        return wasm.typeSection().getType(wasm.functionSection().getFunctionType(index - importedFunctions));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    WasmModule wasm() {
        return wasm;
    }

    Function<Instance, Machine> machineFactory() {
        return machineFactory;
    }

    boolean importsWasi() {
        return importsWasi;
    }
}
