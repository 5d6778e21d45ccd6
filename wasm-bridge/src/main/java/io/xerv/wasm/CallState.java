package io.xerv.wasm;

import io.xerv.arena.Arena;
import io.xerv.arena.FlexValue;
import io.xerv.plugin.NodeContext;

import java.util.ArrayList;
import java.util.List;

/**
 * What one call of a guest sees and produces: the run's context and arena going in; the fired port
 * and value, the error and the secrets read coming out. One per guest instance, reset by
 * {@link #begin} before each call; used only by the thread running that call.
 */
final class CallState {

    final WasmNodeSettings settings;
    NodeContext context;
    Arena arena;
    int tag;
    boolean windowOpen;

    String port;
    FlexValue value;
    String error;
    int logLines;
    /** Secret values this call read, masked in its logs and error message. */
    final List<String> secretsRead = new ArrayList<>(0);

    CallState(WasmNodeSettings settings) {
        this.settings = settings;
    }

    void begin(NodeContext context, Arena arena, int tag, boolean windowOpen) {
        this.context = context;
        this.arena = arena;
        this.tag = tag;
        this.windowOpen = windowOpen;
        this.port = null;
        this.value = null;
        this.error = null;
        this.logLines = 0;
        this.secretsRead.clear();
    }

    void end() {
        this.context = null;
        this.arena = null;
        this.value = null;
        this.secretsRead.clear();
    }

    /** {@code text} with every secret this call read replaced by {@code ***}. */
    String redact(String text) {
        String t = text;
        for (String s : secretsRead) {
            if (!s.isEmpty()) {
                t = t.replace(s, "***");
            }
        }
        return t;
    }
}
