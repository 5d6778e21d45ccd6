package io.xerv.host.serve;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Enforces {@code connections.max_connections} on one HTTP server instance: the open connections of
 * every instance are counted with one shared counter, and a connection past the cap is closed at
 * once, before any of its requests is handled. Thread-safe (the counter is atomic).
 */
public final class ConnectionGuard {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    private final ConnectionLimits limits;
    private final AtomicInteger open;

    /**
     * @param open the count of open connections, shared by every server instance of the host
     */
    public ConnectionGuard(ConnectionLimits limits, AtomicInteger open) {
        this.limits = limits;
        this.open = open;
    }

    /** The server's connection handler. */
    public Handler<HttpConnection> connections() {
        return conn -> {
            if (open.incrementAndGet() > limits.maxConnections()) {
                open.decrementAndGet();
                LOG.debug("refused a connection from {}: {} connections are open (connections.max_connections)",
                        conn.remoteAddress(), limits.maxConnections());
                conn.close();
                return;
            }
            conn.closeHandler(v -> open.decrementAndGet());
        };
    }
}
