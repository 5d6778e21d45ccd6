package io.xerv.host.recovery;

import io.xerv.host.engine.CompiledFlow;
import io.xerv.host.engine.Engine;
import io.xerv.host.engine.EngineConfig;
import io.xerv.host.engine.NodeReport;
import io.xerv.host.engine.TraceHandle;
import io.xerv.host.engine.TraceReport;
import io.xerv.host.engine.TraceStatus;
import io.xerv.host.flow.FlowLoader;
import io.xerv.plugin.Values;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The invariant "a WAL record never points at arena bytes that can be lost while the record
 * survives", shown the hard way: after the engine stops, the arena files are destroyed (as if none of
 * their pages had reached the disk), and recovery still resumes the trace with every recorded output
 * intact, because the log carries the bytes its records point at.
 */
class ArenaLossTest {

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

    @Test
    void recoveryRestoresLostArenaBytesFromTheLog() throws Exception {
        String id;
        String noteBefore;
        try (Engine engine = Engine.start(EngineConfig.defaults(dir).withEventLoops(1))) {
            CompiledFlow flow = engine.link(FlowLoader.parse("f.yaml", FLOW, engine.registry()));
            TraceHandle h = engine.start(flow, null, "{\"id\":\"o-5\",\"amount\":42.5}".getBytes());
            TraceReport suspended = h.settled().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(suspended.status()).isEqualTo(TraceStatus.SUSPENDED);
            id = h.traceId().toString();
            noteBefore = Values.toJson(node(suspended, "note").output());
        }
        // Every arena file lost: not a page of any slab reached the disk.
        try (Stream<Path> files = Files.list(dir.resolve("arenas"))) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }

        try (Engine engine = Engine.start(EngineConfig.defaults(dir).withEventLoops(1))) {
            CompiledFlow flow = engine.link(FlowLoader.parse("f.yaml", FLOW, engine.registry()));
            List<TraceHandle> recovered = engine.recover(s -> Optional.of(flow));
            assertThat(recovered).hasSize(1);
            TraceReport again = recovered.get(0).settled().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(again.status()).isEqualTo(TraceStatus.SUSPENDED);
            // Read back from the restored arena, not recomputed: the nodes did not run again.
            assertThat(node(again, "shape").attempts()).isEqualTo(1);
            assertThat(Values.toJson(node(again, "note").output())).isEqualTo(noteBefore);

            engine.resume("ok-" + id, "approve", Values.NULL).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            TraceReport done = recovered.get(0).completion().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(done.status()).isEqualTo(TraceStatus.COMPLETED);
            assertThat(node(done, "done").logs()).containsExactly("INFO done order o-5");
            assertThat(Values.toJson(done.result())).isEqualTo(noteBefore);
        }
    }

    @Test
    void recoveryRestoresArenaBytesOverwrittenWithGarbage() throws Exception {
        String id;
        try (Engine engine = Engine.start(EngineConfig.defaults(dir).withEventLoops(1))) {
            CompiledFlow flow = engine.link(FlowLoader.parse("f.yaml", FLOW, engine.registry()));
            TraceHandle h = engine.start(flow, null, "{\"id\":\"o-6\",\"amount\":7}".getBytes());
            h.settled().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            id = h.traceId().toString();
        }
        // Keep the headers (so the arena is found) but scramble everything after them.
        try (Stream<Path> files = Files.list(dir.resolve("arenas"))) {
            for (Path f : files.toList()) {
                scrambleDataRegion(f);
            }
        }
        try (Engine engine = Engine.start(EngineConfig.defaults(dir).withEventLoops(1))) {
            CompiledFlow flow = engine.link(FlowLoader.parse("f.yaml", FLOW, engine.registry()));
            TraceHandle h = engine.recover(s -> Optional.of(flow)).get(0);
            h.settled().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            engine.resume("ok-" + id, "approve", Values.NULL).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            TraceReport done = h.completion().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(done.status()).isEqualTo(TraceStatus.COMPLETED);
            assertThat(Values.toJson(done.result())).isEqualTo("{\"order\":{\"id\":\"o-6\",\"total\":7},\"text\":\"order o-6\"}");
        }
    }

    private static void scrambleDataRegion(Path slab) throws IOException {
        byte[] bytes = Files.readAllBytes(slab);
        // The first slot's data region starts after its header and config block; everything the
        // trace appended from there on is overwritten.
        int configSize = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getInt(io.xerv.arena.ArenaLayout.CONFIG_SIZE_OFFSET);
        int dataStart = (int) io.xerv.arena.ArenaLayout.dataStart(configSize);
        assertThat(dataStart).isLessThan(1024);
        for (int i = dataStart; i < Math.min(bytes.length, 64 << 10); i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        Files.write(slab, bytes);
    }

    private static NodeReport node(TraceReport r, String id) {
        return r.nodes().stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
    }
}
