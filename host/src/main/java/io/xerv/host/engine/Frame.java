package io.xerv.host.engine;

import io.xerv.plugin.Value;

/**
 * The state of one scope of a trace: the whole flow, or one item of a {@code std::split}. Each scope
 * has its own node and edge states, so the items of a split can run side by side. Touched only on
 * the trace's event-loop context.
 */
final class Frame {

    static final byte PENDING = 0;
    static final byte QUEUED = 1;
    static final byte RUNNING = 2;
    static final byte DONE = 3;
    static final byte SKIPPED = 4;
    static final byte FAILED = 5;
    static final byte SUSPENDED = 6;
    static final byte RETRYING = 7;

    static final byte EDGE_PENDING = 0;
    static final byte EDGE_FIRED = 1;
    static final byte EDGE_SKIPPED = 2;

    final Frame parent;
    /** The split this frame runs an item of, or -1 for the trace's root frame. */
    final int owner;
    /** The item index, for split frames. */
    final int item;
    final SplitRun split;
    /** The prefix of run keys in this frame: empty for the root, {@code 3[1]/} for item 1 of split 3. */
    final String path;

    final byte[] state;
    final int[] settled;
    final int[] fired;
    /** Bumped when a loop restarts a node, so results of an earlier iteration are recognised as stale. */
    final int[] gen;
    final int[] iteration;
    final Value[] out;
    final Value[] loopInput;
    /** For loop nodes: queued, running, retrying or suspended work in the loop's body (and open splits). */
    final int[] bodyActive;
    /** For loop nodes: the value of a loop-back edge that fired while the body was still busy. */
    final Value[] pendingLoopBack;
    /** For loop nodes: the loop fired {@code exit}; its body's late skips change nothing. */
    final boolean[] loopExited;
    final byte[] edgeState;
    final Value[] edgeValue;
    /** Work that keeps this frame open: queued, running, retrying and suspended nodes, and open splits. */
    int active;

    Frame(int nodes, int edges, Frame parent, int owner, int item, SplitRun split, String path) {
        this.path = path;
        this.parent = parent;
        this.owner = owner;
        this.item = item;
        this.split = split;
        state = new byte[nodes];
        settled = new int[nodes];
        fired = new int[nodes];
        gen = new int[nodes];
        iteration = new int[nodes];
        out = new Value[nodes];
        loopInput = new Value[nodes];
        bodyActive = new int[nodes];
        pendingLoopBack = new Value[nodes];
        loopExited = new boolean[nodes];
        edgeState = new byte[edges];
        edgeValue = new Value[edges];
    }

    /** The output of node {@code i} as seen from this frame: its own, or an enclosing frame's. */
    Value output(int i) {
        for (Frame f = this; f != null; f = f.parent) {
            if (f.state[i] == DONE || f.out[i] != null) {
                return f.out[i];
            }
        }
        return null;
    }

    /** The bookkeeping of one running split. */
    static final class SplitRun {
        final Frame frame;
        final int node;
        final Value list;
        final int size;
        final Value[] results;
        int next;
        int running;
        int done;

        SplitRun(Frame frame, int node, Value list) {
            this.frame = frame;
            this.node = node;
            this.list = list;
            this.size = list.size();
            this.results = new Value[size];
        }
    }
}
