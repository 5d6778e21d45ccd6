package io.xerv.host.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code xerv deploy FILE}: deploys a flow to a running host (a new pipeline, or a new version of one).
 * The host records it in its data directory, so it is deployed again when the host restarts.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = {"Deploys a flow file to a running host: a new pipeline, or a new version of a deployed one",
                "(its running traces finish on the old version). The host records the deployment in its data",
                "directory and deploys it again when it restarts, until the flows folder changes the same flow.",
                "Exit codes: 0 deployed, 1 refused, 2 bad usage or no host."})
final class DeployCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HostClient host;

    @Parameters(index = "0", paramLabel = "FILE", description = "The flow file (YAML).")
    Path file;

    @Option(names = "--stopped", description = "Deploy a new pipeline without starting it.")
    boolean stopped;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            err.println("xerv deploy: no such file " + file);
            return XervCli.USAGE;
        }
        HostClient.Answer a;
        try {
            a = host.call("POST", "/api/v1/pipelines?source=" + URLEncoder.encode(file.toString(), StandardCharsets.UTF_8)
                    + (stopped ? "&start=false" : ""), "application/yaml", yaml);
        } catch (IOException e) {
            err.println("xerv deploy: " + e.getMessage());
            return XervCli.USAGE;
        }
        if (!a.ok()) {
            PipelinesCommand.printError(err, "xerv deploy", a);
            return XervCli.FAILED;
        }
        JsonObject p = new JsonObject(a.body());
        JsonArray versions = p.getJsonArray("versions");
        out.printf("deployed %s version %s (%s)%s%n", p.getString("name"), p.getString("version"), p.getString("state"),
                versions.size() > 1 ? "; " + (versions.size() - 1) + " older version(s) finish their traces" : "");
        return XervCli.OK;
    }
}
