package io.xerv.host.serve;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.xerv.host.engine.TraceReport;
import io.xerv.host.engine.TraceStatus;
import io.xerv.host.flow.FlowError;
import io.xerv.host.flow.FlowException;
import io.xerv.plugin.NodeFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The host's HTTP surface: webhooks (matched first, on the raw request, so the hot path skips the
 * router), the REST API under {@code /api/v1}, {@code /health} and {@code /metrics}. Every error is
 * answered as JSON {@code {"error", "detail"}} with its status. Stateless apart from the controller
 * it calls; one instance serves every event loop.
 */
public final class HttpApi {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

    /** The prefix of the REST API. */
    public static final String API = "/api/v1";

    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence CONTENT_TYPE = HttpHeaders.CONTENT_TYPE;
    private static final CharSequence RETRY_AFTER = HttpHeaders.createOptimized("Retry-After");

    private final PipelineController controller;
    private final ServeConfig config;
    private final ApiKeys keys;
    private final String openApi;
    private final long startedAt = System.currentTimeMillis();

    public HttpApi(PipelineController controller, ServeConfig config) {
        this.controller = controller;
        this.config = config;
        this.keys = config.apiKeys();
        this.openApi = resource("/openapi.yaml");
    }

    /** The OpenAPI document served at {@code /api/v1/openapi.yaml}. */
    public static String resource(String name) {
        try (InputStream in = HttpApi.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + name, e);
        }
    }

    /** The request handler of a server: webhooks first, then the router. */
    public Handler<HttpServerRequest> requestHandler(Router router) {
        return req -> {
            Webhook w = controller.webhook(req.method().name(), req.path());
            if (w != null) {
                webhook(req, w);
            } else {
                router.handle(req);
            }
        };
    }

    // ---------------------------------------------------------------- webhooks

    private void webhook(HttpServerRequest req, Webhook w) {
        HttpServerResponse res = req.response();
        String ct = req.getHeader(CONTENT_TYPE);
        if (ct != null && !jsonish(ct)) {
            error(res, 415, "unsupported media type", "webhook " + req.path() + " takes a JSON body (Content-Type: application/json), not " + ct);
            return;
        }
        String len = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        long limit = config.bodyLimitBytes();
        if (len != null) {
            long n;
            try {
                n = Long.parseLong(len);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n > limit) {
                tooLarge(req, limit);
                return;
            }
        }
        Buffer body = Buffer.buffer(len == null ? 256 : (int) Math.min(Math.max(0, parse(len)), limit));
        boolean[] over = {false};
        req.handler(chunk -> {
            if (over[0]) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                over[0] = true;
                tooLarge(req, limit);
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            if (!over[0]) {
                fireWebhook(req, w, body);
            }
        });
    }

    private static long parse(String len) {
        try {
            return Long.parseLong(len);
        } catch (NumberFormatException e) {
            return 256;
        }
    }

    private void tooLarge(HttpServerRequest req, long limit) {
        HttpServerResponse res = req.response();
        res.putHeader(HttpHeaders.CONNECTION, "close");
        error(res, 413, "payload too large", "the body is larger than the limit of " + limit + " bytes (server.body_limit)");
    }

    private void fireWebhook(HttpServerRequest req, Webhook w, Buffer body) {
        HttpServerResponse res = req.response();
        String why = w.auth.check(req.headers(), body);
        if (why != null) {
            error(res, 401, "unauthorized", why);
            return;
        }
        byte[] json;
        if (body.length() > 0) {
            json = body.getBytes();
        } else if (req.method() == HttpMethod.GET || req.method() == HttpMethod.DELETE || req.method() == HttpMethod.HEAD) {
            JsonObject q = new JsonObject();
            req.params().forEach(e -> q.put(e.getKey(), e.getValue()));
            json = q.toBuffer().getBytes();
        } else {
            json = EMPTY_OBJECT;
        }
        byte[] flex;
        try {
            flex = PipelineController.encode(json);
        } catch (Refusal r) {
            fail(res, r);
            return;
        }
        controller.submitEncoded(w.pipeline, w.triggerId, flex).onComplete(ar -> {
            if (ar.failed()) {
                fail(res, ar.cause());
                return;
            }
            Accepted a = ar.result();
            if (w.async) {
                res.setStatusCode(202).putHeader(CONTENT_TYPE, JSON)
                        .end("{\"traceId\":\"" + a.traceId() + "\"}");
                return;
            }
            a.handle().outcome().onComplete(s -> {
                if (s.failed()) {
                    fail(res, s.cause());
                    return;
                }
                res.setStatusCode(200).putHeader(CONTENT_TYPE, JSON).end(syncAnswer(s.result()));
            });
        });
    }

    private static final byte[] EMPTY_OBJECT = {'{', '}'};

    /** {@code {"traceId", "status", "result"}} plus {@code error} or {@code suspended} when present. */
    static Buffer syncAnswer(TraceReport r) {
        io.xerv.arena.FlexJson.Out out = ANSWER.get().reset();
        out.append("{\"traceId\":\"").append(r.traceId().toString()).append("\",\"status\":\"")
                .append(r.status().label()).append("\",\"result\":");
        if (r.result() == null) {
            out.append("null");
        } else if (r.result() instanceof io.xerv.arena.FlexValue f) {
            // Straight from the arena's bytes to the answer's.
            int mark = out.length();
            try {
                f.appendJson(out);
            } catch (IllegalArgumentException e) {
                out.truncate(mark);
                out.append(io.xerv.plugin.Values.toJson(r.result()));
            }
        } else {
            out.append(io.xerv.plugin.Values.toJson(r.result()));
        }
        if (r.error() != null || !r.suspendedHooks().isEmpty()) {
            StringBuilder sb = new StringBuilder();
            if (r.error() != null) {
                sb.append(",\"error\":");
                io.xerv.plugin.Values.appendJsonString(sb, r.error());
            }
            if (!r.suspendedHooks().isEmpty()) {
                sb.append(",\"suspended\":").append(new JsonArray(List.copyOf(r.suspendedHooks())).encode());
            }
            out.append(sb.toString());
        }
        out.append((byte) '}');
        return Buffer.buffer(out.length()).appendBytes(out.array(), 0, out.length());
    }

    /** The event loop's buffer for sync answers (reset for each). */
    private static final ThreadLocal<io.xerv.arena.FlexJson.Out> ANSWER =
            ThreadLocal.withInitial(() -> new io.xerv.arena.FlexJson.Out(1024));

    private static boolean jsonish(String ct) {
        String t = ct.toLowerCase(Locale.ROOT);
        int semi = t.indexOf(';');
        if (semi >= 0) {
            t = t.substring(0, semi);
        }
        t = t.strip();
        // curl -d sends form encoding by default; the body must still be JSON.
        return t.equals("application/json") || t.endsWith("+json") || t.equals("application/x-www-form-urlencoded");
    }

    // ---------------------------------------------------------------- router

    /** The router of the REST API, {@code /health} and {@code /metrics}. */
    public Router router(io.vertx.core.Vertx vertx) {
        Router r = Router.router(vertx);
        r.route().handler(BodyHandler.create(false).setBodyLimit(config.bodyLimitBytes()));
        r.get("/health").handler(this::health);
        r.get("/metrics").handler(this::metrics);
        r.get(API + "/openapi.yaml").handler(ctx -> ctx.response().putHeader(CONTENT_TYPE, "application/yaml").end(openApi));

        api(r, HttpMethod.GET, "/nodes", "pipeline:read", this::nodes);
        api(r, HttpMethod.GET, "/pipelines", "pipeline:read", ctx -> {
            JsonArray a = new JsonArray();
            controller.list().forEach(p -> a.add(pipelineJson(p)));
            json(ctx, 200, new JsonObject().put("pipelines", a));
        });
        apiBlocking(r, HttpMethod.POST, "/pipelines", "pipeline:write", ctx -> deploy(ctx, null));
        apiBlocking(r, HttpMethod.POST, "/pipelines/validate", "pipeline:read", this::validate);
        api(r, HttpMethod.GET, "/pipelines/:name", "pipeline:read", ctx ->
                json(ctx, 200, pipelineJson(controller.get(name(ctx)).orElseThrow(() -> unknown(ctx)))));
        apiBlocking(r, HttpMethod.PUT, "/pipelines/:name", "pipeline:write", ctx -> deploy(ctx, name(ctx)));
        apiBlocking(r, HttpMethod.DELETE, "/pipelines/:name", "pipeline:write", ctx -> json(ctx, 200, pipelineJson(controller.delete(name(ctx)))));
        apiBlocking(r, HttpMethod.POST, "/pipelines/:name/start", "pipeline:write", ctx -> json(ctx, 200, pipelineJson(controller.start(name(ctx)))));
        apiBlocking(r, HttpMethod.POST, "/pipelines/:name/pause", "pipeline:write", ctx -> json(ctx, 200, pipelineJson(controller.pause(name(ctx)))));
        apiBlocking(r, HttpMethod.POST, "/pipelines/:name/resume", "pipeline:write", ctx -> json(ctx, 200, pipelineJson(controller.resume(name(ctx)))));
        apiBlocking(r, HttpMethod.POST, "/pipelines/:name/stop", "pipeline:write", ctx -> json(ctx, 200, pipelineJson(controller.stop(name(ctx)))));
        api(r, HttpMethod.POST, "/pipelines/:name/drain", "pipeline:write", this::drain);
        api(r, HttpMethod.POST, "/pipelines/:name/breaker/reset", "pipeline:write", ctx ->
                json(ctx, 200, pipelineJson(controller.resetBreaker(name(ctx)))));
        api(r, HttpMethod.GET, "/pipelines/:name/metrics", "pipeline:read", ctx -> {
            PipelineInfo p = controller.get(name(ctx)).orElseThrow(() -> unknown(ctx));
            json(ctx, 200, metricsJson(p));
        });
        api(r, HttpMethod.GET, "/pipelines/:name/traces", "trace:read", ctx -> {
            controller.get(name(ctx)).orElseThrow(() -> unknown(ctx));
            traces(ctx, name(ctx));
        });
        api(r, HttpMethod.POST, "/pipelines/:name/triggers/:trigger/fire", "trace:write", this::fire);
        api(r, HttpMethod.POST, "/pipelines/:name/triggers/:trigger/pause", "pipeline:write", ctx ->
                json(ctx, 200, pipelineJson(controller.pauseTrigger(name(ctx), ctx.pathParam("trigger")))));
        api(r, HttpMethod.POST, "/pipelines/:name/triggers/:trigger/resume", "pipeline:write", ctx ->
                json(ctx, 200, pipelineJson(controller.resumeTrigger(name(ctx), ctx.pathParam("trigger")))));
        api(r, HttpMethod.GET, "/traces", "trace:read", ctx -> traces(ctx, ctx.queryParams().get("pipeline")));
        api(r, HttpMethod.GET, "/traces/:id", "trace:read", this::trace);
        api(r, HttpMethod.GET, "/traces/:id/events", "trace:read", this::events);
        api(r, HttpMethod.GET, "/traces/:id/logs", "trace:read", this::logs);
        api(r, HttpMethod.POST, "/traces/:id/cancel", "trace:write", ctx -> {
            UUID id = traceId(ctx);
            controller.cancel(id, "cancelled through the API").onComplete(ar -> {
                if (ar.failed()) {
                    fail(ctx.response(), ar.cause());
                } else {
                    json(ctx, 200, new JsonObject().put("traceId", id.toString()).put("cancelled", true));
                }
            });
        });
        api(r, HttpMethod.GET, "/suspensions", "trace:read", ctx -> {
            JsonArray a = new JsonArray();
            for (SuspensionInfo s : controller.suspensions()) {
                a.add(new JsonObject().put("hookId", s.hookId()).put("traceId", s.traceId().toString()).put("pipeline", s.pipeline()));
            }
            json(ctx, 200, new JsonObject().put("suspensions", a));
        });
        api(r, HttpMethod.POST, "/suspensions/:hook/resume", "trace:resume", this::resume);

        r.errorHandler(404, ctx -> error(ctx.response(), 404, "not found",
                "no route " + ctx.request().method() + " " + ctx.request().path()));
        r.errorHandler(405, ctx -> error(ctx.response(), 405, "method not allowed",
                ctx.request().method() + " is not allowed on " + ctx.request().path()));
        r.errorHandler(413, ctx -> error(ctx.response(), 413, "payload too large",
                "the body is larger than the limit of " + config.bodyLimitBytes() + " bytes (server.body_limit)"));
        r.errorHandler(500, ctx -> {
            Throwable t = ctx.failure();
            if (t != null && !(t instanceof Refusal)) {
                LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), t);
            }
            if (!ctx.response().ended()) {
                fail(ctx.response(), t == null ? new IllegalStateException("request failed") : t);
            }
        });
        return r;
    }

    private void api(Router r, HttpMethod method, String path, String scope, Handler<RoutingContext> h) {
        r.route(method, API + path).handler(guarded(scope, h));
    }

    /**
     * As {@link #api}, for handlers that may block: deploying and validating create nodes, and a WASM
     * module compiles or a JS engine starts on the way; lifecycle changes are recorded in the data
     * directory. They run on a worker thread, not an event loop.
     */
    private void apiBlocking(Router r, HttpMethod method, String path, String scope, Handler<RoutingContext> h) {
        r.route(method, API + path).blockingHandler(guarded(scope, h), false);
    }

    private Handler<RoutingContext> guarded(String scope, Handler<RoutingContext> h) {
        return ctx -> {
            String why = authorize(ctx, scope);
            if (why != null) {
                return;
            }
            try {
                h.handle(ctx);
            } catch (RuntimeException e) {
                fail(ctx.response(), e);
            }
        };
    }

    /** Checks the request's API key; answers 401/403 itself and returns non-null when refused. */
    private String authorize(RoutingContext ctx, String scope) {
        HttpServerRequest req = ctx.request();
        if (!keys.enabled()) {
            if (isLoopback(req)) {
                return null;
            }
            error(req.response(), 403, "forbidden", "no API keys are configured, so the API answers local clients only; "
                    + "configure api.keys (docs/config.md) to use it from " + req.remoteAddress().hostAddress());
            return "remote";
        }
        String presented = req.getHeader("X-API-Key");
        if (presented == null) {
            String auth = req.getHeader(HttpHeaders.AUTHORIZATION);
            if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                presented = auth.substring(7).strip();
            }
        }
        if (presented == null) {
            req.response().putHeader("WWW-Authenticate", "Bearer");
            error(req.response(), 401, "unauthorized", "an API key is required (Authorization: Bearer KEY or X-API-Key: KEY)");
            return "missing";
        }
        ApiKeys.Key k = keys.find(presented);
        if (k == null) {
            req.response().putHeader("WWW-Authenticate", "Bearer");
            error(req.response(), 401, "unauthorized", "the API key is not valid");
            return "invalid";
        }
        if (!k.allows(scope)) {
            error(req.response(), 403, "forbidden", "API key '" + k.name() + "' lacks the scope " + scope);
            return "scope";
        }
        return null;
    }

    private static boolean isLoopback(HttpServerRequest req) {
        if (req.remoteAddress() == null) {
            return false;
        }
        String h = req.remoteAddress().hostAddress();
        return h != null && (h.startsWith("127.") || h.equals("0:0:0:0:0:0:0:1") || h.equals("::1"));
    }

    // ---------------------------------------------------------------- handlers

    private void health(RoutingContext ctx) {
        boolean down = controller.shuttingDown();
        // A log that cannot write (a full disk) fails every trace start: degraded, with the reason.
        String walProblem = controller.engine().wal().writeProblem();
        JsonObject body = new JsonObject()
                .put("status", down ? "shutting_down" : walProblem != null ? "degraded" : "ok");
        if (walProblem != null) {
            body.put("reason", walProblem);
        }
        json(ctx, down || walProblem != null ? 503 : 200, body
                .put("pipelines", controller.list().size())
                .put("liveTraces", controller.engine().liveTraces())
                .put("unrecoveredTraces", controller.unrecoveredTraces())
                .put("uptimeMs", System.currentTimeMillis() - startedAt));
    }

    private void metrics(RoutingContext ctx) {
        ctx.response().putHeader(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8").end(controller.metrics().scrape());
    }

    private void nodes(RoutingContext ctx) {
        JsonArray a = new JsonArray();
        controller.engine().registry().all().stream().sorted(java.util.Comparator.comparing(NodeFactory::type)).forEach(f ->
                a.add(new JsonObject().put("type", f.type()).put("description", f.description())
                        .put("inputs", new JsonArray(List.copyOf(f.inputPorts())))
                        .put("outputs", new JsonArray(List.copyOf(f.outputPorts())))
                        .put("execution", f.execution().name().toLowerCase(Locale.ROOT))));
        json(ctx, 200, new JsonObject().put("nodes", a));
    }

    private String yamlBody(RoutingContext ctx) {
        String ct = ctx.request().getHeader(CONTENT_TYPE);
        String t = ct == null ? "" : ct.toLowerCase(Locale.ROOT);
        if (!(t.startsWith("application/yaml") || t.startsWith("application/x-yaml") || t.startsWith("text/yaml")
                || t.startsWith("text/x-yaml") || t.startsWith("text/plain"))) {
            throw new HttpError(415, "unsupported media type",
                    "send the flow as YAML with Content-Type: application/yaml" + (ct == null ? "" : ", not " + ct));
        }
        Buffer b = ctx.body().buffer();
        if (b == null || b.length() == 0) {
            throw new HttpError(400, "bad request", "the body is empty; send the flow's YAML");
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    private void deploy(RoutingContext ctx, String expectedName) {
        String yaml = yamlBody(ctx);
        String source = ctx.queryParams().get("source");
        if (source == null) {
            source = expectedName != null ? expectedName + ".yaml" : "request.yaml";
        }
        if (expectedName != null) {
            List<FlowError> errs = controller.validate(source, yaml);
            if (errs.isEmpty()) {
                String actual = nameOf(source, yaml);
                if (actual != null && !actual.equals(expectedName)) {
                    throw new HttpError(400, "bad request", "the flow is named '" + actual + "', not '" + expectedName
                            + "'; PUT /api/v1/pipelines/" + actual + " or POST /api/v1/pipelines");
                }
            }
        }
        String named = expectedName != null ? expectedName : nameOf(source, yaml);
        boolean existed = named != null && controller.get(named).isPresent();
        PipelineInfo info;
        try {
            info = controller.deploy(source, yaml, !"false".equals(ctx.queryParams().get("start")));
        } catch (FlowException e) {
            flowErrors(ctx.response(), e.errors());
            return;
        }
        json(ctx, existed ? 200 : 201, pipelineJson(info));
    }

    private String nameOf(String source, String yaml) {
        try {
            return io.xerv.host.flow.FlowLoader.parse(source, yaml, controller.engine().registry()).name();
        } catch (FlowException e) {
            return null;
        }
    }

    private void validate(RoutingContext ctx) {
        String yaml = yamlBody(ctx);
        String source = ctx.queryParams().get("source");
        List<FlowError> errs = controller.validate(source == null ? "request.yaml" : source, yaml);
        JsonArray a = new JsonArray();
        errs.forEach(e -> a.add(e.toString()));
        json(ctx, 200, new JsonObject().put("valid", errs.isEmpty()).put("errors", a));
    }

    private void drain(RoutingContext ctx) {
        String name = name(ctx);
        Future<PipelineInfo> f = controller.drain(name);
        if ("true".equals(ctx.queryParams().get("wait"))) {
            f.onComplete(ar -> {
                if (ar.failed()) {
                    fail(ctx.response(), ar.cause());
                } else {
                    json(ctx, 200, pipelineJson(ar.result()));
                }
            });
        } else {
            json(ctx, 202, pipelineJson(controller.get(name).orElseThrow(() -> unknown(ctx))));
        }
    }

    private void fire(RoutingContext ctx) {
        String ct = ctx.request().getHeader(CONTENT_TYPE);
        if (ct != null && !jsonish(ct)) {
            throw new HttpError(415, "unsupported media type", "the payload must be JSON (Content-Type: application/json), not " + ct);
        }
        Buffer b = ctx.body().buffer();
        byte[] json = b == null || b.length() == 0 ? EMPTY_OBJECT : b.getBytes();
        boolean wait = "true".equals(ctx.queryParams().get("wait"));
        HttpServerResponse res = ctx.response();
        controller.submit(name(ctx), ctx.pathParam("trigger"), json).onComplete(ar -> {
            if (ar.failed()) {
                fail(res, ar.cause());
            } else if (!wait) {
                res.setStatusCode(202).putHeader(CONTENT_TYPE, JSON).end("{\"traceId\":\"" + ar.result().traceId() + "\"}");
            } else {
                ar.result().handle().outcome().onComplete(s -> {
                    if (s.failed()) {
                        fail(res, s.cause());
                    } else {
                        res.setStatusCode(200).putHeader(CONTENT_TYPE, JSON).end(syncAnswer(s.result()));
                    }
                });
            }
        });
    }

    private void traces(RoutingContext ctx, String pipeline) {
        TraceStatus status = null;
        String s = ctx.queryParams().get("status");
        if (s != null) {
            try {
                status = TraceStatus.valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, "bad request", "status must be one of running, completed, failed, suspended, cancelled, stranded; got '" + s + "'");
            }
        }
        int limit = 100;
        String l = ctx.queryParams().get("limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 10_000) {
                throw new HttpError(400, "bad request", "limit must be a number from 1 to 10000; got '" + l + "'");
            }
        }
        JsonArray a = new JsonArray();
        for (PipelineController.TraceSummary t : controller.traces(pipeline, status, limit)) {
            a.add(new JsonObject().put("traceId", t.traceId().toString()).put("pipeline", t.pipeline())
                    .put("version", t.version()).put("status", t.status().label()).put("startedAt", t.startedAt()));
        }
        json(ctx, 200, new JsonObject().put("traces", a));
    }

    private void trace(RoutingContext ctx) {
        UUID id = traceId(ctx);
        controller.trace(id).onComplete(ar -> {
            if (ar.failed()) {
                fail(ctx.response(), ar.cause());
            } else if (ar.result().isEmpty()) {
                error(ctx.response(), 404, "unknown trace", "no trace " + id + " on this host");
            } else {
                ctx.response().putHeader(CONTENT_TYPE, JSON).end(ar.result().get().json());
            }
        });
    }

    private void logs(RoutingContext ctx) {
        UUID id = traceId(ctx);
        controller.trace(id).onComplete(ar -> {
            if (ar.failed()) {
                fail(ctx.response(), ar.cause());
                return;
            }
            if (ar.result().isEmpty()) {
                error(ctx.response(), 404, "unknown trace", "no trace " + id + " on this host");
                return;
            }
            JsonObject report = new JsonObject(ar.result().get().json());
            JsonArray out = new JsonArray();
            JsonArray nodes = report.getJsonArray("nodes", new JsonArray());
            for (int i = 0; i < nodes.size(); i++) {
                JsonObject n = nodes.getJsonObject(i);
                JsonArray lines = n.getJsonArray("logs");
                if (lines != null) {
                    for (int j = 0; j < lines.size(); j++) {
                        out.add(new JsonObject().put("node", n.getString("id")).put("line", lines.getString(j)));
                    }
                }
            }
            json(ctx, 200, new JsonObject().put("traceId", id.toString()).put("logs", out));
        });
    }

    private void events(RoutingContext ctx) {
        UUID id = traceId(ctx);
        HttpServerResponse res = ctx.response();
        PipelineController.Watch[] watch = new PipelineController.Watch[1];
        res.setChunked(true).putHeader(CONTENT_TYPE, "text/event-stream").putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        try {
            watch[0] = controller.watch(id, e -> {
                if (res.ended() || res.closed()) {
                    return;
                }
                res.write("event: " + e.kind() + "\ndata: " + e.json() + "\n\n");
                if (e.isEnd()) {
                    res.end();
                }
            });
        } catch (Refusal r) {
            res.setChunked(false);
            res.headers().remove(HttpHeaders.CACHE_CONTROL);
            fail(res, r);
            return;
        }
        res.closeHandler(v -> watch[0].close());
        if (res.closed()) {
            // Gone before the handler was set: the trace must not keep a watcher for a stream no one reads.
            watch[0].close();
        }
    }

    private void resume(RoutingContext ctx) {
        JsonObject body = jsonBody(ctx);
        String decision = body.getValue("decision") instanceof String d ? d : null;
        if (decision == null) {
            throw new HttpError(400, "bad request", "the body needs \"decision\" (for std::wait: approve, reject or escalate)");
        }
        Object payload = body.getValue("payload");
        String payloadJson = payload == null ? null : io.vertx.core.json.Json.encode(payload);
        String hook = ctx.pathParam("hook");
        controller.resume(hook, decision, payloadJson).onComplete(ar -> {
            if (ar.failed()) {
                fail(ctx.response(), ar.cause());
            } else {
                json(ctx, 200, new JsonObject().put("hookId", hook).put("resumed", true));
            }
        });
    }

    private JsonObject jsonBody(RoutingContext ctx) {
        String ct = ctx.request().getHeader(CONTENT_TYPE);
        if (ct != null && !jsonish(ct)) {
            throw new HttpError(415, "unsupported media type", "the body must be JSON (Content-Type: application/json), not " + ct);
        }
        Buffer b = ctx.body().buffer();
        if (b == null || b.length() == 0) {
            return new JsonObject();
        }
        try {
            Object v = io.vertx.core.json.Json.decodeValue(b);
            if (v instanceof JsonObject o) {
                return o;
            }
            throw new HttpError(400, "bad request", "the body must be a JSON object");
        } catch (io.vertx.core.json.DecodeException e) {
            throw new HttpError(400, "bad request", "malformed JSON: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- JSON

    static JsonObject pipelineJson(PipelineInfo p) {
        JsonArray versions = new JsonArray();
        p.versions().forEach(v -> versions.add(new JsonObject().put("version", v.version()).put("digest", v.digest())
                .put("deployedAt", v.deployedAt()).put("current", v.current()).put("running", v.running())));
        JsonArray triggers = new JsonArray();
        p.triggers().forEach(t -> {
            JsonObject o = new JsonObject().put("id", t.id()).put("type", t.type()).put("paused", t.paused());
            if (t.path() != null) {
                o.put("method", t.method()).put("path", t.path()).put("mode", t.mode()).put("auth", t.auth());
            }
            triggers.add(o);
        });
        return new JsonObject().put("name", p.name()).put("version", p.version()).put("state", p.state().label())
                .put("description", p.description()).put("source", p.source()).put("breaker", p.breaker())
                .put("running", p.running()).put("queued", p.queued()).put("versions", versions).put("triggers", triggers)
                .put("stats", statsJson(p.stats()));
    }

    private static JsonObject statsJson(PipelineInfo.Stats s) {
        return new JsonObject().put("accepted", s.accepted()).put("completed", s.completed()).put("failed", s.failed())
                .put("cancelled", s.cancelled()).put("refused", s.refused()).put("meanMicros", s.meanMicros());
    }

    static JsonObject metricsJson(PipelineInfo p) {
        return new JsonObject().put("pipeline", p.name()).put("state", p.state().label()).put("breaker", p.breaker())
                .put("running", p.running()).put("queued", p.queued()).put("stats", statsJson(p.stats()));
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader(CONTENT_TYPE, JSON).end(body.toBuffer());
    }

    private static String name(RoutingContext ctx) {
        return ctx.pathParam("name");
    }

    private static Refusal unknown(RoutingContext ctx) {
        return new Refusal(Refusal.Reason.UNKNOWN_PIPELINE, "no pipeline named '" + name(ctx) + "'");
    }

    private static UUID traceId(RoutingContext ctx) {
        String s = ctx.pathParam("id");
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "bad request", "'" + s + "' is not a trace id (a UUID)");
        }
    }

    /** Answers a failure: a refusal with its status (and Retry-After), anything else as 500. */
    static void fail(HttpServerResponse res, Throwable t) {
        if (t instanceof Refusal r) {
            if (r.retryAfterSeconds() > 0) {
                res.putHeader(RETRY_AFTER, Long.toString(r.retryAfterSeconds()));
            }
            error(res, r.reason().httpStatus(), r.reason().label(), r.getMessage());
        } else if (t instanceof HttpError h) {
            error(res, h.status, h.error, h.getMessage());
        } else if (t instanceof FlowException f) {
            flowErrors(res, f.errors());
        } else {
            LOG.error("request failed", t);
            error(res, 500, "internal error", String.valueOf(t.getMessage()));
        }
    }

    private static void flowErrors(HttpServerResponse res, List<FlowError> errors) {
        JsonArray a = new JsonArray();
        errors.forEach(e -> a.add(e.toString()));
        if (res.ended()) {
            return;
        }
        res.setStatusCode(422).putHeader(CONTENT_TYPE, JSON)
                .end(new JsonObject().put("error", "invalid flow").put("detail", a).toBuffer());
    }

    /** Sends {@code {"error", "detail"}}. */
    static void error(HttpServerResponse res, int status, String error, String detail) {
        if (res.ended() || res.closed()) {
            return;
        }
        res.setStatusCode(status).putHeader(CONTENT_TYPE, JSON)
                .end(new JsonObject().put("error", error).put("detail", detail).toBuffer());
    }

    /** A request the API refuses before reaching the controller (bad parameters, media type). */
    static final class HttpError extends RuntimeException {
        final int status;
        final String error;

        HttpError(int status, String error, String detail) {
            super(detail, null, false, false);
            this.status = status;
            this.error = error;
        }
    }
}
