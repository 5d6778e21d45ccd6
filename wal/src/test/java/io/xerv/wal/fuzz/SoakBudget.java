package io.xerv.wal.fuzz;

import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.AroundTryHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.TryExecutionResult;
import net.jqwik.api.lifecycle.TryExecutor;
import net.jqwik.api.lifecycle.TryLifecycleContext;

import java.util.List;

/**
 * The budget of a soak property: {@code xerv.fuzz.tries} tries (default 100,000) or
 * {@code xerv.fuzz.seconds} seconds (default 300), whichever ends first. Tries that pass after the
 * time is up end the property early; a failing try is always reported and shrunk.
 */
public final class SoakBudget implements AroundPropertyHook, AroundTryHook {

    private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        context.attributes().setTries(Integer.getInteger("xerv.fuzz.tries", 100_000));
        // jqwik would compute up to one edge case per try first (for combined arbitraries, millions);
        // the default build's runs mix them in already.
        context.attributes().setEdgeCases(EdgeCasesMode.NONE);
        DEADLINE.set(System.nanoTime() + Long.getLong("xerv.fuzz.seconds", 300L) * 1_000_000_000L);
        try {
            return property.execute();
        } finally {
            DEADLINE.remove();
        }
    }

    @Override
    public TryExecutionResult aroundTry(TryLifecycleContext context, TryExecutor aTry, List<Object> parameters) {
        TryExecutionResult r = aTry.execute(parameters);
        Long deadline = DEADLINE.get();
        // Shrinking runs on other threads, which have no deadline: it is never cut short.
        if (r.isSatisfied() && deadline != null && System.nanoTime() - deadline > 0) {
            return TryExecutionResult.satisfied(true);
        }
        return r;
    }

    @Override
    public int aroundPropertyProximity() {
        return -100;
    }
}
