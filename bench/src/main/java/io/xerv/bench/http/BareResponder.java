package io.xerv.bench.http;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The baseline of the HTTP load harness ({@code bench/http/run.sh}): a Vert.x HTTP server that reads
 * each request's body and answers {@code 200} with a small fixed JSON body, doing nothing else. What
 * {@code xerv serve} does on top of this (routing, JSON encoding, running the trace, the WAL) is the
 * difference the harness measures.
 *
 * <p>It runs one server instance per event loop, as many event loops as {@code xerv serve} uses by
 * default (one per available processor, which {@code taskset} narrows).
 *
 * <pre>java -cp ... io.xerv.bench.http.BareResponder [port] [eventLoops]</pre>
 */
public final class BareResponder extends AbstractVerticle {

    private static final Buffer BODY = Buffer.buffer("{\"status\":\"completed\",\"result\":{\"ok\":true}}");

    private final int port;

    private BareResponder(int port) {
        this.port = port;
    }

    @Override
    public void start(Promise<Void> started) {
        vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
                .requestHandler(req -> req.body().onComplete(ar -> {
                    if (ar.failed()) {
                        req.response().setStatusCode(400).end();
                        return;
                    }
                    req.response().putHeader("content-type", "application/json").end(BODY);
                }))
                .listen(port)
                .<Void>mapEmpty()
                .onComplete(started);
    }

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8081;
        int loops = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        vertx.deployVerticle(() -> new BareResponder(port), new DeploymentOptions().setInstances(loops))
                .onSuccess(id -> System.out.println("bare responder on port " + port + " with " + loops + " event loop(s)"))
                .onFailure(e -> {
                    System.err.println("bare responder: cannot listen on port " + port + ": " + e.getMessage());
                    System.exit(1);
                });
    }
}
