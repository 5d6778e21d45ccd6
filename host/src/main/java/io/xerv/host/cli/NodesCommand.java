package io.xerv.host.cli;

import io.xerv.host.plugin.NodeRegistry;
import io.xerv.plugin.NodeFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;

/** {@code xerv nodes}: lists the node types this host knows. */
@Command(name = "nodes", mixinStandardHelpOptions = true, description = "Lists the node types flows may use, with their ports.")
final class NodesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Option(names = "--plugins", paramLabel = "DIR",
            description = "Also load the plugin jars in DIR (each *.jar, or each sub-folder of jars, in its own class loader).")
    Path plugins;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        NodeRegistry registry;
        try {
            registry = plugins == null ? NodeRegistry.load() : io.xerv.host.plugin.PluginDirectory.registry(plugins);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("xerv nodes: --plugins: " + e.getMessage());
            return XervCli.USAGE;
        }
        registry.all().stream().sorted(Comparator.comparing(NodeFactory::type)).forEach(f ->
                out.printf("%-18s in: %-6s out: %-28s %s%n", f.type(), String.join(",", f.inputPorts()),
                        String.join(",", f.outputPorts()) + ",error", f.description()));
        return XervCli.OK;
    }
}
