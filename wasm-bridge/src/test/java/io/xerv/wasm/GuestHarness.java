package io.xerv.wasm;

import com.dylibso.chicory.wabt.Wat2Wasm;
import io.xerv.arena.Arena;
import io.xerv.arena.ArenaStore;
import io.xerv.arena.ConfigBlock;
import io.xerv.arena.FlexValue;
import io.xerv.plugin.Completion;
import io.xerv.plugin.FileRules;
import io.xerv.plugin.HostServices;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Runs wasm nodes the way the engine does, without a flow: a real arena store, inputs appended to a
 * trace's arena, and a context whose output writer is that arena's. One harness per test class.
 */
final class GuestHarness implements AutoCloseable {

    /** Where the Maven build put the Rust SDK's example guests. */
    static final Path RUST_GUESTS = Path.of(System.getProperty("xerv.guests.dir",
            "../sdk-rust-guest/target/wasm32-unknown-unknown/release/examples"));

    final Path dir;
    final ArenaStore store;
    final Map<String, String> env = new HashMap<>();
    final Map<String, String> secrets = new HashMap<>();
    final WasmNodeFactory factory = new WasmNodeFactory();
    /** What the host grants the harness's nodes: the test folder and the Rust guests, WASI directories, every env var and secret name. */
    final HostServices services;

    GuestHarness(Path dir) {
        this.dir = dir;
        this.store = ArenaStore.open(dir.resolve("arenas"), ArenaStore.Config.DEFAULT);
        FileRules files = new FileRules(List.of(Path.of("."), RUST_GUESTS.toAbsolutePath().normalize()), List.of(),
                true, FileRules.DEFAULT_MAX_FILE_BYTES);
        this.services = new HostServices() {
            @Override
            public Path resolveFile(String written, Path baseDirectory, FileUse use) {
                return files.resolve(written, baseDirectory, use);
            }

            @Override
            public String secret(String name) {
                return secrets.get(name);
            }

            @Override
            public boolean grantsSecret(String name) {
                return true;
            }

            @Override
            public String environment(String name) {
                return env.get(name);
            }

            @Override
            public boolean grantsEnvironment(String name) {
                return true;
            }

            @Override
            public void checkDestination(String host, java.net.InetAddress address) {
            }

            @Override
            public long maxResponseBytes() {
                return 0;
            }
        };
    }

    /** A Rust example guest built by sdk-rust-guest/build.sh. */
    static Path rust(String name) {
        Path p = RUST_GUESTS.resolve(name + ".wasm").toAbsolutePath();
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: build it with sdk-rust-guest/build.sh");
        }
        return p;
    }

    /** Compiles a WAT guest from the test resources into this harness's directory. */
    Path wat(String name) {
        try (var in = GuestHarness.class.getResourceAsStream("/guests/" + name + ".wat")) {
            if (in == null) {
                throw new IllegalStateException("no test guest /guests/" + name + ".wat");
            }
            return bytes(name, Wat2Wasm.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes module bytes to a file in this harness's directory. */
    Path bytes(String name, byte[] wasm) {
        try {
            Path p = dir.resolve(name + ".wasm");
            Files.write(p, wasm);
            return p;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates a node as a deployed flow would. */
    Node node(String id, Map<String, Object> config) {
        return factory.create(new NodeDefinition(id, WasmNodeFactory.TYPE, Values.of(config), dir, services));
    }

    /** Runs one node in a fresh trace with {@code input} (JSON) as its {@code in} input. */
    Run run(Node node, String inputJson) {
        return run(node, inputJson, Map.of());
    }

    /** As {@link #run(Node, String)}, with a resolved config (for {@code inputs:}). */
    Run run(Node node, String inputJson, Map<String, Object> resolvedConfig) {
        Arena arena = store.create(UUID.randomUUID(), new ConfigBlock("test", "1", "digest", "manual", new byte[] {0, 0, 1}));
        try {
            FlexValue input = arena.appendJson(0, inputJson.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            TestContext ctx = new TestContext(arena, List.of(new Input("manual", "out", "in", input)),
                    Values.of(resolvedConfig));
            Completion c;
            try {
                c = node.execute(ctx);
            } catch (Exception e) {
                throw new AssertionError("a node must not throw", e);
            }
            String json = c.value() == null ? null : Values.toJson(heap(arena, c.value()));
            return new Run(c, json, List.copyOf(ctx.lines), c.value() instanceof FlexValue fv ? fv : null);
        } finally {
            store.release(arena);
        }
    }

    /**
     * A heap copy of an output read from the arena. (The arena's blob views are over mapped memory,
     * which the FlexBuffers reader's {@code Blob.data()} cannot expose; heap bytes read the same.)
     */
    static Value heap(Arena arena, Value v) {
        if (v instanceof FlexValue fv && fv.ptr() != null) {
            java.nio.ByteBuffer b = arena.payload(fv.ptr());
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            return FlexValue.of(copy);
        }
        return v;
    }

    @Override
    public void close() {
        store.close();
    }

    /**
     * What one run produced.
     *
     * @param completion the node's completion
     * @param json its output value as JSON (null for a failure)
     * @param logs the log lines, as {@code LEVEL message}
     * @param value the output (valid only while the arena lives: use {@link #json})
     */
    record Run(Completion completion, String json, List<String> logs, FlexValue value) {
        boolean failed() {
            return completion.kind() == Completion.Kind.FAIL;
        }

        String port() {
            return completion.port();
        }

        String message() {
            return completion.message();
        }
    }

    /** The context the engine would give a blocking node, over a real arena. */
    static final class TestContext implements NodeContext {
        final Arena arena;
        final List<Input> inputs;
        final Value config;
        final List<String> lines = new ArrayList<>();
        final SplittableRandom random = new SplittableRandom(7);

        TestContext(Arena arena, List<Input> inputs, Value config) {
            this.arena = arena;
            this.inputs = inputs;
            this.config = config;
        }

        @Override
        public UUID traceId() {
            return arena.traceId();
        }

        @Override
        public String nodeId() {
            return "guest";
        }

        @Override
        public int attempt() {
            return 1;
        }

        @Override
        public int iteration() {
            return 0;
        }

        @Override
        public long deadlineMillis() {
            return Long.MAX_VALUE;
        }

        @Override
        public Value input() {
            return inputs.getFirst().value();
        }

        @Override
        public Value input(String port) {
            return inputs.stream().filter(i -> i.port().equals(port)).map(Input::value).findFirst().orElse(null);
        }

        @Override
        public List<Input> inputs() {
            return inputs;
        }

        @Override
        public Value config() {
            return config;
        }

        @Override
        public Resumption resumption() {
            return null;
        }

        @Override
        public OutputWriter output() {
            return arena.writer(1);
        }

        @Override
        public NodeLog log() {
            return (level, message) -> lines.add(level + " " + message);
        }

        @Override
        public long currentTimeMillis() {
            return 1_700_000_000_000L;
        }

        @Override
        public RandomGenerator random() {
            return random;
        }

        @Override
        public UUID randomUuid() {
            return new UUID((random.nextLong() & ~0xF000L) | 0x4000L, (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
        }
    }
}
