package io.xerv.host.cli;

import io.xerv.host.plugin.NodeRegistry;
import io.xerv.host.plugin.PluginDirectory;
import io.xerv.host.serve.ServeConfig;
import io.xerv.host.serve.Webhook;
import io.xerv.host.serve.XervHost;
import io.xerv.wal.Durability;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code xerv serve}: runs the host (webhooks, REST API, metrics) until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs a host: deploys flows, serves their webhooks, the REST API under /api/v1, /health and /metrics.",
                "With no options: data in ./xerv-data, the example flows deployed, port 8080 on localhost.",
                "Stops gracefully on SIGTERM or Ctrl-C: running traces get server.shutdown_timeout_ms to end."})
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "A config file (YAML); every option is in docs/config.md.")
    Path config;

    @Option(names = "--flows", paramLabel = "DIR", description = "Deploy every flow in DIR (or the flow FILE) instead of the "
            + "config's flows; may be repeated. Default: the example flows.")
    List<Path> flows;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the write-ahead log and arenas live (default ./xerv-data).")
    Path dataDir;

    @Option(names = "--port", paramLabel = "N", description = "The HTTP port (default 8080; 0 picks a free one).")
    Integer port;

    @Option(names = "--host", paramLabel = "ADDR", description = "The address to listen on (default 127.0.0.1).")
    String host;

    @Option(names = "--plugins", paramLabel = "DIR", description = "Also load the plugin jars in DIR.")
    Path plugins;

    /** The example flows folder when they are deployed by default (no --flows, no flows in the config). */
    private Path exampleFlowsDir;

    @Option(names = "--durability", paramLabel = "MODE", description = "fsync (default), batch:<ms>, or none (benchmarks only).")
    String durability;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ServeConfig cfg;
        if (config != null) {
            try {
                cfg = ServeConfig.load(config);
            } catch (NoSuchFileException e) {
                err.println("xerv serve: --config: no such file " + config);
                return XervCli.USAGE;
            } catch (ServeConfig.ConfigException e) {
                e.problems().forEach(err::println);
                err.println("xerv serve: the config file has " + e.problems().size() + " problem(s); nothing was started");
                return XervCli.USAGE;
            }
        } else {
            cfg = ServeConfig.defaults();
        }
        if (flows != null) {
            for (Path f : flows) {
                if (!Files.exists(f)) {
                    err.println("xerv serve: --flows: no such file or folder " + f);
                    return XervCli.USAGE;
                }
            }
            cfg = cfg.withFlows(flows);
        } else if (config == null || cfg.flows().isEmpty()) {
            Path examples = exampleFlows();
            if (examples != null) {
                cfg = cfg.withFlows(List.of(examples));
                exampleFlowsDir = examples;
                Path examplesPolicy = examples.toAbsolutePath().getParent().resolve("xerv.yaml");
                if (config == null && Files.isRegularFile(examplesPolicy)) {
                    // The example flows' guests are built outside their folder; their config's policy grants them.
                    ServeConfig ex = PolicyConfig.load(examplesPolicy, err, "xerv serve");
                    if (ex == null) {
                        return XervCli.USAGE;
                    }
                    cfg = cfg.withPolicy(ex.policy());
                }
            }
        }
        if (dataDir != null) {
            cfg = cfg.withDataDir(dataDir);
        }
        if (port != null) {
            if (port < 0 || port > 65535) {
                err.println("xerv serve: --port must be 0..65535, not " + port);
                return XervCli.USAGE;
            }
            cfg = cfg.withPort(port);
        }
        if (host != null) {
            cfg = cfg.withHost(host);
        }
        if (durability != null) {
            try {
                cfg = cfg.withDurability(Durability.parse(durability));
            } catch (IllegalArgumentException e) {
                err.println("xerv serve: --durability: " + e.getMessage());
                return XervCli.USAGE;
            }
        }
        Path pluginDir = plugins != null ? plugins : cfg.plugins();
        if (pluginDir == null && exampleFlowsDir != null) {
            // The example flows include one whose node comes from the examples' own plugin jar.
            pluginDir = examplePlugins(exampleFlowsDir);
        }
        NodeRegistry registry;
        try {
            registry = pluginDir == null ? NodeRegistry.load() : PluginDirectory.registry(pluginDir);
        } catch (IllegalArgumentException e) {
            err.println("xerv serve: --plugins: " + e.getMessage());
            return XervCli.USAGE;
        }
        XervHost host;
        try {
            host = XervHost.start(cfg, registry);
        } catch (Exception e) {
            err.println("xerv serve: cannot start: " + (e.getMessage() == null ? e : e.getMessage()));
            return XervCli.FAILED;
        }
        banner(out, err, host);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            err.println("xerv serve: stopping; running traces get " + host.config().shutdownTimeoutMs() + " ms to end");
            err.flush();
            host.close();
            err.println("xerv serve: stopped; the write-ahead log is closed");
            err.flush();
            stopped.countDown();
        }, "xerv-shutdown"));
        stopped.await();
        return XervCli.OK;
    }

    private static void banner(PrintWriter out, PrintWriter err, XervHost host) {
        ServeConfig c = host.config();
        String url = host.url();
        out.printf("xerv serve: listening on %s (data in %s, durability %s, %d event loops)%n", url, c.dataDir(),
                c.durability(), c.eventLoops());
        out.printf("  API token (every scope) in %s%n", io.xerv.host.serve.LocalToken.file(c.dataDir()));
        for (String e : host.deployErrors()) {
            err.println("  not deployed: " + e);
        }
        int n = host.controller().list().size();
        out.printf("  %d pipeline%s deployed from %s%n", n, n == 1 ? "" : "s", c.flows().isEmpty() ? "(none)" : c.flows());
        if (host.recoveredTraces() > 0) {
            out.printf("  resumed %d unfinished trace(s) from the write-ahead log%n", host.recoveredTraces());
        }
        int waiting = host.controller().unrecoveredTraces();
        if (waiting > 0) {
            out.printf("  %d unfinished trace(s) wait for their flow to be deployed%n", waiting);
        }
        out.println("Try:");
        for (Webhook w : host.controller().webhooks()) {
            String body = w.pipeline().equals("order_processing")
                    ? " -d '{\"id\":\"A-1\",\"amount\":42,\"risk_score\":0.1}'" : " -d '{}'";
            out.printf("  curl -X %s %s%s%s%s   # %s%n", w.method(), url, w.path(),
                    w.method().equals("GET") ? "" : body, "", w);
        }
        String auth = "-H \"Authorization: Bearer $(cat " + io.xerv.host.serve.LocalToken.file(c.dataDir()) + ")\" ";
        out.printf("  curl %s%s/api/v1/pipelines%n", auth, url);
        out.printf("  curl %s'%s/api/v1/traces?limit=5'%n", auth, url);
        out.printf("  curl %s/health%n", url);
        out.printf("  curl %s%s/metrics%n", auth, url);
        out.printf("  API description: %s/api/v1/openapi.yaml%n", url);
        out.flush();
        err.flush();
    }

    /**
     * The folder of the examples' plugin jar ({@code examples/target/xerv-examples-*.jar}, next to the
     * example flows), or null when it was not built.
     */
    static Path examplePlugins(Path exampleFlows) {
        Path parent = exampleFlows.toAbsolutePath().getParent();
        if (parent == null) {
            return null;
        }
        Path target = parent.resolve("target");
        try (var jars = Files.newDirectoryStream(target, "xerv-examples-*.jar")) {
            return jars.iterator().hasNext() ? target : null;
        } catch (java.io.IOException | java.nio.file.DirectoryIteratorException e) {
            return null;
        }
    }

    /**
     * The example flows: {@code examples/flows} under the working directory, else under the folder the
     * CLI was built in (the repository holding {@code host/target/xerv-host.jar}), else none.
     */
    static Path exampleFlows() {
        Path here = Path.of("examples", "flows");
        if (Files.isDirectory(here)) {
            return here;
        }
        try {
            Path p = Path.of(ServeCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
            for (Path d = p.getParent(); d != null; d = d.getParent()) {
                Path f = d.resolve("examples").resolve("flows");
                if (Files.isDirectory(f)) {
                    return f;
                }
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return null;
        }
        return null;
    }
}
