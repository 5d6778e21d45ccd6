package io.xerv.std;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeContext;
import io.xerv.plugin.Value;

import java.util.List;

/**
 * {@code std::loop}: decides, on each pass, whether the loop body runs again ({@code continue}) or the
 * loop ends ({@code exit}); the input passes through unchanged either way.
 *
 * <p>On run {@code k} ({@link NodeContext#iteration()}, 0 for the run that enters the loop and raised
 * by the host each time the body comes back over its {@code loop_back} edge), the node fires
 * {@code exit} when {@code k >= max_iterations} or the exit condition holds, and {@code continue}
 * otherwise. The body therefore runs at most {@code max_iterations} times.
 *
 * <p>Immutable and thread-safe.
 */
final class LoopNode extends StdNode {

    static final String TYPE = "std::loop";

    private final Param maxIterations;
    private final Condition until;

    private LoopNode(Param maxIterations, Condition until) {
        super(TYPE);
        this.maxIterations = maxIterations;
        this.until = until;
    }

    @Override
    Completion run(NodeContext context) {
        Value input = input(context);
        Value config = config(context);
        long max = maxIterations.integer(config);
        if (max < 1) {
            throw new NodeFailure("config 'max_iterations' resolved to " + max + ", expected at least 1");
        }
        boolean exit = context.iteration() >= max || (until != null && until.test(input, config));
        return Completion.emit(exit ? "exit" : "continue", input);
    }

    /** Creates {@code std::loop} nodes. Stateless; thread-safe. */
    static final class Factory extends StdFactory {

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public String description() {
            return "Repeats its body (port continue) until a condition holds or max_iterations is reached (port exit).";
        }

        @Override
        public List<String> outputPorts() {
            return List.of("continue", "exit");
        }

        @Override
        Node build(ConfigCheck check) {
            ConfigCheck.Section c = check.root();
            c.allowOnly("max_iterations", "condition", "until");
            Param max = c.integer("max_iterations", 1, 10L);
            Condition until = SwitchNode.readCondition(check, c, "condition", "until", false);
            return new LoopNode(max, until);
        }
    }
}
