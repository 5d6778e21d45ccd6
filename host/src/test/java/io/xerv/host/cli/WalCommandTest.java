package io.xerv.host.cli;

import io.xerv.host.engine.Engine;
import io.xerv.host.engine.EngineConfig;
import io.xerv.wal.Durability;
import io.xerv.wal.Storage;
import io.xerv.wal.Wal;
import io.xerv.wal.WalRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A log damaged inside: the host refuses to start and says how to repair; xerv wal check and repair. */
class WalCommandTest {

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = XervCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Several segments of suspended traces (so none is purged), then one flipped byte in the second. */
    private Path damagedDataDir() throws Exception {
        Path data = dir.resolve("data");
        Path walDir = data.resolve("wal");
        try (Wal wal = Wal.open(walDir, new Wal.Config(Durability.FSYNC, 4096, 1024, 8))) {
            CountDownLatch done = new CountDownLatch(450);
            for (int t = 0; t < 150; t++) {
                UUID trace = new UUID(7, t);
                for (WalRecord r : List.of(new WalRecord.TraceStart(trace, 1L, "p", "1", "d", "t", 64L, 8),
                        new WalRecord.NodeDone(trace, 1L, "1", 0, "out", 128L, 8, 1),
                        new WalRecord.TraceSuspended(trace, 1L, "2", 1, "hook-" + t, 0))) {
                    wal.append(r, null, (lsn, e) -> done.countDown());
                }
            }
            assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
        }
        List<Path> segments = Storage.FILES.list(walDir);
        assertThat(segments).hasSizeGreaterThan(3);
        byte[] b = Files.readAllBytes(segments.get(1));
        b[b.length / 2] ^= 0x10;
        Files.write(segments.get(1), b);
        return data;
    }

    @Test
    void aHostRefusesToStartOnALogDamagedInsideAndNamesTheRepairCommand() throws Exception {
        Path data = damagedDataDir();
        List<Path> before = Storage.FILES.list(data.resolve("wal"));

        assertThatThrownBy(() -> Engine.start(EngineConfig.defaults(data).withEventLoops(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is damaged inside: wal-000002.log at offset ")
                .hasMessageContaining("CRC32C mismatch: stored ")
                .hasMessageContaining("xerv wal repair --data-dir " + data);
        assertThat(Storage.FILES.list(data.resolve("wal"))).isEqualTo(before);
    }

    @Test
    void walCheckReportsTheDamageAndRepairMovesTheRestAsideSoTheHostStarts() throws Exception {
        Path data = damagedDataDir();
        List<Path> before = Storage.FILES.list(data.resolve("wal"));

        Run check = cli("wal", "check", "--data-dir", data.toString());
        assertThat(check.code()).as(check.out() + check.err()).isEqualTo(WalCommand.DAMAGED);
        assertThat(check.out()).contains("DAMAGED: " + before.get(1) + " at offset ").contains("CRC32C mismatch");
        assertThat(Storage.FILES.list(data.resolve("wal"))).isEqualTo(before);

        Run repair = cli("wal", "repair", "--data-dir", data.toString());
        assertThat(repair.code()).as(repair.out() + repair.err()).isZero();
        assertThat(repair.out()).contains("cut " + before.get(1) + " at offset ").contains("kept ")
                .contains("moved " + before.get(2).getFileName());
        try (var q = Files.walk(data.resolve(Engine.WAL_QUARANTINE))) {
            assertThat(q.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList())
                    .containsAll(before.subList(1, before.size()).stream().map(p -> p.getFileName().toString()).toList());
        }

        assertThat(cli("wal", "check", "--data-dir", data.toString()).code()).isZero();
        try (Engine e = Engine.start(EngineConfig.defaults(data).withEventLoops(1))) {
            assertThat(e.unfinishedTraces()).isNotEmpty();
        }
    }

    @Test
    void walRepairRefusesWhileAHostUsesTheDirectory() throws Exception {
        Path data = dir.resolve("busy");
        try (Engine e = Engine.start(EngineConfig.defaults(data).withEventLoops(1))) {
            Run repair = cli("wal", "repair", "--data-dir", data.toString());
            assertThat(repair.code()).isEqualTo(XervCli.USAGE);
            assertThat(repair.err()).contains("data directory " + data + " is in use by process "
                    + ProcessHandle.current().pid());
        }
    }
}
