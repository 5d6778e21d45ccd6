package io.xerv.wal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The log is damaged inside, not at its end: valid frames or later segments follow a frame that does
 * not decode. A crash cuts a log short only at its end, so this is lost or changed data (a disk fault,
 * a stray write), and the log is left as it is: cutting it there would drop acknowledged records.
 * {@link Wal#check} lists every problem; {@link Wal#repair} cuts the log at the first one and moves
 * what follows aside.
 */
public final class DamagedLogException extends IOException {

    private final transient Wal.Problem problem;
    private final int laterSegments;

    DamagedLogException(Path dir, Wal.Problem problem, int laterSegments) {
        super("the write-ahead log in " + dir + " is damaged inside: " + problem + "; "
                + (laterSegments > 0 ? laterSegments + " later segment" + (laterSegments == 1 ? "" : "s") + " follow"
                        : "valid frames follow in the same segment")
                + ", so this is not a write a crash cut short; nothing was changed");
        this.problem = problem;
        this.laterSegments = laterSegments;
    }

    /** The first damaged frame: its segment file, offset, and what is wrong (stored and computed CRC). */
    public Wal.Problem problem() {
        return problem;
    }

    /** How many segments follow the damaged one. */
    public int laterSegments() {
        return laterSegments;
    }
}
