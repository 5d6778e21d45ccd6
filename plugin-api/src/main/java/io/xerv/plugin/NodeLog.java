package io.xerv.plugin;

/** A node's log, kept with the trace. Messages must not contain secrets. */
@Stable
public interface NodeLog {

    /** Severity of a log line. */
    enum Level { DEBUG, INFO, WARN, ERROR }

    /** Appends one line. */
    void log(Level level, String message);

    default void debug(String message) {
        log(Level.DEBUG, message);
    }

    default void info(String message) {
        log(Level.INFO, message);
    }

    default void warn(String message) {
        log(Level.WARN, message);
    }

    default void error(String message) {
        log(Level.ERROR, message);
    }
}
