package io.xerv.host.grpc;

import io.vertx.grpc.common.GrpcStatus;
import io.xerv.host.flow.FlowError;
import io.xerv.host.flow.FlowException;
import io.xerv.host.serve.Refusal;

import java.util.stream.Collectors;

/**
 * How the controller's failures reach gRPC clients: a status code, a message in the user's words, and
 * for refusals that may pass a {@code retry-after} trailer (seconds).
 *
 * <table>
 *   <caption>Refusals and their status codes</caption>
 *   <tr><th>refusal</th><th>gRPC status</th></tr>
 *   <tr><td>UNKNOWN_PIPELINE, UNKNOWN_TRIGGER, UNKNOWN_TRACE</td><td>NOT_FOUND</td></tr>
 *   <tr><td>BAD_REQUEST, an invalid flow</td><td>INVALID_ARGUMENT</td></tr>
 *   <tr><td>QUEUE_FULL</td><td>RESOURCE_EXHAUSTED</td></tr>
 *   <tr><td>PAUSED, NOT_RUNNING, BREAKER_OPEN, SHUTTING_DOWN</td><td>UNAVAILABLE</td></tr>
 *   <tr><td>CONFLICT</td><td>FAILED_PRECONDITION</td></tr>
 *   <tr><td>anything else (a host fault)</td><td>INTERNAL</td></tr>
 * </table>
 */
final class GrpcFailures {

    /**
     * A failure as a call ends with it.
     *
     * @param retryAfterSeconds 0 when no retry time is known
     */
    record Failure(GrpcStatus status, String message, long retryAfterSeconds) {
    }

    private GrpcFailures() {
    }

    static GrpcStatus status(Refusal.Reason reason) {
        return switch (reason) {
            case UNKNOWN_PIPELINE, UNKNOWN_TRIGGER, UNKNOWN_TRACE -> GrpcStatus.NOT_FOUND;
            case BAD_REQUEST -> GrpcStatus.INVALID_ARGUMENT;
            case QUEUE_FULL -> GrpcStatus.RESOURCE_EXHAUSTED;
            case PAUSED, NOT_RUNNING, BREAKER_OPEN, SHUTTING_DOWN -> GrpcStatus.UNAVAILABLE;
            case CONFLICT -> GrpcStatus.FAILED_PRECONDITION;
        };
    }

    static Failure of(Throwable t) {
        if (t instanceof Refusal r) {
            return new Failure(status(r.reason()), r.reason().label() + ": " + r.getMessage(), r.retryAfterSeconds());
        }
        if (t instanceof FlowException fe) {
            String errors = fe.errors().stream().map(FlowError::toString).collect(Collectors.joining("\n"));
            return new Failure(GrpcStatus.INVALID_ARGUMENT, "invalid flow:\n" + errors, 0);
        }
        if (t instanceof BadArgument b) {
            return new Failure(GrpcStatus.INVALID_ARGUMENT, b.getMessage(), 0);
        }
        return new Failure(GrpcStatus.INTERNAL, "internal error: " + (t.getMessage() == null ? t.toString() : t.getMessage()), 0);
    }

    /** A request field that is missing or malformed. */
    static final class BadArgument extends RuntimeException {
        BadArgument(String message) {
            super(message, null, false, false);
        }
    }
}
