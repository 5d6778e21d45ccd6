package io.xerv.host.engine;

import io.xerv.host.flow.FlowLoader;
import io.xerv.host.plugin.NodeRegistry;
import io.xerv.std.StdPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Two hosts on one data directory: the second fails at once, and the first keeps working. */
class DataDirLockTest {

    @TempDir
    Path dir;

    private EngineConfig config(Path data) {
        return EngineConfig.defaults(data).withRegistry(new NodeRegistry(new StdPlugin().nodeFactories())).withEventLoops(1);
    }

    private static TraceStatus run(Engine engine) throws Exception {
        CompiledFlow flow = engine.link(FlowLoader.parse("lock.yaml", """
                name: lock
                nodes:
                  say: {type: std::log, config: {message: "hello ${trigger.who}"}}
                """, engine.registry()));
        return engine.start(flow, null, "{\"who\":\"x\"}".getBytes(StandardCharsets.UTF_8))
                .completion().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS).status();
    }

    @Test
    void aSecondHostOnTheSameDataDirectoryFailsAtOnceAndTheFirstKeepsWorking() throws Exception {
        Path data = dir.resolve("data");
        try (Engine first = Engine.start(config(data))) {
            assertThat(Files.readString(data.resolve("lock")).strip()).isEqualTo(String.valueOf(ProcessHandle.current().pid()));
            long segments;
            try (var s = Files.list(data.resolve("wal"))) {
                segments = s.count();
            }

            assertThatThrownBy(() -> Engine.start(config(data)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("data directory " + data + " is in use by process " + ProcessHandle.current().pid());

            // The second opened nothing: no new segment, and the first still runs traces.
            try (var s = Files.list(data.resolve("wal"))) {
                assertThat(s.count()).isEqualTo(segments);
            }
            assertThat(run(first)).isEqualTo(TraceStatus.COMPLETED);
        }
        try (Engine second = Engine.start(config(data))) {
            assertThat(run(second)).isEqualTo(TraceStatus.COMPLETED);
        }
    }
}
