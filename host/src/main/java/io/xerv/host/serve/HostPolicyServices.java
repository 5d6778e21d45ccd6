package io.xerv.host.serve;

import io.xerv.plugin.FileRules;
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
    private final FileRules files;

    HostPolicyServices(ServeConfig config) {
        this.config = config;
        this.files = config.policy().files(config.dataDir());
    }

    /** Checked against {@code policy.paths}; the data directory, /proc, /dev and /sys are never reachable. */
    @Override
    public Path resolveFile(String written, Path baseDirectory, FileUse use) {
        return files.resolve(written, baseDirectory, use);
    }

    @Override
    public long maxFileBytes() {
        return files.maxFileBytes();
    }

    @Override
    public String secret(String name) {
        return config.policy().secret(name, config.secrets());
    }

    @Override
    public boolean grantsSecret(String name) {
        return config.policy().grantsSecret(name);
    }

    @Override
    public String environment(String name) {
        return config.policy().environment(name);
    }

    @Override
    public boolean grantsEnvironment(String name) {
        return config.policy().grantsEnvironment(name);
    }

    @Override
    public void checkDestination(String host, InetAddress address) throws IOException {
        HostServices.defaults().checkDestination(host, address);
    }

    @Override
    public long maxResponseBytes() {
        return HostServices.defaults().maxResponseBytes();
    }
}
