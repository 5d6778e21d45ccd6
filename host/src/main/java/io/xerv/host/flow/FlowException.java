package io.xerv.host.flow;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A flow file that cannot be deployed. Carries every problem the loader found, sorted by position;
 * the message lists them one per line as {@code file:line:col: message}.
 */
public final class FlowException extends Exception {

    private final List<FlowError> errors;

    public FlowException(List<FlowError> errors) {
        super(errors.stream().map(FlowError::toString).collect(Collectors.joining("\n")));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a FlowException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    /** The problems, sorted by position (then in the order found). */
    public List<FlowError> errors() {
        return errors;
    }
}
