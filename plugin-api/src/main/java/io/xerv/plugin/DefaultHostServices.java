package io.xerv.plugin;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;

/** {@link HostServices#defaults()}: the rules a host applies when its config sets no policy. */
final class DefaultHostServices implements HostServices {

    static final DefaultHostServices INSTANCE = new DefaultHostServices();

    /** 16 MiB: the default cap on an outbound response. */
    static final long MAX_RESPONSE_BYTES = 16L << 20;

    private DefaultHostServices() {
    }

    /** The environment variable prefix of secrets: {@code secret(NAME)} reads {@code XERV_SECRET_NAME}. */
    static final String SECRET_PREFIX = "XERV_SECRET_";

    @Override
    public Path resolveFile(String written, Path baseDirectory, FileUse use) {
        return FileRules.DEFAULT.resolve(written, baseDirectory, use);
    }

    /** The operator marks a variable as meant for nodes by its prefix; any name is granted. */
    @Override
    public String secret(String name) {
        return System.getenv(SECRET_PREFIX + name);
    }

    @Override
    public boolean grantsSecret(String name) {
        return true;
    }

    /** No environment variable is granted without a policy: nodes read values the operator meant for them as secrets. */
    @Override
    public String environment(String name) {
        return null;
    }

    @Override
    public boolean grantsEnvironment(String name) {
        return false;
    }

    @Override
    public void checkDestination(String host, InetAddress address) throws IOException {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            throw new IOException("destination " + host + " (" + address.getHostAddress()
                    + ") is a local or private address; the host's policy (network.allow) decides which may be reached");
        }
    }

    @Override
    public long maxResponseBytes() {
        return MAX_RESPONSE_BYTES;
    }
}
