package io.xerv.host.engine;

import io.xerv.host.engine.CompiledFlow.CEdge;
import io.xerv.host.engine.CompiledFlow.CNode;
import io.xerv.plugin.Input;
import io.xerv.plugin.NodeContext;
import io.xerv.plugin.NodeLog;
import io.xerv.plugin.OutputWriter;
import io.xerv.plugin.Resumption;
import io.xerv.plugin.Value;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * The {@link NodeContext} of one run of one node. Created per run; reads the frame's edge values, so
 * it must be used only during the run (on the trace's context, or on the worker running a blocking
 * node while the trace waits for it).
 */
final class RunContext implements NodeContext {

    private final TraceRun run;
    private final Frame frame;
    private final CNode node;
    private final int attempt;
    private final Resumption resumption;
    private final long deadline;
    private Value config;
    private OutputWriter writer;
    private NodeLog log;
    private final long seed;
    private java.util.SplittableRandom random;

    private final String runKey;
    private final long startMillis;

    RunContext(TraceRun run, Frame frame, CNode node, int attempt, Resumption resumption, String runKey, long startMillis) {
        this.runKey = runKey;
        this.startMillis = startMillis;
        this.run = run;
        this.frame = frame;
        this.node = node;
        this.attempt = attempt;
        this.resumption = resumption;
        // A function of the trace and the run alone, so a replay draws the same numbers whatever the
        // order runs happen in.
        this.seed = run.traceId.getMostSignificantBits() * 31 + run.traceId.getLeastSignificantBits() * 17
                + runKey.hashCode() * 0x9E3779B97F4A7C15L;
        this.deadline = node.timeoutMs > 0 ? startMillis + node.timeoutMs : Long.MAX_VALUE;
    }

    @Override
    public UUID traceId() {
        return run.traceId;
    }

    @Override
    public String nodeId() {
        return node.id;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public int iteration() {
        if (node.isLoop) {
            return frame.iteration[node.index];
        }
        return node.loopOwner >= 0 ? frame.iteration[node.loopOwner] : 0;
    }

    @Override
    public long deadlineMillis() {
        return deadline;
    }

    @Override
    public Value input() {
        return input(node.primaryPort);
    }

    @Override
    public Value input(String port) {
        if (node.isLoop && frame.iteration[node.index] > 0 && port.equals(node.primaryPort)) {
            return frame.loopInput[node.index];
        }
        if (node.in.length == 0) {
            return port.equals(node.primaryPort) ? run.payload : null;
        }
        CEdge[] edges = run.flow.edges;
        for (int e : node.in) {
            if (frame.edgeState[e] == Frame.EDGE_FIRED && edges[e].toPort.equals(port)) {
                return frame.edgeValue[e];
            }
        }
        return null;
    }

    @Override
    public List<Input> inputs() {
        CEdge[] edges = run.flow.edges;
        List<Input> out = new ArrayList<>(node.in.length);
        if (node.in.length == 0) {
            out.add(new Input(run.triggerId, "out", node.primaryPort, run.payload));
            return out;
        }
        for (int e : node.in) {
            if (frame.edgeState[e] == Frame.EDGE_FIRED) {
                CEdge c = edges[e];
                String source = c.from >= 0 ? run.flow.nodes[c.from].id : c.trigger;
                out.add(new Input(source, c.fromPort, c.toPort, frame.edgeValue[e]));
            }
        }
        return out;
    }

    @Override
    public Value config() {
        Value c = config;
        if (c == null) {
            config = c = node.config.bind(ref -> run.lookup(frame, ref));
        }
        return c;
    }

    @Override
    public Resumption resumption() {
        return resumption;
    }

    @Override
    public OutputWriter output() {
        OutputWriter w = writer;
        if (w == null) {
            writer = w = run.arena.writer(node.index + 1);
        }
        return w;
    }

    @Override
    public NodeLog log() {
        NodeLog l = log;
        if (l == null) {
            int idx = node.index;
            // A blocking node logs from its worker thread: hand the line to the trace's context.
            int max = run.engine.logLineBytes;
            log = l = (level, message) -> {
                String line = level.name() + " " + capLine(String.valueOf(message), max);
                if (io.vertx.core.Vertx.currentContext() == run.context) {
                    run.log(idx, line);
                } else {
                    run.context.runOnContext(v -> run.log(idx, line));
                }
            };
        }
        return l;
    }

    /**
     * Cuts a log line to at most {@code max} bytes of UTF-8 plus a mark saying how many characters were
     * cut, so that no node makes the trace's log (and whatever shows it) hold an arbitrarily long line.
     * Reads only the kept prefix: a huge message costs no more than a short one.
     */
    static String capLine(String message, int max) {
        int n = message.length();
        if (n <= max / 3) {
            return message; // fits whatever its characters
        }
        int bytes = 0;
        int i = 0;
        while (i < n) {
            char c = message.charAt(i);
            int w = c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isHighSurrogate(c) ? 4 : 3;
            if (bytes + w > max) {
                break;
            }
            bytes += w;
            i += w == 4 ? 2 : 1;
        }
        if (i >= n) {
            return message;
        }
        return message.substring(0, i) + "\u2026(truncated " + (n - i) + " characters)";
    }

    @Override
    public long currentTimeMillis() {
        // The time the run started, as its NodeStart record says: a replay sees the same.
        return startMillis;
    }

    @Override
    public RandomGenerator random() {
        java.util.SplittableRandom r = random;
        if (r == null) {
            random = r = new java.util.SplittableRandom(seed);
        }
        return r;
    }

    @Override
    public UUID randomUuid() {
        RandomGenerator r = random();
        long msb = r.nextLong();
        long lsb = r.nextLong();
        msb = (msb & ~0xF000L) | 0x4000L;
        lsb = (lsb & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
