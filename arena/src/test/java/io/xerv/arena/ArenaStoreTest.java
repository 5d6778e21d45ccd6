package io.xerv.arena;

import io.xerv.plugin.Value;
import io.xerv.plugin.ValueType;
import io.xerv.plugin.Values;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArenaStoreTest {

    @TempDir
    Path dir;


    private static ConfigBlock block() {
        var b = ValueCodec.encode(Map.of("limit", 10));
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return new ConfigBlock("orders", "1.0", "abc", "manual", bytes);
    }

    private ArenaStore store(ArenaStore.Config c) {
        return ArenaStore.open(dir, c);
    }

    @Test
    void appendedValuesAreReadInPlaceWithTheirTypes() {
        try (ArenaStore s = store(ArenaStore.Config.DEFAULT)) {
            Arena a = s.create(UUID.randomUUID(), block());
            FlexValue v = a.appendJson(0, "{\"id\":\"o-1\",\"amount\":120.5,\"n\":3,\"ok\":true,\"x\":null,\"items\":[1,2]}".getBytes());
            assertThat(v.get("id").asString()).isEqualTo("o-1");
            assertThat(v.get("amount").asDouble()).isEqualTo(120.5);
            assertThat(v.get("n").type()).isEqualTo(ValueType.INT);
            assertThat(v.get("ok").asBoolean()).isTrue();
            assertThat(v.get("items").get(1).asLong()).isEqualTo(2);
            assertThat(v.ptr().offset() % ArenaLayout.ALIGNMENT).isZero();
            assertThat(a.valueAt(v.ptr().offset())).isEqualTo(v);
        }
    }

    @Test
    void typedVectorsAndBytesFromAnotherWriterAreReadAsListsAndBytes() {
        com.google.flatbuffers.FlexBuffersBuilder b = new com.google.flatbuffers.FlexBuffersBuilder(128);
        int map = b.startMap();
        int typed = b.startVector();
        b.putInt(7);
        b.putInt(8);
        b.endVector("typed", typed, true, false);
        b.putBlob("blob", new byte[] {1, 2, 3});
        b.endMap(null, map);
        java.nio.ByteBuffer bytes = b.finish();
        try (ArenaStore s = store(ArenaStore.Config.DEFAULT)) {
            Arena a = s.create(UUID.randomUUID(), block());
            FlexValue v = a.value(a.append(ArenaLayout.KIND_VALUE, 0, bytes));
            assertThat(v.get("typed").type()).isEqualTo(ValueType.LIST);
            assertThat(v.get("typed").size()).isEqualTo(2);
            assertThat(v.get("typed").get(1).asLong()).isEqualTo(8);
            java.nio.ByteBuffer blob = v.get("blob").asBytes();
            assertThat(blob.remaining()).isEqualTo(3);
            assertThat(blob.get(2)).isEqualTo((byte) 3);
        }
    }

    @Test
    void nullFieldIsNotTheSameAsMissingField() {
        FlexValue v = ValueCodec.parseJson("{\"x\":null}");
        assertThat(v.get("x")).isNotNull();
        assertThat(v.get("x").isNull()).isTrue();
        assertThat(v.get("y")).isNull();
        assertThat(v.get(0)).isNull();
    }

    @Test
    void heapAndArenaValuesCompareEqual() {
        Value heap = Values.of(Map.of("a", List.of(1L, "two", 3.5), "b", Map.of("c", true)));
        assertThat(Values.equal(ValueCodec.toHeap(heap), heap)).isTrue();
        assertThat(Values.toJson(ValueCodec.toHeap(heap))).isEqualTo("{\"a\":[1,\"two\",3.5],\"b\":{\"c\":true}}");
    }

    @Test
    void malformedJsonNamesLineAndColumnAndAppendsNothing() {
        try (ArenaStore s = store(ArenaStore.Config.DEFAULT)) {
            Arena a = s.create(UUID.randomUUID(), block());
            long before = a.writeOffset();
            assertThatThrownBy(() -> a.appendJson(0, "{\"a\":\n 1,,}".getBytes()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("malformed JSON at line 2");
            assertThatThrownBy(() -> a.appendJson(0, "{\"a\":1,\"a\":2}".getBytes()))
                    .hasMessageContaining("Duplicate field 'a'");
            assertThatThrownBy(() -> a.appendJson(0, "[".repeat(500).getBytes()))
                    .hasMessageContaining("nested deeper");
            assertThat(a.writeOffset()).isEqualTo(before);
        }
    }

    @Test
    void arenaThatOutgrowsItsSlotKeepsItsOffsets() {
        try (ArenaStore s = store(ArenaStore.Config.DEFAULT.withSlotSize(8192))) {
            Arena a = s.create(UUID.randomUUID(), block());
            FlexValue first = a.appendValue(1, Map.of("k", "first"));
            RelPtr p = first.ptr();
            FlexValue big = a.appendValue(2, "x".repeat(50_000));
            assertThat(a.fileOffset()).isZero();
            assertThat(a.file().getFileName().toString()).startsWith("trace-");
            assertThat(a.value(p).get("k").asString()).isEqualTo("first");
            assertThat(first.get("k").asString()).isEqualTo("first");
            assertThat(a.value(big.ptr()).asString()).hasSize(50_000);
        }
    }

    @Test
    void arenasAreFoundAgainAfterReopen() {
        UUID id = UUID.randomUUID();
        UUID big = UUID.randomUUID();
        RelPtr p;
        RelPtr pb;
        ArenaStore.Config c = ArenaStore.Config.DEFAULT.withSlotSize(8192);
        try (ArenaStore s = store(c)) {
            p = s.create(id, block()).appendValue(0, Map.of("v", 42)).ptr();
            Arena b = s.create(big, block());
            pb = b.appendValue(0, "y".repeat(20_000)).ptr();
        }
        try (ArenaStore s = store(c)) {
            Arena a = s.find(id).orElseThrow();
            assertThat(a.value(p).get("v").asLong()).isEqualTo(42);
            assertThat(a.config().pipeline()).isEqualTo("orders");
            assertThat(a.config().pipelineConfigValue().get("limit").asLong()).isEqualTo(10);
            assertThat(s.find(big).orElseThrow().value(pb).asString()).hasSize(20_000);
            // appending continues after the last entry
            RelPtr q = a.appendValue(0, "more").ptr();
            assertThat(q.offset()).isGreaterThan(p.offset());
        }
    }

    @Test
    void releasedSlotsAreReusedWithoutNewFiles() throws Exception {
        try (ArenaStore s = store(ArenaStore.Config.DEFAULT.withRetention(Duration.ZERO))) {
            for (int i = 0; i < 1000; i++) {
                Arena a = s.create(UUID.randomUUID(), block());
                a.appendValue(0, i);
                s.finish(a);
            }
            assertThat(s.size()).isZero();
            try (var files = Files.list(dir)) {
                assertThat(files.toList()).hasSize(1);
            }
        }
    }

    @Test
    void finishedArenasStayUntilRetentionPasses() {
        try (ArenaStore s = store(ArenaStore.Config.DEFAULT.withRetention(Duration.ofMinutes(5)))) {
            Arena a = s.create(UUID.randomUUID(), block());
            s.finish(a);
            assertThat(s.cleanup(System.currentTimeMillis())).isZero();
            assertThat(s.find(a.traceId())).isPresent();
            assertThat(s.cleanup(System.currentTimeMillis() + Duration.ofMinutes(6).toMillis())).isEqualTo(1);
            assertThat(s.find(a.traceId())).isEmpty();
        }
    }

    @Test
    void arenaFileReaderDecodesHeadersAndEntries() throws Exception {
        UUID id = UUID.randomUUID();
        Path file;
        try (ArenaStore s = store(ArenaStore.Config.DEFAULT)) {
            Arena a = s.create(id, block());
            a.appendValue(3, Map.of("hello", "world"));
            file = a.file();
        }
        List<ArenaFile.Snapshot> snaps = ArenaFile.read(file);
        assertThat(snaps).hasSize(1);
        assertThat(snaps.get(0).traceId()).isEqualTo(id);
        assertThat(snaps.get(0).config().pipeline()).isEqualTo("orders");
        assertThat(snaps.get(0).entries()).singleElement()
                .satisfies(e -> {
                    assertThat(e.tag()).isEqualTo(3);
                    assertThat(e.value()).isEqualTo("{\"hello\":\"world\"}");
                });
    }

    @Test
    void arenaFileReaderRejectsOtherFiles() throws Exception {
        Path f = dir.resolve("junk.bin");
        Files.write(f, new byte[1000]);
        assertThatThrownBy(() -> ArenaFile.read(f)).hasMessageContaining("not an arena file");
    }

    @Test
    void configBlockRoundTripsThroughFory() {
        ConfigBlock b = block();
        assertThat(ConfigBlock.decode(b.encode())).isEqualTo(b);
        assertThatThrownBy(() -> ConfigBlock.decode(new byte[] {1, 2, 3})).isInstanceOf(IllegalArgumentException.class);
    }
}
