package io.xerv.arena;

import io.xerv.plugin.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ArenaStore.Limits}: the largest value a node may write, and the most a trace's nodes may write. */
class ArenaLimitsTest {

    @TempDir
    Path dir;

    private static final int NODE = 7;

    private ArenaStore store(long valueBytes, long dataBytes) {
        ArenaStore s = ArenaStore.open(dir, ArenaStore.Config.DEFAULT);
        s.limits(new ArenaStore.Limits(valueBytes, dataBytes));
        return s;
    }

    private static Arena arena(ArenaStore s) {
        return s.create(UUID.randomUUID(), new ConfigBlock("p", "1", "d", "manual", new byte[] {0}));
    }

    @Test
    void aMergeOfMergesStopsEncodingAtTheNodeOutputLimitBeforeBuildingTheValue() throws Exception {
        try (ArenaStore s = store(64 << 10, 1 << 30)) {
            Arena a = arena(s);
            // On a fresh thread: its encoding buffer shows how much the chain ever built.
            Object[] result = new Object[3];
            Thread t = Thread.ofPlatform().start(() -> {
                // Each value holds the two before it: sizes grow by the golden ratio per step.
                Value prev = a.appendValue(NODE, "x".repeat(1000));
                Value cur = a.appendValue(NODE, "y".repeat(1000));
                int steps = 0;
                while (steps < 100) {
                    Map<String, Object> merged = new LinkedHashMap<>();
                    merged.put("a", prev);
                    merged.put("b", cur);
                    try {
                        Value next = a.appendValue(NODE, merged);
                        prev = cur;
                        cur = next;
                        steps++;
                    } catch (ArenaLimitException e) {
                        result[0] = e;
                        break;
                    }
                }
                result[1] = steps;
                result[2] = ValueCodec.bufferSize();
            });
            t.join();
            ArenaLimitException stop = (ArenaLimitException) result[0];
            assertThat(stop).as("the chain reached the limit").isNotNull();
            assertThat((int) result[1]).isLessThan(20);
            assertThat(stop.limit()).isEqualTo(64 << 10);
            assertThat(stop.getMessage()).contains("65536 bytes").contains("limits.node_output_bytes");
            // Encoding stopped at the limit: the buffer never grew past it.
            assertThat((int) result[2]).isLessThanOrEqualTo(64 << 10);
            assertThat(a.writeOffset() - a.dataStart()).isLessThan(4L * (64 << 10));
        }
    }

    @Test
    void aRawEntryOverTheNodeOutputLimitIsRefusedBeforeItIsCopied() {
        try (ArenaStore s = store(4096, 1 << 20)) {
            Arena a = arena(s);
            long before = a.writeOffset();
            assertThatThrownBy(() -> a.append(ArenaLayout.KIND_RAW, NODE, ByteBuffer.allocate(4097)))
                    .isInstanceOf(ArenaLimitException.class)
                    .hasMessageContaining("4097 bytes").hasMessageContaining("4096 bytes");
            assertThat(a.writeOffset()).isEqualTo(before);
            a.append(ArenaLayout.KIND_RAW, NODE, ByteBuffer.allocate(4096));
        }
    }

    @Test
    void theTraceArenaLimitRefusesTheWriteThatWouldCrossIt() {
        try (ArenaStore s = store(16 << 10, 64 << 10)) {
            Arena a = arena(s);
            String chunk = "z".repeat(10_000);
            int written = 0;
            ArenaLimitException full = null;
            while (full == null) {
                try {
                    a.appendValue(NODE, chunk);
                    written++;
                } catch (ArenaLimitException e) {
                    full = e;
                }
            }
            assertThat(written).isEqualTo(6);
            assertThat(full.getMessage()).contains("limits.trace_bytes").contains("65536");
            assertThat(a.writeOffset() - a.dataStart()).isLessThanOrEqualTo(64 << 10);
            // The host's own entries (tag 0) do not count against the limits.
            a.appendValue(0, List.of(chunk, chunk));
        }
    }

    @Test
    void theHostsOwnEncodingsAreNotLimitedByAnEarlierLimitedOne() {
        try (ArenaStore s = store(1024, 1 << 20)) {
            Arena a = arena(s);
            assertThatThrownBy(() -> a.appendValue(NODE, "q".repeat(5000))).isInstanceOf(ArenaLimitException.class);
            assertThat(ValueCodec.encode("q".repeat(5000)).remaining()).isGreaterThan(5000);
        }
    }
}
