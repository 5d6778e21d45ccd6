package io.xerv.plugin;

import java.util.List;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * What a node sees while it runs: its inputs, its resolved config, a writer for its output, and the
 * services whose values a replay must reproduce (clock, random numbers, UUIDs).
 *
 * <p>A context is valid only during the {@link Node#execute} call it was passed to, and only on the
 * thread that made that call. Values read from it stay valid until the trace ends.
 */
@Stable
public interface NodeContext {

    /** The trace this run belongs to. */
    UUID traceId();

    /** This node's id in the flow. */
    String nodeId();

    /** The attempt number, 1 for the first run; higher after a retry or a crash recovery. */
    int attempt();

    /**
     * How many times this node already ran in its current scope: the loop iteration for nodes in a
     * {@code std::loop} body, 0 otherwise.
     */
    int iteration();

    /** The time ({@link #currentTimeMillis()} scale) by which the node should finish, or {@code Long.MAX_VALUE}. */
    long deadlineMillis();

    /**
     * The primary input: the first value that fired into port {@code in} (or into the only input port).
     * A node without fired inputs (an entry node) receives the trigger's payload.
     */
    Value input();

    /** The first value that fired into the named input port, or {@code null} when none did. */
    Value input(String port);

    /** Every value that fired into this node, in the order of the flow's edges. */
    List<Input> inputs();

    /** The node's config with every selector resolved for this trace; an empty map when none is set. */
    Value config();

    /**
     * For a node that suspended the trace, the decision that resumed it; {@code null} on a first run.
     */
    @Experimental
    Resumption resumption();

    /** Appends values to the trace's arena. */
    OutputWriter output();

    /** The trace's log, shown with the node's run. */
    NodeLog log();

    /** Wall-clock time in milliseconds since the epoch; recorded so that a replay sees the same. */
    long currentTimeMillis();

    /** Random numbers for this run; recorded so that a replay sees the same. */
    RandomGenerator random();

    /** A random (version 4) UUID; recorded so that a replay sees the same. */
    UUID randomUuid();
}
