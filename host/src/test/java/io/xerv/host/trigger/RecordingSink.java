package io.xerv.host.trigger;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A sink that keeps every payload it is given, for tests to take in order. */
final class RecordingSink implements TriggerSink {

    /** Generous for a loaded 2-core machine: waits end as soon as the event arrives. */
    static final long WAIT_SECONDS = 30;

    final LinkedBlockingQueue<JsonObject> fired = new LinkedBlockingQueue<>();

    @Override
    public Future<UUID> fire(String triggerId, byte[] json) {
        JsonObject o = new JsonObject(new String(json, java.nio.charset.StandardCharsets.UTF_8));
        if (!triggerId.equals(o.getString("trigger"))) {
            return Future.failedFuture("payload of trigger " + o.getString("trigger") + " fired as " + triggerId);
        }
        fired.add(o);
        return Future.succeededFuture(UUID.randomUUID());
    }

    /** The next payload; fails the test when none comes. */
    JsonObject next() throws InterruptedException {
        JsonObject o = fired.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (o == null) {
            throw new AssertionError("no trigger fired within " + WAIT_SECONDS + " s");
        }
        return o;
    }
}
