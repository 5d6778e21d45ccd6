package io.xerv.host.engine;

import io.xerv.host.flow.FlowLoader;
import io.xerv.host.plugin.NodeRegistry;
import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.NodeFactory;
import io.xerv.std.StdPlugin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With fsync durability, a node that is not pure runs only once its start is durable, so a chain of
 * them costs one sync per node; a chain of pure nodes runs without those waits, syncing for the
 * trace's start and end only (plus at most a few lazy syncs of records nobody waited for).
 */
class PureNodesTest {

    static final int CHAIN = 12;

    /** Passes its input on; not pure (the default). */
    static final NodeFactory PASS = new NodeFactory() {
        public String type() {
            return "test::pass";
        }

        public Node create(NodeDefinition d) {
            return ctx -> Completion.out(ctx.input());
        }
    };

    static Engine engine;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("xerv-pure-test");
        List<NodeFactory> factories = new ArrayList<>(new StdPlugin().nodeFactories());
        factories.add(PASS);
        engine = Engine.start(EngineConfig.defaults(dir).withRegistry(new NodeRegistry(factories)).withEventLoops(1));
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static String chain(String type) {
        StringBuilder y = new StringBuilder("name: chain\nnodes:\n");
        for (int i = 0; i < CHAIN; i++) {
            y.append("  n").append(i).append(": {type: ").append(type).append("}\n");
        }
        y.append("edges:\n");
        for (int i = 1; i < CHAIN; i++) {
            y.append("  - {from: n").append(i - 1).append(", to: n").append(i).append("}\n");
        }
        return y.toString();
    }

    static long syncsFor(String type) throws Exception {
        CompiledFlow flow = engine.link(FlowLoader.parse("chain.yaml", chain(type), engine.registry()));
        long before = engine.wal().metrics().syncs();
        TraceReport r = engine.start(flow, null, "{\"x\":1}".getBytes(StandardCharsets.UTF_8))
                .completion().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        return engine.wal().metrics().syncs() - before;
    }

    @Test
    void stdNodesShouldBePureExceptThoseWithEffectsOutsideTheTrace() {
        assertThat(new StdPlugin().nodeFactories()).filteredOn(f -> !f.pure()).extracting(NodeFactory::type)
                .containsExactlyInAnyOrder("std::http", "std::wait");
        assertThat(PASS.pure()).isFalse();
    }

    @Test
    void aChainOfNodesThatAreNotPureShouldSyncOncePerNode() throws Exception {
        assertThat(syncsFor("test::pass")).isGreaterThanOrEqualTo(CHAIN);
    }

    @Test
    void aChainOfPureNodesShouldNotWaitForTheLogBetweenNodes() throws Exception {
        assertThat(syncsFor("std::log")).isLessThan(CHAIN / 2);
    }
}
