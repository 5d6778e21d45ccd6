package io.xerv.host.cli;

import io.xerv.host.engine.Engine;
import io.xerv.wal.Wal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;

/** {@code xerv wal check|repair}: finds and repairs damage in a data directory's write-ahead log. */
@Command(name = "wal", mixinStandardHelpOptions = true,
        description = {"Checks or repairs a data directory's write-ahead log.",
                "A host refuses to start on a log damaged inside (not at its end, where a crash leaves a torn write)."},
        subcommands = {WalCommand.Check.class, WalCommand.Repair.class})
final class WalCommand {

    /** Exit code of a log that is damaged inside. */
    static final int DAMAGED = 1;

    private static Path walDir(Path dataDir, PrintWriter err, String command) {
        Path wal = dataDir.resolve("wal");
        if (!Files.isDirectory(wal)) {
            err.println("xerv wal " + command + ": " + dataDir + " holds no write-ahead log (no wal folder)");
            return null;
        }
        return wal;
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Reads the whole log and reports every frame that does not decode, with its segment",
                    "file, offset and what is wrong (for a checksum: the stored and the computed value).",
                    "Changes nothing; safe while a host runs on DIR.",
                    "Exit codes: 0 no damage (a torn end, which a host cuts at start, is reported but is no damage),",
                    "1 the log is damaged inside, 2 no log in DIR."})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data", description = "The data directory (default: ${DEFAULT-VALUE}).")
        Path dataDir;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            Path wal = walDir(dataDir, spec.commandLine().getErr(), "check");
            if (wal == null) {
                return XervCli.USAGE;
            }
            Wal.Check check = Wal.check(wal);
            out.printf("%d records in %d segments%n", check.records(), check.segments());
            for (Wal.Problem p : check.problems()) {
                out.printf("%s: %s%n", p.tail() ? "torn end (a host cuts it at start)" : "DAMAGED", p.segment() + " at offset "
                        + p.offset() + ": " + p.detail());
            }
            if (check.damaged()) {
                out.println("the log is damaged inside; a host will not start on it. To cut it at the first damage, with"
                        + " the host stopped: xerv wal repair --data-dir " + dataDir);
                return DAMAGED;
            }
            out.println(check.problems().isEmpty() ? "no problems" : "no damage inside the log");
            return XervCli.OK;
        }
    }

    @Command(name = "repair", mixinStandardHelpOptions = true,
            description = {"Cuts the log at its first frame that does not decode. When that is damage inside the log,",
                    "the cut segment is first copied whole, and every later segment moved, into",
                    "DIR/" + Engine.WAL_QUARANTINE + "/<time>/; nothing is deleted. The records after the cut are",
                    "no longer recovered: traces they belonged to resume from what is left, or stay unfinished.",
                    "Needs the host stopped (it takes the data directory's lock).",
                    "Exit codes: 0 repaired or nothing to repair, 2 no log in DIR or DIR in use."})
    static final class Repair implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data", description = "The data directory (default: ${DEFAULT-VALUE}).")
        Path dataDir;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path wal = walDir(dataDir, err, "repair");
            if (wal == null) {
                return XervCli.USAGE;
            }
            // The lock a host takes: a repair under a running host would cut the log it writes.
            try (FileChannel ch = FileChannel.open(dataDir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ)) {
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    err.println("xerv wal repair: data directory " + dataDir + " is in use by process "
                            + Files.readString(dataDir.resolve("lock")).strip() + "; stop it first");
                    return XervCli.USAGE;
                }
                Path quarantine = dataDir.resolve(Engine.WAL_QUARANTINE)
                        .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
                Wal.Repair r = Wal.repair(wal, quarantine);
                if (r.cutAt() == null) {
                    out.printf("nothing to repair: %d records in %d segments%n", r.keptRecords(), r.keptSegments());
                    return XervCli.OK;
                }
                out.printf("cut %s at offset %d (%s)%n", r.cutAt().segment(), r.cutAt().offset(), r.cutAt().detail());
                if (r.copied() != null) {
                    out.printf("copied %s whole to %s%n", r.cutAt().segment().getFileName(), r.copied());
                }
                for (Path m : r.moved()) {
                    out.printf("moved %s to %s%n", m.getFileName(), m);
                }
                out.printf("kept %d records in %d segments%n", r.keptRecords(), r.keptSegments());
                return XervCli.OK;
            }
        }
    }
}
