package io.xerv.arena;

import io.xerv.plugin.OutputWriter;
import io.xerv.plugin.Value;

/**
 * The {@link OutputWriter} a node gets: appends values to one arena, tagging each entry with the
 * writing node. Bridges that hand guests the arena itself (WASM, JS) reach it through {@link #arena()}.
 */
public final class ArenaWriter implements OutputWriter {

    private final Arena arena;
    private final int tag;

    ArenaWriter(Arena arena, int tag) {
        this.arena = arena;
        this.tag = tag;
    }

    /** The arena this writer appends to. */
    public Arena arena() {
        return arena;
    }

    /** The tag written into each entry's header (0 for the host, node index + 1 for a node). */
    public int tag() {
        return tag;
    }

    @Override
    public long maxValueBytes() {
        return tag == 0 ? Long.MAX_VALUE : arena.store().limits().valueBytes();
    }

    @Override
    public Value write(Object value) {
        return arena.appendValue(tag, value);
    }
}
