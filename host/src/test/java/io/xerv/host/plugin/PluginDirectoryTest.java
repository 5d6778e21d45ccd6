package io.xerv.host.plugin;

import io.xerv.host.plugin.fixture.IsolatedPlugin;
import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.Values;
import io.xerv.plugin.XervPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginDirectoryTest {

    @TempDir
    Path dir;

    private void jar(Path file, String service, boolean withClass) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(os)) {
            if (withClass) {
                String name = IsolatedPlugin.class.getName().replace('.', '/');
                for (String cls : new String[] {name + ".class", name + "$1.class"}) {
                    jar.putNextEntry(new JarEntry(cls));
                    try (InputStream in = IsolatedPlugin.class.getClassLoader().getResourceAsStream(cls)) {
                        in.transferTo(jar);
                    }
                }
            }
            if (service != null) {
                jar.putNextEntry(new JarEntry("META-INF/services/" + XervPlugin.class.getName()));
                jar.write(service.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void pluginJarsLoadInTheirOwnClassLoaderBesideTheBuiltIns() throws Exception {
        jar(dir.resolve("isolated.jar"), IsolatedPlugin.class.getName() + "\n", true);
        NodeRegistry registry = PluginDirectory.registry(dir);
        assertThat(registry.find("std::log")).isPresent();
        NodeFactory f = registry.find("fixture::isolated").orElseThrow();
        assertThat(f.getClass().getClassLoader()).isNotSameAs(IsolatedPlugin.class.getClassLoader());
        assertThat(f.getClass().getClassLoader().getName()).isEqualTo("xerv-plugin:isolated.jar");
        var out = f.create(new io.xerv.plugin.NodeDefinition("n", "fixture::isolated", Values.mapOf()))
                .execute(null);
        assertThat(Values.toJson(out.value())).isEqualTo("{\"sees_host\":false}");
    }

    @Test
    void aSubFolderOfJarsIsOnePlugin() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("bundle"));
        jar(sub.resolve("a-classes.jar"), null, true);
        jar(sub.resolve("b-service.jar"), IsolatedPlugin.class.getName(), false);
        assertThat(PluginDirectory.registry(dir).find("fixture::isolated")).isPresent();
    }

    @Test
    void aJarWithoutEntryPointIsNamedInTheError() throws Exception {
        jar(dir.resolve("empty.jar"), null, true);
        assertThatThrownBy(() -> PluginDirectory.registry(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty.jar declares no entry point");
    }

    @Test
    void aJarNamingAMissingClassIsNamedInTheError() throws Exception {
        jar(dir.resolve("broken.jar"), "com.example.Missing\n", false);
        assertThatThrownBy(() -> PluginDirectory.registry(dir))
                .hasMessageContaining("broken.jar cannot be loaded")
                .hasMessageContaining("com.example.Missing");
    }

    @Test
    void twoPluginsWithTheSameTypeAreRejected() throws Exception {
        jar(dir.resolve("one.jar"), IsolatedPlugin.class.getName(), true);
        jar(dir.resolve("two.jar"), IsolatedPlugin.class.getName(), true);
        assertThatThrownBy(() -> PluginDirectory.registry(dir))
                .hasMessageContaining("node type 'fixture::isolated' is registered twice");
    }

    @Test
    void aMissingFolderIsAClearError() {
        assertThatThrownBy(() -> PluginDirectory.registry(dir.resolve("nope")))
                .hasMessageContaining("does not exist or is not a folder");
    }
}
