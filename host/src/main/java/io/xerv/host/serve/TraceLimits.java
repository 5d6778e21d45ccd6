package io.xerv.host.serve;

import io.xerv.host.engine.EngineConfig;
import org.snakeyaml.engine.v2.nodes.Node;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How much one trace may use: the {@code limits:} section of the config. Immutable.
 *
 * @param nodeOutputBytes the largest value one node may write into its trace's arena
 * @param traceBytes the most bytes all of a trace's nodes may write into its arena together
 * @param logLineBytes the longest log line a node keeps; longer lines are cut and marked
 */
public record TraceLimits(long nodeOutputBytes, long traceBytes, int logLineBytes) {

    /** The defaults, used when the config has no {@code limits:} section: 16 MiB, 256 MiB, 8 KiB. */
    public static final TraceLimits DEFAULT = new TraceLimits(EngineConfig.Limits.DEFAULT.nodeOutputBytes(),
            EngineConfig.Limits.DEFAULT.traceBytes(), EngineConfig.Limits.DEFAULT.logLineBytes());

    private static final long MAX_VALUE_BYTES = Integer.MAX_VALUE - 8;

    /** The engine's form of these limits. */
    public EngineConfig.Limits engine() {
        return new EngineConfig.Limits(nodeOutputBytes, traceBytes, logLineBytes);
    }

    /** Reads the {@code limits:} section; problems go to the parser. */
    static TraceLimits parse(ServeConfig.Parser p, Node n) {
        Map<String, Node> m = p.map(n, "limits", List.of("node_output_bytes", "trace_bytes", "log_line_bytes"));
        if (m == null) {
            return DEFAULT;
        }
        long node = size(p, m.get("node_output_bytes"), "limits.node_output_bytes", DEFAULT.nodeOutputBytes, 1024,
                MAX_VALUE_BYTES);
        long trace = size(p, m.get("trace_bytes"), "limits.trace_bytes", DEFAULT.traceBytes, 64 << 10, 1L << 40);
        long line = size(p, m.get("log_line_bytes"), "limits.log_line_bytes", DEFAULT.logLineBytes, 64, 1 << 20);
        if (trace < node && m.containsKey("trace_bytes")) {
            p.problem(m.get("trace_bytes"), "limits.trace_bytes (" + trace + ") must be at least limits.node_output_bytes ("
                    + node + ")");
            return DEFAULT;
        }
        return new TraceLimits(node, Math.max(trace, node), (int) line);
    }

    /** A byte count: a whole number, optionally with a unit KiB, MiB or GiB (powers of 1024). */
    private static long size(ServeConfig.Parser p, Node n, String what, long dflt, long min, long max) {
        String s = p.string(n, what, null);
        if (s == null) {
            return dflt;
        }
        String t = s.strip().replace("_", "");
        long unit = 1;
        String lower = t.toLowerCase(Locale.ROOT);
        for (String[] u : new String[][] {{"kib", "1024"}, {"mib", "1048576"}, {"gib", "1073741824"}}) {
            if (lower.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                t = t.substring(0, t.length() - 3).strip();
                break;
            }
        }
        long v;
        try {
            v = Math.multiplyExact(Long.parseLong(t), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            p.problem(n, what + " must be a whole number of bytes, optionally with KiB, MiB or GiB, got '" + s + "'");
            return dflt;
        }
        if (v < min || v > max) {
            p.problem(n, what + " must be between " + min + " and " + max + " bytes, got " + v);
            return dflt;
        }
        return v;
    }
}
