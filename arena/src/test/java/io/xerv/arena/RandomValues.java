package io.xerv.arena;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Random values of every type the codec writes (nested lists and maps, odd strings), for the codec's tests. */
final class RandomValues {

    private RandomValues() {
    }

    /**
     * A random value nested at {@code depth}; {@code wide} also makes long strings and lists and maps
     * with hundreds of entries, so that wider lengths and offsets occur.
     */
    static Object value(Random rnd, int depth, boolean wide) {
        int kind = rnd.nextInt(depth > 3 ? 6 : 8);
        return switch (kind) {
            case 0 -> null;
            case 1 -> rnd.nextBoolean();
            case 2 -> switch (rnd.nextInt(5)) {
                case 0 -> (long) rnd.nextInt(256) - 128;
                case 1 -> (long) rnd.nextInt();
                case 2 -> rnd.nextLong();
                case 3 -> (long) rnd.nextInt(70_000) - 35_000;
                default -> (long) rnd.nextInt(70_000);
            };
            case 3 -> rnd.nextInt(5) == 0 ? Double.NaN : rnd.nextDouble() * Math.pow(10, rnd.nextInt(40) - 20);
            case 4 -> wide && rnd.nextInt(10) == 0 ? "z".repeat(200 + rnd.nextInt(400)) : string(rnd);
            case 5 -> string(rnd);
            case 6 -> {
                List<Object> l = new ArrayList<>();
                for (int i = rnd.nextInt(wide && rnd.nextInt(8) == 0 ? 300 : 6); i > 0; i--) {
                    l.add(value(rnd, depth + 1, wide));
                }
                yield l;
            }
            default -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = rnd.nextInt(wide && rnd.nextInt(8) == 0 ? 60 : 6); i > 0; i--) {
                    m.put(string(rnd), value(rnd, depth + 1, wide));
                }
                yield m;
            }
        };
    }

    /** Up to 11 characters from an alphabet of quotes, escapes, controls and multi-byte characters. */
    static String string(Random rnd) {
        String alphabet = "abcXYZ09 \"\\\n\t\u0001\u001f\u00e9\u00df\u2713\uD83D\uDE00/";
        StringBuilder sb = new StringBuilder();
        for (int i = rnd.nextInt(12); i > 0; i--) {
            int at = rnd.nextInt(alphabet.length());
            char c = alphabet.charAt(at);
            if (Character.isHighSurrogate(c)) {
                sb.append(c).append(alphabet.charAt(at + 1));
            } else if (!Character.isLowSurrogate(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
