package io.xerv.js;

/**
 * Where granted environment variables and secrets come from, both controlled by the host's operator
 * (the same sources as for WASM nodes): {@code env: [NAME]} reads environment variable {@code NAME},
 * else system property {@code xerv.env.NAME}; {@code secrets: [NAME]} reads environment variable
 * {@code XERV_SECRET_NAME}, else system property {@code xerv.secret.NAME}. Stateless.
 */
final class Secrets {

    /** The environment variable prefix of secrets. */
    static final String PREFIX = "XERV_SECRET_";

    private Secrets() {
    }

    /** The secret's value, or null when the operator did not set it. */
    static String secret(String name) {
        String v = System.getenv(PREFIX + name);
        return v != null ? v : System.getProperty("xerv.secret." + name);
    }

    /** The environment variable's value, or null when it is not set. */
    static String env(String name) {
        String v = System.getenv(name);
        return v != null ? v : System.getProperty("xerv.env." + name);
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
