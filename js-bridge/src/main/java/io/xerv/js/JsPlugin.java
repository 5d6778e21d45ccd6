package io.xerv.js;

import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.XervPlugin;

import java.util.List;

/** Contributes the {@code js} node type: nodes written in JavaScript, run sandboxed on GraalJS. */
public final class JsPlugin implements XervPlugin {

    @Override
    public String name() {
        return "js";
    }

    /** Starts the shared engine in the background, so that the first JS node deployed does not wait for it. */
    @Override
    public List<NodeFactory> nodeFactories() {
        JsEngine.startInBackground();
        return List.of(new JsNodeFactory());
    }
}
