package io.xerv.std;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeContext;
import io.xerv.plugin.NodeLog;
import io.xerv.plugin.Value;
import io.xerv.plugin.Values;

import java.util.List;
import java.util.Locale;

/**
 * {@code std::log}: writes one line to the trace's log and passes its input on unchanged.
 *
 * <p>The message is read from the resolved config on each run, since the host interpolates
 * selectors in it per trace. Immutable and thread-safe.
 */
final class LogNode extends StdNode {

    static final String TYPE = "std::log";

    /** The longest message a log line keeps, in characters (8 KiB of ASCII). */
    static final int MAX_LINE = 8 << 10;

    private final Param message;
    private final NodeLog.Level level;
    private final Param includeInput;

    private LogNode(Param message, NodeLog.Level level, Param includeInput) {
        super(TYPE);
        this.message = message;
        this.level = level;
        this.includeInput = includeInput;
    }

    @Override
    Completion run(NodeContext context) {
        Value input = input(context);
        Value config = config(context);
        String text = message.text(config);
        if (text == null) {
            text = Values.toJson(input);
        } else if (includeInput.bool(config)) {
            text = text + " input=" + Values.toJson(input);
        }
        context.log().log(level, cut(text, MAX_LINE));
        return Completion.out(input);
    }

    /**
     * Cuts {@code text} after {@code max} characters, marking how many were cut: a huge input or resolved
     * selector must not become a huge log line (the host cuts lines too, at {@code limits.log_line_bytes}).
     */
    static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int keep = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, keep) + "\u2026(truncated " + (text.length() - keep) + " characters)";
    }

    /** Creates {@code std::log} nodes. Stateless; thread-safe. */
    static final class Factory extends StdFactory {

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public String description() {
            return "Logs a message (or the input as JSON) and passes the input through unchanged.";
        }

        @Override
        public List<String> outputPorts() {
            return List.of(DEFAULT_OUTPUT);
        }

        @Override
        Node build(ConfigCheck check) {
            ConfigCheck.Section c = check.root();
            c.allowOnly("message", "level", "include_input");
            Param message = c.text("message", false, null);
            String level = c.choice("level", "info", "debug", "info", "warn", "error");
            Param includeInput = c.bool("include_input", false);
            return new LogNode(message, level == null ? null : NodeLog.Level.valueOf(level.toUpperCase(Locale.ROOT)),
                    includeInput);
        }
    }
}
