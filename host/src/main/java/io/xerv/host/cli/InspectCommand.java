package io.xerv.host.cli;

import io.xerv.arena.ArenaFile;
import io.xerv.arena.ArenaLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

/** {@code xerv inspect}: prints the arenas in an arena file. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Prints the arenas in an arena file (a slab-NNNNNN.xa or a trace-ID.xa under DATA_DIR/arenas):",
                "each header (trace, state, offsets, timestamps, config block) and every entry with its value decoded."})
final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ARENA_FILE", description = "An arena file.")
    Path file;

    @Option(names = "--trace", paramLabel = "ID", description = "Only the arena of this trace.")
    UUID trace;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(file)) {
            err.println("xerv inspect: no such file " + file);
            return XervCli.USAGE;
        }
        List<ArenaFile.Snapshot> snaps;
        try {
            snaps = ArenaFile.read(file);
        } catch (IOException | IllegalArgumentException e) {
            err.println("xerv inspect: " + e.getMessage());
            return XervCli.USAGE;
        }
        int shown = 0;
        for (ArenaFile.Snapshot s : snaps) {
            if (trace != null && !trace.equals(s.traceId())) {
                continue;
            }
            shown++;
            out.printf("arena %s at file offset %d%n", s.traceId(), s.fileOffset());
            out.printf("  state %s, write offset %d, capacity %d%n", ArenaLayout.stateName(s.state()), s.writeOffset(), s.capacity());
            out.printf("  created %s%s%n", Instant.ofEpochMilli(s.createdMillis()),
                    s.finishedMillis() == 0 ? "" : ", finished " + Instant.ofEpochMilli(s.finishedMillis()));
            if (s.config() != null) {
                out.printf("  pipeline %s@%s, trigger %s, config %s%n", s.config().pipeline(), s.config().version(),
                        s.config().triggerId(), s.config().pipelineConfigValue());
            } else {
                out.printf("  config block unreadable: %s%n", s.configError());
            }
            out.printf("  %d entries%n", s.entries().size());
            for (ArenaFile.EntrySnapshot e : s.entries()) {
                String who = e.tag() == 0 ? "host" : "node#" + (e.tag() - 1);
                out.printf("    @%-8d %6d B  %-8s %s%n", e.ptr().offset(), e.ptr().size(), who, e.value());
            }
        }
        if (shown == 0) {
            err.println("xerv inspect: " + (trace == null ? "no arenas in " + file : "no arena of trace " + trace + " in " + file));
            return XervCli.FAILED;
        }
        return XervCli.OK;
    }
}
