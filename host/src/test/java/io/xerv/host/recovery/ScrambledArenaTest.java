package io.xerv.host.recovery;

import io.vertx.core.json.JsonObject;
import io.xerv.arena.ArenaLayout;
import io.xerv.host.engine.Engine;
import io.xerv.host.engine.EngineConfig;
import io.xerv.host.engine.TraceStatus;
import io.xerv.host.serve.Accepted;
import io.xerv.host.serve.PipelineController;
import io.xerv.host.serve.ServeMetrics;
import io.xerv.plugin.Values;
import io.xerv.wal.Wal;
import io.xerv.wal.WalRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An arena scrambled while the host was down: recovery rebuilds it from the bytes the write-ahead log
 * carries, or, when the log does not carry them, fails the trace with a logged reason that the API
 * shows, never leaving it {@code running}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScrambledArenaTest {

    @TempDir
    Path dir;

    static final String FLOW = """
            name: reshape_then_wait
            nodes:
              shape:
                type: std::map
                config: {mappings: [{from: id, to: order.id}, {from: amount, to: order.total}]}
              note:
                type: std::concat
                config: {parts: ["order ", {field: order.id}], output_field: text, passthrough: true}
              ask: {type: std::wait, config: {hook_id: "ok-${trace.id}"}}
              done: {type: std::log, config: {message: "done ${note.text}"}}
            edges:
              - {from: shape, to: note}
              - {from: note, to: ask}
              - {from: ask, to: done}
            """;

    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        public void publish(LogRecord r) {
            logged.add(r);
        }

        public void flush() {
        }

        public void close() {
        }
    };
    private final Logger restoreLog = Logger.getLogger("io.xerv.host.engine.ArenaRestore");

    @BeforeEach
    void listen() {
        restoreLog.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        restoreLog.removeHandler(capture);
    }

    @Test
    void scrambledArenaHeaderIsRestoredFromTheWal() throws Exception {
        UUID id = suspendOne("o-7");
        // The header's config block size and bytes scrambled: the data region seems to start elsewhere,
        // and the log's bytes no longer fit where the arena says its data begins.
        Path slab = onlyArenaFile();
        byte[] bytes = Files.readAllBytes(slab);
        ByteBuffer header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int configSize = header.getInt(ArenaLayout.CONFIG_SIZE_OFFSET) + 64;
        // Still a header the store accepts: the data it says it holds ends past where it says data begins.
        assertThat(header.getLong(ArenaLayout.WRITE_OFFSET_OFFSET)).isGreaterThan(ArenaLayout.dataStart(configSize));
        header.putInt(ArenaLayout.CONFIG_SIZE_OFFSET, configSize);
        for (int i = ArenaLayout.CONFIG_OFFSET; i < ArenaLayout.CONFIG_OFFSET + 64; i++) {
            bytes[i] = (byte) (i * 13 + 5);
        }
        Files.write(slab, bytes);

        try (Host host = new Host(dir)) {
            assertThat(host.controller.recover()).isEqualTo(1);
            JsonObject suspended = host.awaitStatus(id, "suspended");
            assertThat(suspended.getString("status")).isEqualTo("suspended");
            assertThat(logged).anyMatch(r -> r.getLevel() == Level.WARNING && r.getMessage().contains(id.toString())
                    && r.getMessage().contains(slab.getFileName().toString()) && r.getMessage().contains("config block"));

            host.controller.resume("ok-" + id, "approve", null).await();
            JsonObject done = host.awaitStatus(id, "completed");
            assertThat(done.getJsonObject("result").encode())
                    .isEqualTo("{\"order\":{\"id\":\"o-7\",\"total\":7},\"text\":\"order o-7\"}");
        }
    }

    @Test
    void scrambledArenaTheWalCannotRestoreFailsTheTraceWithAReason() throws Exception {
        UUID id = suspendOne("o-8");
        // A log that does not carry the trace's bytes (as one written before the log carried them),
        // and an arena whose data region is scrambled.
        Path wal = dir.resolve("wal");
        List<WalRecord> records = new java.util.ArrayList<>();
        Wal.read(wal, records::add);
        try (Stream<Path> files = Files.list(wal)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        try (Wal w = Wal.open(wal, Wal.Config.DEFAULT)) {
            for (WalRecord r : records) {
                if (!(r instanceof WalRecord.ArenaData) && !(r instanceof WalRecord.Checkpoint)) {
                    w.append(r);
                }
            }
        }
        Path slab = onlyArenaFile();
        scrambleDataRegion(slab);

        try (Host host = new Host(dir)) {
            host.controller.recover();
            JsonObject failed = host.awaitStatus(id, "failed");
            String error = failed.getString("error");
            assertThat(error).contains(slab.getFileName().toString()).contains("not in the write-ahead log");
            // The listing shows it failed once its end record is durable (as for any trace that ends).
            for (int i = 0; host.controller.traces(null, null, 100).stream()
                    .noneMatch(t -> t.traceId().equals(id) && t.status() == TraceStatus.FAILED); i++) {
                assertThat(i).as("the listing never showed %s failed", id).isLessThan(2000);
                Thread.sleep(5);
            }
            assertThat(host.controller.traces(null, TraceStatus.RUNNING, 100)).noneMatch(t -> t.traceId().equals(id));
            assertThat(logged).anyMatch(r -> r.getLevel() == Level.SEVERE && r.getMessage().contains(id.toString())
                    && r.getMessage().contains(slab.getFileName().toString())
                    && r.getMessage().contains("not in the write-ahead log"));
        }
        // The failure is recorded: a later start does not find the trace unfinished again.
        List<WalRecord> after = new java.util.ArrayList<>();
        Wal.read(wal, after::add);
        assertThat(after).anyMatch(r -> r.traceId().equals(id) && r instanceof WalRecord.TraceFailed f
                && f.error().contains("not in the write-ahead log"));
        try (Engine engine = Engine.start(EngineConfig.defaults(dir).withEventLoops(1))) {
            assertThat(engine.unfinishedTraces()).isEmpty();
        }
    }

    /** Runs one trace to its suspension and stops the host. */
    private UUID suspendOne(String order) throws Exception {
        try (Host host = new Host(dir)) {
            Accepted a = host.controller.submit("reshape_then_wait", null,
                    ("{\"id\":\"" + order + "\",\"amount\":7}").getBytes(StandardCharsets.UTF_8)).await();
            assertThat(a.handle().settled().await().status()).isEqualTo(TraceStatus.SUSPENDED);
            return a.traceId();
        }
    }

    private Path onlyArenaFile() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("arenas"))) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }

    private static void scrambleDataRegion(Path slab) throws IOException {
        byte[] bytes = Files.readAllBytes(slab);
        int configSize = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(ArenaLayout.CONFIG_SIZE_OFFSET);
        int dataStart = (int) ArenaLayout.dataStart(configSize);
        for (int i = dataStart; i < Math.min(bytes.length, 64 << 10); i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        Files.write(slab, bytes);
    }

    /** An engine and the API's controller over it, with the flow deployed. */
    private static final class Host implements AutoCloseable {
        final Engine engine;
        final PipelineController controller;

        Host(Path dir) throws Exception {
            engine = Engine.start(EngineConfig.defaults(dir).withEventLoops(1));
            controller = new PipelineController(engine, new ServeMetrics(engine),
                    new PipelineController.Options(name -> null, 100, dir));
            controller.deploy("f.yaml", FLOW);
        }

        /** The trace as GET /api/v1/traces/{id} shows it, once it has {@code status}. */
        JsonObject awaitStatus(UUID id, String status) throws InterruptedException {
            for (int i = 0; ; i++) {
                JsonObject view = controller.trace(id).await().map(v -> new JsonObject(v.json())).orElse(null);
                if (view != null && status.equals(view.getString("status"))) {
                    return view;
                }
                assertThat(i).as("trace %s never became %s; last seen %s", id, status, view).isLessThan(2000);
                Thread.sleep(5);
            }
        }

        @Override
        public void close() {
            engine.close();
        }
    }
}
