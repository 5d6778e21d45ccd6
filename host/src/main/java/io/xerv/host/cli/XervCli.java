package io.xerv.host.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code xerv} command line. */
@Command(name = "xerv", mixinStandardHelpOptions = true, versionProvider = XervCli.Version.class,
        description = "Xerv: run YAML flows of nodes over a memory-mapped arena.",
        subcommands = {ServeCommand.class, DeployCommand.class, PipelinesCommand.class, RunCommand.class, ValidateCommand.class, InspectCommand.class, ReplayCommand.class, NodesCommand.class, WalCommand.class,
                CommandLine.HelpCommand.class})
public final class XervCli {

    /** Exit code of a completed trace or a valid flow. */
    public static final int OK = 0;
    /** Exit code of a failed or cancelled trace, or an invalid flow. */
    public static final int FAILED = 1;
    /** Exit code of bad usage or input the command could not use (flow file, JSON, arena file). */
    public static final int USAGE = 2;
    /** Exit code of a trace that suspended and waits to be resumed. */
    public static final int SUSPENDED = 3;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (for tests). */
    public static int execute(String... args) {
        return execute(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given output streams and returns its exit code. */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new XervCli());
        cl.setExpandAtFiles(false); // --input @FILE is ours
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("xerv " + cmd.getCommandName() + ": " + (ex.getMessage() == null ? ex : ex.getMessage()));
            return USAGE;
        });
        return cl.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = XervCli.class.getPackage().getImplementationVersion();
            return new String[] {"xerv " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
