package io.xerv.js;

import org.graalvm.polyglot.Source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A node's code as a module {@link Source}, parsed once by the shared engine and evaluated in each of
 * the node's contexts. Immutable.
 *
 * @param name how messages and stack traces name it: the path as the flow wrote it, or
 *     {@code <node>.inline.mjs} for inline source
 * @param source the module
 */
record Script(String name, Source source) {

    /** Scripts larger than this are refused (bundles of npm libraries stay far below it). */
    static final long MAX_BYTES = 16L << 20;

    private static final String MODULE = "application/javascript+module";

    Script {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
    }

    /**
     * Reads a module from a file.
     *
     * @throws IllegalArgumentException when it is missing, unreadable or too large, naming the path
     */
    static Script file(Path baseDirectory, String written) {
        Path p = baseDirectory.resolve(written).normalize();
        try {
            long size = Files.size(p);
            if (size > MAX_BYTES) {
                throw new IllegalArgumentException("script " + written + " is " + size + " bytes; the limit is " + MAX_BYTES);
            }
            String text = Files.readString(p);
            return new Script(written, Source.newBuilder("js", text, written).mimeType(MODULE).buildLiteral());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("script " + written + " not found (looked for " + p + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read script " + written + " (" + p + "): " + e.getMessage());
        }
    }

    /** A module given inline in the flow. */
    static Script inline(String nodeId, String text) {
        String name = nodeId + ".inline.mjs";
        return new Script(name, Source.newBuilder("js", text, name).mimeType(MODULE).buildLiteral());
    }
}
