package io.xerv.js;

import io.xerv.arena.Arena;
import io.xerv.arena.ArenaStore;
import io.xerv.arena.ConfigBlock;
import io.xerv.arena.ValueCodec;
import io.xerv.plugin.Completion;
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

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;

/** Runs JS nodes the way the host does: inputs in a real arena, outputs appended to it. */
final class Calls implements AutoCloseable {

    static final JsNodeFactory FACTORY = new JsNodeFactory();

    /**
     * The default host services, plus the environment variables the build sets for tests
     * ({@code XERV_TEST_*}), which a host grants through {@code policy.env}.
     */
    static final HostServices SERVICES = new HostServices() {
        @Override
        public Path resolveFile(String written, Path baseDirectory, FileUse use) {
            return HostServices.defaults().resolveFile(written, baseDirectory, use);
        }

        @Override
        public String secret(String name) {
            return HostServices.defaults().secret(name);
        }

        @Override
        public boolean grantsSecret(String name) {
            return HostServices.defaults().grantsSecret(name);
        }

        @Override
        public String environment(String name) {
            return grantsEnvironment(name) ? System.getenv(name) : null;
        }

        @Override
        public boolean grantsEnvironment(String name) {
            return name.startsWith("XERV_TEST_");
        }

        @Override
        public void checkDestination(String host, java.net.InetAddress address) throws java.io.IOException {
            HostServices.defaults().checkDestination(host, address);
        }

        @Override
        public long maxResponseBytes() {
            return HostServices.defaults().maxResponseBytes();
        }
    };

    final ArenaStore store;
    final Path dir;

    Calls(Path dir) {
        this.dir = dir;
        this.store = ArenaStore.open(dir.resolve("arenas"), ArenaStore.Config.DEFAULT);
    }

    /** A node from inline source with extra config entries (key, value, key, value...). */
    static Node inline(String source, Object... config) {
        Object[] kv = new Object[config.length + 2];
        kv[0] = "source";
        kv[1] = source;
        System.arraycopy(config, 0, kv, 2, config.length);
        return FACTORY.create(new NodeDefinition("n", "js", Values.mapOf(kv), Path.of("").toAbsolutePath(), SERVICES));
    }

    /** A node from a script file relative to {@code base}. */
    static Node script(Path base, String path, Object... config) {
        Object[] kv = new Object[config.length + 2];
        kv[0] = "script";
        kv[1] = path;
        System.arraycopy(config, 0, kv, 2, config.length);
        return FACTORY.create(new NodeDefinition("n", "js", Values.mapOf(kv), base, SERVICES));
    }

    Run run(Node node, String inputJson) {
        return run(node, inputJson, Values.mapOf());
    }

    Run run(Node node, String inputJson, Value config) {
        return run(node, inputJson, config, List.of());
    }

    /** Runs once with the primary input (also fired into port {@code in}) and extra inputs. */
    Run run(Node node, String inputJson, Value config, List<Map.Entry<String, String>> extra) {
        Arena arena = store.create(UUID.randomUUID(), new ConfigBlock("p", "1", "d", "manual", bytes(ValueCodec.encode(Map.of()))));
        Value input = arena.appendJson(0, inputJson.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        List<Input> inputs = new ArrayList<>();
        inputs.add(new Input("trigger", "out", "in", input));
        for (Map.Entry<String, String> e : extra) {
            inputs.add(new Input("up", "out", e.getKey(), arena.appendJson(0, e.getValue().getBytes())));
        }
        Ctx ctx = new Ctx(arena, input, inputs, config);
        Completion c;
        try {
            c = node.execute(ctx);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return new Run(c, ctx.logs, arena, input);
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Override
    public void close() {
        store.close();
    }

    /** What one run did. */
    record Run(Completion completion, List<String> logs, Arena arena, Value input) {
        String port() {
            return completion.port();
        }

        Object output() {
            if (completion.kind() != Completion.Kind.EMIT) {
                throw new AssertionError("expected an emit, got " + completion);
            }
            return Values.toJava(completion.value());
        }

        String json() {
            return Values.toJson(completion.value());
        }

        String failure() {
            if (completion.kind() != Completion.Kind.FAIL) {
                throw new AssertionError("expected a failure, got " + completion + " " + json());
            }
            return completion.message();
        }
    }

    /** A node context over a real arena, with a fixed clock, seeded random numbers and fixed UUIDs. */
    static final class Ctx implements NodeContext {
        static final long NOW = 1_700_000_000_000L;
        static final UUID UUID_1 = UUID.fromString("00000000-0000-4000-8000-000000000001");
        static final UUID TRACE = UUID.fromString("11111111-1111-4111-8111-111111111111");

        final Arena arena;
        final Value input;
        final List<Input> inputs;
        final Value config;
        final List<String> logs = new CopyOnWriteArrayList<>();
        final RandomGenerator random = new SplittableRandom(42);

        Ctx(Arena arena, Value input, List<Input> inputs, Value config) {
            this.arena = arena;
            this.input = input;
            this.inputs = inputs;
            this.config = config;
        }

        @Override public UUID traceId() { return TRACE; }
        @Override public String nodeId() { return "n"; }
        @Override public int attempt() { return 1; }
        @Override public int iteration() { return 0; }
        @Override public long deadlineMillis() { return Long.MAX_VALUE; }
        @Override public Value input() { return input; }

        @Override
        public Value input(String port) {
            return inputs.stream().filter(i -> i.port().equals(port)).map(Input::value).findFirst().orElse(null);
        }

        @Override public List<Input> inputs() { return inputs; }
        @Override public Value config() { return config; }
        @Override public Resumption resumption() { return null; }
        @Override public OutputWriter output() { return arena.writer(7); }
        @Override public NodeLog log() { return (level, message) -> logs.add(level + " " + message); }
        @Override public long currentTimeMillis() { return NOW; }
        @Override public RandomGenerator random() { return random; }
        @Override public UUID randomUuid() { return UUID_1; }
    }
}
