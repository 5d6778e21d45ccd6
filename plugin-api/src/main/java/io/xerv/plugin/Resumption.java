package io.xerv.plugin;

import java.util.Objects;

/**
 * The decision that resumed a suspended node.
 *
 * @param decision one of the {@link Suspension#decisions()} the node asked for
 * @param payload the data sent with the decision ({@link Values#NULL} when none)
 * @param timedOut true when the suspension's timeout made the decision
 */
@Experimental
public record Resumption(String decision, Value payload, boolean timedOut) {
    public Resumption {
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(payload, "payload");
    }
}
