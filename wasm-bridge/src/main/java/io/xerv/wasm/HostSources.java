package io.xerv.wasm;

/**
 * Where granted environment variables and secrets come from: places the host's operator controls,
 * never the flow. A guest sees only the names its node's config grants. Implementations must be
 * thread-safe.
 */
public interface HostSources {

    /** The value of environment variable {@code name}, or null when it is not set. */
    String env(String name);

    /** The value of secret {@code name}, or null when it is not set. */
    String secret(String name);

    /**
     * The host's own sources: environment variable {@code NAME} (else JVM system property
     * {@code xerv.env.NAME}) and, for secrets, environment variable {@code XERV_SECRET_NAME} (else
     * system property {@code xerv.secret.NAME}).
     */
    static HostSources system() {
        return new HostSources() {
            @Override
            public String env(String name) {
                String v = System.getenv(name);
                return v != null ? v : System.getProperty("xerv.env." + name);
            }

            @Override
            public String secret(String name) {
                String v = System.getenv("XERV_SECRET_" + name);
                return v != null ? v : System.getProperty("xerv.secret." + name);
            }
        };
    }
}
