package io.xerv.bench.js;

import io.xerv.arena.Arena;
import io.xerv.arena.ArenaStore;
import io.xerv.arena.ConfigBlock;
import io.xerv.arena.ValueCodec;
import io.xerv.js.JsNodeFactory;
import io.xerv.plugin.Completion;
import io.xerv.plugin.Input;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeContext;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.NodeLog;
import io.xerv.plugin.OutputWriter;
import io.xerv.plugin.Resumption;
import io.xerv.plugin.Value;
import io.xerv.plugin.Values;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

/**
 * What the JS benchmarks share: JS nodes made by the real factory, and a node context over a real
 * arena (inputs appended once, outputs appended per call as in a trace). Not thread-safe.
 */
final class JsBench implements AutoCloseable {

    private final Path dir;
    private final ArenaStore store;
    private Arena arena;
    private Ctx ctx;

    JsBench() {
        try {
            dir = Files.createTempDirectory("xerv-js-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store = ArenaStore.open(dir, ArenaStore.Config.DEFAULT);
    }

    /** A JS node from inline source. */
    static Node inline(String source) {
        return new JsNodeFactory().create(new NodeDefinition("bench", "js", Values.mapOf("source", source, "pool_size", 1)));
    }

    /** A JS node from a script, relative to the repository root (benchmarks run from there). */
    static Node script(String path) {
        return new JsNodeFactory().create(new NodeDefinition("bench", "js",
                Values.mapOf("script", path, "pool_size", 1, "call_timeout_ms", 60_000), Path.of("").toAbsolutePath()));
    }

    /** Starts a new trace arena holding {@code inputJson} as the node's input. */
    NodeContext trace(String inputJson) {
        if (arena != null) {
            store.release(arena);
        }
        byte[] config = bytes(ValueCodec.encode(java.util.Map.of()));
        arena = store.create(UUID.randomUUID(), new ConfigBlock("bench", "1", "d", "manual", config));
        Value input = arena.appendJson(0, inputJson.getBytes(StandardCharsets.UTF_8));
        ctx = new Ctx(arena, input);
        return ctx;
    }

    static Completion call(Node node, NodeContext ctx) {
        try {
            Completion c = node.execute(ctx);
            if (c.kind() != Completion.Kind.EMIT) {
                throw new IllegalStateException("the benchmark node failed: " + c.message());
            }
            return c;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Override
    public void close() {
        store.close();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A node context over one arena with a fixed clock and seeded random numbers. */
    static final class Ctx implements NodeContext {
        private final Arena arena;
        private final Value input;
        private final List<Input> inputs;
        private final RandomGenerator random = new SplittableRandom(1);

        Ctx(Arena arena, Value input) {
            this.arena = arena;
            this.input = input;
            this.inputs = List.of(new Input("trigger", "out", "in", input));
        }

        @Override public UUID traceId() { return arena.traceId(); }
        @Override public String nodeId() { return "bench"; }
        @Override public int attempt() { return 1; }
        @Override public int iteration() { return 0; }
        @Override public long deadlineMillis() { return Long.MAX_VALUE; }
        @Override public Value input() { return input; }
        @Override public Value input(String port) { return port.equals("in") ? input : null; }
        @Override public List<Input> inputs() { return inputs; }
        @Override public Value config() { return Values.mapOf(); }
        @Override public Resumption resumption() { return null; }
        @Override public OutputWriter output() { return arena.writer(1); }
        @Override public NodeLog log() { return (level, message) -> { }; }
        @Override public long currentTimeMillis() { return 1_700_000_000_000L; }
        @Override public RandomGenerator random() { return random; }
        @Override public UUID randomUuid() { return new UUID(random.nextLong(), random.nextLong()); }
    }
}
