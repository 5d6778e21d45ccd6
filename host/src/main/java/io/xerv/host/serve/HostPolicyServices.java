package io.xerv.host.serve;

import io.xerv.plugin.HostServices;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;

/**
 * The {@link HostServices} of {@code xerv serve}: each question goes to the config section that
 * answers it. Immutable and thread-safe.
 */
final class HostPolicyServices implements HostServices {

    private final ServeConfig config;

    HostPolicyServices(ServeConfig config) {
        this.config = config;
    }

    @Override
    public Path resolveFile(String written, Path baseDirectory, FileUse use) {
        return HostServices.defaults().resolveFile(written, baseDirectory, use);
    }

    @Override
    public String secret(String name) {
        return HostServices.defaults().secret(name);
    }

    @Override
    public String environment(String name) {
        return HostServices.defaults().environment(name);
    }

    @Override
    public void checkDestination(String host, InetAddress address) throws IOException {
        config.network().checkDestination(host, address);
    }

    @Override
    public long maxResponseBytes() {
        return config.network().maxResponseBytes();
    }

    @Override
    public int maxRedirects() {
        return config.network().maxRedirects();
    }
}
