package io.xerv.wasm;

import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.XervPlugin;

import java.util.List;

/** Contributes the {@code wasm} node type. Found by {@link java.util.ServiceLoader}; thread-safe. */
public final class WasmPlugin implements XervPlugin {

    private final WasmNodeFactory factory = new WasmNodeFactory();

    @Override
    public String name() {
        return "wasm";
    }

    @Override
    public List<NodeFactory> nodeFactories() {
        return List.of(factory);
    }
}
