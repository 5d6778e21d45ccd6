package io.xerv.js;

import io.xerv.arena.FlexValue;
import io.xerv.plugin.Value;

/**
 * Checks the bytes a JS node returned before they reach the arena: the SDK in the sandbox encodes
 * them, but a script can replace anything in its own context, so the host trusts nothing it did not
 * read itself. Stateless.
 */
final class ResultCheck {

    static final int MAX_DEPTH = 128;

    private ResultCheck() {
    }

    /**
     * Reads every element of FlexBuffers bytes.
     *
     * @return null when the bytes hold a well-formed value, else what is wrong with them
     */
    static String problem(byte[] bytes) {
        try {
            walk(FlexValue.of(bytes), "$", 0);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        } catch (RuntimeException e) {
            return "malformed bytes (" + e + ")";
        }
    }

    private static void walk(Value v, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("nested deeper than " + MAX_DEPTH + " at " + path);
        }
        switch (v.type()) {
            case STRING -> v.asString();
            case BYTES -> v.asBytes();
            case LIST -> {
                for (int i = 0; i < v.size(); i++) {
                    walk(v.get(i), path + "[" + i + "]", depth + 1);
                }
            }
            case MAP -> {
                String previous = null;
                for (int i = 0; i < v.size(); i++) {
                    String k = v.keyAt(i);
                    if (previous != null && compareCodePoints(previous, k) >= 0) {
                        throw new IllegalArgumentException("map keys out of order at " + path + ": '" + previous
                                + "' before '" + k + "'");
                    }
                    previous = k;
                    walk(v.valueAt(i), path + "." + k, depth + 1);
                }
            }
            default -> {
                // scalars are read in place when used
            }
        }
    }

    /** The order of UTF-8 bytes, which FlexBuffers keys are sorted by. */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
