package io.xerv.bench.http;

import io.xerv.wal.Wal;
import io.xerv.wal.WalRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The verdict of {@code bench/http/crash.sh}: reads the write-ahead log of a host that was killed
 * under webhook load and restarted, and checks that every trace the host acknowledged (a 202 with its
 * trace id) was started once and completed exactly once: one TraceStart, one TraceComplete, no
 * TraceFailed. Traces started but never acknowledged (in flight at a kill) are counted apart.
 *
 * <pre>java -cp ... io.xerv.bench.http.CrashCheck WAL_DIR ACK_FILE</pre>
 *
 * Exits 0 when every acknowledged trace passed, 1 otherwise. The log must still hold the traces'
 * segments: the harness keeps its load below one segment, which the host never purges while in use.
 */
public final class CrashCheck {

    private static final class Counts {
        int starts;
        int completes;
        int fails;
        int resumes;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: CrashCheck WAL_DIR ACK_FILE");
            System.exit(2);
        }
        // By trace, with carried blocks applied: a trace the log carried forward counts once. Every
        // trace keeps all its records (the resumes are counted too).
        io.xerv.host.engine.TraceLog.Index index = new io.xerv.host.engine.TraceLog.Index(id -> true);
        Wal.Recovery log = Wal.read(Path.of(args[0]), index);
        Map<UUID, Counts> byTrace = new HashMap<>();
        for (WalRecord r : index.traces().values().stream().flatMap(t -> t.records().stream()).toList()) {
            Counts c = byTrace.computeIfAbsent(r.traceId(), k -> new Counts());
            switch (r) {
                case WalRecord.TraceStart s -> c.starts++;
                case WalRecord.TraceComplete s -> c.completes++;
                case WalRecord.TraceFailed s -> c.fails++;
                case WalRecord.TraceResumed s -> c.resumes++;
                default -> { }
            }
        }
        Set<UUID> acked = new LinkedHashSet<>();
        int duplicateAcks = 0;
        int refusals = 0;
        List<String> lines = Files.readAllLines(Path.of(args[1]));
        for (String line : lines) {
            if (line.startsWith("#")) {
                refusals++;
            } else if (!line.isBlank() && !acked.add(UUID.fromString(line.strip()))) {
                duplicateAcks++;
            }
        }
        int ok = 0;
        int lost = 0;
        int unfinished = 0;
        int failed = 0;
        int twice = 0;
        int restarted = 0;
        for (UUID id : acked) {
            Counts c = byTrace.get(id);
            if (c == null || c.starts == 0) {
                lost++;
                report("LOST (acknowledged, no TraceStart in the log)", id);
            } else if (c.starts > 1) {
                restarted++;
                report("STARTED " + c.starts + " TIMES", id);
            } else if (c.fails > 0) {
                failed++;
                report("FAILED", id);
            } else if (c.completes == 0) {
                unfinished++;
                report("NOT COMPLETED", id);
            } else if (c.completes > 1) {
                twice++;
                report("COMPLETED " + c.completes + " TIMES", id);
            } else {
                ok++;
            }
        }
        int unacked = 0;
        int unackedCompleted = 0;
        for (Map.Entry<UUID, Counts> e : byTrace.entrySet()) {
            if (e.getValue().starts > 0 && !acked.contains(e.getKey())) {
                unacked++;
                if (e.getValue().completes == 1 && e.getValue().fails == 0) {
                    unackedCompleted++;
                }
            }
        }
        System.out.printf("log: %d records in %d segment(s)%s%n", log.records(), log.segments(),
                log.truncation() == null ? "" : ", damaged tail: " + log.truncation());
        System.out.printf("acknowledged traces: %d (%d duplicate acknowledgements); other answers: %d%n",
                acked.size(), duplicateAcks, refusals);
        System.out.printf("completed exactly once: %d; lost: %d; started twice: %d; failed: %d; not completed: %d; "
                + "completed more than once: %d%n", ok, lost, restarted, failed, unfinished, twice);
        System.out.printf("started but never acknowledged (in flight at a kill): %d, of which completed once: %d%n",
                unacked, unackedCompleted);
        boolean pass = ok == acked.size() && duplicateAcks == 0 && !acked.isEmpty();
        System.out.println(pass ? "PASS" : "FAIL");
        System.exit(pass ? 0 : 1);
    }

    private static int reported;

    private static void report(String what, UUID id) {
        if (reported++ < 20) {
            System.out.println("  " + what + ": " + id);
        }
    }
}
