package io.xerv.host.engine;

import io.xerv.host.flow.FlowLoader;
import io.xerv.host.plugin.NodeRegistry;
import io.xerv.std.StdPlugin;
import io.xerv.wal.Wal;
import io.xerv.wal.WalRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class EngineCloseTest {

    @TempDir
    Path dir;

    @Test
    void closeReturnsWhileAnEventLoopIsStuckAndKeepsWhatWasLogged() throws Exception {
        Engine engine = Engine.start(EngineConfig.defaults(dir.resolve("data"))
                .withRegistry(new NodeRegistry(new StdPlugin().nodeFactories())).withEventLoops(1));
        CountDownLatch release = new CountDownLatch(1);
        try {
            CompiledFlow flow = engine.link(FlowLoader.parse("close.yaml", """
                    name: close
                    nodes:
                      say: {type: std::log, config: {message: "hello ${trigger.who}"}}
                    """, engine.registry()));
            TraceReport r = engine.start(flow, null, "{\"who\":\"x\"}".getBytes(StandardCharsets.UTF_8))
                    .completion().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
            UUID done = r.traceId();

            // The only event loop now waits for ever (as a node stuck in a loop would).
            CountDownLatch stuck = new CountDownLatch(1);
            engine.vertx().runOnContext(v -> {
                stuck.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(stuck.await(20, TimeUnit.SECONDS)).isTrue();

            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> engine.close(500));

            java.util.List<WalRecord> records = new java.util.ArrayList<>();
            Wal.read(dir.resolve("data").resolve("wal"), records::add);
            assertThat(records).anyMatch(rec -> rec instanceof WalRecord.TraceComplete c && c.traceId().equals(done));
        } finally {
            release.countDown();
        }
    }
}
