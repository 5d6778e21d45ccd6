package io.xerv.plugin;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;

/**
 * What the host grants a node beyond its config: the files it may read, the secrets and environment
 * variables it may see, the network destinations it may reach. The operator's policy decides each
 * (see {@code docs/security.md}); a factory receives the host's services with every
 * {@link NodeDefinition} and must ask them instead of reading the file system, the process
 * environment or the network directly. Implementations are thread-safe.
 */
@Experimental
public interface HostServices {

    /** What a file named in a node's config is for; the policy may allow each use in other places. */
    enum FileUse {
        /** A WASM module ({@code module:}). */
        MODULE,
        /** A JavaScript file ({@code script:}). */
        SCRIPT,
        /** A directory preopened for a WASI guest. */
        PREOPEN,
        /** A directory a file trigger watches. */
        WATCH
    }

    /**
     * Resolves a path a node's config names against the flow's folder and checks it against the
     * policy.
     *
     * @param written the path as the config wrote it
     * @param baseDirectory the flow's folder (see {@link NodeDefinition#baseDirectory()})
     * @param use what the path is for
     * @return the normalized absolute path
     * @throws IllegalArgumentException when the policy forbids it; the message names the path and the
     *     rule, never anything read from the file
     */
    Path resolveFile(String written, Path baseDirectory, FileUse use);

    /**
     * Resolves, checks and reads a file a node's config names ({@code module:}, {@code script:}): only
     * a regular file inside the policy's folders, of at most {@link #maxFileBytes()} bytes, read with a
     * bounded stream.
     *
     * @throws IllegalArgumentException naming the path and the rule or problem, never anything read from the file
     */
    default byte[] readFile(String written, Path baseDirectory, FileUse use) {
        return FileRules.readRegularFile(resolveFile(written, baseDirectory, use), written, maxFileBytes());
    }

    /** The largest file {@link #readFile} reads, in bytes. */
    default long maxFileBytes() {
        return FileRules.DEFAULT_MAX_FILE_BYTES;
    }

    /** A secret the operator granted to nodes, or {@code null} when there is none by that name or it is not granted. */
    String secret(String name);

    /**
     * Whether the operator grants nodes the secret {@code name} (it may still be unset). A factory asks
     * when a flow is deployed, so that a flow that asks for more than it is granted is refused then.
     * The default says yes for a secret that has a value.
     */
    default boolean grantsSecret(String name) {
        return secret(name) != null;
    }

    /** An environment variable the operator granted to nodes, or {@code null} when it is unset or not granted. */
    String environment(String name);

    /**
     * Whether the operator grants nodes the environment variable {@code name} (it may still be unset);
     * asked when a flow is deployed. The default says yes for a variable that has a value.
     */
    default boolean grantsEnvironment(String name) {
        return environment(name) != null;
    }

    /**
     * Checks an outbound connection before it is made, after the host name was resolved. Called again
     * for every redirect.
     *
     * @param host the host name as the URL gave it
     * @param address the address it resolved to
     * @throws IOException when the policy forbids the destination; the message names host, address and rule
     */
    void checkDestination(String host, InetAddress address) throws IOException;

    /** The largest response body an outbound HTTP call may read, in bytes. */
    long maxResponseBytes();

    /** How many redirects an outbound HTTP call may follow; each hop's destination is checked again. */
    default int maxRedirects() {
        return DefaultHostServices.MAX_REDIRECTS;
    }

    /**
     * The services of a host with no policy configured: files inside the flow's folder (never under
     * {@code /proc}, {@code /dev} or {@code /sys}, links followed; regular files up to 16 MiB), no WASI
     * directories, secret {@code NAME} from environment variable {@code XERV_SECRET_NAME}, no other
     * environment variables, public network destinations only (no loopback, link-local, private,
     * unique-local, CGNAT, multicast or any-local address, nor an IPv6 form of one), 16 MiB responses
     * and 5 redirects.
     */
    static HostServices defaults() {
        return DefaultHostServices.INSTANCE;
    }
}
