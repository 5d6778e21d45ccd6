package io.xerv.js;

/**
 * Masks the secrets a call read. Values come from the host's services (the node's
 * {@link io.xerv.plugin.NodeDefinition#services()}), never from the process directly. Stateless.
 */
final class Secrets {

    private Secrets() {
    }

    /** The text with every secret in {@code read} replaced by {@code ***}. */
    static String mask(String text, java.util.List<String> read) {
        String out = text;
        for (String secret : read) {
            if (!secret.isEmpty()) {
                out = out.replace(secret, "***");
            }
        }
        return out;
    }
}
