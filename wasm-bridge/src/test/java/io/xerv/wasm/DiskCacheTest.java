package io.xerv.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.wabt.Wat2Wasm;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.Values;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiled modules kept on disk, keyed by the module's digest. */
class DiskCacheTest {

    @TempDir
    Path dir;

    @Test
    void compilingAModuleShouldPublishItsClassesUnderItsDigest() throws Exception {
        DiskCache cache = new DiskCache(dir.resolve("cache"));
        // A module no other test compiled: its data segment is unique.
        byte[] wasm = Wat2Wasm.parse("""
                (module (memory (export "memory") 1) (data (i32.const 0) "%s")
                  (func (export "__xerv_alloc") (param i32) (result i32) (i32.const 4096))
                  (func (export "__xerv_execute") (param i32 i32) (result i32) (i32.const 0)))""".formatted(UUID.randomUUID()));
        Path module = dir.resolve("unique.wasm");
        Files.write(module, wasm);
        new WasmNodeFactory(cache)
                .create(new NodeDefinition("n", "wasm", Values.of(Map.of("module", module.toString())), dir));
        try (Stream<Path> files = Files.list(cache.directory())) {
            assertThat(files.map(p -> p.getFileName().toString())).singleElement().asString().endsWith(".classes");
        }
    }

    @Test
    void anEntryShouldBePublishedOnce() throws Exception {
        DiskCache cache = new DiskCache(dir);
        assertThat(cache.get("sha256:ab")).isNull();
        cache.putIfAbsent("sha256:ab", new byte[] {1, 2});
        cache.putIfAbsent("sha256:ab", new byte[] {3});
        assertThat(cache.get("sha256:ab")).containsExactly(1, 2);
    }
}
