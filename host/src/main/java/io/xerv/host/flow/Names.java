package io.xerv.host.flow;

import java.util.Collection;

/** Helpers for messages about names. */
final class Names {

    private Names() {
    }

    /** {@code " (did you mean 'x'?)"} for the closest candidate within edit distance 2, else empty. */
    static String suggest(String wrong, Collection<String> candidates) {
        String best = null;
        int bestD = 3;
        for (String c : candidates) {
            int d = distance(wrong, c, bestD);
            if (d < bestD || (d == bestD && best != null && d <= 2 && c.compareTo(best) < 0)) {
                best = c;
                bestD = d;
            }
        }
        return best != null && bestD <= 2 ? " (did you mean '" + best + "'?)" : "";
    }

    /** Levenshtein distance, or something > limit when it exceeds limit. */
    static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) > limit) {
            return limit + 1;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
