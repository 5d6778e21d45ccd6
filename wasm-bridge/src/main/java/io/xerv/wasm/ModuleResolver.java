package io.xerv.wasm;

import io.xerv.plugin.FileRules;
import io.xerv.plugin.HostServices;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds and reads the file a node's {@code module:} names. A value with a {@code /} or ending in
 * {@code .wasm} is a path (relative to the flow's directory), checked by the host's policy before
 * anything is read; any other value is a module name, looked up as {@code NAME.wasm} in
 * {@code <flow dir>/modules/} (checked by the policy), then in each directory of the system property
 * {@code xerv.modules}, then of the environment variable {@code XERV_MODULES} (both lists separated by
 * the platform's path separator, set by the host's operator). Only regular files up to the policy's
 * size cap are read. Stateless.
 */
final class ModuleResolver {

    private ModuleResolver() {
    }

    /** A module found and read. */
    record Found(Path path, byte[] bytes) {
    }

    /**
     * @throws IllegalArgumentException naming what was looked for and where, or the policy rule that
     *     refuses the path; never anything read from a file
     */
    static Found resolve(String module, Path baseDirectory, HostServices services) {
        boolean isPath = module.contains("/") || module.contains(File.separator) || module.endsWith(".wasm");
        if (isPath) {
            Path p = services.resolveFile(module, baseDirectory, HostServices.FileUse.MODULE);
            if (!Files.exists(p)) {
                throw new IllegalArgumentException("WASM module " + p + " does not exist (module: " + module
                        + ", relative to the flow's directory " + baseDirectory + ")");
            }
            return new Found(p, read(p, module, services));
        }
        if (!module.matches("[A-Za-z0-9_.-]+") || module.startsWith(".")) {
            throw new IllegalArgumentException("module '" + module + "' is neither a path nor a module name"
                    + " (letters, digits, '_', '-', '.', not starting with '.')");
        }
        List<String> searched = new ArrayList<>();
        String inFlow = "modules/" + module + ".wasm";
        try {
            Path p = services.resolveFile(inFlow, baseDirectory, HostServices.FileUse.MODULE);
            searched.add(p.toString());
            if (Files.isRegularFile(p)) {
                return new Found(p, read(p, module, services));
            }
        } catch (IllegalArgumentException refused) {
            searched.add(inFlow + " (refused by the host's policy)");
        }
        for (Path dir : operatorFolders(baseDirectory)) {
            Path p = dir.resolve(module + ".wasm");
            searched.add(p.toString());
            if (Files.isRegularFile(p)) {
                return new Found(p, read(p, module, services));
            }
        }
        throw new IllegalArgumentException("no WASM module named '" + module + "'; looked for "
                + String.join(", ", searched) + " (set -Dxerv.modules or XERV_MODULES to add folders)");
    }

    private static byte[] read(Path p, String module, HostServices services) {
        return FileRules.readRegularFile(p, module, services.maxFileBytes());
    }

    /** The folders the host's operator named for modules, in order. */
    static List<Path> operatorFolders(Path baseDirectory) {
        List<Path> dirs = new ArrayList<>();
        for (String list : new String[] {System.getProperty("xerv.modules"), System.getenv("XERV_MODULES")}) {
            if (list != null) {
                for (String d : list.split(File.pathSeparator)) {
                    if (!d.isBlank()) {
                        try {
                            dirs.add(baseDirectory.resolve(d.strip()));
                        } catch (InvalidPathException e) {
                            // Not a folder; nothing can be found there.
                        }
                    }
                }
            }
        }
        return dirs;
    }
}
