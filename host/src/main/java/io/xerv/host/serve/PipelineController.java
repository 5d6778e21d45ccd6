package io.xerv.host.serve;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.xerv.arena.ValueCodec;
import io.xerv.host.engine.CompiledFlow;
import io.xerv.host.engine.Engine;
import io.xerv.host.engine.NodeReport;
import io.xerv.host.engine.TraceHandle;
import io.xerv.host.engine.TraceObserver;
import io.xerv.host.engine.TraceReport;
import io.xerv.host.engine.TraceStatus;
import io.xerv.host.flow.FlowDefinition;
import io.xerv.host.flow.FlowError;
import io.xerv.host.flow.FlowException;
import io.xerv.host.flow.FlowLoader;
import io.xerv.host.flow.TriggerDef;
import io.xerv.host.trigger.TriggerListeners;
import io.xerv.plugin.Value;
import io.xerv.plugin.Values;
import io.xerv.wal.WalRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The pipelines of one host: deploys flows as versioned pipelines, runs their lifecycle, and turns
 * trigger events into traces through each pipeline's bounded queue and circuit breaker. The HTTP
 * API, the gRPC API and the cron and file listeners all go through this class.
 *
 * <p>Submitting: a pipeline runs at most {@code max_concurrent_executions} traces at once; further
 * submissions wait in a bounded queue of {@code max_queued_traces}; beyond that they are refused
 * with {@link Refusal.Reason#QUEUE_FULL} and a retry-after estimate, so memory never grows without
 * bound. A submission's future completes only once the trace's start is durable in the write-ahead
 * log (a queued submission completes when it leaves the queue and starts).
 *
 * <p>Versions: deploying a flow whose name is deployed already adds a version; new traces go to the
 * newest while traces of older versions run to their end, then the old version is forgotten. At
 * most {@code max_concurrent_versions} versions may have traces at once.
 *
 * <p>Failures: every future fails with a {@link Refusal} when the request is refused (its reason
 * maps to an HTTP status), with {@link FlowException} for a flow that does not validate, and with
 * other exceptions only for host faults (the write-ahead log failed).
 *
 * <p>Thread-safe: lifecycle methods synchronize on the pipeline they change; the submit path is
 * lock-free (atomic counters and a JCTools queue) and never blocks the calling event loop.
 */
public final class PipelineController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineController.class);

    /**
     * How a controller is set up.
     *
     * @param secrets resolves webhook {@code secret_env} names (the host's config first, then the
     *     environment); returns null for an unknown name
     * @param keepFinishedTraces finished traces whose reports stay queryable through the API
     * @param baseDir what relative paths of flows deployed as text resolve against (file triggers)
     * @param deployments the folder where deployments and lifecycle changes made through the API are
     *     recorded ({@code <data-dir>/pipelines}), or null to record nothing
     */
    public record Options(Function<String, String> secrets, int keepFinishedTraces, Path baseDir, Path deployments) {
        public Options {
            Objects.requireNonNull(secrets, "secrets");
            Objects.requireNonNull(baseDir, "baseDir");
            if (keepFinishedTraces < 0) {
                throw new IllegalArgumentException("keepFinishedTraces must be >= 0, got " + keepFinishedTraces);
            }
        }

        /** Options that record no deployments. */
        public Options(Function<String, String> secrets, int keepFinishedTraces, Path baseDir) {
            this(secrets, keepFinishedTraces, baseDir, null);
        }

        /** Secrets from the environment, 10,000 finished traces kept, the working directory. */
        public static Options defaults() {
            return new Options(System::getenv, 10_000, Path.of("").toAbsolutePath());
        }
    }

    private final Engine engine;
    private final Options options;
    private final ServeMetrics metrics;
    private final ConcurrentHashMap<String, Pipeline> pipelines = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Webhook> webhooks = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UUID, Pipeline.Live> live = new ConcurrentHashMap<>();
    private final FinishedTraces finished;
    /** Deployments made through the API, kept for the next start; null when nothing is recorded. */
    private final Deployments deployments;
    /** The digest of each pipeline's flow in the flows folder, as deployed at start. */
    private final ConcurrentHashMap<String, String> folderDigests = new ConcurrentHashMap<>();
    /** Unfinished traces of the log resumed since the start. */
    private final java.util.concurrent.atomic.AtomicInteger resumed = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean shuttingDown;

    /** A controller over a started engine; it does not own the engine (closing it leaves the engine open). */
    public PipelineController(Engine engine, ServeMetrics metrics, Options options) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.options = Objects.requireNonNull(options, "options");
        this.finished = new FinishedTraces(options.keepFinishedTraces());
        this.deployments = options.deployments() == null ? null : new Deployments(options.deployments());
    }

    /** The engine the traces run on. */
    public Engine engine() {
        return engine;
    }

    /** The metrics this controller reports to. */
    public ServeMetrics metrics() {
        return metrics;
    }

    // ------------------------------------------------------------------ deploying

    /**
     * Checks a flow without deploying it: YAML, nodes, edges, selectors, trigger params (cron
     * expressions, watched paths, webhook secrets).
     *
     * @param sourceName the file name errors name
     * @return every problem found, each with file, line and column; empty when the flow is valid
     */
    public List<FlowError> validate(String sourceName, String yamlText) {
        try {
            compile(FlowLoader.parse(sourceName, yamlText, engine.registry()));
            return List.of();
        } catch (FlowException e) {
            return e.errors();
        }
    }

    /**
     * Deploys a flow from YAML text and starts it (see {@link #deploy(String, String, boolean)}).
     *
     * @throws FlowException when the flow does not validate (every error names file, line and column)
     * @throws Refusal CONFLICT when a webhook path is taken by another pipeline or too many versions
     *     of the pipeline still run; SHUTTING_DOWN while the host stops
     */
    public PipelineInfo deploy(String sourceName, String yamlText) throws FlowException {
        return deploy(sourceName, yamlText, true);
    }

    /**
     * Deploys a flow from YAML text, as the API does. A new name becomes a new pipeline (running when
     * {@code start}); a deployed name gets a new version that new traces run from now on, while traces
     * of older versions finish (redeploying the same flow changes nothing). The pipeline's state is
     * kept on redeploy. Unfinished traces of the same flow (by {@link FlowDefinition#digest()}) that
     * waited for it resume.
     *
     * <p>When the controller records deployments, the flow's YAML and the pipeline's state are written
     * under the data directory before this returns, and the next start deploys it again (see
     * {@link #redeployRecorded}).
     *
     * @throws FlowException when the flow does not validate
     * @throws Refusal CONFLICT or SHUTTING_DOWN, as for {@link #deploy(String, String)}
     * @throws java.io.UncheckedIOException when the flow was deployed but could not be recorded
     */
    public PipelineInfo deploy(String sourceName, String yamlText, boolean start) throws FlowException {
        CompiledFlow flow = compile(FlowLoader.parse(sourceName, yamlText, engine.registry()));
        String name = flow.name();
        String digest = flow.digest();
        // Deploy and record under one lock: of two deploys at once, the one that runs is the one recorded.
        synchronized (this) {
            PipelineInfo info = install(new Prepared(flow, options.baseDir(), null), start);
            if (deployments != null) {
                try {
                    Pipeline p = pipelines.get(name);
                    deployments.deployed(name, flow.version(), digest, yamlText, sourceName, folderDigests.get(name),
                            p == null ? PipelineState.STOPPED : p.state, System.currentTimeMillis());
                    pruneRecorded(name);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("pipeline '" + name + "' was deployed but cannot be recorded in "
                            + deployments.root() + ", so it will not be deployed again at the next start: " + e.getMessage(), e);
                }
            }
            return info;
        }
    }

    /**
     * Deploys a flow file and starts it; relative paths in its triggers resolve against its folder.
     *
     * @throws FlowException when the flow does not validate
     * @throws IOException when the file cannot be read
     * @throws Refusal CONFLICT or SHUTTING_DOWN, as for {@link #deploy(String, String)}
     */
    public PipelineInfo deploy(Path file) throws FlowException, IOException {
        return install(prepare(file), true);
    }

    /**
     * A flow loaded and linked, not yet deployed: {@link #install(Prepared, boolean)} deploys it.
     *
     * @param file the flow file it came from (a flows folder's), or null for YAML text
     */
    public record Prepared(CompiledFlow flow, Path baseDir, Path file) {
    }

    /**
     * Loads and links a flow file without deploying it: the slow part of a deploy (compiling WASM
     * modules, starting JS contexts), which may run on any thread, several flows at once.
     *
     * @throws FlowException when the flow does not validate
     * @throws IOException when the file cannot be read
     */
    public Prepared prepare(Path file) throws FlowException, IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such flow file: " + file);
        }
        return new Prepared(compile(FlowLoader.load(file, engine.registry())), file.toAbsolutePath().getParent(), file);
    }

    /**
     * Deploys a prepared flow, starting it when {@code start} is true. A flow that is not deployed
     * (refused) is closed.
     *
     * @throws Refusal CONFLICT or SHUTTING_DOWN, as for {@link #deploy(String, String)}
     */
    public PipelineInfo install(Prepared prepared, boolean start) {
        String name = prepared.flow().name();
        String digest = prepared.flow().digest();
        PipelineInfo info;
        try {
            info = install(prepared.flow(), prepared.baseDir(), start);
        } catch (Refusal r) {
            prepared.flow().close();
            throw r;
        }
        if (prepared.file() != null) {
            folderDigests.put(name, digest);
        }
        return info;
    }

    private CompiledFlow compile(FlowDefinition def) throws FlowException {
        CompiledFlow flow = engine.link(def);
        List<FlowError> errors = new ArrayList<>();
        for (TriggerDef t : def.triggers()) {
            errors.addAll(TriggerListeners.validate(t));
            if (t.type().equals("webhook")) {
                String path = t.param("path");
                if (path != null && (path.equals(HttpApi.API) || path.startsWith(HttpApi.API + "/") || path.equals("/health")
                        || path.equals("/metrics"))) {
                    errors.add(new FlowError(t.mark(), "trigger '" + t.id() + "': webhook path " + path
                            + " is reserved for the host's API; choose another params.path"));
                }
                try {
                    WebhookAuth.of(t, options.secrets());
                } catch (IllegalArgumentException e) {
                    errors.add(new FlowError(t.mark(), "trigger '" + t.id() + "': " + e.getMessage()));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new FlowException(errors);
        }
        return flow;
    }

    private PipelineInfo install(CompiledFlow flow, Path baseDir, boolean start) {
        if (shuttingDown) {
            throw new Refusal(Refusal.Reason.SHUTTING_DOWN, "the host is shutting down; deploys are refused");
        }
        FlowDefinition def = flow.definition();
        synchronized (this) {
            Pipeline p = pipelines.get(def.name());
            boolean created = p == null;
            if (created) {
                p = new Pipeline(this, def.name(), flow.definition().settings());
            }
            synchronized (p) {
                if (!created && p.current.flow.digest().equals(flow.digest())
                        && p.current.flow.definition().settings().equals(def.settings())) {
                    flow.close();
                    return p.info();
                }
                Map<String, Webhook> hooks = webhooksOf(p, flow);
                if (!created) {
                    p.checkVersionRoom();
                }
                Pipeline.Version v = p.addVersion(flow, baseDir, System.currentTimeMillis());
                webhooks.values().removeIf(w -> w.pipeline.equals(def.name()));
                webhooks.putAll(hooks);
                if (created) {
                    p.meters = metrics.new PipelineMeters(def.name(), p, q -> q.running.get(), q -> q.queued.get(),
                            q -> q.breaker.state().gauge());
                    pipelines.put(def.name(), p);
                    if (start) {
                        p.start();
                    }
                } else {
                    p.versionDeployed(v);
                }
                resumeWaiting(p);
                return p.info();
            }
        }
    }

    /**
     * Deploys again what was deployed and changed through the API before the host last stopped. Call
     * it at start, after the flows folder's flows are installed and before {@link #recover()}.
     *
     * <p>Precedence: a recorded deployment is deployed on top of the flows folder's flow of the same
     * name, unless that flow changed since the recorded deployment was made (its digest differs from
     * the one recorded with it, or the folder gained a flow of that name): then the folder's flow runs
     * and the recorded deployment is forgotten. A recorded lifecycle state (paused, stopped) applies
     * to the pipeline either way. Older recorded versions that unfinished traces ran are deployed
     * first, so that those traces resume and finish on them.
     *
     * @param errors gets a line for each recorded deployment that cannot be deployed again
     */
    public void redeployRecorded(List<String> errors) {
        if (deployments == null) {
            return;
        }
        for (Deployments.Entry e : deployments.load(errors)) {
            Path where = deployments.folder(e.name());
            try {
                redeploy(e, where, errors);
            } catch (IOException | RuntimeException ex) {
                errors.add(where + ": the recorded deployment of pipeline '" + e.name() + "' cannot be applied: " + ex.getMessage());
            }
        }
    }

    private void redeploy(Deployments.Entry e, Path where, List<String> errors) throws IOException {
        String name = e.name();
        Deployments.Deployed d = e.version();
        if (d != null) {
            String folder = folderDigests.get(name);
            if (folder != null && !folder.equals(d.supersedes())) {
                LOG.info("pipeline {}: its flow in the flows folder changed since version {} was deployed through the API;"
                        + " the folder's flow runs", name, d.version());
                deployments.forgetVersion(name);
            } else {
                java.util.Set<String> older = new java.util.LinkedHashSet<>();
                for (io.xerv.host.engine.TraceLog t : engine.unfinishedTraces()) {
                    if (t.start().pipeline().equals(name) && !t.start().digest().equals(d.digest())) {
                        older.add(t.start().digest());
                    }
                }
                for (String digest : older) {
                    Optional<Path> file = deployments.versionFile(name, digest);
                    if (file.isPresent()) {
                        installRecorded(name, Files.readString(file.get(), StandardCharsets.UTF_8), d.source(), where, errors);
                    }
                }
                if (!installRecorded(name, deployments.yaml(e), d.source(), where, errors)) {
                    return;
                }
                pruneRecorded(name);
            }
        }
        Pipeline p = pipelines.get(name);
        if (p == null) {
            LOG.info("pipeline {}: recorded as {} but no longer deployed; its record is removed", name, e.state().label());
            deployments.remove(name);
            return;
        }
        synchronized (p) {
            switch (e.state()) {
                case RUNNING, PAUSED -> {
                    if (p.state == PipelineState.STOPPED) {
                        p.start();
                    }
                    if (e.state() == PipelineState.PAUSED) {
                        p.pause();
                    }
                }
                default -> {
                    if (p.state != PipelineState.STOPPED) {
                        p.stop("pipeline '" + name + "' was stopped before the host's last stop");
                    }
                }
            }
        }
    }

    /** Installs a recorded flow (not started when new); false when it does not deploy (reported in errors). */
    private boolean installRecorded(String name, String yaml, String source, Path where, List<String> errors) {
        try {
            install(new Prepared(compile(FlowLoader.parse(source, yaml, engine.registry())), options.baseDir(), null), false);
            return true;
        } catch (FlowException fe) {
            for (FlowError error : fe.errors()) {
                errors.add(where + ": recorded deployment of pipeline '" + name + "': " + error);
            }
        } catch (Refusal r) {
            errors.add(where + ": recorded deployment of pipeline '" + name + "': " + r.getMessage());
        }
        return false;
    }

    /** The webhook bindings of a flow, refused when another pipeline holds one of its method and path pairs. */
    private Map<String, Webhook> webhooksOf(Pipeline p, CompiledFlow flow) {
        Map<String, Webhook> out = new LinkedHashMap<>();
        for (TriggerDef t : flow.definition().triggers()) {
            if (!t.type().equals("webhook") || !t.enabled()) {
                continue;
            }
            String key = Webhook.key(t.param("method"), t.param("path"));
            Webhook held = webhooks.get(key);
            if (held != null && !held.pipeline.equals(flow.name())) {
                throw new Refusal(Refusal.Reason.CONFLICT, "webhook " + t.param("method") + " " + t.param("path")
                        + " of trigger '" + t.id() + "' is taken by pipeline '" + held.pipeline + "'");
            }
            if (out.containsKey(key)) {
                throw new Refusal(Refusal.Reason.CONFLICT, "two webhook triggers of '" + flow.name() + "' use "
                        + t.param("method") + " " + t.param("path"));
            }
            out.put(key, new Webhook(t.param("method"), t.param("path"), flow.name(), t.id(), "async".equals(t.param("mode")), WebhookAuth.of(t, options.secrets())));
        }
        return out;
    }

    // ------------------------------------------------------------------ reading

    /** Every pipeline, by name. */
    public List<PipelineInfo> list() {
        return pipelines.values().stream().map(Pipeline::info).sorted(Comparator.comparing(PipelineInfo::name)).toList();
    }

    /** One pipeline, or empty. */
    public Optional<PipelineInfo> get(String name) {
        Pipeline p = pipelines.get(name);
        return p == null ? Optional.empty() : Optional.of(p.info());
    }

    /** The current flow of a pipeline, or empty. */
    public Optional<CompiledFlow> flow(String name) {
        Pipeline p = pipelines.get(name);
        return p == null ? Optional.empty() : Optional.of(p.current.flow);
    }

    /**
     * The webhook trigger bound to a method and path, or null. Called on every webhook request: it
     * allocates nothing.
     */
    public Webhook webhook(String method, String path) {
        return webhooks.get(Webhook.key(method, path));
    }

    /** Every webhook binding (for the host's start-up summary). */
    public List<Webhook> webhooks() {
        return List.copyOf(webhooks.values());
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Starts a stopped (or resumes a paused) pipeline and its trigger listeners.
     *
     * @throws Refusal UNKNOWN_PIPELINE; CONFLICT while it drains
     */
    public PipelineInfo start(String name) {
        Pipeline p = pipeline(name);
        synchronized (p) {
            p.start();
            recordState(p);
            return p.info();
        }
    }

    /**
     * Pauses a running pipeline: new traces are refused and listeners pause; accepted traces go on.
     *
     * @throws Refusal UNKNOWN_PIPELINE; CONFLICT unless it is running or paused
     */
    public PipelineInfo pause(String name) {
        Pipeline p = pipeline(name);
        synchronized (p) {
            p.pause();
            recordState(p);
            return p.info();
        }
    }

    /**
     * Resumes a paused pipeline.
     *
     * @throws Refusal UNKNOWN_PIPELINE; CONFLICT unless it is paused or running
     */
    public PipelineInfo resume(String name) {
        Pipeline p = pipeline(name);
        synchronized (p) {
            p.resume();
            recordState(p);
            return p.info();
        }
    }

    /**
     * Drains a pipeline: new traces are refused, listeners stop, and the future completes once its
     * running and queued traces have ended (the pipeline is then stopped). After the flow's
     * {@code drain_timeout_ms} the traces still running are cancelled.
     *
     * @return a future of the stopped pipeline; fails with UNKNOWN_PIPELINE or CONFLICT (stopped already)
     */
    public Future<PipelineInfo> drain(String name) {
        Pipeline p;
        try {
            p = pipeline(name);
        } catch (Refusal r) {
            return Future.failedFuture(r);
        }
        Future<PipelineInfo> f;
        synchronized (p) {
            f = p.drain().map(v -> p.info());
        }
        if (deployments != null) {
            // Called on an event loop: the file is written on a worker. A drain ends stopped; a start
            // that came first is recorded as the state it left.
            engine.vertx().executeBlocking(() -> {
                synchronized (p) {
                    if (pipelines.get(name) == p) {
                        deployments.state(name, p.state);
                    }
                }
                return null;
            }, false).onFailure(e -> LOG.error("pipeline {} is draining but its state cannot be recorded in {}: {}",
                    name, deployments.root(), e.toString()));
        }
        return f;
    }

    /**
     * Stops a pipeline at once: listeners close, queued submissions are refused (NOT_RUNNING) and
     * running traces are cancelled.
     *
     * @throws Refusal UNKNOWN_PIPELINE
     */
    public PipelineInfo stop(String name) {
        Pipeline p = pipeline(name);
        synchronized (p) {
            p.stop("pipeline '" + name + "' was stopped");
            recordState(p);
            return p.info();
        }
    }

    /**
     * Deletes a pipeline (stopping it first, which cancels its running traces) and frees its webhook paths.
     *
     * @return the pipeline as it was
     * @throws Refusal UNKNOWN_PIPELINE
     */
    public synchronized PipelineInfo delete(String name) {
        Pipeline p = pipeline(name);
        synchronized (p) {
            p.stop("pipeline '" + name + "' was deleted");
            pipelines.remove(name);
            webhooks.values().removeIf(w -> w.pipeline.equals(name));
            if (p.meters != null) {
                p.meters.remove();
            }
            if (deployments != null) {
                try {
                    deployments.remove(name);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("pipeline '" + name + "' was deleted but its record in "
                            + deployments.root() + " cannot be removed, so the next start deploys it again: " + e.getMessage(), e);
                }
            }
            return p.info();
        }
    }

    /**
     * Pauses one trigger of a pipeline: its listener stops firing and its webhook answers 503.
     *
     * @throws Refusal UNKNOWN_PIPELINE, UNKNOWN_TRIGGER
     */
    public PipelineInfo pauseTrigger(String name, String triggerId) {
        Pipeline p = pipeline(name);
        synchronized (p) {
            p.pauseTrigger(triggerId, true);
            return p.info();
        }
    }

    /**
     * Resumes one paused trigger.
     *
     * @throws Refusal UNKNOWN_PIPELINE, UNKNOWN_TRIGGER
     */
    public PipelineInfo resumeTrigger(String name, String triggerId) {
        Pipeline p = pipeline(name);
        synchronized (p) {
            p.pauseTrigger(triggerId, false);
            return p.info();
        }
    }

    /**
     * Closes a pipeline's circuit breaker at once.
     *
     * @throws Refusal UNKNOWN_PIPELINE
     */
    public PipelineInfo resetBreaker(String name) {
        Pipeline p = pipeline(name);
        p.breaker.reset();
        return p.info();
    }

    /** Records a pipeline's lifecycle state for the next start. Does file I/O: not on an event loop. */
    private void recordState(Pipeline p) {
        if (deployments == null) {
            return;
        }
        try {
            deployments.state(p.name, p.state);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("pipeline '" + p.name + "' is " + p.state.label()
                    + " but its state cannot be recorded in " + deployments.root() + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the recorded version files of a pipeline that none of its versions runs any more. */
    private void pruneRecorded(String name) throws IOException {
        Pipeline p = pipelines.get(name);
        java.util.Set<String> keep = new java.util.HashSet<>();
        if (p != null) {
            for (Pipeline.Version v : p.versions) {
                keep.add(v.flow.digest());
            }
        }
        for (io.xerv.host.engine.TraceLog t : engine.unfinishedTraces()) {
            if (t.start().pipeline().equals(name)) {
                keep.add(t.start().digest());
            }
        }
        deployments.prune(name, keep);
    }

    private Pipeline pipeline(String name) {
        Pipeline p = name == null ? null : pipelines.get(name);
        if (p == null) {
            throw new Refusal(Refusal.Reason.UNKNOWN_PIPELINE, "no pipeline named '" + name + "'");
        }
        return p;
    }

    // ------------------------------------------------------------------ traces

    /**
     * Submits a trace to a pipeline.
     *
     * @param triggerId the trigger that fires, or null for the flow's default trigger
     * @param json the payload, JSON text (checked before the trace is queued)
     * @return the accepted trace once its start is durable; fails with a {@link Refusal}
     *     (UNKNOWN_PIPELINE, UNKNOWN_TRIGGER, BAD_REQUEST, PAUSED, NOT_RUNNING, QUEUE_FULL with a
     *     retry-after, BREAKER_OPEN with a retry-after, SHUTTING_DOWN), or with the log's failure
     */
    public Future<Accepted> submit(String pipeline, String triggerId, byte[] json) {
        Pipeline p = pipelines.get(pipeline);
        if (p == null) {
            return Future.failedFuture(new Refusal(Refusal.Reason.UNKNOWN_PIPELINE, "no pipeline named '" + pipeline + "'"));
        }
        byte[] flex;
        try {
            flex = encode(json);
        } catch (Refusal r) {
            return Future.failedFuture(r);
        }
        return p.submit(triggerId, flex);
    }

    /**
     * As {@link #submit}, with the payload encoded already by {@link #encode} (a webhook keeps the
     * encoding to recognise its payload in the trace's result).
     */
    Future<Accepted> submitEncoded(String pipeline, String triggerId, byte[] flex) {
        Pipeline p = pipelines.get(pipeline);
        if (p == null) {
            return Future.failedFuture(new Refusal(Refusal.Reason.UNKNOWN_PIPELINE, "no pipeline named '" + pipeline + "'"));
        }
        return p.submit(triggerId, flex);
    }

    /**
     * A payload's JSON text as the FlexBuffers bytes a trace starts from.
     *
     * @throws Refusal BAD_REQUEST for malformed JSON
     */
    static byte[] encode(byte[] json) {
        try {
            ByteBuffer b = ValueCodec.encodeJson(json);
            byte[] flex = new byte[b.remaining()];
            b.get(flex);
            return flex;
        } catch (IllegalArgumentException e) {
            throw new Refusal(Refusal.Reason.BAD_REQUEST, "the payload is not valid JSON: " + e.getMessage());
        }
    }

    /**
     * A trace's report: live traces are asked for a fresh snapshot; finished ones come from the
     * kept reports; traces this host's write-ahead log showed at start-up answer with their status,
     * unfinished ones whose flow is not deployed as {@code stranded} with {@code waitingFor}.
     *
     * @return the trace, or empty when this host knows nothing of it
     */
    public Future<Optional<TraceView>> trace(UUID id) {
        Pipeline.Live l = live.get(id);
        if (l != null) {
            return l.handle.report().map(r -> Optional.of(view(r, l.startedAt)));
        }
        byte[] done = finished.get(id);
        if (done != null) {
            return Future.succeededFuture(Optional.of(TraceView.packed(done)));
        }
        io.xerv.host.engine.TraceLog waiting = strandedTrace(id);
        if (waiting != null) {
            return Future.succeededFuture(Optional.of(stranded(waiting)));
        }
        return Future.succeededFuture(engine.recordedTrace(id).map(this::recorded));
    }

    /** An unfinished trace of the log that no deployed flow runs, or null. */
    private io.xerv.host.engine.TraceLog strandedTrace(UUID id) {
        for (io.xerv.host.engine.TraceLog log : engine.unfinishedTraces()) {
            if (log.traceId().equals(id)) {
                return log;
            }
        }
        return null;
    }

    /** What a stranded trace waits for: {@code flow NAME@VERSION}. */
    static String waitingFor(WalRecord.TraceStart s) {
        return "flow " + s.pipeline() + "@" + s.version();
    }

    private static TraceView stranded(io.xerv.host.engine.TraceLog log) {
        WalRecord.TraceStart s = log.start();
        StringBuilder sb = new StringBuilder(320).append("{\"traceId\":\"").append(log.traceId()).append("\",\"pipeline\":");
        Values.appendJsonString(sb, s.pipeline());
        sb.append(",\"version\":");
        Values.appendJsonString(sb, s.version());
        sb.append(",\"status\":\"").append(TraceStatus.STRANDED.label()).append("\",\"waitingFor\":");
        Values.appendJsonString(sb, waitingFor(s));
        sb.append(",\"digest\":");
        Values.appendJsonString(sb, s.digest());
        sb.append(",\"startedAt\":").append(s.timeMillis()).append(",\"nodes\":[],\"result\":null,\"recorded\":true}");
        return TraceView.rendered(log.traceId(), s.pipeline(), s.version(), TraceStatus.STRANDED, s.timeMillis(), sb.toString());
    }

    private TraceView recorded(io.xerv.host.engine.TraceLog log) {
        WalRecord.TraceStart s = log.start();
        TraceStatus status = TraceStatus.RUNNING;
        String error = null;
        for (WalRecord r : log.records()) {
            if (r instanceof WalRecord.TraceComplete) {
                status = TraceStatus.COMPLETED;
            } else if (r instanceof WalRecord.TraceFailed f) {
                status = f.error() != null && f.error().startsWith("cancelled") ? TraceStatus.CANCELLED : TraceStatus.FAILED;
                error = f.error();
            }
        }
        String pipeline = s == null ? "" : s.pipeline();
        StringBuilder sb = new StringBuilder(256).append("{\"traceId\":\"").append(log.traceId()).append("\",\"pipeline\":");
        Values.appendJsonString(sb, pipeline);
        sb.append(",\"version\":");
        Values.appendJsonString(sb, s == null ? "" : s.version());
        sb.append(",\"status\":\"").append(status.label()).append("\",\"nodes\":[],\"result\":null");
        if (error != null) {
            sb.append(",\"error\":");
            Values.appendJsonString(sb, error);
        }
        sb.append(",\"recorded\":true}");
        return TraceView.rendered(log.traceId(), pipeline, s == null ? "" : s.version(), status,
                s == null ? 0 : s.timeMillis(), sb.toString());
    }

    /**
     * Traces this host knows, newest first: running and suspended ones, then stranded ones (unfinished
     * in the log, waiting for their flow), then finished ones kept.
     *
     * @param pipeline only this pipeline's, or null for all
     * @param status only those with this status, or null for all
     * @param limit at most this many
     */
    public List<TraceSummary> traces(String pipeline, TraceStatus status, int limit) {
        List<TraceSummary> out = new ArrayList<>();
        java.util.Set<UUID> suspended = new java.util.HashSet<>(engine.suspensions().values());
        List<Pipeline.Live> running = new ArrayList<>(live.values());
        running.sort(Comparator.comparingLong((Pipeline.Live l) -> l.startedAt).reversed());
        for (Pipeline.Live l : running) {
            if (out.size() >= limit) {
                return out;
            }
            // A trace that just ended shows its final status even before its end is filed.
            Future<TraceReport> end = l.handle.completion();
            TraceStatus s = end.succeeded() ? end.result().status()
                    : suspended.contains(l.traceId) ? TraceStatus.SUSPENDED : TraceStatus.RUNNING;
            if ((pipeline == null || pipeline.equals(l.pipeline.name)) && (status == null || status == s)) {
                out.add(new TraceSummary(l.traceId, l.pipeline.name, l.version.label, s, l.startedAt));
            }
        }
        if (out.size() >= limit) {
            return out;
        }
        if (status == null || status == TraceStatus.STRANDED) {
            List<io.xerv.host.engine.TraceLog> waiting = new ArrayList<>(engine.unfinishedTraces());
            waiting.sort(Comparator.comparingLong((io.xerv.host.engine.TraceLog t) -> t.start().timeMillis()).reversed());
            for (io.xerv.host.engine.TraceLog t : waiting) {
                if (out.size() >= limit) {
                    return out;
                }
                WalRecord.TraceStart s = t.start();
                if (pipeline == null || pipeline.equals(s.pipeline())) {
                    out.add(new TraceSummary(t.traceId(), s.pipeline(), s.version(), TraceStatus.STRANDED, s.timeMillis()));
                }
            }
        }
        if (out.size() >= limit) {
            return out;
        }
        // Filtered on the records' headers: only the rows listed are decoded.
        byte[] name = pipeline == null ? null : pipeline.getBytes(StandardCharsets.UTF_8);
        finished.forEachNewestFirst(r -> {
            if ((name == null || PackedTrace.pipelineIs(r, name)) && (status == null || status == PackedTrace.status(r))) {
                out.add(new TraceSummary(PackedTrace.traceId(r), PackedTrace.pipeline(r), PackedTrace.version(r),
                        PackedTrace.status(r), PackedTrace.startedAt(r)));
            }
            return out.size() < limit;
        });
        return out;
    }

    /**
     * One row of a trace listing.
     *
     * @param startedAt epoch millis when accepted (0 when unknown, e.g. resumed after a restart)
     */
    public record TraceSummary(UUID traceId, String pipeline, String version, TraceStatus status, long startedAt) {
    }

    /**
     * Cancels a running, suspended or stranded trace. A stranded one (unfinished in the log, its flow
     * not deployed) ends {@code cancelled} in the log: it is not resumed when its flow comes back.
     *
     * @param why the reason the trace's report gives; it should start with "cancelled"
     * @return completes once cancelled (for a stranded trace: once its end is durable); fails with
     *     UNKNOWN_TRACE when no such trace runs or waits here, or with the log's failure
     */
    public Future<Void> cancel(UUID id, String why) {
        if (live.containsKey(id)) {
            return engine.cancel(id, why).recover(e -> Future.failedFuture(
                    new Refusal(Refusal.Reason.UNKNOWN_TRACE, "no running trace " + id)));
        }
        io.xerv.host.engine.TraceLog waiting = strandedTrace(id);
        if (waiting == null) {
            return Future.failedFuture(new Refusal(Refusal.Reason.UNKNOWN_TRACE, "no running trace " + id));
        }
        String reason = why.startsWith("cancelled") ? why : "cancelled: " + why;
        WalRecord.TraceStart s = waiting.start();
        io.vertx.core.Context caller = io.vertx.core.Vertx.currentContext();
        Promise<Void> done = Promise.promise();
        engine.cancelUnfinished(id, reason).onComplete(ar -> {
            if (ar.succeeded() && options.keepFinishedTraces() > 0) {
                TraceReport r = new TraceReport(id, s.pipeline(), s.version(), s.trigger(), TraceStatus.CANCELLED,
                        List.of(), null, reason, List.of(), 0);
                finished.put(id, PackedTrace.encode(r, s.timeMillis(), null));
            }
            Future<Void> result = ar.succeeded() ? Future.succeededFuture()
                    : ar.cause() instanceof IllegalArgumentException
                    ? Future.failedFuture(new Refusal(Refusal.Reason.UNKNOWN_TRACE, "no running trace " + id))
                    : Future.failedFuture(ar.cause());
            // The log's writer told us: the caller's handlers run where they were called from.
            if (caller != null) {
                caller.runOnContext(v -> done.handle(result));
            } else {
                done.handle(result);
            }
        });
        return done.future();
    }

    /** Every suspension waiting for a resume. */
    public List<SuspensionInfo> suspensions() {
        List<SuspensionInfo> out = new ArrayList<>();
        engine.suspensions().forEach((hook, trace) -> {
            Pipeline.Live l = live.get(trace);
            out.add(new SuspensionInfo(hook, trace, l == null ? "" : l.pipeline.name));
        });
        return out;
    }

    /**
     * Resumes a suspension.
     *
     * @param decision one the suspension accepts (for {@code std::wait}: approve, reject, escalate)
     * @param payloadJson the resume's payload as JSON text, or null
     * @return fails with UNKNOWN_TRACE for an unknown hook, BAD_REQUEST for a decision the
     *     suspension does not accept or a malformed payload
     */
    public Future<Void> resume(String hookId, String decision, String payloadJson) {
        if (!engine.suspensions().containsKey(hookId)) {
            return Future.failedFuture(new Refusal(Refusal.Reason.UNKNOWN_TRACE, "no suspension with hook id '" + hookId + "'"));
        }
        Value payload;
        try {
            payload = payloadJson == null ? null : ValueCodec.parseJson(payloadJson);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(new Refusal(Refusal.Reason.BAD_REQUEST, "the resume payload is not valid JSON: " + e.getMessage()));
        }
        return engine.resume(hookId, decision, payload).recover(e -> Future.failedFuture(
                e instanceof IllegalArgumentException ? new Refusal(Refusal.Reason.BAD_REQUEST, e.getMessage()) : e));
    }

    /**
     * Watches a trace: the handler gets an event for each change of a node's status (each run and
     * attempt starting, and its end), for each change of the trace's status, and a last {@code end}
     * event when the trace ends (at once for a trace that ended already). A watch of a trace under way
     * first gets its state (each node that is not pending, then the trace's status), then each change
     * as the engine makes it. Handlers run on the trace's event loop and must not block.
     *
     * @return a watch to close when no more events are wanted
     * @throws Refusal UNKNOWN_TRACE when this host knows nothing of the trace
     */
    public Watch watch(UUID id, Handler<TraceEvent> handler) {
        Pipeline.Live l = live.get(id);
        if (l == null) {
            byte[] record = finished.get(id);
            io.xerv.host.engine.TraceLog waiting = record == null ? strandedTrace(id) : null;
            TraceView done = record != null ? TraceView.packed(record) : waiting != null ? stranded(waiting)
                    : engine.recordedTrace(id).map(this::recorded).orElse(null);
            if (done == null) {
                throw new Refusal(Refusal.Reason.UNKNOWN_TRACE, "no trace " + id);
            }
            TraceView d = done;
            Watch w = new Watch();
            engine.vertx().runOnContext(v -> {
                w.closed = true;
                handler.handle(new TraceEvent(id, "end", null, d.status().label(), d.json()));
            });
            return w;
        }
        return new TraceWatcher(l, handler).start();
    }

    /** A subscription to a trace's events. Closing it twice is harmless. */
    public static final class Watch implements AutoCloseable {
        private volatile TraceHandle.Observation registration;
        volatile boolean closed;

        Watch() {
        }

        /** Whether the watch was closed (by its owner, or because the trace ended). */
        public boolean closed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
            TraceHandle.Observation r = registration;
            if (r != null) {
                r.close();
            }
        }
    }

    // ------------------------------------------------------------------ recovery and shutdown

    /**
     * Resumes the unfinished traces the write-ahead log holds, each on the deployed version of its
     * pipeline whose identity ({@link FlowDefinition#digest()}, or the digest of earlier releases)
     * matches its start record. Deploying a flow resumes its waiting traces too; the rest stay in the
     * log, listed as {@link TraceStatus#STRANDED}, until their flow is deployed or they are cancelled.
     *
     * @return how many traces were resumed since the controller was made
     */
    public int recover() {
        for (Pipeline p : pipelines.values()) {
            synchronized (p) {
                resumeWaiting(p);
            }
        }
        return resumed.get();
    }

    /** Resumes the unfinished traces of the log that a version of {@code p} runs. Call holding p's lock. */
    private void resumeWaiting(Pipeline p) {
        boolean any = false;
        for (io.xerv.host.engine.TraceLog log : engine.unfinishedTraces()) {
            if (log.start() != null && log.start().pipeline().equals(p.name)) {
                any = true;
                break;
            }
        }
        if (!any) {
            return;
        }
        Map<String, Pipeline.Version> byDigest = new LinkedHashMap<>();
        for (Pipeline.Version v : p.versions) {
            byDigest.put(v.flow.digest(), v);
        }
        for (Pipeline.Version v : p.versions) {
            byDigest.putIfAbsent(v.flow.definition().legacyDigest(), v);
        }
        Map<UUID, Pipeline.Version> which = new LinkedHashMap<>();
        List<TraceHandle> handles = engine.recover(start -> {
            Pipeline.Version v = start.pipeline().equals(p.name) ? byDigest.get(start.digest()) : null;
            if (v != null) {
                which.put(start.traceId(), v);
            }
            return v == null ? Optional.empty() : Optional.of(v.flow);
        });
        for (TraceHandle h : handles) {
            Pipeline.Version v = which.get(h.traceId());
            v.pipeline.adopt(v, h);
            resumed.incrementAndGet();
        }
        if (!handles.isEmpty()) {
            LOG.info("pipeline {}: resumed {} unfinished traces from the write-ahead log", p.name, handles.size());
        }
    }

    /** Traces the log shows unfinished whose flow is not deployed (they wait for it). */
    public int unrecoveredTraces() {
        return engine.unfinishedTraces().size();
    }

    /**
     * Stops accepting anything, closes every listener, and waits for running and queued traces to end
     * (suspended ones are not waited for). Traces still running when the timeout passes are left as
     * they are: their starts are durable, so the next start of the host resumes them from the
     * write-ahead log.
     *
     * @return completes when every trace ended or the timeout passed ({@code true} when all ended)
     */
    public Future<Boolean> shutdown(long timeoutMillis) {
        shuttingDown = true;
        for (Pipeline p : pipelines.values()) {
            synchronized (p) {
                p.closeListeners();
            }
        }
        Promise<Boolean> done = Promise.promise();
        io.vertx.core.Vertx vertx = engine.vertx();
        // The deadline has a timer of its own: whatever the check below does, the future completes in time.
        long deadline = vertx.setTimer(Math.max(1, timeoutMillis), id -> done.tryComplete(false));
        long poll = vertx.setPeriodic(1, 20, id -> {
            boolean idle;
            try {
                idle = idle();
            } catch (RuntimeException e) {
                LOG.warn("shutdown: cannot count the running traces: {}", e.toString());
                return;
            }
            if (idle) {
                done.tryComplete(true);
            }
        });
        Future<Boolean> f = done.future();
        f.onComplete(ar -> {
            vertx.cancelTimer(poll);
            vertx.cancelTimer(deadline);
        });
        return f;
    }

    /**
     * Whether nothing runs or waits in a queue. Suspended traces may wait for days: they are durable and
     * resume after the restart, so they do not count.
     */
    private boolean idle() {
        for (Pipeline p : pipelines.values()) {
            if (p.queued.get() > 0) {
                return false;
            }
        }
        if (live.isEmpty()) {
            return true;
        }
        java.util.Set<UUID> waiting = new java.util.HashSet<>(engine.suspensions().values());
        return waiting.containsAll(live.keySet());
    }

    /** Whether {@link #shutdown} was called. */
    public boolean shuttingDown() {
        return shuttingDown;
    }

    /** Closes every listener at once (no drain). */
    @Override
    public void close() {
        shuttingDown = true;
        for (Pipeline p : pipelines.values()) {
            synchronized (p) {
                p.closeListeners();
            }
        }
    }

    // ------------------------------------------------------------------ package-private plumbing

    void traceAccepted(Pipeline.Live l) {
        live.put(l.traceId, l);
    }

    void traceEnded(Pipeline.Live l, TraceReport report, Throwable failure) {
        live.remove(l.traceId);
        if (options.keepFinishedTraces() == 0) {
            return;
        }
        // Packed here, on the trace's context, while its arena is readable (it is reused once freed);
        // the JSON waits for a client.
        TraceReport r = report != null ? report : new TraceReport(l.traceId, l.pipeline.name, l.version.label, "",
                TraceStatus.FAILED, List.of(), null, "the trace could not start: " + failure.getMessage(), List.of(), 0);
        io.xerv.arena.Arena arena = report == null ? null : engine.arenas().find(l.traceId).orElse(null);
        ByteBuffer record;
        try {
            record = PackedTrace.encode(r, l.startedAt, arena);
        } catch (RuntimeException e) {
            // The pipeline settles its counts after this returns: a report that cannot be kept must not stop that.
            LOG.warn("trace {}: its report cannot be kept for the API: {}", l.traceId, e.toString());
            return;
        }
        finished.put(l.traceId, record);
    }

    List<UUID> liveTraceIds(Pipeline.Version v) {
        return liveTraceIds(l -> l.version == v);
    }

    List<UUID> liveTraceIds(Pipeline p) {
        return liveTraceIds(l -> l.pipeline == p);
    }

    private List<UUID> liveTraceIds(java.util.function.Predicate<Pipeline.Live> which) {
        List<UUID> out = new ArrayList<>();
        for (Pipeline.Live l : live.values()) {
            if (which.test(l)) {
                out.add(l.traceId);
            }
        }
        return out;
    }

    Engine engineRef() {
        return engine;
    }

    boolean isShuttingDown() {
        return shuttingDown;
    }

    /**
     * Renders a live trace's snapshot; runs on the trace's context, where its arena may be read (a
     * running trace's arena may still move to a larger file, so its values are read right away).
     */
    static TraceView view(TraceReport r, long startedAt) {
        return TraceView.rendered(r.traceId(), r.pipeline(), r.version(), r.status(), startedAt, r.toJson());
    }

    /** The JSON of one node's state, as the trace API and events show it. */
    static String nodeJson(NodeReport n) {
        StringBuilder sb = new StringBuilder(128).append("{\"id\":");
        Values.appendJsonString(sb, n.id());
        sb.append(",\"status\":\"").append(n.status().label()).append("\",\"port\":");
        if (n.port() == null) {
            sb.append("null");
        } else {
            Values.appendJsonString(sb, n.port());
        }
        sb.append(",\"output\":");
        if (n.output() == null) {
            sb.append("null");
        } else {
            Values.appendJson(sb, n.output());
        }
        sb.append(",\"micros\":").append(n.micros()).append('}');
        return sb.toString();
    }

    /** Turns a live trace's changes, as its engine tells them, into events. */
    private static final class TraceWatcher implements TraceObserver {
        private final Pipeline.Live live;
        private final Handler<TraceEvent> handler;
        private final Watch watch = new Watch();

        TraceWatcher(Pipeline.Live live, Handler<TraceEvent> handler) {
            this.live = live;
            this.handler = handler;
        }

        Watch start() {
            watch.registration = live.handle.observe(this);
            // A trace that could not start is never observed: its end comes from here.
            live.handle.completion().onFailure(err -> {
                if (!watch.closed) {
                    watch.close();
                    handler.handle(new TraceEvent(live.traceId, "end", null, "failed",
                            "{\"traceId\":\"" + live.traceId + "\",\"status\":\"failed\"}"));
                }
            });
            return watch;
        }

        @Override
        public void nodeChanged(NodeReport n) {
            handler.handle(new TraceEvent(live.traceId, "node", n.id(), n.status().label(), nodeJson(n)));
        }

        @Override
        public void statusChanged(TraceStatus status) {
            String s = status.label();
            handler.handle(new TraceEvent(live.traceId, "status", null, s,
                    "{\"traceId\":\"" + live.traceId + "\",\"status\":\"" + s + "\"}"));
        }

        @Override
        public void ended(TraceReport r) {
            watch.closed = true;
            handler.handle(new TraceEvent(live.traceId, "end", null, r.status().label(), r.toJson()));
        }
    }
}
