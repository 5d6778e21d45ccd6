package io.xerv.host.trigger;

/**
 * A running trigger that fires on its own (a cron schedule, a watched folder). Webhook and manual
 * triggers are fired by the HTTP API instead and have no listener.
 */
public interface TriggerListener extends AutoCloseable {

    /** The trigger's id in its flow. */
    String triggerId();

    /** Begins firing. */
    void start();

    /** Stops firing until {@link #resume()}; events meanwhile are dropped, not queued. */
    void pause();

    /** Fires again after {@link #pause()}. */
    void resume();

    /** Whether it is paused. */
    boolean paused();

    /** Stops for good and releases threads and watches. */
    @Override
    void close();
}
