package io.xerv.host.grpc;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.Handler;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.xerv.host.engine.Engine;
import io.xerv.host.engine.EngineConfig;
import io.xerv.host.grpc.v1.DeployPipelineRequest;
import io.xerv.host.grpc.v1.GetTraceRequest;
import io.xerv.host.grpc.v1.ListPipelinesRequest;
import io.xerv.host.grpc.v1.ListPipelinesResponse;
import io.xerv.host.grpc.v1.Node;
import io.xerv.host.grpc.v1.NodeStatus;
import io.xerv.host.grpc.v1.Pipeline;
import io.xerv.host.grpc.v1.PipelineRequest;
import io.xerv.host.grpc.v1.PipelineState;
import io.xerv.host.grpc.v1.SubmitMode;
import io.xerv.host.grpc.v1.SubmitTraceRequest;
import io.xerv.host.grpc.v1.SubmitTraceResponse;
import io.xerv.host.grpc.v1.Trace;
import io.xerv.host.grpc.v1.TraceEvent;
import io.xerv.host.grpc.v1.TraceStatus;
import io.xerv.host.grpc.v1.WatchTraceRequest;
import io.xerv.host.grpc.v1.XervGrpcClient;
import io.xerv.host.serve.ApiKeys;
import io.xerv.host.serve.PipelineController;
import io.xerv.host.serve.ServeMetrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The gRPC API over a real socket (HTTP/2 cleartext), with the Vert.x gRPC client. */
class GrpcApiTest {

    static final long WAIT_SECONDS = 30;

    static final String ORDERS = """
            name: orders
            version: "1.0"
            triggers:
              - {id: api, type: webhook, params: {path: /orders, mode: sync}}
              - {id: manual, type: manual}
            nodes:
              validate: {type: std::log, config: {message: "order ${trigger.id}"}}
              risky: {type: std::switch, config: {condition: {type: greater_than, field: risk_score, value: 0.8}}}
              flag: {type: std::log, config: {message: flagged}}
              pass: {type: std::log, config: {message: passed}}
            edges:
              - {from: api, to: validate}
              - {from: manual, to: validate}
              - {from: validate, to: risky}
              - {from: risky.true, to: flag}
              - {from: risky.false, to: pass}
            """;

    static final String APPROVAL = """
            name: approval
            triggers:
              - {id: manual, type: manual}
            nodes:
              ask: {type: std::wait, config: {hook_id: "approve-${trace.id}", timeout_ms: 0}}
              done: {type: std::log, config: {message: approved}}
            edges:
              - {from: manual, to: ask}
              - {from: ask.out, to: done}
            """;

    static Engine engine;
    static Vertx vertx;
    static PipelineController controller;
    static HttpServer server;
    static GrpcClient client;
    static SocketAddress address;
    static HttpServer keyedServer;
    static SocketAddress keyedAddress;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("xerv-grpc-test");
        engine = Engine.start(EngineConfig.defaults(dir.resolve("data")).withEventLoops(2));
        vertx = engine.vertx();
        controller = new PipelineController(engine, new ServeMetrics(engine),
                new PipelineController.Options(name -> null, 1000, dir));
        controller.deploy("orders.yaml", ORDERS);
        controller.deploy("approval.yaml", APPROVAL);

        GrpcApi open = new GrpcApi(controller, ApiKeys.NONE.withLocalToken(TOKEN));
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(open.requestHandler(vertx, req -> req.response().setStatusCode(404).end("not grpc")))
                .listen().toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        address = SocketAddress.inetSocketAddress(server.actualPort(), "127.0.0.1");

        ApiKeys keys = new ApiKeys(List.of(
                new ApiKeys.Key("reader", ApiKeys.sha256("read-key"), Set.of("trace:read", "pipeline:read")),
                new ApiKeys.Key("ops", ApiKeys.sha256("ops-key"), Set.of("admin")),
                new ApiKeys.Key("submitter", ApiKeys.sha256("submit-key"), Set.of("trace:write", "pipeline:write"))));
        keyedServer = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(new GrpcApi(controller, keys).server(vertx))
                .listen().toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        keyedAddress = SocketAddress.inetSocketAddress(keyedServer.actualPort(), "127.0.0.1");
        client = GrpcClient.client(vertx);
    }

    @AfterAll
    static void stop() throws Exception {
        client.close().toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        server.close();
        keyedServer.close();
        controller.close();
        engine.close();
    }

    /** What a call ended with: its status, message, trailers and every response message. */
    record Reply<T>(GrpcStatus status, String message, MultiMap trailers, List<T> messages) {
        T single() {
            assertThat(status).as("status of a call that should succeed (message: %s)", message).isEqualTo(GrpcStatus.OK);
            assertThat(messages).hasSize(1);
            return messages.get(0);
        }
    }

    /**
     * Sends a call's one request and returns its response. The response is asked for before the
     * request is sent: an answer can arrive before the write's own future completes (an error is a
     * single trailers-only frame), and handlers set on a response after it ended never hear its end;
     * {@code onResponse} sets them as the response arrives.
     */
    static <Req, Resp> Future<GrpcClientResponse<Req, Resp>> send(GrpcClientRequest<Req, Resp> req, Req message,
            Handler<GrpcClientResponse<Req, Resp>> onResponse) {
        Future<GrpcClientResponse<Req, Resp>> response = req.response().onSuccess(onResponse);
        req.end(message);
        return response;
    }

    static <Req, Resp> Reply<Resp> call(SocketAddress to, ServiceMethod<Resp, Req> method, Req request, String key) throws Exception {
        Future<Reply<Resp>> f = client.request(to, method).compose(req -> {
            if (key != null) {
                req.headers().set("authorization", "Bearer " + key);
            }
            Promise<Reply<Resp>> done = Promise.promise();
            List<Resp> messages = new ArrayList<>();
            send(req, request, resp -> {
                resp.handler(messages::add);
                resp.endHandler(v -> done.tryComplete(new Reply<>(resp.status(), resp.statusMessage(), resp.trailers(), messages)));
                resp.exceptionHandler(e -> done.tryComplete(new Reply<>(resp.status(), resp.statusMessage(), resp.trailers(), messages)));
            }).onFailure(done::tryFail);
            return done.future();
        });
        return f.toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    static <Req, Resp> Reply<Resp> call(ServiceMethod<Resp, Req> method, Req request) throws Exception {
        return call(address, method, request, TOKEN);
    }

    /** The credential of {@link #address}'s server: the local admin token a host makes for its operator. */
    static final String TOKEN = "local-token-of-the-test-host";

    static <Req, Resp> GrpcClientRequest<Req, Resp> authed(GrpcClientRequest<Req, Resp> req) {
        req.headers().set("authorization", "Bearer " + TOKEN);
        return req;
    }

    static SubmitTraceRequest order(String json, SubmitMode mode) {
        return SubmitTraceRequest.newBuilder().setPipeline("orders").setTrigger("manual").setPayloadJson(json).setMode(mode).build();
    }

    static Node node(Trace t, String id) {
        return t.getNodesList().stream().filter(n -> n.getId().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void syncSubmitAnswersWithTheSettledTrace() throws Exception {
        SubmitTraceResponse r = call(XervGrpcClient.SubmitTrace, order("{\"id\":\"o-1\",\"risk_score\":0.93}", SubmitMode.SUBMIT_MODE_SYNC)).single();
        assertThat(r.getTraceId()).isNotEmpty();
        assertThat(r.getPipeline()).isEqualTo("orders");
        assertThat(r.getVersion()).isNotEmpty();
        Trace t = r.getTrace();
        assertThat(t.getTraceId()).isEqualTo(r.getTraceId());
        assertThat(t.getStatus()).isEqualTo(TraceStatus.TRACE_STATUS_COMPLETED);
        assertThat(t.getTrigger()).isEqualTo("manual");
        assertThat(node(t, "risky").getPort()).isEqualTo("true");
        assertThat(node(t, "flag").getStatus()).isEqualTo(NodeStatus.NODE_STATUS_COMPLETED);
        assertThat(node(t, "pass").getStatus()).isEqualTo(NodeStatus.NODE_STATUS_SKIPPED);
        assertThat(new JsonObject(node(t, "validate").getOutputJson())).isEqualTo(new JsonObject("{\"id\":\"o-1\",\"risk_score\":0.93}"));
        assertThat(new JsonObject(t.getResultJson()).getString("id")).isEqualTo("o-1");
    }

    @Test
    void asyncSubmitAnswersWithTheTraceIdAndGetTraceShowsIt() throws Exception {
        SubmitTraceResponse r = call(XervGrpcClient.SubmitTrace, order("{\"id\":\"o-2\",\"risk_score\":0.1}", SubmitMode.SUBMIT_MODE_ASYNC)).single();
        assertThat(r.hasTrace()).isFalse();
        Trace t;
        do {
            t = call(XervGrpcClient.GetTrace, GetTraceRequest.newBuilder().setTraceId(r.getTraceId()).build()).single();
        } while (t.getStatus() == TraceStatus.TRACE_STATUS_RUNNING);
        assertThat(t.getStatus()).isEqualTo(TraceStatus.TRACE_STATUS_COMPLETED);
        assertThat(t.getPipeline()).isEqualTo("orders");
        assertThat(node(t, "risky").getPort()).isEqualTo("false");
        assertThat(node(t, "pass").getStatus()).isEqualTo(NodeStatus.NODE_STATUS_COMPLETED);
        assertThat(node(t, "pass").getMicros()).isGreaterThanOrEqualTo(0);
        assertThat(t.getNodesList()).extracting(Node::getId).contains("validate", "risky", "flag", "pass");
    }

    @Test
    void watchStreamsATracesEventsUntilItEnds() throws Exception {
        SubmitTraceResponse r = call(XervGrpcClient.SubmitTrace, SubmitTraceRequest.newBuilder().setPipeline("approval").build()).single();
        LinkedBlockingQueue<TraceEvent> events = new LinkedBlockingQueue<>();
        Promise<GrpcStatus> ended = Promise.promise();
        client.request(address, XervGrpcClient.WatchTrace).map(GrpcApiTest::authed)
                .compose(req -> send(req, WatchTraceRequest.newBuilder().setTraceId(r.getTraceId()).build(), resp -> {
                    resp.handler(events::add);
                    resp.endHandler(v -> ended.tryComplete(resp.status()));
                }))
                .onFailure(ended::tryFail);

        TraceEvent e;
        do {
            e = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(e).as("an event before the trace suspends").isNotNull();
            assertThat(e.getTraceId()).isEqualTo(r.getTraceId());
        } while (!(e.getKind() == TraceEvent.Kind.KIND_STATUS && e.getTrace().getStatus() == TraceStatus.TRACE_STATUS_SUSPENDED));

        controller.resume("approve-" + r.getTraceId(), "approve", "{\"by\":\"ann\"}")
                .toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        List<TraceEvent> rest = new ArrayList<>();
        do {
            e = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(e).as("events until the end").isNotNull();
            rest.add(e);
        } while (e.getKind() != TraceEvent.Kind.KIND_END);
        assertThat(e.getTrace().getStatus()).isEqualTo(TraceStatus.TRACE_STATUS_COMPLETED);
        assertThat(node(e.getTrace(), "done").getStatus()).isEqualTo(NodeStatus.NODE_STATUS_COMPLETED);
        assertThat(rest).anySatisfy(n -> {
            assertThat(n.getKind()).isEqualTo(TraceEvent.Kind.KIND_NODE);
            assertThat(n.getNode().getId()).isEqualTo("done");
        });
        assertThat(ended.future().toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(GrpcStatus.OK);
        assertThat(events).isEmpty();
    }

    /** A watch's event as "node ID STATUS", "status STATUS" or "end STATUS". */
    static String line(TraceEvent e) {
        return switch (e.getKind()) {
            case KIND_NODE -> "node " + e.getNode().getId() + " "
                    + e.getNode().getStatus().name().substring("NODE_STATUS_".length()).toLowerCase(java.util.Locale.ROOT);
            case KIND_STATUS -> "status " + e.getTrace().getStatus().name().substring("TRACE_STATUS_".length()).toLowerCase(java.util.Locale.ROOT);
            case KIND_END -> "end " + e.getTrace().getStatus().name().substring("TRACE_STATUS_".length()).toLowerCase(java.util.Locale.ROOT);
            default -> e.getKind().name();
        };
    }

    static List<String> take(LinkedBlockingQueue<TraceEvent> events, int n) throws InterruptedException {
        List<String> out = new ArrayList<>();
        while (out.size() < n) {
            TraceEvent e = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(e).as("event %d of %d (so far %s)", out.size() + 1, n, out).isNotNull();
            out.add(line(e));
        }
        return out;
    }

    /** Starts an approval trace and returns its id once it waits. */
    static String suspendedApproval() throws Exception {
        String id = call(XervGrpcClient.SubmitTrace, SubmitTraceRequest.newBuilder().setPipeline("approval").build()).single().getTraceId();
        while (call(XervGrpcClient.GetTrace, GetTraceRequest.newBuilder().setTraceId(id).build()).single().getStatus()
                != TraceStatus.TRACE_STATUS_SUSPENDED) {
            Thread.sleep(10);
        }
        return id;
    }

    static int observers(String traceId) throws Exception {
        return engine.trace(java.util.UUID.fromString(traceId)).orElseThrow().observerCount()
                .toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void watchGetsTheStateThenEveryChangeAsItHappens() throws Exception {
        String id = suspendedApproval();
        LinkedBlockingQueue<TraceEvent> events = new LinkedBlockingQueue<>();
        Promise<GrpcStatus> ended = Promise.promise();
        client.request(address, XervGrpcClient.WatchTrace).map(GrpcApiTest::authed)
                .compose(req -> send(req, WatchTraceRequest.newBuilder().setTraceId(id).build(), resp -> {
                    resp.handler(events::add);
                    resp.endHandler(v -> ended.tryComplete(resp.status()));
                }))
                .onFailure(ended::tryFail);
        assertThat(take(events, 2)).containsExactly("node ask suspended", "status suspended");

        controller.resume("approve-" + id, "approve", null).toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(take(events, 6)).containsExactly(
                "status running",
                "node ask running", "node ask completed",
                "node done running", "node done completed",
                "end completed");
        assertThat(ended.future().toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(GrpcStatus.OK);
        assertThat(events).isEmpty();
    }

    @Test
    void cancellingAWatchLeavesTheTraceWithNoObserver() throws Exception {
        String id = suspendedApproval();
        LinkedBlockingQueue<TraceEvent> events = new LinkedBlockingQueue<>();
        GrpcClient own = GrpcClient.client(vertx);
        var request = own.request(address, XervGrpcClient.WatchTrace).map(GrpcApiTest::authed).compose(req -> {
            send(req, WatchTraceRequest.newBuilder().setTraceId(id).build(), resp -> resp.handler(events::add));
            return Future.succeededFuture(req);
        }).toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(take(events, 2)).containsExactly("node ask suspended", "status suspended");
        assertThat(observers(id)).isEqualTo(1);

        request.cancel();
        while (observers(id) != 0) {
            Thread.sleep(10);
        }
        controller.resume("approve-" + id, "approve", null).toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        // The connection that carried the cancelled watch still serves calls.
        GetTraceRequest get = GetTraceRequest.newBuilder().setTraceId(id).build();
        for (int i = 0; i < 20; i++) {
            Trace t = own.request(address, XervGrpcClient.GetTrace).map(GrpcApiTest::authed)
                    .compose(req -> {
                        Promise<Trace> last = Promise.promise();
                        send(req, get, resp -> resp.last().onComplete(last)).onFailure(last::tryFail);
                        return last.future();
                    })
                    .toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(t.getTraceId()).isEqualTo(id);
        }
        own.close().toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void watchingAnEndedTraceAnswersWithItsEnd() throws Exception {
        SubmitTraceResponse r = call(XervGrpcClient.SubmitTrace, order("{\"id\":\"o-3\",\"risk_score\":0.5}", SubmitMode.SUBMIT_MODE_SYNC)).single();
        Reply<TraceEvent> w = call(XervGrpcClient.WatchTrace, WatchTraceRequest.newBuilder().setTraceId(r.getTraceId()).build());
        assertThat(w.status()).isEqualTo(GrpcStatus.OK);
        assertThat(w.messages()).hasSize(1);
        assertThat(w.messages().get(0).getKind()).isEqualTo(TraceEvent.Kind.KIND_END);
        assertThat(w.messages().get(0).getTrace().getStatus()).isEqualTo(TraceStatus.TRACE_STATUS_COMPLETED);
    }

    @Test
    void theLifecycleRunsThroughDeployPauseResumeStopStartDrainDelete() throws Exception {
        String yaml = ORDERS.replace("name: orders", "name: lifecycle").replace("path: /orders", "path: /lifecycle");
        Pipeline p = call(XervGrpcClient.DeployPipeline, DeployPipelineRequest.newBuilder().setYaml(yaml).setSourceName("lifecycle.yaml").build()).single();
        assertThat(p.getName()).isEqualTo("lifecycle");
        assertThat(p.getState()).isEqualTo(PipelineState.PIPELINE_STATE_RUNNING);
        assertThat(p.getTriggersList()).extracting(t -> t.getId() + ":" + t.getType() + ":" + t.getPath())
                .containsExactly("api:webhook:/lifecycle", "manual:manual:");
        PipelineRequest name = PipelineRequest.newBuilder().setName("lifecycle").build();

        ListPipelinesResponse all = call(XervGrpcClient.ListPipelines, ListPipelinesRequest.getDefaultInstance()).single();
        assertThat(all.getPipelinesList()).extracting(Pipeline::getName).contains("orders", "approval", "lifecycle");
        assertThat(call(XervGrpcClient.GetPipeline, name).single().getSource()).isEqualTo("lifecycle.yaml");

        assertThat(call(XervGrpcClient.PausePipeline, name).single().getState()).isEqualTo(PipelineState.PIPELINE_STATE_PAUSED);
        Reply<SubmitTraceResponse> refused = call(XervGrpcClient.SubmitTrace,
                SubmitTraceRequest.newBuilder().setPipeline("lifecycle").setTrigger("manual").setPayloadJson("{}").build());
        assertThat(refused.status()).isEqualTo(GrpcStatus.UNAVAILABLE);
        assertThat(refused.message()).contains("lifecycle");

        assertThat(call(XervGrpcClient.ResumePipeline, name).single().getState()).isEqualTo(PipelineState.PIPELINE_STATE_RUNNING);
        assertThat(call(XervGrpcClient.StopPipeline, name).single().getState()).isEqualTo(PipelineState.PIPELINE_STATE_STOPPED);
        assertThat(call(XervGrpcClient.StartPipeline, name).single().getState()).isEqualTo(PipelineState.PIPELINE_STATE_RUNNING);
        SubmitTraceResponse ran = call(XervGrpcClient.SubmitTrace, SubmitTraceRequest.newBuilder().setPipeline("lifecycle")
                .setTrigger("manual").setPayloadJson("{\"risk_score\":0}").setMode(SubmitMode.SUBMIT_MODE_SYNC).build()).single();
        assertThat(ran.getTrace().getStatus()).isEqualTo(TraceStatus.TRACE_STATUS_COMPLETED);
        assertThat(call(XervGrpcClient.DrainPipeline, name).single().getState()).isEqualTo(PipelineState.PIPELINE_STATE_STOPPED);
        assertThat(call(XervGrpcClient.DeletePipeline, name).single().getName()).isEqualTo("lifecycle");
        assertThat(call(XervGrpcClient.GetPipeline, name).status()).isEqualTo(GrpcStatus.NOT_FOUND);
    }

    @Test
    void anInvalidFlowIsInvalidArgumentWithEveryErrorsPlace() throws Exception {
        Reply<Pipeline> r = call(XervGrpcClient.DeployPipeline, DeployPipelineRequest.newBuilder().setSourceName("bad.yaml")
                .setYaml("name: bad\nnodes:\n  a: {type: std::swtich}\n").build());
        assertThat(r.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(r.message()).contains("bad.yaml:3:").contains("unknown node type 'std::swtich'");
        assertThat(call(XervGrpcClient.DeployPipeline, DeployPipelineRequest.getDefaultInstance()).status())
                .isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    }

    @Test
    void anUnknownPipelineIsNotFound() throws Exception {
        Reply<SubmitTraceResponse> r = call(XervGrpcClient.SubmitTrace,
                SubmitTraceRequest.newBuilder().setPipeline("nope").setPayloadJson("{}").build());
        assertThat(r.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        assertThat(r.message()).isEqualTo("unknown pipeline: no pipeline named 'nope'");
        assertThat(call(XervGrpcClient.PausePipeline, PipelineRequest.newBuilder().setName("nope").build()).status())
                .isEqualTo(GrpcStatus.NOT_FOUND);
    }

    @Test
    void malformedJsonIsInvalidArgumentAndTheHostKeepsServing() throws Exception {
        Reply<SubmitTraceResponse> r = call(XervGrpcClient.SubmitTrace, order("{\"id\": 1,", SubmitMode.SUBMIT_MODE_SYNC));
        assertThat(r.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(r.message()).startsWith("bad request: the payload is not valid JSON");
        assertThat(r.messages()).isEmpty();
        assertThat(call(XervGrpcClient.SubmitTrace, order("{\"id\":\"o-4\"}", SubmitMode.SUBMIT_MODE_SYNC)).single()
                .getTrace().getStatus()).isEqualTo(TraceStatus.TRACE_STATUS_COMPLETED);
    }

    @Test
    void unknownAndMalformedTraceIdsAreRefused() throws Exception {
        assertThat(call(XervGrpcClient.GetTrace, GetTraceRequest.newBuilder().setTraceId("not-a-uuid").build()).message())
                .isEqualTo("trace_id 'not-a-uuid' is not a trace id (a UUID)");
        Reply<Trace> unknown = call(XervGrpcClient.GetTrace,
                GetTraceRequest.newBuilder().setTraceId("00000000-0000-4000-8000-000000000000").build());
        assertThat(unknown.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        assertThat(call(XervGrpcClient.WatchTrace,
                WatchTraceRequest.newBuilder().setTraceId("00000000-0000-4000-8000-000000000000").build()).status())
                .isEqualTo(GrpcStatus.NOT_FOUND);
    }

    @Test
    void apiKeysAreCheckedWithTheirScopes() throws Exception {
        PipelineRequest orders = PipelineRequest.newBuilder().setName("orders").build();
        Reply<Pipeline> none = call(keyedAddress, XervGrpcClient.GetPipeline, orders, null);
        assertThat(none.status()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
        assertThat(call(keyedAddress, XervGrpcClient.GetPipeline, orders, "wrong").status()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
        assertThat(call(keyedAddress, XervGrpcClient.GetPipeline, orders, "read-key").single().getName()).isEqualTo("orders");

        Reply<SubmitTraceResponse> noScope = call(keyedAddress, XervGrpcClient.SubmitTrace,
                order("{}", SubmitMode.SUBMIT_MODE_ASYNC), "read-key");
        assertThat(noScope.status()).isEqualTo(GrpcStatus.PERMISSION_DENIED);
        assertThat(noScope.message()).isEqualTo("API key 'reader' lacks the scope trace:write");
        assertThat(call(keyedAddress, XervGrpcClient.SubmitTrace, order("{}", SubmitMode.SUBMIT_MODE_ASYNC), "ops-key")
                .single().getTraceId()).isNotEmpty();
    }

    @Test
    void noCallIsAnsweredWithoutACredentialEvenFromLoopback() throws Exception {
        PipelineRequest orders = PipelineRequest.newBuilder().setName("orders").build();
        Reply<Pipeline> none = call(address, XervGrpcClient.GetPipeline, orders, null);
        assertThat(none.status()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
        assertThat(call(address, XervGrpcClient.StopPipeline, orders, null).status()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
        assertThat(call(address, XervGrpcClient.ListPipelines, ListPipelinesRequest.getDefaultInstance(), null).status())
                .isEqualTo(GrpcStatus.UNAUTHENTICATED);
        assertThat(call(address, XervGrpcClient.WatchTrace,
                WatchTraceRequest.newBuilder().setTraceId("00000000-0000-4000-8000-000000000000").build(), null).status())
                .isEqualTo(GrpcStatus.UNAUTHENTICATED);
        assertThat(call(address, XervGrpcClient.GetPipeline, orders, "wrong").status()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
        assertThat(call(XervGrpcClient.GetPipeline, orders).single().getName()).isEqualTo("orders");
    }

    @Test
    void noMethodIsReachableWithoutItsScope() throws Exception {
        PipelineRequest nope = PipelineRequest.newBuilder().setName("nope").build();
        String trace = "00000000-0000-4000-8000-000000000000";
        // Read-only keys reach no write method.
        for (var m : List.of(XervGrpcClient.StartPipeline, XervGrpcClient.PausePipeline, XervGrpcClient.ResumePipeline,
                XervGrpcClient.StopPipeline, XervGrpcClient.DrainPipeline, XervGrpcClient.DeletePipeline)) {
            Reply<Pipeline> r = call(keyedAddress, m, nope, "read-key");
            assertThat(r.status()).as(m.methodName()).isEqualTo(GrpcStatus.PERMISSION_DENIED);
            assertThat(r.message()).isEqualTo("API key 'reader' lacks the scope pipeline:write");
        }
        assertThat(call(keyedAddress, XervGrpcClient.DeployPipeline, DeployPipelineRequest.newBuilder().setYaml("name: x").build(),
                "read-key").status()).isEqualTo(GrpcStatus.PERMISSION_DENIED);
        assertThat(call(keyedAddress, XervGrpcClient.SubmitTrace, order("{}", SubmitMode.SUBMIT_MODE_ASYNC), "read-key")
                .message()).isEqualTo("API key 'reader' lacks the scope trace:write");
        // Write-only keys read nothing.
        assertThat(call(keyedAddress, XervGrpcClient.GetTrace, GetTraceRequest.newBuilder().setTraceId(trace).build(),
                "submit-key").message()).isEqualTo("API key 'submitter' lacks the scope trace:read");
        assertThat(call(keyedAddress, XervGrpcClient.WatchTrace, WatchTraceRequest.newBuilder().setTraceId(trace).build(),
                "submit-key").message()).isEqualTo("API key 'submitter' lacks the scope trace:read");
        assertThat(call(keyedAddress, XervGrpcClient.ListPipelines, ListPipelinesRequest.getDefaultInstance(), "submit-key")
                .message()).isEqualTo("API key 'submitter' lacks the scope pipeline:read");
        assertThat(call(keyedAddress, XervGrpcClient.GetPipeline, nope, "submit-key").message())
                .isEqualTo("API key 'submitter' lacks the scope pipeline:read");
        // With the scope, the call gets past authorization to the controller.
        assertThat(call(keyedAddress, XervGrpcClient.StopPipeline, nope, "submit-key").status()).isEqualTo(GrpcStatus.NOT_FOUND);
        assertThat(call(keyedAddress, XervGrpcClient.GetTrace, GetTraceRequest.newBuilder().setTraceId(trace).build(),
                "read-key").status()).isEqualTo(GrpcStatus.NOT_FOUND);
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aWatcherThatNeverReadsIsCutOffAndForgotten() throws Exception {
        HttpServer limited = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(new GrpcApi(controller, ApiKeys.NONE.withLocalToken(TOKEN),
                        io.xerv.host.serve.ConnectionLimits.DEFAULT.withEventStreamQueueBytes(4096)).server(vertx))
                .listen().toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        GrpcClient own = GrpcClient.client(vertx);
        try {
            StringBuilder y = new StringBuilder("""
                    name: burst
                    triggers:
                      - {id: manual, type: manual}
                    nodes:
                      ask: {type: std::wait, config: {hook_id: "burst-${trace.id}", timeout_ms: 0}}
                    """);
            for (int i = 1; i <= 20; i++) {
                y.append("  n").append(i).append(": {type: std::log, config: {message: n").append(i).append("}}\n");
            }
            y.append("  hold: {type: std::wait, config: {hook_id: \"again-${trace.id}\", timeout_ms: 0}}\n");
            y.append("edges:\n  - {from: manual, to: ask}\n  - {from: ask.out, to: n1}\n");
            for (int i = 2; i <= 20; i++) {
                y.append("  - {from: n").append(i - 1).append(", to: n").append(i).append("}\n");
            }
            y.append("  - {from: n20, to: hold}\n");
            controller.deploy("burst.yaml", y.toString());
            String payload = new JsonObject().put("blob", "x".repeat(200_000)).encode();
            String id = call(XervGrpcClient.SubmitTrace, SubmitTraceRequest.newBuilder().setPipeline("burst")
                    .setPayloadJson(payload).build()).single().getTraceId();
            while (call(XervGrpcClient.GetTrace, GetTraceRequest.newBuilder().setTraceId(id).build()).single().getStatus()
                    != TraceStatus.TRACE_STATUS_SUSPENDED) {
                Thread.sleep(10);
            }
            LinkedBlockingQueue<TraceEvent> events = new LinkedBlockingQueue<>();
            own.request(SocketAddress.inetSocketAddress(limited.actualPort(), "127.0.0.1"), XervGrpcClient.WatchTrace)
                    .map(GrpcApiTest::authed)
                    .compose(req -> send(req, WatchTraceRequest.newBuilder().setTraceId(id).build(), resp -> {
                        resp.pause();
                        resp.handler(events::add);
                    }));
            while (observers(id) != 1) {
                Thread.sleep(10);
            }
            controller.resume("burst-" + id, "approve", null).toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
            // The chain pushes 20 events of 200 kB at a client that reads none, then the trace waits again.
            // The host cut the watch: the trace, still live, has no observer left. (The test's timeout bounds the wait.)
            while (observers(id) != 0) {
                Thread.sleep(10);
            }
            assertThat(new JsonObject(controller.trace(java.util.UUID.fromString(id)).toCompletionStage().toCompletableFuture()
                    .get(WAIT_SECONDS, TimeUnit.SECONDS).orElseThrow().json()).getString("status"))
                    .as("the watch ended before the trace did").isIn("running", "suspended");
            assertThat(events.stream().anyMatch(e -> e.getKind() == TraceEvent.Kind.KIND_END)).isFalse();
        } finally {
            own.close().toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
            limited.close();
        }
    }

    @Test
    void otherRequestsOnTheSamePortReachTheWrappedHandler() throws Exception {
        io.vertx.core.http.HttpClient http = vertx.createHttpClient();
        try {
            int status = http.request(io.vertx.core.http.HttpMethod.GET, server.actualPort(), "127.0.0.1", "/health")
                    .compose(req -> req.send()).map(io.vertx.core.http.HttpClientResponse::statusCode)
                    .toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(status).isEqualTo(404);
        } finally {
            http.close();
        }
    }
}
