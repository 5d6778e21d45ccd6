package io.xerv.host.grpc;

import io.vertx.grpc.common.GrpcStatus;
import io.xerv.host.flow.FlowError;
import io.xerv.host.flow.FlowException;
import io.xerv.host.flow.Mark;
import io.xerv.host.serve.Refusal;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every refusal of the controller has its gRPC status; retry times reach the trailer. */
class GrpcFailuresTest {

    @Test
    void everyRefusalReasonHasItsStatus() {
        Map<Refusal.Reason, GrpcStatus> expected = new EnumMap<>(Refusal.Reason.class);
        expected.put(Refusal.Reason.UNKNOWN_PIPELINE, GrpcStatus.NOT_FOUND);
        expected.put(Refusal.Reason.UNKNOWN_TRIGGER, GrpcStatus.NOT_FOUND);
        expected.put(Refusal.Reason.UNKNOWN_TRACE, GrpcStatus.NOT_FOUND);
        expected.put(Refusal.Reason.BAD_REQUEST, GrpcStatus.INVALID_ARGUMENT);
        expected.put(Refusal.Reason.PAUSED, GrpcStatus.UNAVAILABLE);
        expected.put(Refusal.Reason.NOT_RUNNING, GrpcStatus.UNAVAILABLE);
        expected.put(Refusal.Reason.QUEUE_FULL, GrpcStatus.RESOURCE_EXHAUSTED);
        expected.put(Refusal.Reason.BREAKER_OPEN, GrpcStatus.UNAVAILABLE);
        expected.put(Refusal.Reason.CONFLICT, GrpcStatus.FAILED_PRECONDITION);
        expected.put(Refusal.Reason.SHUTTING_DOWN, GrpcStatus.UNAVAILABLE);
        assertThat(expected.keySet()).containsExactlyInAnyOrder(Refusal.Reason.values());
        expected.forEach((reason, status) -> assertThat(GrpcFailures.status(reason)).as(reason.name()).isEqualTo(status));
    }

    @Test
    void aFullQueueCarriesItsRetryTime() {
        GrpcFailures.Failure f = GrpcFailures.of(new Refusal(Refusal.Reason.QUEUE_FULL, "pipeline 'orders' has 1000 traces queued", 2));
        assertThat(f.status()).isEqualTo(GrpcStatus.RESOURCE_EXHAUSTED);
        assertThat(f.message()).isEqualTo("queue full: pipeline 'orders' has 1000 traces queued");
        assertThat(f.retryAfterSeconds()).isEqualTo(2);
    }

    @Test
    void anInvalidFlowListsEveryError() {
        GrpcFailures.Failure f = GrpcFailures.of(new FlowException(List.of(
                new FlowError(new Mark("f.yaml", 3, 5), "first"), new FlowError(new Mark("f.yaml", 7, 1), "second"))));
        assertThat(f.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(f.message()).isEqualTo("invalid flow:\nf.yaml:3:5: first\nf.yaml:7:1: second");
    }

    @Test
    void hostFaultsAreInternal() {
        assertThat(GrpcFailures.of(new IllegalStateException("the log is closed")).status()).isEqualTo(GrpcStatus.INTERNAL);
    }
}
