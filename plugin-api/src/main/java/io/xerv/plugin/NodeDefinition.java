package io.xerv.plugin;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A node as a flow declares it.
 *
 * @param id the node's id in the flow
 * @param type its type name
 * @param config its configuration as written, selectors still unresolved
 * @param baseDirectory the directory relative paths in the config resolve against: the flow file's
 *     directory, or the host's working directory for a flow that came from no file
 * @param services what the host grants the node: files, secrets, environment, network
 */
@Stable
public record NodeDefinition(String id, String type, Value config, Path baseDirectory,
                             @Experimental HostServices services) {
    /** The canonical constructor; experimental while {@link HostServices} is. */
    @Experimental
    public NodeDefinition {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(baseDirectory, "baseDirectory");
        Objects.requireNonNull(services, "services");
    }

    /** A definition with the {@linkplain HostServices#defaults() default services}. */
    public NodeDefinition(String id, String type, Value config, Path baseDirectory) {
        this(id, type, config, baseDirectory, HostServices.defaults());
    }

    /** A definition whose relative paths resolve against the working directory. */
    public NodeDefinition(String id, String type, Value config) {
        this(id, type, config, Path.of("").toAbsolutePath());
    }
}
