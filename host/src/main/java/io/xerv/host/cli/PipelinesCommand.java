package io.xerv.host.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code xerv pipelines ACTION [NAME]}: lists and drives the pipelines of a running host. */
@Command(name = "pipelines", mixinStandardHelpOptions = true,
        description = {"Lists and drives the pipelines of a running host.",
                "ACTION: list | get NAME | start NAME | pause NAME | resume NAME | drain NAME | stop NAME | delete NAME.",
                "Exit codes: 0 done, 1 refused by the host, 2 bad usage or no host."})
final class PipelinesCommand implements Callable<Integer> {

    static final List<String> ACTIONS = List.of("list", "get", "start", "pause", "resume", "drain", "stop", "delete");

    @Spec
    CommandSpec spec;

    @Mixin
    HostClient host;

    @Parameters(index = "0", paramLabel = "ACTION", description = "list, get, start, pause, resume, drain, stop or delete.")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "The pipeline (all actions but list).")
    String name;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!ACTIONS.contains(action)) {
            err.println("xerv pipelines: unknown action '" + action + "'; expected one of " + String.join(", ", ACTIONS));
            return XervCli.USAGE;
        }
        if (!action.equals("list") && name == null) {
            err.println("xerv pipelines " + action + ": which pipeline? (xerv pipelines " + action + " NAME)");
            return XervCli.USAGE;
        }
        String path = name == null ? null : "/api/v1/pipelines/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        HostClient.Answer a;
        try {
            a = switch (action) {
                case "list" -> host.call("GET", "/api/v1/pipelines", null, null);
                case "get" -> host.call("GET", path, null, null);
                case "delete" -> host.call("DELETE", path, null, null);
                case "drain" -> host.call("POST", path + "/drain?wait=true", null, null);
                default -> host.call("POST", path + "/" + action, null, null);
            };
        } catch (IOException e) {
            err.println("xerv pipelines: " + e.getMessage());
            return XervCli.USAGE;
        }
        if (!a.ok()) {
            printError(err, "xerv pipelines " + action, a);
            return XervCli.FAILED;
        }
        JsonObject body = new JsonObject(a.body());
        switch (action) {
            case "list" -> {
                JsonArray ps = body.getJsonArray("pipelines");
                out.printf("%-22s %-10s %-9s %-9s %7s %6s  %s%n", "NAME", "VERSION", "STATE", "BREAKER", "RUNNING", "QUEUED", "TRIGGERS");
                for (int i = 0; i < ps.size(); i++) {
                    JsonObject p = ps.getJsonObject(i);
                    out.printf("%-22s %-10s %-9s %-9s %7d %6d  %s%n", p.getString("name"), p.getString("version"),
                            p.getString("state"), p.getString("breaker"), p.getInteger("running"), p.getInteger("queued"),
                            triggers(p.getJsonArray("triggers")));
                }
            }
            case "get" -> out.println(body.encodePrettily());
            case "delete" -> out.printf("deleted %s%n", body.getString("name"));
            default -> out.printf("%s: %s%n", body.getString("name"), body.getString("state"));
        }
        return XervCli.OK;
    }

    private static String triggers(JsonArray ts) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ts.size(); i++) {
            JsonObject t = ts.getJsonObject(i);
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(t.getString("id")).append(':').append(t.getString("type"));
            if (t.getString("path") != null) {
                sb.append(' ').append(t.getString("method")).append(' ').append(t.getString("path"));
            }
            if (t.getBoolean("paused", false)) {
                sb.append(" (paused)");
            }
        }
        return sb.toString();
    }

    /** Prints the host's JSON error (each flow problem on a line of its own). */
    static void printError(PrintWriter err, String prefix, HostClient.Answer a) {
        try {
            JsonObject e = new JsonObject(a.body());
            Object detail = e.getValue("detail");
            if (detail instanceof JsonArray lines) {
                for (int i = 0; i < lines.size(); i++) {
                    err.println(lines.getString(i));
                }
                err.println(prefix + ": " + e.getString("error") + " (HTTP " + a.status() + ")");
            } else {
                err.println(prefix + ": " + e.getString("error") + " (HTTP " + a.status() + "): " + detail);
            }
        } catch (DecodeException | ClassCastException e) {
            err.println(prefix + ": HTTP " + a.status() + ": " + a.body());
        }
    }
}
