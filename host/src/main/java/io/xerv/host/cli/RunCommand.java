package io.xerv.host.cli;

import io.xerv.host.engine.CompiledFlow;
import io.xerv.host.engine.Engine;
import io.xerv.host.engine.EngineConfig;
import io.xerv.host.engine.NodeReport;
import io.xerv.host.engine.TraceReport;
import io.xerv.host.engine.TraceStatus;
import io.xerv.host.flow.FlowError;
import io.xerv.host.flow.FlowException;
import io.xerv.host.plugin.NodeRegistry;
import io.xerv.host.plugin.PluginDirectory;
import io.xerv.plugin.Values;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/** {@code xerv run}: runs one trace of a flow and prints it. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs one trace of a flow and prints every node's status, port, output and duration.",
                "Exit codes: 0 completed, 1 failed, 2 bad flow or input, 3 suspended (waiting for a resume)."})
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FLOW", description = "The flow file (YAML).")
    Path flow;

    @Option(names = {"-i", "--input"}, paramLabel = "JSON",
            description = "The trigger's payload: JSON text, or @FILE to read it from a file. Default: {}.")
    String input = "{}";

    @Option(names = {"-t", "--trigger"}, paramLabel = "ID",
            description = "The trigger that fires, when the flow has several (default: the only one, or the only manual one).")
    String trigger;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "text (default) or json.")
    String output = "text";

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep the trace's arena in DIR/arenas (default: a temporary directory removed afterwards).")
    Path dataDir;

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "Also load the plugin jars in DIR (each *.jar, or each sub-folder of jars, in its own class loader).")
    Path plugins;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Apply the policy: section of this host config (default: the default policy).")
    Path config;

    @Option(names = "--durability", paramLabel = "MODE",
            description = "When write-ahead log records become durable: fsync (default), batch:<ms>, or none.")
    String durability = "fsync";

    @Option(names = "--wait", paramLabel = "SECONDS", description = "Give up waiting for the trace after this long (default: 300).")
    long waitSeconds = 300;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!output.equals("text") && !output.equals("json")) {
            err.println("xerv run: --output must be text or json, not '" + output + "'");
            return XervCli.USAGE;
        }
        byte[] json;
        try {
            json = input.startsWith("@") ? Files.readAllBytes(Path.of(input.substring(1)))
                    : input.getBytes(StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            err.println("xerv run: --input: no such file " + input.substring(1));
            return XervCli.USAGE;
        }
        boolean temp = dataDir == null;
        Path dir = temp ? Files.createTempDirectory("xerv-run-") : dataDir;
        NodeRegistry registry;
        try {
            registry = plugins == null ? NodeRegistry.load() : PluginDirectory.registry(plugins);
        } catch (IllegalArgumentException e) {
            err.println("xerv run: --plugins: " + e.getMessage());
            return XervCli.USAGE;
        }
        io.xerv.wal.Durability mode;
        try {
            mode = io.xerv.wal.Durability.parse(durability);
        } catch (IllegalArgumentException e) {
            err.println("xerv run: --durability: " + e.getMessage());
            return XervCli.USAGE;
        }
        io.xerv.plugin.HostServices services = io.xerv.plugin.HostServices.defaults();
        if (config != null) {
            io.xerv.host.serve.ServeConfig cfg = PolicyConfig.load(config, err, "xerv run");
            if (cfg == null) {
                return XervCli.USAGE;
            }
            registry = cfg.policy().restrict(registry);
            services = cfg.withFlows(java.util.List.of(flow)).hostServices();
        }
        try (Engine engine = Engine.start(EngineConfig.defaults(dir).withRegistry(registry).withEventLoops(1)
                .withDurability(mode).withServices(services))) {
            CompiledFlow compiled;
            try {
                compiled = engine.load(flow);
            } catch (FlowException e) {
                for (FlowError fe : e.errors()) {
                    err.println(fe);
                }
                return XervCli.USAGE;
            }
            if (!temp) {
                recover(engine, compiled, err);
            }
            TraceReport report;
            try {
                report = engine.start(compiled, trigger, json).settled().toCompletionStage().toCompletableFuture()
                        .get(waitSeconds, TimeUnit.SECONDS);
            } catch (IllegalArgumentException e) {
                err.println("xerv run: " + (e.getMessage().startsWith("malformed JSON") || e.getMessage().startsWith("JSON")
                        ? "--input: " : "") + e.getMessage());
                return XervCli.USAGE;
            } catch (TimeoutException e) {
                err.println("xerv run: the trace did not end within " + waitSeconds + " s");
                return XervCli.FAILED;
            } catch (ExecutionException e) {
                err.println("xerv run: the trace could not start: " + e.getCause().getMessage());
                return XervCli.FAILED;
            }
            if (output.equals("json")) {
                out.println(report.toJson());
            } else {
                printText(out, report, temp ? null : dir);
            }
            out.flush();
            return switch (report.status()) {
                case COMPLETED -> XervCli.OK;
                case SUSPENDED -> XervCli.SUSPENDED;
                default -> XervCli.FAILED;
            };
        } finally {
            if (temp) {
                deleteTree(dir);
            }
        }
    }

    /** Finishes the unfinished traces of this flow that a previous run left in the data directory. */
    private void recover(Engine engine, CompiledFlow compiled, PrintWriter err) throws Exception {
        var handles = engine.recover(s -> s.digest().equals(compiled.digest())
                ? java.util.Optional.of(compiled) : java.util.Optional.empty());
        if (!handles.isEmpty()) {
            err.printf("xerv run: recovering %d unfinished trace(s) of %s from %s%n", handles.size(), compiled.name(), dataDir);
            for (var h : handles) {
                TraceReport r = h.settled().toCompletionStage().toCompletableFuture().get(waitSeconds, TimeUnit.SECONDS);
                err.printf("  recovered trace %s: %s%n", r.traceId(), r.status().label());
            }
        }
        int others = engine.unfinishedTraces().size();
        if (others > 0) {
            err.printf("xerv run: %d unfinished trace(s) of other flows (or versions) stay in %s until those run%n", others, dataDir);
        }
        err.flush();
    }

    static void printText(PrintWriter out, TraceReport r, Path dataDir) {
        out.printf("trace %s  %s@%s  trigger %s  %s  %s%n", r.traceId(), r.pipeline(), r.version(), r.trigger(),
                r.status().label(), micros(r.micros()));
        int idW = 4;
        int typeW = 4;
        for (NodeReport n : r.nodes()) {
            idW = Math.max(idW, n.id().length());
            typeW = Math.max(typeW, n.type().length());
        }
        for (NodeReport n : r.nodes()) {
            String line = String.format("  %-" + idW + "s  %-" + typeW + "s  %-9s  %-9s  %9s", n.id(), n.type(),
                    n.status().label(), n.port() == null ? "-" : n.port(),
                    n.runs() == 0 ? "-" : micros(n.micros()));
            if (n.runs() > 1) {
                line += "  x" + n.runs();
            }
            if (n.output() != null && n.status().label().equals("completed")) {
                line += "  " + shorten(Values.toJson(n.output()), 100);
            }
            out.println(line.stripTrailing());
            if (n.error() != null) {
                out.println("      error: " + n.error());
            }
            for (String l : n.logs()) {
                out.println("      " + l);
            }
        }
        if (r.status() == TraceStatus.COMPLETED) {
            out.println("result: " + (r.result() == null ? "null" : Values.toJson(r.result())));
        }
        if (r.error() != null) {
            out.println("error: " + r.error());
        }
        if (!r.suspendedHooks().isEmpty()) {
            out.println("suspended, waiting on hook " + String.join(", ", r.suspendedHooks()));
        }
        if (dataDir != null) {
            out.println("arena: kept in " + dataDir.resolve("arenas") + " (xerv inspect FILE --trace " + r.traceId() + ")");
        }
    }

    static String micros(long us) {
        if (us < 1000) {
            return us + " µs";
        }
        if (us < 1_000_000) {
            return String.format("%.1f ms", us / 1000.0);
        }
        return String.format("%.2f s", us / 1e6);
    }

    static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // A temporary directory; the OS cleans what is left.
                }
            });
        } catch (IOException e) {
            // As above.
        }
    }
}
