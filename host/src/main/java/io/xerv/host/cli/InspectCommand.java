package io.xerv.host.cli;

import io.xerv.arena.Arena;
import io.xerv.arena.ArenaFile;
import io.xerv.arena.ArenaLayout;
import io.xerv.arena.ArenaStore;
import io.xerv.arena.RelPtr;
import io.xerv.host.engine.TraceLog;
import io.xerv.plugin.Values;
import io.xerv.wal.Wal;
import io.xerv.wal.WalRecord;
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
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;

/** {@code xerv inspect}: prints arenas, and a trace's WAL records beside the arena values they point at. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Prints arenas, or a trace's write-ahead log records beside the arena values they point at.",
                "xerv inspect ARENA_FILE [--trace ID]: the arenas in an arena file (DATA_DIR/arenas/slab-NNNNNN.xa",
                "  or trace-ID.xa): each header and every entry with its value decoded.",
                "xerv inspect --data-dir DIR: the traces in DIR's write-ahead log, with their status.",
                "xerv inspect --data-dir DIR --trace ID: that trace's WAL records beside the arena values they point at,",
                "  then its arena. Reads only; safe while a host runs on DIR."})
final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ARENA_FILE", description = "An arena file.")
    Path file;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "A data directory (with wal/ and arenas/).")
    Path dataDir;

    @Option(names = "--trace", paramLabel = "ID", description = "Only this trace.")
    UUID trace;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if ((file == null) == (dataDir == null)) {
            err.println("xerv inspect: give either an ARENA_FILE or --data-dir DIR");
            return XervCli.USAGE;
        }
        return file != null ? arenaFile(out, err) : dataDir(out, err);
    }

    private int dataDir(PrintWriter out, PrintWriter err) throws IOException {
        Path walDir = dataDir.resolve("wal");
        if (!Files.isDirectory(walDir)) {
            err.println("xerv inspect: " + dataDir + " holds no write-ahead log (no wal folder)");
            return XervCli.USAGE;
        }
        // Streamed: a trace that ended keeps its start and end only, the one asked for keeps everything.
        TraceLog.Index index = new TraceLog.Index(id -> id.equals(trace));
        Wal.Recovery rec = Wal.read(walDir, index);
        if (rec.truncation() != null) {
            out.println("log damaged at " + rec.truncation() + " (see xerv wal check)");
        }
        Map<UUID, TraceLog> traces = index.traces();
        if (trace == null) {
            out.printf("%d records in %d segments, %d traces%n", rec.records(), rec.segments(), traces.size());
            for (TraceLog t : traces.values()) {
                String status = t.ended() ? t.records().get(t.records().size() - 1).type().name().toLowerCase() : "unfinished";
                out.printf("  %s  %-20s %-15s %3d records, %3d node runs done%n", t.traceId(),
                        t.start() == null ? "?" : t.start().pipeline(), status, t.recordCount(), t.completedRuns());
            }
            return XervCli.OK;
        }
        TraceLog t = traces.get(trace);
        if (t == null) {
            err.println("xerv inspect: the log in " + dataDir + " holds no records of trace " + trace);
            return XervCli.FAILED;
        }
        try (ArenaStore store = ArenaStore.open(dataDir.resolve("arenas"), ArenaStore.Config.DEFAULT)) {
            Optional<Arena> arena = store.find(trace);
            out.printf("trace %s: %d WAL records%s%n", trace, t.records().size(),
                    arena.isPresent() ? ", arena in " + arena.get().file().getFileName() + " at offset " + arena.get().fileOffset()
                            : ", arena gone (freed by retention)");
            for (WalRecord r : t.records()) {
                out.printf("  %s  %-15s %s%n", Instant.ofEpochMilli(r.timeMillis()), r.type(), describe(r, arena));
            }
            if (arena.isPresent()) {
                Arena a = arena.get();
                out.printf("arena: state %s, write offset %d, %d entries%n", ArenaLayout.stateName(a.state()), a.writeOffset(),
                        a.entries().size());
                for (Arena.Entry e : a.entries()) {
                    printEntry(out, e.ptr(), e.tag(), value(a, e.ptr()));
                }
            }
        }
        return XervCli.OK;
    }

    private static String describe(WalRecord r, Optional<Arena> arena) {
        return switch (r) {
            case WalRecord.TraceStart s -> String.format("%s@%s trigger %s payload @%d = %s", s.pipeline(), s.version(),
                    s.trigger(), s.payloadOffset(), at(arena, s.payloadOffset(), s.payloadSize()));
            case WalRecord.NodeStart s -> String.format("run %s node #%d attempt %d", s.runKey(), s.node(), s.attempt());
            case WalRecord.NodeDone d -> String.format("run %s node #%d port %s @%d = %s", d.runKey(), d.node(), d.port(),
                    d.offset(), at(arena, d.offset(), d.size()));
            case WalRecord.NodeError e -> String.format("run %s node #%d attempt %d%s: %s", e.runKey(), e.node(), e.attempt(),
                    e.last() ? " (last)" : "", e.message());
            case WalRecord.TraceComplete c -> "";
            case WalRecord.TraceFailed f -> f.error();
            case WalRecord.TraceSuspended s -> String.format("run %s node #%d hook %s%s", s.runKey(), s.node(), s.hookId(),
                    s.deadlineMillis() == 0 ? "" : " until " + Instant.ofEpochMilli(s.deadlineMillis()));
            case WalRecord.TraceResumed s -> String.format("hook %s decision %s%s payload %s", s.hookId(), s.decision(),
                    s.timedOut() ? " (timeout)" : "", s.payloadOffset() == 0 ? "none" : at(arena, s.payloadOffset(), s.payloadSize()));
            case WalRecord.Checkpoint c -> "unfinished " + c.unfinishedTraces();
            case WalRecord.LoopIteration l -> String.format("run %s node #%d iteration %d", l.runKey(), l.node(), l.iteration());
            case WalRecord.ArenaData a -> String.format("%d arena bytes at @%d", a.bytes().length, a.offset());
            case WalRecord.Carried c -> String.format("carried %d/%d: %s %s", c.index() + 1, c.count(),
                    c.record().type().name().toLowerCase(), describe(c.record(), arena));
        };
    }

    /** One arena entry: where, how big, who wrote it (the host, or node n by flow order), its value. */
    private static void printEntry(PrintWriter out, RelPtr ptr, int tag, String value) {
        String who = tag == 0 ? "host" : "node#" + (tag - 1);
        out.printf("    @%-8d %6d B  %-8s %s%n", ptr.offset(), ptr.size(), who, value);
    }

    private static String at(Optional<Arena> arena, long offset, int size) {
        return arena.map(a -> value(a, new RelPtr(offset, size))).orElse("<arena gone>");
    }

    private static String value(Arena a, RelPtr p) {
        try {
            return RunCommand.shorten(Values.toJson(a.value(p)), 200);
        } catch (RuntimeException e) {
            return "<undecodable: " + e.getMessage() + ">";
        }
    }

    private int arenaFile(PrintWriter out, PrintWriter err) {
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
                printEntry(out, e.ptr(), e.tag(), e.value());
            }
        }
        if (shown == 0) {
            err.println("xerv inspect: " + (trace == null ? "no arenas in " + file : "no arena of trace " + trace + " in " + file));
            return XervCli.FAILED;
        }
        return XervCli.OK;
    }
}
