package io.xerv.js;

import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The one GraalJS {@link Engine} of a host, shared by every JS node so that parsed and compiled code is
 * cached across nodes and contexts, and the SDK runtime each context loads first.
 *
 * <p>Created on first use; thread-safe. When the JVM cannot host the Graal compiler, logs one warning
 * saying how to fix that, and JS runs interpreted.
 */
public final class JsEngine {

    private static final Logger LOG = LoggerFactory.getLogger(JsEngine.class);

    /** The JVM flags that let GraalJS compile hot code on a stock JDK. */
    public static final String COMPILER_FLAGS = "-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI "
            + "--upgrade-module-path=<compiler, word, collections and truffle-compiler jars of GraalVM "
            + Engine.class.getPackage().getImplementationVersion() + ">";

    /** Statements one call may execute, host-wide (GraalJS requires one limit for all contexts of an engine). */
    public static final long DEFAULT_STATEMENT_LIMIT = 200_000_000L;

    private static final String RUNTIME_NAME = "xerv-runtime.js";

    private static volatile JsEngine shared;

    private final Engine engine;
    private final Source runtime;
    private final SdkModuleFileSystem sdkModule;
    private final boolean compiled;
    private final long statementLimit;
    private final ResourceLimits limits;

    private JsEngine(long statementLimit) {
        // Our own warning replaces GraalJS's when the compiler is missing. Nodes run on virtual threads;
        // GraalJS warns about them once for tools that inspect caller frames, which no node can use.
        this.engine = Engine.newBuilder("js")
                .option("engine.WarnInterpreterOnly", "false")
                .allowExperimentalOptions(true)
                .option("engine.WarnVirtualThreadSupport", "false")
                .build();
        this.compiled = !"Interpreted".equals(engine.getImplementationName());
        this.runtime = Source.newBuilder("js", resource(RUNTIME_NAME), RUNTIME_NAME).buildLiteral();
        this.sdkModule = new SdkModuleFileSystem(resource("xerv-sdk.mjs"));
        this.statementLimit = statementLimit;
        // Statements of the node's own code count; the runtime's are bounded by the wall-clock limit,
        // and leaving them uninstrumented keeps the per-call overhead low.
        this.limits = ResourceLimits.newBuilder()
                .statementLimit(statementLimit, source -> !RUNTIME_NAME.equals(source.getName()))
                .build();
        if (!compiled) {
            LOG.warn("JS nodes run interpreted, 10 to 50 times slower: this JVM was started without the Graal "
                    + "compiler. Start it with {} (the ./xerv launcher and the Maven build do).", COMPILER_FLAGS);
        }
    }

    /**
     * The host's engine. Its statement limit comes from the system property {@code xerv.js.statementLimit}
     * or the environment variable {@code XERV_JS_STATEMENT_LIMIT}, else {@link #DEFAULT_STATEMENT_LIMIT}.
     */
    public static JsEngine shared() {
        JsEngine e = shared;
        if (e == null) {
            synchronized (JsEngine.class) {
                e = shared;
                if (e == null) {
                    shared = e = new JsEngine(configuredStatementLimit());
                }
            }
        }
        return e;
    }

    /** Creates the shared engine on a daemon thread unless it exists; failures surface on first use. */
    static void startInBackground() {
        if (shared == null) {
            Thread t = new Thread(() -> {
                try {
                    shared();
                } catch (RuntimeException | LinkageError e) {
                    LOG.debug("starting the JS engine in the background failed; the first JS node will say why", e);
                }
            }, "xerv-js-engine-start");
            t.setDaemon(true);
            t.start();
        }
    }

    private static long configuredStatementLimit() {
        String s = System.getProperty("xerv.js.statementLimit", System.getenv("XERV_JS_STATEMENT_LIMIT"));
        if (s == null || s.isBlank()) {
            return DEFAULT_STATEMENT_LIMIT;
        }
        try {
            long n = Long.parseLong(s.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("xerv.js.statementLimit / XERV_JS_STATEMENT_LIMIT must be a positive "
                + "number of statements, found '" + s + "'");
    }

    private static String resource(String name) {
        try (InputStream in = JsEngine.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("io/xerv/js/" + name + " is missing from the class path (it is built "
                        + "from sdk-js-guest by npm run build)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when GraalJS compiles hot code; false when it runs interpreted. */
    public boolean compiled() {
        return compiled;
    }

    /** What GraalJS reports itself as ({@code GraalVM CE}, or {@code Interpreted}). */
    public String implementationName() {
        return engine.getImplementationName();
    }

    /** Statements one call may execute before it is stopped. */
    public long statementLimit() {
        return statementLimit;
    }

    /** The limits of every context (the same for all: GraalJS requires it of contexts sharing an engine). */
    ResourceLimits limits() {
        return limits;
    }

    /** The sandbox's file system: the SDK module and nothing else. */
    SdkModuleFileSystem sdkModule() {
        return sdkModule;
    }

    Engine engine() {
        return engine;
    }

    Source runtime() {
        return runtime;
    }
}
