package io.xerv.host.serve;

import io.vertx.core.Future;

/**
 * The bytes an event stream (SSE or a gRPC watch) may hold for a client that does not read: each
 * write counts until the connection has handed it to the operating system (its future completes).
 * When events are still waiting and a new one would take the total past
 * {@code connections.event_stream_queue_bytes}, the caller cuts the stream instead of buffering
 * without bound. One event larger than the limit still goes to a client that has read everything
 * before it. Confined to the stream's context (writes and their completions); not thread-safe.
 */
public final class StreamBudget {

    private final long limit;
    private long pending;

    public StreamBudget(long limit) {
        this.limit = limit;
    }

    /**
     * Whether an event of {@code bytes} may be written now.
     *
     * @return false when the client is too far behind: cut the stream
     */
    public boolean admits(long bytes) {
        return pending == 0 || pending + bytes <= limit;
    }

    /** Counts a write until its future completes. */
    public void wrote(Future<Void> write, long bytes) {
        pending += bytes;
        write.onComplete(ar -> pending -= bytes);
    }

    /** The bytes written and not yet handed to the operating system. */
    public long pending() {
        return pending;
    }
}
