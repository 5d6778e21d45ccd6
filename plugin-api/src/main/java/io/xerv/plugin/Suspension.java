package io.xerv.plugin;

import java.util.Objects;
import java.util.Set;

/**
 * A request to park the trace at a node until an outside decision arrives (a person approving an
 * order, say), or until a timeout decides for them.
 *
 * <p>When the trace is resumed, the host runs the same node again with {@link NodeContext#resumption()}
 * set, and the node then fires the port that fits the decision.
 *
 * @param hookId the id a resume request names; unique among the host's suspended traces
 * @param decisions the accepted decisions, lower case (for example approve, reject, escalate)
 * @param timeoutMillis how long to wait before {@code timeoutDecision} is applied; 0 waits forever
 * @param timeoutDecision the decision applied on timeout; one of {@code decisions}
 * @param metadata what an operator sees while the trace waits
 */
@Experimental
public record Suspension(String hookId, Set<String> decisions, long timeoutMillis,
                         String timeoutDecision, Value metadata) {

    public Suspension {
        Objects.requireNonNull(hookId, "hookId");
        Objects.requireNonNull(decisions, "decisions");
        Objects.requireNonNull(timeoutDecision, "timeoutDecision");
        Objects.requireNonNull(metadata, "metadata");
        if (hookId.isBlank()) {
            throw new IllegalArgumentException("hookId must not be blank");
        }
        if (decisions.isEmpty()) {
            throw new IllegalArgumentException("decisions must not be empty");
        }
        if (!decisions.contains(timeoutDecision)) {
            throw new IllegalArgumentException("timeoutDecision '" + timeoutDecision + "' is not one of " + decisions);
        }
        if (timeoutMillis < 0) {
            throw new IllegalArgumentException("timeoutMillis must not be negative, was " + timeoutMillis);
        }
        decisions = Set.copyOf(decisions);
    }
}
