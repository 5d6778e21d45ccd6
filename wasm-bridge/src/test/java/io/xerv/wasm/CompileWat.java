package io.xerv.wasm;

import com.dylibso.chicory.wabt.Wat2Wasm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Assembles every {@code .wat} file of a folder into {@code .wasm} files in another, with Chicory's
 * wabt (no native tool needed). The Maven build runs it on {@code examples/wasm}, whose hand-written
 * guests the example flows use.
 *
 * <p>Usage: {@code CompileWat <source dir> <output dir>}
 */
public final class CompileWat {

    private CompileWat() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: CompileWat <source dir> <output dir>");
        }
        Path from = Path.of(args[0]);
        Path to = Path.of(args[1]);
        Files.createDirectories(to);
        List<Path> sources;
        try (Stream<Path> s = Files.list(from)) {
            sources = s.filter(p -> p.toString().endsWith(".wat")).sorted().toList();
        }
        for (Path wat : sources) {
            String name = wat.getFileName().toString().replaceFirst("\\.wat$", ".wasm");
            Files.write(to.resolve(name), Wat2Wasm.parse(Files.readString(wat)));
            System.out.println("assembled " + to.resolve(name));
        }
    }
}
