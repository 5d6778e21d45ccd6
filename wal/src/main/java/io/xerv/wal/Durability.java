package io.xerv.wal;

import java.util.Locale;

/**
 * When appended records become durable.
 *
 * @param mode the rule
 * @param batchMillis for {@link Mode#BATCH}, the longest a record waits for its sync
 */
public record Durability(Mode mode, long batchMillis) {

    /** The rules. */
    public enum Mode {
        /** Each batch of records is synced before any of them is acknowledged (group commit). */
        FSYNC,
        /** Records are synced at most every {@code batchMillis}; acknowledged after that sync. */
        BATCH,
        /** Never synced; acknowledged once written to the OS. For benchmarks only: a crash loses them. */
        NONE
    }

    public static final Durability FSYNC = new Durability(Mode.FSYNC, 0);
    public static final Durability NONE = new Durability(Mode.NONE, 0);

    public Durability {
        if (mode == null) {
            throw new NullPointerException("mode");
        }
        if (mode == Mode.BATCH && batchMillis < 1) {
            throw new IllegalArgumentException("batch durability needs at least 1 ms, was " + batchMillis);
        }
    }

    /**
     * Parses {@code fsync}, {@code batch:<ms>} or {@code none}.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Durability parse(String s) {
        String v = s == null ? "" : s.strip().toLowerCase(Locale.ROOT);
        if (v.equals("fsync")) {
            return FSYNC;
        }
        if (v.equals("none")) {
            return NONE;
        }
        if (v.startsWith("batch:")) {
            try {
                return new Durability(Mode.BATCH, Long.parseLong(v.substring(6)));
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
        }
        throw new IllegalArgumentException("durability '" + s + "' is not one of fsync, batch:<ms> (e.g. batch:5), none");
    }

    @Override
    public String toString() {
        return mode == Mode.BATCH ? "batch:" + batchMillis : mode.name().toLowerCase(Locale.ROOT);
    }
}
