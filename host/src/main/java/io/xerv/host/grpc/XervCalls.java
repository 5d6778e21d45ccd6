package io.xerv.host.grpc;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import io.xerv.host.grpc.v1.DeployPipelineRequest;
import io.xerv.host.grpc.v1.GetTraceRequest;
import io.xerv.host.grpc.v1.ListPipelinesResponse;
import io.xerv.host.grpc.v1.Pipeline;
import io.xerv.host.grpc.v1.PipelineRequest;
import io.xerv.host.grpc.v1.SubmitMode;
import io.xerv.host.grpc.v1.SubmitTraceRequest;
import io.xerv.host.grpc.v1.SubmitTraceResponse;
import io.xerv.host.grpc.v1.Trace;
import io.xerv.host.grpc.v1.TraceEvent;
import io.xerv.host.grpc.v1.WatchTraceRequest;
import io.xerv.host.grpc.v1.XervGrpcService;
import io.xerv.host.serve.ApiKeys;
import io.xerv.host.serve.ConnectionLimits;
import io.xerv.host.serve.StreamBudget;
import io.xerv.host.serve.PipelineController;
import io.xerv.host.serve.PipelineInfo;
import io.xerv.host.serve.Refusal;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The handlers of the {@code xerv.v1.Xerv} methods on one gRPC server. Each call is answered on the
 * context it arrived on; controller futures that complete elsewhere (a trace's event loop) hop back.
 * Lifecycle changes, which may register file watches or compile flows, run on the worker pool.
 */
final class XervCalls {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(XervCalls.class);

    private static final byte[] EMPTY_PAYLOAD = "{}".getBytes(StandardCharsets.UTF_8);

    private final PipelineController controller;
    private final ApiKeys keys;
    private final Vertx vertx;
    private final ConnectionLimits limits;

    XervCalls(PipelineController controller, ApiKeys keys, Vertx vertx, ConnectionLimits limits) {
        this.controller = controller;
        this.keys = keys;
        this.vertx = vertx;
        this.limits = limits;
    }

    void bind(GrpcServer server) {
        unary(server, XervGrpcService.SubmitTrace, "trace:write", this::submit);
        unary(server, XervGrpcService.GetTrace, "trace:read", this::getTrace);
        server.callHandler(XervGrpcService.WatchTrace, call -> {
            Context ctx = vertx.getOrCreateContext();
            if (authorized(call, "trace:read")) {
                call.handler(req -> watch(req, call, ctx));
            }
        });
        unary(server, XervGrpcService.ListPipelines, "pipeline:read", (req, ctx) -> {
            ListPipelinesResponse.Builder b = ListPipelinesResponse.newBuilder();
            controller.list().forEach(p -> b.addPipelines(Protos.pipeline(p)));
            return Future.succeededFuture(b.build());
        });
        unary(server, XervGrpcService.GetPipeline, "pipeline:read", (req, ctx) -> {
            String name = name(req);
            return Future.succeededFuture(Protos.pipeline(controller.get(name).orElseThrow(() ->
                    new Refusal(Refusal.Reason.UNKNOWN_PIPELINE, "no pipeline named '" + name + "'"))));
        });
        unary(server, XervGrpcService.DeployPipeline, "pipeline:write", this::deploy);
        lifecycle(server, XervGrpcService.StartPipeline, controller::start);
        lifecycle(server, XervGrpcService.PausePipeline, controller::pause);
        lifecycle(server, XervGrpcService.ResumePipeline, controller::resume);
        lifecycle(server, XervGrpcService.StopPipeline, controller::stop);
        lifecycle(server, XervGrpcService.DeletePipeline, controller::delete);
        unary(server, XervGrpcService.DrainPipeline, "pipeline:write", (req, ctx) -> controller.drain(name(req)).map(Protos::pipeline));
    }

    // ---------------------------------------------------------------- traces

    private Future<SubmitTraceResponse> submit(SubmitTraceRequest req, Context ctx) {
        if (req.getPipeline().isEmpty()) {
            throw new GrpcFailures.BadArgument("pipeline is required");
        }
        byte[] payload = req.getPayloadJson().isEmpty() ? EMPTY_PAYLOAD : req.getPayloadJson().getBytes(StandardCharsets.UTF_8);
        String trigger = req.getTrigger().isEmpty() ? null : req.getTrigger();
        boolean sync = req.getMode() == SubmitMode.SUBMIT_MODE_SYNC;
        return controller.submit(req.getPipeline(), trigger, payload).compose(a -> {
            SubmitTraceResponse.Builder b = SubmitTraceResponse.newBuilder()
                    .setTraceId(a.traceId().toString()).setPipeline(a.pipeline()).setVersion(a.version());
            if (!sync) {
                return Future.succeededFuture(b.build());
            }
            return a.handle().outcome().map(report -> b.setTrace(Protos.trace(new JsonObject(report.toJson()))).build());
        });
    }

    private Future<Trace> getTrace(GetTraceRequest req, Context ctx) {
        UUID id = traceId(req.getTraceId());
        return controller.trace(id).map(view -> view
                .map(v -> Protos.trace(new JsonObject(v.json())))
                .orElseThrow(() -> new Refusal(Refusal.Reason.UNKNOWN_TRACE, "no trace " + id)));
    }

    /**
     * Streams a trace's events. A client that stops reading is cut off (the stream is cancelled) once
     * {@code connections.event_stream_queue_bytes} of events wait for it; while the watch is open, an
     * HTTP/2 PING every half idle timeout keeps a quiet connection from being closed as idle.
     */
    private void watch(WatchTraceRequest req, GrpcServerRequest<WatchTraceRequest, TraceEvent> call, Context ctx) {
        GrpcServerResponse<WatchTraceRequest, TraceEvent> res = call.response();
        StreamBudget budget = new StreamBudget(limits.eventStreamQueueBytes());
        // Set on the call's context once the stream ended or the client went away; nothing is written after.
        boolean[] over = {false};
        long[] heartbeat = {-1};
        PipelineController.Watch[] watch = new PipelineController.Watch[1];
        Runnable stop = () -> {
            over[0] = true;
            if (heartbeat[0] >= 0) {
                vertx.cancelTimer(heartbeat[0]);
            }
            if (watch[0] != null) {
                watch[0].close();
            }
        };
        try {
            UUID id = traceId(req.getTraceId());
            // Events come on the trace's event loop; the stream is written on the call's.
            watch[0] = controller.watch(id, event -> ctx.runOnContext(v -> {
                if (over[0]) {
                    return;
                }
                TraceEvent e = event(event);
                if (event.isEnd()) {
                    stop.run();
                    res.end(e);
                    return;
                }
                int size = e.getSerializedSize();
                if (!budget.admits(size)) {
                    LOG.info("cut the watch of trace {} to {}: {} bytes of events wait for the client "
                            + "(connections.event_stream_queue_bytes: {})", id, call.connection().remoteAddress(),
                            budget.pending(), limits.eventStreamQueueBytes());
                    stop.run();
                    res.cancel();
                    return;
                }
                budget.wrote(res.write(e), size);
            }));
        } catch (RuntimeException e) {
            fail(res, e);
            return;
        }
        // A client that cancels or goes away ends the watch.
        call.exceptionHandler(t -> stop.run());
        call.errorHandler(err -> stop.run());
        res.exceptionHandler(t -> stop.run());
        if (limits.idleTimeoutMs() > 0) {
            heartbeat[0] = vertx.setPeriodic(Math.max(1, limits.idleTimeoutMs() / 2), t -> {
                if (!over[0]) {
                    call.connection().ping(PING);
                }
            });
        }
    }

    private static final io.vertx.core.buffer.Buffer PING = io.vertx.core.buffer.Buffer.buffer(new byte[8]);

    private static TraceEvent event(io.xerv.host.serve.TraceEvent e) {
        TraceEvent.Builder b = TraceEvent.newBuilder().setTraceId(e.traceId().toString());
        JsonObject json = new JsonObject(e.json());
        switch (e.kind()) {
            case "node" -> b.setKind(TraceEvent.Kind.KIND_NODE).setNode(Protos.node(json));
            case "end" -> b.setKind(TraceEvent.Kind.KIND_END).setTrace(Protos.trace(json));
            default -> b.setKind(TraceEvent.Kind.KIND_STATUS).setTrace(Protos.trace(json));
        }
        return b.build();
    }

    private static UUID traceId(String text) {
        if (text.isEmpty()) {
            throw new GrpcFailures.BadArgument("trace_id is required");
        }
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new GrpcFailures.BadArgument("trace_id '" + text + "' is not a trace id (a UUID)");
        }
    }

    // ---------------------------------------------------------------- pipelines

    private Future<Pipeline> deploy(DeployPipelineRequest req, Context ctx) {
        if (req.getYaml().isBlank()) {
            throw new GrpcFailures.BadArgument("yaml is required: the flow file's text");
        }
        String source = req.getSourceName().isEmpty() ? "request.yaml" : req.getSourceName();
        return ctx.executeBlocking(() -> Protos.pipeline(controller.deploy(source, req.getYaml(), !req.getStopped())), false);
    }

    private void lifecycle(GrpcServer server, ServiceMethod<PipelineRequest, Pipeline> method,
                           Function<String, PipelineInfo> change) {
        unary(server, method, "pipeline:write", (req, ctx) -> {
            String name = name(req);
            Callable<Pipeline> c = () -> Protos.pipeline(change.apply(name));
            return ctx.executeBlocking(c, false);
        });
    }

    private static String name(PipelineRequest req) {
        if (req.getName().isEmpty()) {
            throw new GrpcFailures.BadArgument("name is required: the pipeline's name");
        }
        return req.getName();
    }

    // ---------------------------------------------------------------- plumbing

    /** A call with one request and one response message. */
    @FunctionalInterface
    private interface Unary<Req, Resp> {
        Future<Resp> call(Req request, Context ctx);
    }

    private <Req, Resp> void unary(GrpcServer server, ServiceMethod<Req, Resp> method, String scope, Unary<Req, Resp> fn) {
        server.callHandler(method, call -> {
            Context ctx = vertx.getOrCreateContext();
            if (!authorized(call, scope)) {
                return;
            }
            call.handler(req -> {
                Future<Resp> f;
                try {
                    f = fn.call(req, ctx);
                } catch (RuntimeException e) {
                    f = Future.failedFuture(e);
                }
                f.onComplete(ar -> ctx.runOnContext(v -> {
                    if (ar.succeeded()) {
                        call.response().send(ar.result());
                    } else {
                        fail(call.response(), ar.cause());
                    }
                }));
            });
        });
    }

    private static void fail(GrpcServerResponse<?, ?> res, Throwable t) {
        GrpcFailures.Failure f = GrpcFailures.of(t);
        if (f.retryAfterSeconds() > 0) {
            res.trailers().set("retry-after", Long.toString(f.retryAfterSeconds()));
        }
        res.status(f.status()).statusMessage(f.message()).end();
    }

    /**
     * Checks the call's credential (an API key or the host's local token) as the REST API does; ends
     * the call itself and returns false when refused. The caller's address plays no part.
     */
    private boolean authorized(GrpcServerRequest<?, ?> call, String scope) {
        GrpcServerResponse<?, ?> res = call.response();
        String presented = call.headers().get("x-api-key");
        if (presented == null) {
            String auth = call.headers().get("authorization");
            if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                presented = auth.substring(7).strip();
            }
        }
        if (presented == null || presented.isEmpty()) {
            res.status(GrpcStatus.UNAUTHENTICATED)
                    .statusMessage("an API key is required (metadata authorization: Bearer KEY, or x-api-key: KEY)").end();
            return false;
        }
        ApiKeys.Key k = keys.find(presented);
        if (k == null) {
            res.status(GrpcStatus.UNAUTHENTICATED).statusMessage("the API key is not valid").end();
            return false;
        }
        if (!k.allows(scope)) {
            res.status(GrpcStatus.PERMISSION_DENIED).statusMessage("API key '" + k.name() + "' lacks the scope " + scope).end();
            return false;
        }
        return true;
    }
}
