package io.xerv.host.plugin;

import io.xerv.plugin.XervPlugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Loads third-party plugins from a folder, each in a class loader of its own whose parent sees only
 * the JDK (the platform loader) and the plugin API: a plugin cannot reach host classes or another
 * plugin's, and may bring its own versions of any library.
 *
 * <p>Every {@code *.jar} directly in the folder is one plugin; every sub-folder holding jars is one
 * plugin made of all its jars (a plugin with its dependencies). Each must list its
 * {@link XervPlugin} in {@code META-INF/services/io.xerv.plugin.XervPlugin}.
 */
public final class PluginDirectory {

    private static final String API_PACKAGE = XervPlugin.class.getPackageName() + ".";

    private PluginDirectory() {
    }

    /**
     * The built-in plugins (those on the host's class path) and the plugins in {@code dir}.
     *
     * @throws IllegalArgumentException naming the jar when a plugin declares no entry point, cannot be
     *     instantiated, or reuses a type name
     * @throws UncheckedIOException when the folder cannot be read
     */
    public static NodeRegistry registry(Path dir) {
        List<XervPlugin> plugins = new ArrayList<>();
        ServiceLoader.load(XervPlugin.class, PluginDirectory.class.getClassLoader()).forEach(plugins::add);
        plugins.addAll(load(dir));
        try {
            return NodeRegistry.of(plugins);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The plugins in {@code dir}, each from its own class loader. */
    public static List<XervPlugin> load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("plugins folder " + dir + " does not exist or is not a folder");
        }
        List<XervPlugin> out = new ArrayList<>();
        ClassLoader parent = new ApiOnlyLoader(XervPlugin.class.getClassLoader());
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            List<Path> entries = new ArrayList<>();
            ds.forEach(entries::add);
            entries.sort(null);
            for (Path p : entries) {
                List<Path> jars = new ArrayList<>();
                if (Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar")) {
                    jars.add(p);
                } else if (Files.isDirectory(p)) {
                    try (DirectoryStream<Path> inner = Files.newDirectoryStream(p, "*.jar")) {
                        inner.forEach(jars::add);
                    }
                    jars.sort(null);
                }
                if (!jars.isEmpty()) {
                    out.addAll(loadOne(p, jars, parent));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read plugins folder " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static List<XervPlugin> loadOne(Path plugin, List<Path> jars, ClassLoader parent) {
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("bad plugin path " + jars.get(i), e);
            }
        }
        URLClassLoader loader = new URLClassLoader("xerv-plugin:" + plugin.getFileName(), urls, parent);
        List<XervPlugin> found = new ArrayList<>();
        try {
            ServiceLoader.load(XervPlugin.class, loader).forEach(found::add);
        } catch (ServiceConfigurationError e) {
            throw new IllegalArgumentException("plugin " + plugin + " cannot be loaded: " + e.getMessage(), e);
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("plugin " + plugin + " declares no entry point: list a class implementing "
                    + XervPlugin.class.getName() + " in META-INF/services/" + XervPlugin.class.getName());
        }
        return found;
    }

    /** Delegates the plugin API to the host, everything else to the platform (JDK) loader. */
    private static final class ApiOnlyLoader extends ClassLoader {
        private final ClassLoader api;

        ApiOnlyLoader(ClassLoader api) {
            super("xerv-plugin-api", ClassLoader.getPlatformClassLoader());
            this.api = api;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith(API_PACKAGE)) {
                return api.loadClass(name);
            }
            return super.loadClass(name, resolve);
        }
    }
}
