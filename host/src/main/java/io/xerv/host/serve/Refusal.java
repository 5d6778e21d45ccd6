package io.xerv.host.serve;

import java.util.Objects;

/**
 * Why a pipeline did not accept a request: the failure carried by the futures of
 * {@link PipelineController}. Each reason maps to one HTTP status (and one gRPC status), so that
 * callers need not parse messages.
 */
public final class Refusal extends RuntimeException {

    /** The closed set of reasons. */
    public enum Reason {
        /** No pipeline by that name (HTTP 404). */
        UNKNOWN_PIPELINE(404, "unknown pipeline"),
        /** The pipeline has no such trigger (HTTP 404). */
        UNKNOWN_TRIGGER(404, "unknown trigger"),
        /** No trace (or suspension) with that id (HTTP 404). */
        UNKNOWN_TRACE(404, "unknown trace"),
        /** The payload is not JSON the engine accepts, or the request is malformed (HTTP 400). */
        BAD_REQUEST(400, "bad request"),
        /** The pipeline or the trigger is paused (HTTP 503 with Retry-After). */
        PAUSED(503, "paused"),
        /** The pipeline is stopped or draining (HTTP 503). */
        NOT_RUNNING(503, "pipeline not running"),
        /** The pipeline's queue is full (HTTP 429 with Retry-After). */
        QUEUE_FULL(429, "queue full"),
        /** The pipeline's circuit breaker is open (HTTP 503 with Retry-After). */
        BREAKER_OPEN(503, "circuit breaker open"),
        /** The request contradicts the current state: a name or webhook path taken, too many versions (HTTP 409). */
        CONFLICT(409, "conflict"),
        /** The host is shutting down (HTTP 503). */
        SHUTTING_DOWN(503, "shutting down");

        private final int httpStatus;
        private final String label;

        Reason(int httpStatus, String label) {
            this.httpStatus = httpStatus;
            this.label = label;
        }

        /** The HTTP status this reason is answered with. */
        public int httpStatus() {
            return httpStatus;
        }

        /** A short phrase for the {@code error} field of API answers. */
        public String label() {
            return label;
        }
    }

    private final Reason reason;
    private final long retryAfterSeconds;

    /**
     * @param detail what was refused and why, naming the pipeline, trigger or trace
     * @param retryAfterSeconds when a retry may succeed, or 0 when no time is known
     */
    public Refusal(Reason reason, String detail, long retryAfterSeconds) {
        super(Objects.requireNonNull(detail, "detail"), null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Refusal(Reason reason, String detail) {
        this(reason, detail, 0);
    }

    public Reason reason() {
        return reason;
    }

    /** Seconds after which a retry may succeed (the HTTP {@code Retry-After}), or 0 when unknown. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
