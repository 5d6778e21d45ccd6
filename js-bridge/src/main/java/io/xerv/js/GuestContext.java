package io.xerv.js;

import io.xerv.arena.Arena;
import io.xerv.arena.ArenaLayout;
import io.xerv.arena.ArenaWriter;
import io.xerv.arena.FlexValue;
import io.xerv.arena.RelPtr;
import io.xerv.arena.ValueCodec;
import io.xerv.plugin.Completion;
import io.xerv.plugin.HostServices;
import io.xerv.plugin.Input;
import io.xerv.plugin.NodeContext;
import io.xerv.plugin.NodeLog;
import io.xerv.plugin.Value;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.SourceSection;
import org.graalvm.polyglot.io.IOAccess;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One sandboxed GraalJS context holding the SDK runtime and one node's module, ready to run the node.
 * A context runs one call at a time (its {@link ContextPool} hands it to one thread at a time). After a
 * call that was cancelled, interrupted or hit a limit, {@link #broken()} is true and the pool closes it
 * instead of reusing it.
 */
final class GuestContext implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GuestContext.class);

    /** Why the watchdog stopped a call. */
    enum Stop { TIME, HEAP }

    // Results, as the runtime's invoke() returns them (sdk-js-guest/src/runtime.js).
    private static final int EMIT_BYTES = 0;
    private static final int EMIT_INPUT = 1;
    private static final int FAIL = 2;
    private static final int PENDING = 3;

    static final long MIN_LOAD_TIMEOUT_MILLIS = 30_000;

    private static final java.util.regex.Pattern IMPORT_FAILURE =
            java.util.regex.Pattern.compile("Error reading module '([^']*)'");

    /** Guests see host buffers (arena views) and nothing else of the host. */
    private static final HostAccess HOST_ACCESS = HostAccess.newBuilder().allowBufferAccess(true).build();

    private final JsEngine engine;
    private final Script script;
    private final JsNodeConfig config;
    private final HostServices services;
    private final Context context;
    private final org.graalvm.polyglot.Value invoke;
    private final org.graalvm.polyglot.Value settled;
    private final org.graalvm.polyglot.Value node;

    // The call in progress: set by the calling thread before entering JS, read by host callbacks on it.
    private NodeContext current;
    // Secret values the call in progress read: masked in its log lines and failure message.
    private final java.util.ArrayList<String> secretsRead = new java.util.ArrayList<>();
    private volatile Stop stopped;
    private volatile boolean broken;

    /**
     * Creates a context and loads the node's module into it.
     *
     * @throws IllegalArgumentException when the module does not load (syntax error, a throw at top level,
     *     an import, no exported node), with the script's file:line
     */
    GuestContext(JsEngine engine, Script script, JsNodeConfig config, HostServices services) {
        this.engine = engine;
        this.script = script;
        this.config = config;
        this.services = services;
        this.context = Context.newBuilder("js")
                .engine(engine.engine())
                .allowHostAccess(HOST_ACCESS)
                .allowHostClassLookup(name -> false)
                .allowHostClassLoading(false)
                .allowIO(IOAccess.newBuilder().fileSystem(engine.sdkModule()).build())
                .allowCreateThread(false)
                .allowCreateProcess(false)
                .allowNativeAccess(false)
                .allowEnvironmentAccess(EnvironmentAccess.NONE)
                .allowPolyglotAccess(PolyglotAccess.NONE)
                .allowInnerContextOptions(false)
                .resourceLimits(engine.limits())
                .option("js.esm-eval-returns-exports", "true")
                .option("js.load", "false")
                .option("js.print", "false")
                .option("js.graal-builtin", "false")
                .option("js.console", "false")
                .option("js.text-encoding", "true")
                .out(OutputStream.nullOutputStream())
                .err(OutputStream.nullOutputStream())
                .in(new ByteArrayInputStream(new byte[0]))
                .build();
        Watchdog.INSTANCE.arm(this, loadTimeoutMillis(config));
        try {
            context.eval(engine.runtime());
            org.graalvm.polyglot.Value bootstrap = context.getBindings("js").getMember("__xervBootstrap");
            String ports = config.ports() == null ? null : String.join(",", config.ports());
            org.graalvm.polyglot.Value runtime = bootstrap.execute(hostCallbacks(), script.name(), ports);
            runtime.getMember("warmUp").execute();
            invoke = runtime.getMember("invoke");
            settled = runtime.getMember("settled");
            org.graalvm.polyglot.Value namespace = context.eval(script.source());
            node = runtime.getMember("load").execute(namespace);
        } catch (PolyglotException e) {
            // The message only: the exception's own may quote the file, and it would reach logs.
            String failure = loadFailure(e);
            closeQuietly();
            throw new IllegalArgumentException(failure);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        } finally {
            Watchdog.INSTANCE.disarm(this);
        }
        if (stopped != null) {
            closeQuietly();
            throw new IllegalArgumentException("script " + script.name() + " did not finish loading within "
                    + loadTimeoutMillis(config) + " ms");
        }
    }

    /** Loading runs cold (nothing compiled yet), so it gets at least {@link #MIN_LOAD_TIMEOUT_MILLIS}. */
    static long loadTimeoutMillis(JsNodeConfig config) {
        return Math.max(MIN_LOAD_TIMEOUT_MILLIS, config.callTimeoutMillis());
    }

    private String loadFailure(PolyglotException e) {
        if (stopped != null || e.isCancelled() || e.isResourceExhausted()) {
            return "script " + script.name() + " did not finish loading: " + stopMessage(e, loadTimeoutMillis(config));
        }
        String where = location(e);
        String message = e.getMessage() == null ? "failed" : e.getMessage();
        if (e.isSyntaxError()) {
            return "syntax error in " + where + ": " + syntaxProblem(e, message);
        }
        java.util.regex.Matcher m = IMPORT_FAILURE.matcher(message);
        if (m.find()) {
            return "script " + where + " imports '" + m.group(1) + "', and the sandbox has no file system (only '"
                    + SdkModuleFileSystem.PACKAGE + "' can be imported there): bundle the node and its npm libraries "
                    + "into one script with `npx xerv-bundle`";
        }
        return "script " + where + " failed to load: " + (raisedInScript(e) ? withoutSource(message) : message);
    }

    /** Whether the script's own code raised the error (not the SDK runtime, whose messages quote no file). */
    private boolean raisedInScript(PolyglotException e) {
        SourceSection s = e.getSourceLocation();
        if (s != null) {
            return s.getSource().getName().equals(script.name());
        }
        for (PolyglotException.StackFrame f : e.getPolyglotStackTrace()) {
            if (f.isGuestFrame() && f.getSourceLocation() != null) {
                return f.getSourceLocation().getSource().getName().equals(script.name());
            }
        }
        return true;
    }

    private static final java.util.regex.Pattern ENGINE_ERROR =
            java.util.regex.Pattern.compile("^(SyntaxError|ReferenceError|TypeError|RangeError|EvalError|URIError)\\b.*", java.util.regex.Pattern.DOTALL);

    /**
     * A load failure's message without text of the file: the engine's own errors raised in the script
     * (a reference to an undefined name, a type error) quote its source, so only their kind is kept; an
     * {@code Error} the script throws keeps its message.
     */
    static String withoutSource(String message) {
        java.util.regex.Matcher m = ENGINE_ERROR.matcher(message);
        return m.matches() ? m.group(1) : message;
    }

    /**
     * What is wrong, without quoting the file: the grammar's expectation (never the token found, nor
     * the line GraalJS prints under it) and the column.
     */
    private String syntaxProblem(PolyglotException e, String message) {
        SourceSection s = e.getSourceLocation();
        String column = s != null && s.getSource().getName().equals(script.name()) && s.hasColumns()
                ? " (column " + s.getStartColumn() + ")" : "";
        String first = message.lines().findFirst().orElse("");
        java.util.regex.Matcher m = SYNTAX.matcher(first);
        String what = m.find() ? m.group(1) : "SyntaxError";
        return what + column;
    }

    /** GraalJS's "name:line:col Expected X but found Y": group 1 is "Expected X" when X is a grammar word. */
    private static final java.util.regex.Pattern SYNTAX =
            java.util.regex.Pattern.compile("(Expected (?:an? )?[A-Za-z ]{1,40}?)(?: but found\\b| after\\b|$)");

    /** The script's file:line for an exception, from its first frame in the script. */
    private String location(PolyglotException e) {
        SourceSection s = e.getSourceLocation();
        if (s != null && s.getSource().getName().equals(script.name())) {
            return script.name() + ":" + s.getStartLine();
        }
        for (PolyglotException.StackFrame f : e.getPolyglotStackTrace()) {
            SourceSection fs = f.getSourceLocation();
            if (fs != null && fs.getSource().getName().equals(script.name())) {
                return script.name() + ":" + fs.getStartLine();
            }
        }
        return script.name();
    }

    /**
     * Runs the node once. Never throws for anything the script does: failures become
     * {@link Completion#fail} with the message and the script's file:line.
     */
    Completion call(NodeContext ctx, long timeoutMillis) {
        current = ctx;
        secretsRead.clear();
        try {
            Completion c = run(ctx, timeoutMillis);
            if (c.kind() == Completion.Kind.FAIL && !secretsRead.isEmpty()) {
                return Completion.fail(Secrets.mask(c.message(), secretsRead), c.cause());
            }
            return c;
        } finally {
            current = null;
            secretsRead.clear();
        }
    }

    private Completion run(NodeContext ctx, long timeoutMillis) {
        boolean armed = false;
        try {
            Value primary = ctx.input();
            Object primaryBytes = primary == null ? null : bytes(primary, ctx);
            context.resetLimits();
            Watchdog.INSTANCE.arm(this, timeoutMillis);
            armed = true;
            org.graalvm.polyglot.Value r = invoke.execute(node, primaryBytes);
            if (r.getArrayElement(0).asInt() == PENDING) {
                r = settled.execute();
            }
            return completion(r, ctx);
        } catch (PolyglotException e) {
            broken = true;
            if (stopped != null || e.isCancelled() || e.isResourceExhausted() || e.isInterrupted()) {
                return Completion.fail("JS node stopped: " + stopMessage(e, timeoutMillis), e);
            }
            if (e.isGuestException()) {
                return Completion.fail(e.getMessage() + " (" + location(e) + ")", e);
            }
            LOG.warn("JS node {} failed inside GraalJS; its context is replaced", script.name(), e);
            return Completion.fail("JS node failed inside the JS engine: " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            // The context was closed under the call (the watchdog cancelled it as it returned).
            broken = true;
            return Completion.fail("JS node stopped: " + stopMessage(null, timeoutMillis), e);
        } finally {
            if (armed) {
                Watchdog.INSTANCE.disarm(this);
            }
            if (stopped != null) {
                broken = true;
            }
        }
    }

    private String stopMessage(PolyglotException e, long timeoutMillis) {
        Stop s = stopped;
        if (s == Stop.TIME) {
            return "it ran longer than its limit of " + timeoutMillis + " ms (call_timeout_ms)";
        }
        if (s == Stop.HEAP) {
            return "the host's heap was nearly exhausted while it ran; JS calls in flight were stopped";
        }
        if (e != null && e.isResourceExhausted()) {
            return "it executed more than " + engine.statementLimit() + " statements in one call "
                    + "(xerv.js.statementLimit)";
        }
        if (e != null && e.isInterrupted()) {
            return "it was interrupted (the node's timeout_ms passed or the trace was cancelled)";
        }
        return e == null || e.getMessage() == null ? "cancelled" : e.getMessage();
    }

    private Completion completion(org.graalvm.polyglot.Value r, NodeContext ctx) {
        int kind = r.getArrayElement(0).asInt();
        switch (kind) {
            case EMIT_BYTES -> {
                String port = r.getArrayElement(1).asString();
                String bad = checkPort(port);
                if (bad != null) {
                    return Completion.fail(bad);
                }
                org.graalvm.polyglot.Value data = r.getArrayElement(2);
                long offset = r.getArrayElement(3).asLong();
                long size = r.getArrayElement(4).asLong();
                if (!data.hasBufferElements() || offset < 0 || size < 3 || size > Integer.MAX_VALUE - 64
                        || offset + size > data.getBufferSize()) {
                    return Completion.fail("the node's result is not encoded bytes (was the SDK runtime replaced?)");
                }
                byte[] bytes = new byte[(int) size];
                data.readBuffer(offset, bytes, 0, bytes.length);
                String problem = ResultCheck.problem(bytes);
                if (problem != null) {
                    return Completion.fail("the node's result is not a valid value: " + problem);
                }
                return Completion.emit(port, store(bytes, ctx));
            }
            case EMIT_INPUT -> {
                String port = r.getArrayElement(1).asString();
                String bad = checkPort(port);
                if (bad != null) {
                    return Completion.fail(bad);
                }
                int index = r.getArrayElement(2).asInt();
                List<Input> inputs = ctx.inputs();
                if (index == -1) {
                    return Completion.emit(port, ctx.input());
                }
                if (index < 0 || index >= inputs.size()) {
                    return Completion.fail("the node returned input " + index + ", which does not exist");
                }
                return Completion.emit(port, inputs.get(index).value());
            }
            case FAIL -> {
                org.graalvm.polyglot.Value where = r.getArrayElement(1);
                String message = r.getArrayElement(2).isString() ? r.getArrayElement(2).asString() : "failed";
                return Completion.fail(where.isString() ? message + " (" + where.asString() + ")" : message);
            }
            default -> {
                return Completion.fail("the SDK runtime returned an unknown result kind " + kind);
            }
        }
    }

    private String checkPort(String port) {
        if (port.equals("error") || !JsNodeConfig.PORT_NAME.matcher(port).matches()) {
            return "the node fired '" + port + "', which is not a port name";
        }
        if (config.ports() != null && !config.ports().contains(port) && !port.equals("out")) {
            return "the node fired port '" + port + "', which its config does not declare (ports: "
                    + String.join(", ", config.ports()) + ")";
        }
        return null;
    }

    /** Appends a checked result to the trace's arena as it is, without decoding it. */
    private static Value store(byte[] bytes, NodeContext ctx) {
        if (ctx.output() instanceof ArenaWriter w) {
            Arena arena = w.arena();
            RelPtr p = arena.append(ArenaLayout.KIND_VALUE, w.tag(), ByteBuffer.wrap(bytes));
            return arena.value(p);
        }
        return ctx.output().write(FlexValue.of(bytes));
    }

    /** The bytes a value is stored in, handed to JS as a buffer: a view of the arena when it is an entry. */
    private static Object bytes(Value v, NodeContext ctx) {
        if (v instanceof FlexValue fv && fv.ptr() != null && ctx.output() instanceof ArenaWriter w) {
            return w.arena().payload(fv.ptr());
        }
        ByteBuffer encoded = ValueCodec.encode(v);
        ByteBuffer copy = ByteBuffer.allocate(encoded.remaining());
        copy.put(encoded).flip();
        return copy;
    }

    // ---- what the runtime may call on the host (sdk-js-guest/src/runtime.js, createRuntime) ----

    private ProxyObject hostCallbacks() {
        Map<String, Object> m = new HashMap<>();
        m.put("log", (ProxyExecutable) a -> {
            log(a[0].asString(), a[1].asString());
            return null;
        });
        m.put("now", (ProxyExecutable) a -> current == null ? System.currentTimeMillis() : current.currentTimeMillis());
        m.put("random", (ProxyExecutable) a -> current == null ? ThreadLocalRandom.current().nextDouble()
                : current.random().nextDouble());
        m.put("uuid", (ProxyExecutable) a -> (current == null ? java.util.UUID.randomUUID() : current.randomUuid()).toString());
        m.put("env", (ProxyExecutable) a -> grantedEnv(a[0].asString()));
        m.put("secret", (ProxyExecutable) a -> grantedSecret(a[0].asString()));
        m.put("config", (ProxyExecutable) a -> configBytes());
        m.put("inputs", (ProxyExecutable) a -> inputs());
        m.put("traceId", (ProxyExecutable) a -> current == null ? null : current.traceId().toString());
        m.put("nodeId", (ProxyExecutable) a -> current == null ? null : current.nodeId());
        m.put("attempt", (ProxyExecutable) a -> current == null ? 0 : current.attempt());
        return ProxyObject.fromMap(m);
    }

    private void log(String level, String message) {
        NodeContext c = current;
        NodeLog.Level l = switch (level) {
            case "DEBUG" -> NodeLog.Level.DEBUG;
            case "WARN" -> NodeLog.Level.WARN;
            case "ERROR" -> NodeLog.Level.ERROR;
            default -> NodeLog.Level.INFO;
        };
        if (c != null) {
            c.log().log(l, secretsRead.isEmpty() ? message : Secrets.mask(message, secretsRead));
        } else {
            LOG.info("{} (loading): {} {}", script.name(), l, message);
        }
    }

    private String grantedEnv(String name) {
        return config.env().contains(name) ? services.environment(name) : null;
    }

    private String grantedSecret(String name) {
        if (!config.secrets().contains(name)) {
            return null;
        }
        String v = services.secret(name);
        if (v != null && current != null) {
            secretsRead.add(v);
        }
        return v;
    }

    private Object configBytes() {
        NodeContext c = current;
        Value params = c == null ? null : c.config().get("params");
        return bytes(params == null ? io.xerv.plugin.Values.of(Map.of()) : params, c);
    }

    private Object inputs() {
        NodeContext c = current;
        if (c == null) {
            return ProxyArray.fromArray();
        }
        List<Input> in = c.inputs();
        Object[] flat = new Object[in.size() * 4];
        for (int i = 0; i < in.size(); i++) {
            Input x = in.get(i);
            flat[i * 4] = x.source();
            flat[i * 4 + 1] = x.sourcePort();
            flat[i * 4 + 2] = x.port();
            flat[i * 4 + 3] = bytes(x.value(), c);
        }
        return ProxyArray.fromArray(flat);
    }

    // ---- lifecycle ----

    /** Stops a running call from another thread; the context is closed and must not be used again. */
    void cancel(Stop why) {
        stopped = why;
        broken = true;
        closeQuietly(true);
    }

    /** True when this context must be closed instead of reused. */
    boolean broken() {
        return broken;
    }

    private void closeQuietly() {
        closeQuietly(true);
    }

    private void closeQuietly(boolean cancel) {
        try {
            context.close(cancel);
        } catch (PolyglotException | IllegalStateException e) {
            // A cancelled context rethrows the cancellation on close; it is closed all the same.
        }
    }

    @Override
    public void close() {
        broken = true;
        closeQuietly(true);
    }
}
