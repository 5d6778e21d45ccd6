package io.xerv.host.trigger;

import io.vertx.core.Future;

import java.util.UUID;

/** Where a listener sends the events it turns into traces: the pipeline the trigger belongs to. */
@FunctionalInterface
public interface TriggerSink {

    /**
     * Starts a trace from trigger {@code triggerId} with a JSON payload.
     *
     * @return the trace id once the trace's start is durable; a failed future when the pipeline
     *     refused it (paused, queue full, breaker open)
     */
    Future<UUID> fire(String triggerId, byte[] json);
}
