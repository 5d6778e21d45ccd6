package io.xerv.host.grpc;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.grpc.server.GrpcServer;
import io.xerv.host.serve.ApiKeys;
import io.xerv.host.serve.ConnectionLimits;
import io.xerv.host.serve.PipelineController;

import java.util.Objects;

/**
 * The gRPC API of {@code xerv serve} (service {@code xerv.v1.Xerv}, {@code src/main/proto/xerv/v1/xerv.proto}):
 * submitting, reading and watching traces, and the pipeline lifecycle, over a
 * {@link PipelineController}. It shares the host's HTTP port: {@link #requestHandler} sends gRPC
 * requests (HTTP/2 with a {@code application/grpc} content type) to the gRPC server and every other
 * request to the handler it wraps.
 *
 * <p>Authentication follows the REST API: each call presents an API key or the host's local
 * token ({@code <data-dir>/api-token}) in the {@code authorization: Bearer KEY} (or {@code x-api-key})
 * metadata and needs the scope of its method ({@code UNAUTHENTICATED} without a valid key,
 * {@code PERMISSION_DENIED} without the scope). No caller is trusted for its address. Refusals map to gRPC status codes (see {@link GrpcFailures}).
 *
 * <p>Thread-safe; one instance serves every event loop.
 */
public final class GrpcApi {

    private final PipelineController controller;
    private final ApiKeys keys;
    private final ConnectionLimits limits;

    /** With the default {@link ConnectionLimits}. */
    public GrpcApi(PipelineController controller, ApiKeys keys) {
        this(controller, keys, ConnectionLimits.DEFAULT);
    }

    /**
     * @param keys the credentials it accepts (configured keys and the host's local token)
     * @param limits the event-stream queue and idle timeout that watches follow
     */
    public GrpcApi(PipelineController controller, ApiKeys keys, ConnectionLimits limits) {
        this.controller = Objects.requireNonNull(controller, "controller");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * A gRPC server with the Xerv service bound, for {@code vertx}: a handler of HTTP requests, to
     * mount on a server of its own, or through {@link #requestHandler}. Create one per verticle.
     */
    public GrpcServer server(Vertx vertx) {
        GrpcServer server = GrpcServer.server(vertx);
        new XervCalls(controller, keys, vertx, limits).bind(server);
        return server;
    }

    /**
     * A request handler for the host's HTTP server: gRPC calls go to a gRPC server made by
     * {@link #server}, everything else to {@code next}. Costs one header lookup per HTTP/2 request.
     */
    public Handler<HttpServerRequest> requestHandler(Vertx vertx, Handler<HttpServerRequest> next) {
        Objects.requireNonNull(next, "next");
        GrpcServer grpc = server(vertx);
        return req -> {
            if (isGrpc(req)) {
                grpc.handle(req);
            } else {
                next.handle(req);
            }
        };
    }

    /** Whether a request is a gRPC call: HTTP/2 and a content type of {@code application/grpc[+proto|...]}. */
    public static boolean isGrpc(HttpServerRequest req) {
        if (req.version() != HttpVersion.HTTP_2) {
            return false;
        }
        String ct = req.getHeader("content-type");
        return ct != null && ct.regionMatches(true, 0, "application/grpc", 0, 16);
    }
}
