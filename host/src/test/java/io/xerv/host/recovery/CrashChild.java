package io.xerv.host.recovery;

import io.vertx.core.AsyncResult;
import io.xerv.arena.ConfigBlock;
import io.xerv.host.engine.CompiledFlow;
import io.xerv.host.engine.Engine;
import io.xerv.host.engine.EngineConfig;
import io.xerv.host.engine.TraceHandle;
import io.xerv.host.engine.TraceLog;
import io.xerv.host.engine.TraceReport;
import io.xerv.host.plugin.NodeRegistry;
import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.Values;
import io.xerv.std.StdPlugin;
import io.xerv.wal.Durability;
import io.xerv.wal.WalRecord;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

/**
 * The JVM that {@link CrashTest} kills: opens an engine on a data directory (fsync durability),
 * recovers what the last run left, starts new traces, and writes what it saw to a log file that
 * outlives it.
 *
 * <p>Usage: {@code CrashChild DATA_DIR LOG_FILE N FLOW_FILE}. Log lines, each written with one
 * {@code write} on a channel opened for appending, so a kill leaves whole lines (the page cache keeps
 * them; no sync is needed when only the process dies):
 * <pre>
 * BOOT pid                                 this run's engine is open; recovery and new traces follow
 * NODE index id                            the flow's node numbering (WAL records name nodes by index)
 * OPEN count                               traces the WAL showed unfinished at start
 * TRUNCATED where                          the WAL scan cut a torn tail
 * ENDED traceId                            one per TraceComplete record the WAL recovered
 * RECOVERING traceId                       recover() resumed this trace
 * UNRECOVERED traceId                      recover() left this trace unfinished
 * ACK traceId odd                          a new trace's start is durable; odd is its payload's flag
 * NOACK traceId message                    a new trace's start could not be made durable
 * RUN traceId nodeId iteration attempt     a test::count node ran
 * DONE traceId status result               a trace ended (its end record is durable)
 * EXIT metrics                             every trace of this run ended; the engine is closing
 * </pre>
 * Exits 0 once every recovered and new trace has ended, 1 on an unexpected error.
 */
public final class CrashChild {

    /** New traces in flight at most. */
    static final int WINDOW = 200;

    private CrashChild() {
    }

    public static void main(String[] args) {
        try {
            run(Path.of(args[0]), Path.of(args[1]), Integer.parseInt(args[2]), Path.of(args[3]));
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(Path dataDir, Path logFile, int newTraces, Path flowFile) throws Exception {
        try (Lines out = new Lines(logFile)) {
            List<NodeFactory> factories = new ArrayList<>(new StdPlugin().nodeFactories());
            CountNode.Recorder recorder = (trace, node, iteration, attempt) ->
                    out.line("RUN " + trace + " " + node + " " + iteration + " " + attempt);
            factories.add(CountNode.inline(recorder));
            factories.add(CountNode.blocking(recorder));
            EngineConfig config = EngineConfig.defaults(dataDir).withRegistry(new NodeRegistry(factories))
                    .withEventLoops(2).withDurability(Durability.FSYNC);
            try (Engine engine = Engine.start(config)) {
                CompiledFlow flow = engine.load(flowFile);
                // The first config block a JVM encodes generates its serializer (half a second): do it
                // before BOOT, so the kill delay, counted from BOOT, falls into recovery and new traces.
                ConfigBlock.decode(new ConfigBlock(flow.name(), flow.version(), flow.digest(), "manual", new byte[0]).encode());
                out.line("BOOT " + ProcessHandle.current().pid());
                for (int i = 0; i < flow.nodeCount(); i++) {
                    out.line("NODE " + i + " " + flow.nodeId(i));
                }
                out.line("OPEN " + engine.unfinishedTraces().size());
                if (engine.wal().recovery().truncation() != null) {
                    out.line("TRUNCATED " + engine.wal().recovery().truncation());
                }
                io.xerv.wal.Wal.read(dataDir.resolve("wal"), r -> {
                    if (r instanceof WalRecord.TraceComplete c) {
                        out.line("ENDED " + c.traceId());
                    }
                });
                List<TraceHandle> recovered = engine.recover(start -> start.pipeline().equals(flow.name())
                        && start.digest().equals(flow.digest()) ? Optional.of(flow) : Optional.empty());
                for (TraceLog log : engine.unfinishedTraces()) {
                    out.line("UNRECOVERED " + log.traceId());
                }
                CountDownLatch ended = new CountDownLatch(recovered.size() + newTraces);
                for (TraceHandle h : recovered) {
                    out.line("RECOVERING " + h.traceId());
                    h.completion().onComplete(r -> {
                        out.line(done(h.traceId(), r));
                        ended.countDown();
                    });
                }
                Semaphore window = new Semaphore(WINDOW);
                for (int i = 0; i < newTraces; i++) {
                    window.acquire();
                    boolean odd = i % 2 == 1;
                    TraceHandle h = engine.start(flow, null, ("{\"i\":" + i + ",\"odd\":" + odd + "}").getBytes(StandardCharsets.UTF_8));
                    UUID id = h.traceId();
                    h.started().onComplete(r -> out.line(r.succeeded() ? "ACK " + id + " " + odd
                            : "NOACK " + id + " " + oneLine(r.cause())));
                    h.completion().onComplete(r -> {
                        out.line(done(id, r));
                        window.release();
                        ended.countDown();
                    });
                }
                ended.await();
                out.line("EXIT " + engine.wal().metrics());
            }
        }
    }

    private static String done(UUID id, AsyncResult<TraceReport> r) {
        if (r.failed()) {
            return "DONE " + id + " error " + oneLine(r.cause());
        }
        TraceReport report = r.result();
        String result = report.result() == null ? "-" : Values.toJson(report.result());
        return "DONE " + id + " " + report.status().label() + " " + result
                + (report.error() == null ? "" : " " + oneLine(report.error()));
    }

    private static String oneLine(Object o) {
        return String.valueOf(o).replace('\n', ' ');
    }

    /** The log file: one write per line, so lines stay whole whenever the process dies. Thread-safe. */
    private static final class Lines implements AutoCloseable {
        private final FileChannel channel;

        Lines(Path file) throws IOException {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        }

        synchronized void line(String s) {
            ByteBuffer b = ByteBuffer.wrap((s + "\n").getBytes(StandardCharsets.UTF_8));
            try {
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
