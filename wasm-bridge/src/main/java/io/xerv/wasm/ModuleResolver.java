package io.xerv.wasm;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the file a node's {@code module:} names. A value with a {@code /} or ending in {@code .wasm}
 * is a path (relative to the flow's directory); any other value is a module name, looked up as
 * {@code NAME.wasm} in {@code <flow dir>/modules/}, then in each directory of the system property
 * {@code xerv.modules}, then of the environment variable {@code XERV_MODULES} (both lists separated
 * by the platform's path separator). Stateless.
 */
final class ModuleResolver {

    private ModuleResolver() {
    }

    /**
     * @throws IllegalArgumentException naming what was looked for and where
     */
    static Path resolve(String module, Path baseDirectory) {
        boolean isPath = module.contains("/") || module.contains(File.separator) || module.endsWith(".wasm");
        if (isPath) {
            Path p;
            try {
                p = baseDirectory.resolve(module).normalize();
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("module '" + module + "' is not a valid path: " + e.getMessage());
            }
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("WASM module " + p + " does not exist (module: " + module
                        + ", relative to the flow's directory " + baseDirectory + ")");
            }
            return p;
        }
        if (!module.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("module '" + module + "' is neither a path nor a module name"
                    + " (letters, digits, '_', '-', '.')");
        }
        List<Path> searched = new ArrayList<>();
        for (Path dir : searchPath(baseDirectory)) {
            Path p = dir.resolve(module + ".wasm");
            searched.add(p);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        StringBuilder sb = new StringBuilder("no WASM module named '").append(module).append("'; looked for ");
        for (int i = 0; i < searched.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(searched.get(i));
        }
        return fail(sb.append(" (set -Dxerv.modules or XERV_MODULES to add folders)").toString());
    }

    private static Path fail(String message) {
        throw new IllegalArgumentException(message);
    }

    /** The folders named modules are looked up in, in order. */
    static List<Path> searchPath(Path baseDirectory) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(baseDirectory.resolve("modules"));
        for (String list : new String[] {System.getProperty("xerv.modules"), System.getenv("XERV_MODULES")}) {
            if (list != null) {
                for (String d : list.split(File.pathSeparator)) {
                    if (!d.isBlank()) {
                        dirs.add(baseDirectory.resolve(d.strip()));
                    }
                }
            }
        }
        return dirs;
    }
}
