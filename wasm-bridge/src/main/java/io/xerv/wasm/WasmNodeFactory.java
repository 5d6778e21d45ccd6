package io.xerv.wasm;

import io.xerv.plugin.ConfigError;
import io.xerv.plugin.Execution;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.Value;

import io.xerv.plugin.HostServices;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The {@code wasm} node type: a node whose logic is a WebAssembly module written against ABI v1
 * (docs/wasm-abi.md). {@link #create} loads, checks and compiles the module when the flow is deployed,
 * so that a malformed module, a missing export or an unknown import is a deploy error naming the
 * module's path. Thread-safe.
 */
public final class WasmNodeFactory implements NodeFactory {

    /** The type name flows use. */
    public static final String TYPE = "wasm";

    private final DiskCache disk;

    /**
     * A factory that keeps compiled modules in the folder named by {@code -Dxerv.wasm.cache} or
     * {@code XERV_WASM_CACHE}. Files, environment variables and secrets come from each node's
     * {@link NodeDefinition#services()}: the host's policy.
     */
    public WasmNodeFactory() {
        this(DiskCache.configured());
    }

    WasmNodeFactory(DiskCache disk) {
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
        HostServices services = definition.services();
        checkGrants(config, services);
        Map<String, Path> wasiDirs = new LinkedHashMap<>();
        if (config.wasi() != null) {
            for (Map.Entry<String, String> d : config.wasi().dirs().entrySet()) {
                try {
                    Path dir = services.resolveFile(d.getValue(), definition.baseDirectory(), HostServices.FileUse.PREOPEN);
                    if (!Files.isDirectory(dir)) {
                        throw new IllegalArgumentException("'" + d.getValue() + "' is not a directory");
                    }
                    wasiDirs.put(d.getKey(), dir);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("wasi.dirs." + d.getKey() + ": " + e.getMessage());
                }
            }
        }
        ModuleResolver.Found found = ModuleResolver.resolve(config.module(), definition.baseDirectory(), services);
        Path path = found.path();
        GuestModule module = GuestModule.load(path, found.bytes(), config.machine(), config.wasi() != null, disk);
        WasmNodeSettings settings = new WasmNodeSettings(definition.id(), config, module, path,
                Map.copyOf(wasiDirs), new LinkedHashSet<>(config.env()), new LinkedHashSet<>(config.secrets()),
                new LinkedHashSet<>(config.ports()), services);
        WasmNode node = new WasmNode(settings);
        try {
            node.warmUp();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("WASM module " + path + " cannot be instantiated: " + e.getMessage(), e);
        }
        return node;
    }

    /**
     * Refuses a node that asks for an environment variable or a secret the host's policy does not
     * grant, so that the flow fails when it is deployed rather than reading nothing when it runs.
     */
    private static void checkGrants(WasmNodeConfig config, HostServices services) {
        for (int i = 0; i < config.env().size(); i++) {
            grant(services.grantsEnvironment(config.env().get(i)), "env[" + i + "]", "environment variable",
                    config.env().get(i), "policy.env");
        }
        for (int i = 0; i < config.secrets().size(); i++) {
            grant(services.grantsSecret(config.secrets().get(i)), "secrets[" + i + "]", "secret",
                    config.secrets().get(i), "policy.secrets");
        }
        if (config.wasi() != null) {
            for (int i = 0; i < config.wasi().env().size(); i++) {
                grant(services.grantsEnvironment(config.wasi().env().get(i)), "wasi.env[" + i + "]",
                        "environment variable", config.wasi().env().get(i), "policy.env");
            }
        }
    }

    private static void grant(boolean granted, String path, String what, String name, String rule) {
        if (!granted) {
            throw new IllegalArgumentException(path + ": " + what + " '" + name + "' is not granted to nodes by the"
                    + " host's policy (" + rule + ")");
        }
    }
}
