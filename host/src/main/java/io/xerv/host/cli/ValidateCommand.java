package io.xerv.host.cli;

import io.xerv.host.engine.CompiledFlow;
import io.xerv.host.engine.Linker;
import io.xerv.host.flow.FlowDefinition;
import io.xerv.host.flow.FlowError;
import io.xerv.host.flow.FlowException;
import io.xerv.host.flow.FlowLoader;
import io.xerv.host.plugin.NodeRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code xerv validate}: checks flow files without running them. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Checks flow files: YAML, node types and configs, edges and ports, cycles, selectors, limits.",
                "Prints one summary line per valid flow and FILE:LINE:COL: message per problem.",
                "Exit codes: 0 all valid, 1 some invalid."})
final class ValidateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FLOW", description = "Flow files (YAML).")
    List<Path> flows;

    @picocli.CommandLine.Option(names = "--plugins", paramLabel = "DIR",
            description = "Also load the plugin jars in DIR (each *.jar, or each sub-folder of jars, in its own class loader).")
    Path plugins;

    @picocli.CommandLine.Option(names = "--config", paramLabel = "FILE",
            description = "Check the flows against the policy: section of this host config (default: the default policy).")
    Path config;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        NodeRegistry registry;
        try {
            registry = plugins == null ? NodeRegistry.load() : io.xerv.host.plugin.PluginDirectory.registry(plugins);
        } catch (IllegalArgumentException e) {
            err.println("xerv validate: --plugins: " + e.getMessage());
            return XervCli.USAGE;
        }
        io.xerv.plugin.HostServices services = io.xerv.plugin.HostServices.defaults();
        if (config != null) {
            io.xerv.host.serve.ServeConfig cfg = PolicyConfig.load(config, err, "xerv validate");
            if (cfg == null) {
                return XervCli.USAGE;
            }
            registry = cfg.policy().restrict(registry);
            services = cfg.withFlows(flows).hostServices();
        }
        Linker linker = new Linker(registry, services);
        int invalid = 0;
        for (Path f : flows) {
            try {
                FlowDefinition def = FlowLoader.load(f, registry);
                CompiledFlow c = linker.link(def);
                out.printf("%s: valid: flow '%s' version %s, %d nodes, %d edges, %d triggers%n", f, c.name(), c.version(),
                        c.nodeCount(), def.edges().size(), def.triggers().size());
            } catch (FlowException e) {
                invalid++;
                for (FlowError fe : e.errors()) {
                    err.println(fe);
                }
            }
        }
        out.flush();
        err.flush();
        if (flows.size() > 1) {
            out.printf("%d of %d flows valid%n", flows.size() - invalid, flows.size());
        }
        return invalid == 0 ? XervCli.OK : XervCli.FAILED;
    }
}
