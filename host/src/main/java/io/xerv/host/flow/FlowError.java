package io.xerv.host.flow;

import java.util.Objects;

/**
 * One problem in a flow file, at the position of the offending key or value.
 *
 * @param mark where the problem is
 * @param message what is wrong, in the flow author's words
 */
public record FlowError(Mark mark, String message) {
    public FlowError {
        Objects.requireNonNull(mark, "mark");
        Objects.requireNonNull(message, "message");
    }

    /** {@code line:col: message}, without the file name (used by golden files). */
    public String withoutFile() {
        return mark.line() + ":" + mark.column() + ": " + message;
    }

    @Override
    public String toString() {
        return mark + ": " + message;
    }
}
