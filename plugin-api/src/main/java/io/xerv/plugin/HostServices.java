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

    /** A secret the operator granted to nodes, or {@code null} when there is none by that name or it is not granted. */
    String secret(String name);

    /** An environment variable the operator granted to nodes, or {@code null} when it is unset or not granted. */
    String environment(String name);

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
     * The services of a host with no policy configured: files inside the flow's folder, no secrets,
     * environment variables named {@code XERV_SECRET_*} only, public network destinations only (no loopback,
     * link-local, private, unique-local, CGNAT, multicast or any-local address, nor an IPv6 form of one),
     * 16 MiB responses and 5 redirects.
     */
    static HostServices defaults() {
        return DefaultHostServices.INSTANCE;
    }
}
