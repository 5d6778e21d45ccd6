package io.xerv.wasm;

import io.xerv.arena.FlexValue;
import io.xerv.plugin.Value;

/**
 * Checks that bytes a guest hands back are a FlexBuffers value every reader can walk: each reference
 * inside the buffer, nesting at most {@link #MAX_DEPTH} deep. A guest's output is checked once, before
 * it enters the arena, so that the nodes after it never meet a malformed value.
 */
final class FlexCheck {

    static final int MAX_DEPTH = 128;

    private FlexCheck() {
    }

    /** What is wrong with {@code bytes}, or null when they are a readable FlexBuffers value. */
    static String problem(byte[] bytes) {
        if (bytes.length < 3) {
            return "a FlexBuffers value needs at least 3 bytes, got " + bytes.length;
        }
        try {
            int[] budget = {bytes.length * 4 + 64};
            walk(FlexValue.of(bytes), 0, budget);
            return null;
        } catch (IllegalStateException e) {
            return e.getMessage();
        } catch (RuntimeException | StackOverflowError e) {
            return "a reference points outside the " + bytes.length + " bytes (" + e.getClass().getSimpleName() + ")";
        }
    }

    private static void walk(Value v, int depth, int[] budget) {
        if (depth > MAX_DEPTH) {
            throw new IllegalStateException("nested deeper than " + MAX_DEPTH + " levels");
        }
        if (--budget[0] < 0) {
            throw new IllegalStateException("more elements than its size allows (a reference cycle?)");
        }
        switch (v.type()) {
            case NULL -> { }
            case BOOL -> v.asBoolean();
            case INT -> v.asLong();
            case FLOAT -> v.asDouble();
            case STRING -> v.asString();
            case BYTES -> v.asBytes();
            case LIST -> {
                int n = v.size();
                for (int i = 0; i < n; i++) {
                    walk(v.get(i), depth + 1, budget);
                }
            }
            case MAP -> {
                int n = v.size();
                for (int i = 0; i < n; i++) {
                    v.keyAt(i);
                    walk(v.valueAt(i), depth + 1, budget);
                }
            }
        }
    }
}
