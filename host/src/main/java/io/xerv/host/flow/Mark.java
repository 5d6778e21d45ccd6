package io.xerv.host.flow;

import java.util.Objects;

/**
 * A position in a flow file, 1-based, for error messages. Immutable.
 *
 * @param file the file name as the loader was given it
 * @param line the line, from 1
 * @param column the column, from 1
 */
public record Mark(String file, int line, int column) implements Comparable<Mark> {
    public Mark {
        Objects.requireNonNull(file, "file");
        if (line < 1) {
            throw new IllegalArgumentException("line must be >= 1, got " + line);
        }
        if (column < 1) {
            throw new IllegalArgumentException("column must be >= 1, got " + column);
        }
    }

    /** The start of {@code file}. */
    public static Mark start(String file) {
        return new Mark(file, 1, 1);
    }

    @Override
    public int compareTo(Mark o) {
        int c = Integer.compare(line, o.line);
        return c != 0 ? c : Integer.compare(column, o.column);
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
