package io.xerv.host.serve;

import io.xerv.plugin.FileRules;
import io.xerv.plugin.HostServices;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link HostServices} of {@code xerv serve}: each question goes to the config section that
 * answers it. Immutable and thread-safe.
 */
final class HostPolicyServices implements HostServices {

    private final ServeConfig config;
    private final FileRules files;

    HostPolicyServices(ServeConfig config) {
        this.config = config;
        this.files = config.policy().files(config.dataDir()).trustingFlowFoldersIn(flowFolders(config));
    }

    /**
     * The folders whose flows may use relative {@code policy.paths} (such as the default {@code .}): the
     * configured {@code flows:} and the working directory, the folder of flows deployed as text. A flow
     * deployed through the API names its folder by the {@code source} label its caller chose, so a folder
     * elsewhere grants nothing.
     */
    static List<Path> flowFolders(ServeConfig config) {
        List<Path> out = new ArrayList<>();
        out.add(Path.of("").toAbsolutePath());
        for (Path f : config.flows()) {
            Path abs = f.toAbsolutePath().normalize();
            out.add(Files.isDirectory(abs) || abs.getParent() == null ? abs : abs.getParent());
        }
        return out;
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
