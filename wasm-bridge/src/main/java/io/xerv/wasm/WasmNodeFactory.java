package io.xerv.wasm;

import io.xerv.plugin.ConfigError;
import io.xerv.plugin.Execution;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.Value;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * The {@code wasm} node type: a node whose logic is a WebAssembly module written against ABI v1
 * (docs/wasm-abi.md). {@link #create} loads, checks and compiles the module when the flow is deployed,
 * so that a malformed module, a missing export or an unknown import is a deploy error naming the
 * module's path. Thread-safe.
 */
public final class WasmNodeFactory implements NodeFactory {

    /** The type name flows use. */
    public static final String TYPE = "wasm";

    private final HostSources sources;
    private final DiskCache disk;

    /**
     * A factory whose guests read granted env vars and secrets from the host's own sources, and which
     * keeps compiled modules in the folder named by {@code -Dxerv.wasm.cache} or {@code XERV_WASM_CACHE}.
     */
    public WasmNodeFactory() {
        this(HostSources.system());
    }

    /** A factory whose guests read granted env vars and secrets from {@code sources}. */
    public WasmNodeFactory(HostSources sources) {
        this(sources, DiskCache.configured());
    }

    WasmNodeFactory(HostSources sources, DiskCache disk) {
        this.sources = Objects.requireNonNull(sources, "sources");
        this.disk = disk;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "Runs a WebAssembly module (ABI v1) in a sandbox: config module, memory_pages, cpu_limit_ms, env, secrets.";
    }

    @Override
    public List<String> outputPorts() {
        return WasmNodeConfig.DECLARED_PORTS;
    }

    /** The node's {@code ports:} when it lists them, else {@link #outputPorts()}. */
    @Override
    public List<String> outputPorts(Value config) {
        return WasmNodeConfig.ports(config, new ArrayList<>());
    }

    @Override
    public Execution execution() {
        return Execution.BLOCKING;
    }

    @Override
    public List<ConfigError> validate(Value config) {
        List<ConfigError> errors = new ArrayList<>();
        WasmNodeConfig.parse(config, errors);
        return errors;
    }

    @Override
    public Node create(NodeDefinition definition) {
        List<ConfigError> errors = new ArrayList<>();
        WasmNodeConfig config = WasmNodeConfig.parse(definition.config(), errors);
        if (config == null) {
            ConfigError e = errors.getFirst();
            throw new IllegalArgumentException((e.path().isEmpty() ? "" : e.path() + ": ") + e.message());
        }
        Path path = ModuleResolver.resolve(config.module(), definition.baseDirectory());
        GuestModule module = GuestModule.load(path, config.machine(), config.wasi() != null, disk);
        WasmNodeSettings settings = new WasmNodeSettings(definition.id(), config, module, path,
                definition.baseDirectory(), new LinkedHashSet<>(config.env()), new LinkedHashSet<>(config.secrets()),
                new LinkedHashSet<>(config.ports()), sources);
        WasmNode node = new WasmNode(settings);
        try {
            node.warmUp();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("WASM module " + path + " cannot be instantiated: " + e.getMessage(), e);
        }
        return node;
    }
}
