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

    @Override
    public Path resolveFile(String written, Path baseDirectory, FileUse use) {
        Path base = baseDirectory.toAbsolutePath().normalize();
        Path p = base.resolve(written).normalize();
        if (!p.startsWith(base)) {
            throw new IllegalArgumentException("'" + written + "' is outside the flow's folder " + base
                    + "; the host's policy (policy.paths) decides which folders nodes may read");
        }
        return p;
    }

    @Override
    public String secret(String name) {
        return null;
    }

    @Override
    public String environment(String name) {
        return name.startsWith("XERV_SECRET_") ? System.getenv(name) : null;
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
