package io.xerv.js;

import org.graalvm.polyglot.Source;

import io.xerv.plugin.FileRules;
import io.xerv.plugin.HostServices;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    private static final String MODULE = "application/javascript+module";

    Script {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
    }

    /**
     * Reads a module from a file: the host's policy checks the path before anything is read, and only
     * a regular file up to its size cap is read.
     *
     * @throws IllegalArgumentException when it is refused, missing, not a regular file, too large or not
     *     UTF-8, naming the path; never quoting the file
     */
    static Script file(HostServices services, Path baseDirectory, String written) {
        Path p;
        try {
            p = services.resolveFile(written, baseDirectory, HostServices.FileUse.SCRIPT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("script " + e.getMessage());
        }
        if (!Files.exists(p)) {
            throw new IllegalArgumentException("script " + written + " not found (looked for " + p + ")");
        }
        byte[] bytes;
        try {
            bytes = FileRules.readRegularFile(p, written, services.maxFileBytes());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("script " + e.getMessage());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("script " + written + " is not UTF-8 text");
        }
        return new Script(written, Source.newBuilder("js", text, written).mimeType(MODULE).buildLiteral());
    }

    /** A module given inline in the flow. */
    static Script inline(String nodeId, String text) {
        String name = nodeId + ".inline.mjs";
        return new Script(name, Source.newBuilder("js", text, name).mimeType(MODULE).buildLiteral());
    }
}
