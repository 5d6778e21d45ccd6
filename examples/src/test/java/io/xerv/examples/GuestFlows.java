package io.xerv.examples;

import static java.util.concurrent.TimeUnit.SECONDS;

import io.xerv.host.engine.CompiledFlow;
import io.xerv.host.engine.Engine;
import io.xerv.host.engine.NodeReport;
import io.xerv.host.engine.TraceReport;
import io.xerv.plugin.FileRules;
import io.xerv.plugin.HostServices;
import io.xerv.plugin.Values;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small flows written on the fly around WASM and JS guests, run to the end. */
public final class GuestFlows {

    private GuestFlows() {
    }

    /**
     * The default host services, with the whole repository as a folder nodes may read: the example
     * flows name guests built in sdk-rust-guest and sdk-js-guest, outside their own folder, which a
     * host grants through {@code policy.paths} (see examples/xerv.yaml).
     */
    public static final HostServices SERVICES = new HostServices() {
        private final FileRules files = new FileRules(List.of(Path.of("."), Path.of("..").toAbsolutePath().normalize()),
                List.of(), false, FileRules.DEFAULT_MAX_FILE_BYTES);

        @Override
        public Path resolveFile(String written, Path baseDirectory, FileUse use) {
            return files.resolve(written, baseDirectory, use);
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
            return HostServices.defaults().environment(name);
        }

        @Override
        public boolean grantsEnvironment(String name) {
            return HostServices.defaults().grantsEnvironment(name);
        }

        @Override
        public void checkDestination(String host, InetAddress address) throws IOException {
            HostServices.defaults().checkDestination(host, address);
        }

        @Override
        public long maxResponseBytes() {
            return HostServices.defaults().maxResponseBytes();
        }
    };

    /** Writes {@code dir/name.yaml}: a flow with a manual trigger, then {@code body} (its nodes and edges). */
    public static Path flow(Path dir, String name, String body) throws Exception {
        Path p = dir.resolve(name + ".yaml");
        Files.writeString(p, "name: " + name + "\nversion: \"1\"\ntriggers:\n  - {id: manual, type: manual}\n" + body);
        return p;
    }

    /** Loads a flow file and runs one trace of it with a JSON input until it settles. */
    public static TraceReport run(Engine engine, Path flow, String input, long timeoutSeconds) throws Exception {
        CompiledFlow f = engine.load(flow);
        return engine.start(f, null, input.getBytes(StandardCharsets.UTF_8)).settled()
                .toCompletionStage().toCompletableFuture().get(timeoutSeconds, SECONDS);
    }

    /** The report of node {@code id}. */
    public static NodeReport node(TraceReport r, String id) {
        return r.nodes().stream().filter(n -> n.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no node '" + id + "' in " + r.toJson()));
    }

    /** A node's output as plain Java, or null. */
    public static Object json(NodeReport n) {
        return n.output() == null ? null : Values.toJava(n.output());
    }
}
