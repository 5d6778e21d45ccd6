package io.xerv.host.cli;

import io.xerv.host.engine.CompiledFlow;
import io.xerv.host.engine.Engine;
import io.xerv.host.engine.EngineConfig;
import io.xerv.host.engine.TraceLog;
import io.xerv.host.flow.FlowError;
import io.xerv.host.flow.FlowException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** {@code xerv replay}: re-executes a recorded trace and reports nodes whose output differs. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Re-executes a recorded trace and reports every node run whose output differs.",
                "The trace runs again from its recorded payload, each node getting the clock, random numbers and",
                "resume decisions it had; each run's port and output are compared with the recording.",
                "Needs the trace's records (in DATA_DIR/wal) and its arena (kept for the retention period).",
                "Exit codes: 0 all outputs match, 1 some differ, 2 the trace or flow cannot be found."})
final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TRACE_ID", description = "The trace to replay.")
    UUID trace;

    @Option(names = "--data-dir", paramLabel = "DIR", required = true, description = "The data directory the trace ran in.")
    Path dataDir;

    @Option(names = "--flow", paramLabel = "FLOW", required = true, description = "The flow file the trace ran.")
    Path flow;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isDirectory(dataDir.resolve("wal"))) {
            err.println("xerv replay: " + dataDir + " holds no write-ahead log (no wal folder)");
            return XervCli.USAGE;
        }
        try (Engine engine = Engine.start(EngineConfig.defaults(dataDir).withEventLoops(1))) {
            CompiledFlow compiled;
            try {
                compiled = engine.load(flow);
            } catch (FlowException e) {
                for (FlowError fe : e.errors()) {
                    err.println(fe);
                }
                return XervCli.USAGE;
            }
            Optional<TraceLog> recorded = TraceLog.read(dataDir.resolve("wal"), trace);
            if (recorded.isEmpty()) {
                err.println("xerv replay: the log in " + dataDir + " holds no records of trace " + trace);
                return XervCli.USAGE;
            }
            if (recorded.get().start() != null && !recorded.get().start().digest().equals(compiled.digest())) {
                err.println("xerv replay: warning: trace " + trace + " ran another version of " + flow
                        + " (flow digest differs); replaying with this one");
            }
            Engine.ReplayReport r;
            try {
                r = engine.replay(compiled, recorded.get()).toCompletionStage().toCompletableFuture().get(300, TimeUnit.SECONDS);
            } catch (IllegalArgumentException e) {
                err.println("xerv replay: " + e.getMessage());
                return XervCli.USAGE;
            } catch (ExecutionException e) {
                err.println("xerv replay: " + e.getCause().getMessage());
                return XervCli.USAGE;
            }
            if (r.differences().isEmpty()) {
                out.printf("replayed trace %s: %d node runs, all outputs match the recording%n", trace, r.compared());
                return XervCli.OK;
            }
            out.printf("replayed trace %s: %d node runs, %d differ%n", trace, r.compared(), r.differences().size());
            for (List<String> d : r.differences()) {
                out.printf("  %s (run %s): recorded %s %s, replayed %s %s%n", d.get(1), d.get(0),
                        d.get(2) == null ? "nothing" : "port " + d.get(2), d.get(4) == null ? "" : d.get(4),
                        d.get(3) == null ? "nothing" : "port " + d.get(3), d.get(5) == null ? "" : d.get(5));
            }
            return XervCli.FAILED;
        }
    }
}
