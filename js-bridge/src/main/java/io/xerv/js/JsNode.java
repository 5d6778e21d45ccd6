package io.xerv.js;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeContext;

/**
 * A JS node of a deployed flow: its module, loaded into a pool of sandboxed contexts. Calls for
 * different traces run at once on different contexts. Thread-safe; {@link #close} releases the
 * contexts when the flow is undeployed.
 */
final class JsNode implements Node, AutoCloseable {

    private final JsNodeConfig config;
    private final ContextPool pool;

    JsNode(JsNodeConfig config, ContextPool pool) {
        this.config = config;
        this.pool = pool;
    }

    @Override
    public Completion execute(NodeContext ctx) throws InterruptedException {
        long budget = config.callTimeoutMillis();
        long deadline = ctx.deadlineMillis();
        if (deadline != Long.MAX_VALUE) {
            budget = Math.max(1, Math.min(budget, deadline - System.currentTimeMillis()));
        }
        GuestContext c = pool.acquire(budget);
        try {
            return c.call(ctx, budget);
        } finally {
            pool.release(c);
        }
    }

    /** The node's pool, for tests. */
    ContextPool pool() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
    }
}
