package io.xerv.plugin;

import java.util.Objects;

/**
 * What a node's run ended with: a value fired on one output port, a failure, or a request to suspend
 * the trace until someone resumes it. Immutable.
 */
@Stable
public final class Completion {

    /** The three ways a run can end. */
    public enum Kind { EMIT, FAIL, SUSPEND }

    private final Kind kind;
    private final String port;
    private final Value value;
    private final String message;
    private final Throwable cause;
    private final Suspension suspension;

    private Completion(Kind kind, String port, Value value, String message, Throwable cause, Suspension suspension) {
        this.kind = kind;
        this.port = port;
        this.value = value;
        this.message = message;
        this.cause = cause;
        this.suspension = suspension;
    }

    /**
     * Fires {@code port} with {@code value}. Pass an input view or a value returned by
     * {@link OutputWriter#write} to hand it on without a copy.
     */
    public static Completion emit(String port, Value value) {
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(value, "value (use Values.NULL for null)");
        return new Completion(Kind.EMIT, port, value, null, null, null);
    }

    /** Fires the default port {@code out} with {@code value}. */
    public static Completion out(Value value) {
        return emit(NodeFactory.DEFAULT_OUTPUT, value);
    }

    /** Fails this attempt with a message for the flow's author. */
    public static Completion fail(String message) {
        Objects.requireNonNull(message, "message");
        return new Completion(Kind.FAIL, NodeFactory.ERROR_PORT, null, message, null, null);
    }

    /** Fails this attempt, keeping the cause for logs. */
    public static Completion fail(String message, Throwable cause) {
        Objects.requireNonNull(message, "message");
        return new Completion(Kind.FAIL, NodeFactory.ERROR_PORT, null, message, cause, null);
    }

    /** Suspends the trace at this node until it is resumed or its timeout passes. */
    @Experimental
    public static Completion suspend(Suspension suspension) {
        Objects.requireNonNull(suspension, "suspension");
        return new Completion(Kind.SUSPEND, null, null, null, null, suspension);
    }

    public Kind kind() {
        return kind;
    }

    /** The fired port for {@link Kind#EMIT}, {@code error} for {@link Kind#FAIL}, else null. */
    public String port() {
        return port;
    }

    /** The fired value for {@link Kind#EMIT}, else null. */
    public Value value() {
        return value;
    }

    /** The failure message for {@link Kind#FAIL}, else null. */
    public String message() {
        return message;
    }

    /** The failure's cause, when the node gave one. */
    public Throwable cause() {
        return cause;
    }

    /** The suspension for {@link Kind#SUSPEND}, else null. */
    @Experimental
    public Suspension suspension() {
        return suspension;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case EMIT -> "emit(" + port + ")";
            case FAIL -> "fail(" + message + ")";
            case SUSPEND -> "suspend(" + suspension.hookId() + ")";
        };
    }
}
