package io.xerv.host.cli;

import io.xerv.host.plugin.NodeRegistry;
import io.xerv.plugin.NodeFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.concurrent.Callable;

/** {@code xerv nodes}: lists the node types this host knows. */
@Command(name = "nodes", mixinStandardHelpOptions = true, description = "Lists the node types flows may use, with their ports.")
final class NodesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        NodeRegistry.load().all().stream().sorted(Comparator.comparing(NodeFactory::type)).forEach(f ->
                out.printf("%-18s in: %-6s out: %-28s %s%n", f.type(), String.join(",", f.inputPorts()),
                        String.join(",", f.outputPorts()) + ",error", f.description()));
        return XervCli.OK;
    }
}
