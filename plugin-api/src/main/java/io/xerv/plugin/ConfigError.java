package io.xerv.plugin;

import java.util.Objects;

/**
 * One problem in a node's configuration.
 *
 * @param path the offending key inside {@code config}, dotted with list indexes in brackets
 *     ({@code condition.value}, {@code mappings[2].from}); empty for the config as a whole
 * @param message what is wrong, in the flow author's words
 */
@Stable
public record ConfigError(String path, String message) {
    public ConfigError {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }
}
