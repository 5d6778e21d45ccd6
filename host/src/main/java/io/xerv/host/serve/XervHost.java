package io.xerv.host.serve;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.xerv.host.engine.Engine;
import io.xerv.host.engine.EngineConfig;
import io.xerv.host.flow.FlowError;
import io.xerv.host.flow.FlowException;
import io.xerv.host.grpc.GrpcApi;
import io.xerv.host.plugin.NodeRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * One running {@code xerv serve} host: an engine over the data directory, the pipeline controller
 * with the configured flows deployed, unfinished traces recovered, and the HTTP server listening.
 *
 * <p>The HTTP server runs one instance per event loop on the engine's own Vert.x, so a request and
 * the traces it starts share threads without a second Vert.x. {@link #close()} shuts down gracefully.
 * Thread-safe.
 */
public final class XervHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(XervHost.class);

    /** How long open connections get to finish their requests once the traces have ended. */
    private static final long SERVER_CLOSE_MS = 5_000;
    /** Slack on top of a wait that an event-loop timer should end, for when no event loop runs it. */
    private static final long CLOSE_GRACE_MS = 1_000;

    private final ServeConfig config;
    private final Engine engine;
    private final PipelineController controller;
    private final List<String> deployErrors;
    private final int recovered;
    private final String deployment;
    private final int port;
    private volatile boolean closed;

    private XervHost(ServeConfig config, Engine engine, PipelineController controller, List<String> deployErrors,
                     int recovered, String deployment, int port) {
        this.config = config;
        this.engine = engine;
        this.controller = controller;
        this.deployErrors = deployErrors;
        this.recovered = recovered;
        this.deployment = deployment;
        this.port = port;
    }

    /**
     * Starts a host: opens the data directory, deploys the configured flows, then the deployments
     * recorded from the API (a flow that fails to deploy is reported in {@link #deployErrors()} and
     * the rest still run), resumes unfinished traces, then listens. Blocks until the server listens; call it from a thread that may block.
     *
     * @throws Exception when the data directory cannot be opened or the port cannot be bound
     */
    public static XervHost start(ServeConfig config, NodeRegistry registry) throws Exception {
        return start(config, registry, e -> e);
    }

    /** As {@link #start(ServeConfig, NodeRegistry)}, with the engine's config adjusted (tests: a faulty disk). */
    static XervHost start(ServeConfig config, NodeRegistry registry,
            java.util.function.UnaryOperator<EngineConfig> adjust) throws Exception {
        Files.createDirectories(config.dataDir());
        // Engine.start takes the data directory's lock first: a second host on it fails here.
        Engine engine = Engine.start(adjust.apply(EngineConfig.defaults(config.dataDir()).withRegistry(config.policy().restrict(registry))
                .withEventLoops(config.eventLoops()).withDurability(config.durability())
                .withServices(config.hostServices()).withLimits(config.limits().engine())));
        try {
            ServeMetrics metrics = new ServeMetrics(engine);
            PipelineController controller = new PipelineController(engine, metrics, new PipelineController.Options(
                    config.secretLookup(), config.keepFinishedTraces(), Path.of("").toAbsolutePath(),
                    config.dataDir().resolve("pipelines")));
            List<String> errors = new ArrayList<>();
            deployAll(controller, flowFiles(config.flows(), errors), errors);
            // Then what the API deployed before the last stop (see redeployRecorded for which wins).
            controller.redeployRecorded(errors);
            int recovered = controller.recover();
            ApiKeys keys = config.apiKeys().withLocalToken(LocalToken.ensure(config.dataDir()));
            HttpApi api = new HttpApi(controller, config, keys);
            GrpcApi grpc = new GrpcApi(controller, keys, config.connections());
            HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(config.port())
                    .setCompressionSupported(false).setTcpNoDelay(true)
                    .setIdleTimeout((int) config.connections().idleTimeoutMs()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
            if (config.tlsCert() != null) {
                options.setSsl(true).setUseAlpn(true).setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(config.tlsCert().toString()).setKeyPath(config.tlsKey().toString()));
            }
            int[] bound = {config.port()};
            java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
            String id = engine.vertx().deployVerticle(() -> new ServerVerticle(api, grpc, options, bound,
                            config.connections(), open),
                    new DeploymentOptions().setInstances(config.eventLoops())).await();
            return new XervHost(config, engine, controller, List.copyOf(errors), recovered, id, bound[0]);
        } catch (Exception | Error e) {
            engine.close();
            throw e;
        }
    }

    /**
     * Deploys flow files in their order, reporting each one that fails in {@code errors}. Loading and
     * linking them (compiling WASM modules, starting the JS engine and contexts) is most of a start's
     * time, so it runs for several flows at once: on more threads than cores, so that flows waiting
     * for the JS engine's start leave the cores to the others.
     */
    private static void deployAll(PipelineController controller, List<Path> files, List<String> errors) {
        int threads = Math.min(Math.max(1, files.size()), Math.max(4, Runtime.getRuntime().availableProcessors()));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads,
                Thread.ofPlatform().name("xerv-deploy-", 0).daemon(true).factory());
        try {
            List<java.util.concurrent.Future<PipelineController.Prepared>> prepared = new ArrayList<>();
            for (Path f : files) {
                prepared.add(pool.submit(() -> controller.prepare(f)));
            }
            for (int i = 0; i < files.size(); i++) {
                Path f = files.get(i);
                try {
                    controller.install(prepared.get(i).get(), true);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof FlowException fe) {
                        for (FlowError error : fe.errors()) {
                            errors.add(error.toString());
                        }
                    } else if (e.getCause() instanceof IOException || e.getCause() instanceof Refusal) {
                        errors.add(f + ": " + e.getCause().getMessage());
                    } else {
                        errors.add(f + ": " + e.getCause());
                    }
                } catch (Refusal e) {
                    errors.add(f + ": " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    errors.add(f + ": interrupted while deploying");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The flow files to deploy: files as given, folders' {@code *.yaml} and {@code *.yml} files sorted. */
    static List<Path> flowFiles(List<Path> paths, List<String> errors) {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> Files.isRegularFile(f) && (f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")))
                            .sorted().forEach(out::add);
                } catch (IOException e) {
                    errors.add(p + ": cannot list the folder: " + e.getMessage());
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                errors.add(p + ": no such flow file or folder");
            }
        }
        return out;
    }

    /** The port the server listens on (the bound one when the config asked for 0). */
    public int port() {
        return port;
    }

    /** The base URL of the server. */
    public String url() {
        String h = config.host().equals("0.0.0.0") || config.host().equals("::") ? "localhost" : config.host();
        return (config.tlsCert() != null ? "https://" : "http://") + h + ":" + port;
    }

    /** The configuration it runs with. */
    public ServeConfig config() {
        return config;
    }

    /** The pipelines. */
    public PipelineController controller() {
        return controller;
    }

    /** The engine. */
    public Engine engine() {
        return engine;
    }

    /** Problems of flows that did not deploy at start-up, each naming file, line and column. */
    public List<String> deployErrors() {
        return deployErrors;
    }

    /** How many unfinished traces were resumed at start-up. */
    public int recoveredTraces() {
        return recovered;
    }

    /**
     * Shuts down gracefully: new requests and triggers are refused, running and queued traces get
     * {@code shutdown_timeout_ms} to end (those still running stay in the write-ahead log and resume
     * at the next start), the HTTP server closes, and the engine closes its log cleanly. Blocks.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long timeout = config.shutdownTimeoutMs();
        try {
            // Bounded here too, on the calling thread: the wait must end even when no event loop can
            // run the controller's timers.
            boolean all = controller.shutdown(timeout).await(timeout + CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
            if (!all) {
                LOG.warn("shutdown: {} traces still running after {} ms; they resume at the next start",
                        engine.liveTraces(), timeout);
            }
        } catch (TimeoutException e) {
            LOG.warn("shutdown: the event loops did not report within {} ms; {} traces resume at the next start",
                    timeout + CLOSE_GRACE_MS, engine.liveTraces());
        } catch (Exception e) {
            LOG.warn("shutdown: waiting for traces failed: {}", e.getMessage());
        }
        try {
            engine.vertx().undeploy(deployment).await(SERVER_CLOSE_MS + CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("shutdown: the HTTP server did not close cleanly: {}", e.toString());
        }
        controller.close();
        engine.close();
    }

    /** One HTTP server instance; Vert.x spreads the instances over its event loops on one port. */
    private static final class ServerVerticle extends VerticleBase {
        private final HttpApi api;
        private final GrpcApi grpc;
        private final HttpServerOptions options;
        private final int[] bound;
        private final ConnectionLimits limits;
        private final java.util.concurrent.atomic.AtomicInteger open;
        private HttpServer server;

        ServerVerticle(HttpApi api, GrpcApi grpc, HttpServerOptions options, int[] bound, ConnectionLimits limits,
                       java.util.concurrent.atomic.AtomicInteger open) {
            this.api = api;
            this.grpc = grpc;
            this.options = options;
            this.bound = bound;
            this.limits = limits;
            this.open = open;
        }

        @Override
        public Future<?> start() {
            Router router = api.router(vertx);
            server = vertx.createHttpServer(options).connectionHandler(new ConnectionGuard(limits, open).connections())
                    .requestHandler(grpc.requestHandler(vertx, api.requestHandler(router)));
            return server.listen().onSuccess(s -> {
                synchronized (bound) {
                    bound[0] = s.actualPort();
                }
            });
        }

        @Override
        public Future<?> stop() {
            return server.shutdown(Duration.ofMillis(SERVER_CLOSE_MS));
        }
    }
}
