package io.xerv.js;

import io.xerv.plugin.ConfigError;
import io.xerv.plugin.Execution;
import io.xerv.plugin.HostServices;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.Value;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code js} node type. {@code config: {script: path/to/node.js}} or {@code {source: "..."}}, with
 * optional {@code params}, {@code env}, {@code secrets}, {@code ports}, {@code call_timeout_ms} and
 * {@code pool_size} (see docs/js-nodes.md). Thread-safe.
 */
public final class JsNodeFactory implements NodeFactory {

    @Override
    public String type() {
        return "js";
    }

    @Override
    public String description() {
        return "A node written in JavaScript (an ES module using sdk-js-guest), run sandboxed on GraalJS";
    }

    /**
     * A JS node chooses its port each run, so any port name is accepted here: {@code out} and whatever
     * edges name. A node that lists {@code ports} in its config is held to them when it runs.
     */
    @Override
    public List<String> outputPorts() {
        return AnyPort.INSTANCE;
    }

    /**
     * A node that lists {@code ports} has those and {@code out}, so an edge from any other port is a
     * deploy error; one that lists none accepts every well-formed port name, as {@link #outputPorts()}.
     */
    @Override
    public List<String> outputPorts(Value config) {
        JsNodeConfig c = JsNodeConfig.read(config, new ArrayList<>());
        if (c == null || c.ports() == null) {
            return AnyPort.INSTANCE;
        }
        List<String> ports = new ArrayList<>();
        ports.add(DEFAULT_OUTPUT);
        c.ports().stream().filter(p -> !p.equals(DEFAULT_OUTPUT)).forEach(ports::add);
        return List.copyOf(ports);
    }

    @Override
    public Execution execution() {
        return Execution.BLOCKING;
    }

    @Override
    public List<ConfigError> validate(Value config) {
        List<ConfigError> errors = new ArrayList<>();
        JsNodeConfig.read(config, errors);
        return errors;
    }

    /**
     * Loads the script into its first context, so that a missing file, a syntax error or a throw at the
     * top level is a deploy-time error naming the script's file:line.
     */
    @Override
    public Node create(NodeDefinition definition) {
        List<ConfigError> errors = new ArrayList<>();
        JsNodeConfig config = JsNodeConfig.read(definition.config(), errors);
        if (config == null) {
            ConfigError e = errors.getFirst();
            throw new IllegalArgumentException((e.path().isEmpty() ? "" : e.path() + ": ") + e.message());
        }
        HostServices services = definition.services();
        for (String name : config.env().stream().sorted().toList()) {
            if (!services.grantsEnvironment(name)) {
                throw new IllegalArgumentException("env: environment variable '" + name + "' is not granted to nodes by"
                        + " the host's policy (policy.env)");
            }
        }
        for (String name : config.secrets().stream().sorted().toList()) {
            if (!services.grantsSecret(name)) {
                throw new IllegalArgumentException("secrets: secret '" + name + "' is not granted to nodes by the host's"
                        + " policy (policy.secrets)");
            }
        }
        Script script = config.script() != null
                ? Script.file(services, definition.baseDirectory(), config.script())
                : Script.inline(definition.id(), config.source());
        JsEngine engine = JsEngine.shared();
        GuestContext first = new GuestContext(engine, script, config, services);
        ContextPool pool = new ContextPool(() -> new GuestContext(engine, script, config, services), config.poolSize());
        pool.seed(first);
        return new JsNode(config, pool);
    }

    /** The ports list of JS nodes: lists {@code out}, contains every well-formed port name. */
    private static final class AnyPort extends AbstractList<String> {
        static final AnyPort INSTANCE = new AnyPort();

        @Override
        public String get(int index) {
            if (index != 0) {
                throw new IndexOutOfBoundsException(index);
            }
            return DEFAULT_OUTPUT;
        }

        @Override
        public int size() {
            return 1;
        }

        @Override
        public boolean contains(Object o) {
            return o instanceof String s && !s.equals(ERROR_PORT) && JsNodeConfig.PORT_NAME.matcher(s).matches();
        }
    }
}
