package io.xerv.host.serve;

import org.snakeyaml.engine.v2.nodes.Node;

import java.util.List;
import java.util.Map;

/**
 * How the HTTP server treats its clients: the {@code connections:} section of the config. Immutable.
 *
 * @param idleTimeoutMs a connection that neither sends nor receives for this long is closed (0: never), from
 *     its accept on: a client that connects and sends nothing, or stops half-way through a request, is
 *     cut; event streams and gRPC watches send a heartbeat at half this interval, so a reading client keeps its stream
 * @param maxConnections open connections across every event loop; a connection past it is closed at once
 * @param eventStreamQueueBytes how many bytes of events an event stream (SSE or gRPC watch) may hold for a client
 *     that does not read, beyond what the connection itself buffers; past it the stream is cut
 */
public record ConnectionLimits(long idleTimeoutMs, int maxConnections, long eventStreamQueueBytes) {

    /** The defaults, used when the config has no {@code connections:} section. */
    public static final ConnectionLimits DEFAULT = new ConnectionLimits(60_000, 10_000, 1L << 20);

    public ConnectionLimits {
        if (idleTimeoutMs < 0) {
            throw new IllegalArgumentException("idleTimeoutMs must be >= 0 (0: never), got " + idleTimeoutMs);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be >= 1, got " + maxConnections);
        }
        if (eventStreamQueueBytes < 1) {
            throw new IllegalArgumentException("eventStreamQueueBytes must be >= 1, got " + eventStreamQueueBytes);
        }
    }

    /** These limits with another idle timeout. */
    public ConnectionLimits withIdleTimeoutMs(long ms) {
        return new ConnectionLimits(ms, maxConnections, eventStreamQueueBytes);
    }

    /** These limits with another connection cap. */
    public ConnectionLimits withMaxConnections(int n) {
        return new ConnectionLimits(idleTimeoutMs, n, eventStreamQueueBytes);
    }

    /** These limits with another event-stream queue. */
    public ConnectionLimits withEventStreamQueueBytes(long bytes) {
        return new ConnectionLimits(idleTimeoutMs, maxConnections, bytes);
    }

    /** Reads the {@code connections:} section; problems go to the parser. */
    static ConnectionLimits parse(ServeConfig.Parser p, Node n) {
        Map<String, Node> m = p.map(n, "connections",
                List.of("idle_timeout_ms", "max_connections", "event_stream_queue_bytes"));
        if (m == null) {
            return DEFAULT;
        }
        ConnectionLimits d = DEFAULT;
        return new ConnectionLimits(
                p.number(m.get("idle_timeout_ms"), "connections.idle_timeout_ms", d.idleTimeoutMs(), 0, 86_400_000),
                (int) p.number(m.get("max_connections"), "connections.max_connections", d.maxConnections(), 1, 10_000_000),
                p.number(m.get("event_stream_queue_bytes"), "connections.event_stream_queue_bytes", d.eventStreamQueueBytes(),
                        1, 1L << 30));
    }
}
