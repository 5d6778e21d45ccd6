package io.xerv.host.serve;

import io.xerv.arena.Arena;
import io.xerv.arena.ArenaStore;
import io.xerv.arena.ConfigBlock;
import io.xerv.arena.FlexValue;
import io.xerv.arena.ValueCodec;
import io.xerv.host.engine.NodeReport;
import io.xerv.host.engine.NodeStatus;
import io.xerv.host.engine.TraceReport;
import io.xerv.host.engine.TraceStatus;
import io.xerv.plugin.Value;
import io.xerv.plugin.Values;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A packed report decodes to one that renders the same JSON, and its header reads without a decode. */
class PackedTraceTest {

    private static final long STARTED_AT = 1_732_000_000_123L;

    @TempDir
    Path dir;

    /** The record encoded, copied out of the thread's buffer. */
    private static byte[] pack(TraceReport r, long startedAt, Arena arena) {
        ByteBuffer b = PackedTrace.encode(r, startedAt, arena);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static TraceReport report() {
        FlexValue order = ValueCodec.parseJson("{\"id\":\"o-1\",\"items\":[1,2.5,null,true],\"note\":\"Zoë says \\\"hi\\\"\"}");
        List<NodeReport> nodes = List.of(
                new NodeReport("fetch", "std::http", NodeStatus.COMPLETED, "out", order, 120, 1, 1, null,
                        List.of("GET /orders → 200", "Zoë said \"done\" \\ ok", "🚀 launched")),
                new NodeReport("pick", "std::log", NodeStatus.COMPLETED, "out", order, 30, 2, 1, null, List.of()),
                new NodeReport("count", "std::map", NodeStatus.COMPLETED, "out", Values.of(42L), 7, 1, 1, null, List.of()),
                new NodeReport("nothing", "std::map", NodeStatus.COMPLETED, "out", Values.NULL, 1, 1, 1, null, List.of()),
                new NodeReport("charge", "std::http", NodeStatus.FAILED, null, null, 900, 1, 3,
                        "HTTP 502: \"bad gateway\"\nretried", List.of("attempt 1", "attempt 2")),
                new NodeReport("approve", "std::wait", NodeStatus.SUSPENDED, null, null, 0, 1, 1, null, List.of()),
                new NodeReport("later", "std::log", NodeStatus.PENDING, null, null, 0, 0, 0, null, List.of()));
        return new TraceReport(UUID.randomUUID(), "orders-ü", "v3", "webhook", TraceStatus.FAILED, nodes, order,
                "node 'charge' failed: \"bad gateway\"", List.of("hook-1", "hook-ž"), 4567);
    }

    @Test
    void aReportDecodesToOneThatRendersTheSameJson() {
        TraceReport r = report();
        byte[] record = pack(r, STARTED_AT, null);

        TraceReport back = PackedTrace.decode(record);

        assertThat(back.toJson()).isEqualTo(r.toJson());
        assertThat(back.nodes().get(4).port()).isNull();
        assertThat(back.nodes().get(4).output()).isNull();
        assertThat(back.nodes().get(0).error()).isNull();
    }

    @Test
    void theHeaderReadsWithoutADecode() {
        TraceReport r = report();
        byte[] record = pack(r, STARTED_AT, null);

        assertThat(PackedTrace.traceId(record)).isEqualTo(r.traceId());
        assertThat(PackedTrace.pipeline(record)).isEqualTo("orders-ü");
        assertThat(PackedTrace.version(record)).isEqualTo("v3");
        assertThat(PackedTrace.status(record)).isEqualTo(TraceStatus.FAILED);
        assertThat(PackedTrace.startedAt(record)).isEqualTo(STARTED_AT);
        assertThat(PackedTrace.pipelineIs(record, "orders-ü".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(PackedTrace.pipelineIs(record, "orders".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(PackedTrace.pipelineIs(record, "orders-üx".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void aViewOfARecordShowsTheReport() {
        TraceReport r = report();
        TraceView v = TraceView.packed(pack(r, STARTED_AT, null));

        assertThat(v.traceId()).isEqualTo(r.traceId());
        assertThat(v.pipeline()).isEqualTo(r.pipeline());
        assertThat(v.version()).isEqualTo(r.version());
        assertThat(v.status()).isEqualTo(r.status());
        assertThat(v.startedAt()).isEqualTo(STARTED_AT);
        assertThat(v.json()).isEqualTo(r.toJson());
    }

    @Test
    void aReportWithNoNodesAndNoResultRoundTrips() {
        TraceReport r = new TraceReport(UUID.randomUUID(), "p", "", "", TraceStatus.FAILED, List.of(), null,
                "the trace could not start: no room", List.of(), 0);
        byte[] record = pack(r, 0, null);

        assertThat(PackedTrace.decode(record).toJson()).isEqualTo(r.toJson());
        assertThat(PackedTrace.version(record)).isEmpty();
    }

    @Test
    void aLoneSurrogateIsWrittenAsAQuestionMark() {
        TraceReport r = new TraceReport(UUID.randomUUID(), "a\uD800b", "v1", "t", TraceStatus.COMPLETED, List.of(),
                null, null, List.of(), 1);

        assertThat(PackedTrace.pipeline(pack(r, 0, null))).isEqualTo("a?b");
    }

    @Test
    void aLargeReportGrowsTheBufferAndTheNextOneStillFits() {
        String big = "x".repeat(3 << 20);
        TraceReport large = new TraceReport(UUID.randomUUID(), "p", "v1", "t", TraceStatus.COMPLETED,
                List.of(new NodeReport("n", "std::log", NodeStatus.COMPLETED, "out", Values.of(big), 1, 1, 1, null,
                        List.of(big))), Values.of(big), null, List.of(), 1);
        TraceReport small = report();

        assertThat(PackedTrace.decode(pack(large, 0, null)).toJson()).isEqualTo(large.toJson());
        assertThat(PackedTrace.decode(pack(small, 0, null)).toJson()).isEqualTo(small.toJson());
    }

    @Test
    void anArenaEntryPassedOnByNodesIsCopiedOnceAndOutlivesItsArena() {
        TraceReport r;
        String json;
        byte[] record;
        int entryBytes;
        try (ArenaStore store = ArenaStore.open(dir, ArenaStore.Config.DEFAULT)) {
            UUID trace = UUID.randomUUID();
            ByteBuffer cfg = ValueCodec.encode(Map.of("limit", 10));
            byte[] cfgBytes = new byte[cfg.remaining()];
            cfg.get(cfgBytes);
            Arena arena = store.create(trace, new ConfigBlock("orders", "v1", "abc", "manual", cfgBytes));
            FlexValue order = arena.appendJson(0, "{\"id\":\"o-7\",\"items\":[1,2,3],\"pad\":\"%s\"}"
                    .formatted("p".repeat(500)).getBytes(StandardCharsets.UTF_8));
            entryBytes = order.ptr().size();
            Value items = order.get("items");
            r = new TraceReport(trace, "orders", "v1", "manual", TraceStatus.COMPLETED, List.of(
                    new NodeReport("a", "std::log", NodeStatus.COMPLETED, "out", order, 1, 1, 1, null, List.of()),
                    new NodeReport("b", "std::log", NodeStatus.COMPLETED, "out", order, 1, 1, 1, null, List.of()),
                    new NodeReport("c", "std::map", NodeStatus.COMPLETED, "out", items, 1, 1, 1, null, List.of())),
                    order, null, List.of(), 10);
            json = r.toJson();
            record = pack(r, STARTED_AT, arena);
        }
        // The store is closed: a value still viewing the arena could not be read.
        TraceReport back = PackedTrace.decode(record);

        assertThat(back.toJson()).isEqualTo(json);
        assertThat(back.nodes().get(1).output()).isSameAs(back.nodes().get(0).output());
        assertThat(back.result()).isSameAs(back.nodes().get(0).output());
        assertThat(record.length).isLessThan(2 * entryBytes);
    }
}
