package io.xerv.host.recovery;

import io.xerv.host.engine.CompiledFlow;
import io.xerv.host.engine.Engine;
import io.xerv.host.engine.EngineConfig;
import io.xerv.host.engine.NodeReport;
import io.xerv.host.engine.TraceHandle;
import io.xerv.host.engine.TraceLog;
import io.xerv.host.engine.TraceReport;
import io.xerv.host.engine.TraceStatus;
import io.xerv.host.flow.FlowLoader;
import io.xerv.plugin.Values;
import io.xerv.wal.RecordType;
import io.xerv.wal.Wal;
import io.xerv.wal.WalRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A trace suspended for long (a {@code std::wait} for an approval) must not keep the write-ahead log
 * from being purged: the log carries it forward into a later segment, and recovery of the carried
 * trace gives what recovery of the original records gave.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CarryForwardTest {

    @TempDir
    Path dir;

    static final String WAITING = """
            name: approve_order
            nodes:
              shape:
                type: std::map
                config: {mappings: [{from: id, to: order.id}, {from: amount, to: order.total}]}
              note:
                type: std::concat
                config: {parts: ["order ", {field: order.id}], output_field: text, passthrough: true}
              ask: {type: std::wait, config: {hook_id: "ok-${trace.id}"}}
              done: {type: std::log, config: {message: "approved ${note.text}"}}
            edges:
              - {from: shape, to: note}
              - {from: note, to: ask}
              - {from: ask, to: done}
            """;

    static final String QUICK = """
            name: quick
            nodes:
              say: {type: std::log, config: {message: "n=${trigger.n}"}}
            """;

    /** Small segments, and purged ones deleted (no spares), so that the files show what the log keeps. */
    private EngineConfig config() {
        return EngineConfig.defaults(dir).withEventLoops(1)
                .withWal(Wal.Config.DEFAULT.withSegmentBytes(4096).withSpareSegments(0));
    }

    @Test
    void suspendedTraceNoLongerPinsOldWalSegments() throws Exception {
        UUID waiting;
        String noteBefore;
        try (Engine engine = Engine.start(config())) {
            Flows f = new Flows(engine);
            TraceHandle h = engine.start(f.waiting, null, "{\"id\":\"o-1\",\"amount\":12.5}".getBytes());
            TraceReport suspended = await(h.settled());
            assertThat(suspended.status()).isEqualTo(TraceStatus.SUSPENDED);
            waiting = h.traceId();
            noteBefore = Values.toJson(node(suspended, "note").output());

            for (int i = 0; i < 300; i++) {
                assertThat(await(engine.start(f.quick, null, ("{\"n\":" + i + "}").getBytes()).completion()).status())
                        .isEqualTo(TraceStatus.COMPLETED);
            }
            Wal.Metrics m = engine.wal().metrics();
            assertThat(m.carriedTraces()).isGreaterThanOrEqualTo(1);
            assertThat(m.purgedSegments()).isGreaterThanOrEqualTo(10);
            // The segment that held the suspended trace's own records is gone, and the log stays short.
            assertThat(dir.resolve("wal/wal-000001.log")).doesNotExist();
            assertThat(segments()).hasSizeLessThanOrEqualTo(4);
        }

        try (Engine engine = Engine.start(config())) {
            Flows f = new Flows(engine);
            assertThat(engine.unfinishedTraces()).extracting(TraceLog::traceId).containsExactly(waiting);
            List<TraceHandle> recovered = engine.recover(s -> Optional.of(f.byName(s.pipeline())));
            assertThat(recovered).hasSize(1);
            TraceReport again = await(recovered.get(0).settled());
            assertThat(again.status()).isEqualTo(TraceStatus.SUSPENDED);
            // Read back from the carried records, not run again.
            assertThat(node(again, "shape").attempts()).isEqualTo(1);
            assertThat(Values.toJson(node(again, "note").output())).isEqualTo(noteBefore);

            engine.resume("ok-" + waiting, "approve", Values.NULL).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            TraceReport done = await(recovered.get(0).completion());
            assertThat(done.status()).isEqualTo(TraceStatus.COMPLETED);
            assertThat(node(done, "done").logs()).containsExactly("INFO approved order o-1");
            assertThat(Values.toJson(done.result())).isEqualTo(noteBefore);
        }
    }

    @Test
    void crashBetweenCarryAndPurgeRecoversTheTraceOnce() throws Exception {
        UUID waiting;
        String noteBefore;
        long originalStarts;
        int askAttempts;
        try (Engine engine = Engine.start(config())) {
            Flows f = new Flows(engine);
            TraceHandle h = engine.start(f.waiting, null, "{\"id\":\"o-2\",\"amount\":3}".getBytes());
            TraceReport suspended = await(h.settled());
            waiting = h.traceId();
            noteBefore = Values.toJson(node(suspended, "note").output());
            askAttempts = node(suspended, "ask").attempts();
            // Stop as soon as the trace has been carried forward: the segments it was copied from are
            // purged only at a later roll, so a crash here leaves both the records and their copies.
            for (int i = 0; engine.wal().metrics().carriedTraces() == 0; i++) {
                assertThat(i).as("traces run before the log carried the suspended one").isLessThan(500);
                await(engine.start(f.quick, null, ("{\"n\":" + i + "}").getBytes()).completion());
            }
        }
        // The closed log is what a crash at that point leaves: nothing is purged on close.
        assertThat(dir.resolve("wal/wal-000001.log")).exists();
        List<WalRecord> raw = new java.util.ArrayList<>();
        Wal.read(dir.resolve("wal"), raw::add);
        originalStarts = raw.stream().filter(r -> r.traceId().equals(waiting) && r.type() == RecordType.NODE_START).count();
        long starts = raw.stream().filter(r -> r.traceId().equals(waiting) && (r.type() == RecordType.TRACE_START
                || r instanceof WalRecord.Carried c && c.record().type() == RecordType.TRACE_START)).count();
        assertThat(starts).as("the original start and its copy").isEqualTo(2);

        try (Engine engine = Engine.start(config())) {
            Flows f = new Flows(engine);
            List<TraceLog> open = engine.unfinishedTraces();
            assertThat(open).extracting(TraceLog::traceId).containsExactly(waiting);
            // One trace, read once: its attempts are not counted twice.
            assertThat(open.get(0).records().stream().filter(r -> r.type() == RecordType.NODE_START).count())
                    .isEqualTo(originalStarts);
            assertThat(open.get(0).records()).noneMatch(r -> r instanceof WalRecord.Carried);

            List<TraceHandle> recovered = engine.recover(s -> Optional.of(f.byName(s.pipeline())));
            assertThat(recovered).hasSize(1);
            TraceReport again = await(recovered.get(0).settled());
            assertThat(again.status()).isEqualTo(TraceStatus.SUSPENDED);
            assertThat(node(again, "shape").attempts()).isEqualTo(1);
            // As after any restart, the wait's logged start counts as one attempt; counted from both the
            // records and their copies it would be two.
            assertThat(node(again, "ask").attempts()).isEqualTo(askAttempts + 1);
            assertThat(Values.toJson(node(again, "note").output())).isEqualTo(noteBefore);

            // The recovered log knows the copies replace the originals: those segments go now.
            for (int i = 0; i < 100; i++) {
                await(engine.start(f.quick, null, ("{\"n\":" + i + "}").getBytes()).completion());
            }
            assertThat(dir.resolve("wal/wal-000001.log")).doesNotExist();

            engine.resume("ok-" + waiting, "approve", Values.NULL).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            TraceReport done = await(recovered.get(0).completion());
            assertThat(done.status()).isEqualTo(TraceStatus.COMPLETED);
            assertThat(Values.toJson(done.result())).isEqualTo(noteBefore);
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("wal"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("wal-")).toList();
        }
    }

    private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static NodeReport node(TraceReport r, String id) {
        return r.nodes().stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
    }

    private static final class Flows {
        final CompiledFlow waiting;
        final CompiledFlow quick;

        Flows(Engine engine) throws Exception {
            waiting = engine.link(FlowLoader.parse("approve.yaml", WAITING, engine.registry()));
            quick = engine.link(FlowLoader.parse("quick.yaml", QUICK, engine.registry()));
        }

        CompiledFlow byName(String name) {
            return Map.of(waiting.name(), waiting, quick.name(), quick).get(name);
        }
    }
}
