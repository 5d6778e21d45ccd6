package io.xerv.host.trigger;

import java.util.Locale;

/** What happened to a watched file, in the words a flow's {@code params.events} uses. */
public enum FileEvent {
    /** A file appeared (created, or moved into the watched folder). */
    CREATE,
    /** A file's content or attributes changed. */
    MODIFY,
    /** A file went away (deleted, or moved out of the watched folder). */
    DELETE;

    /** The name in flows and payloads: {@code create}, {@code modify}, {@code delete}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The event named {@code name} in a flow, or {@code null} when there is none. */
    public static FileEvent fromWireName(String name) {
        for (FileEvent e : values()) {
            if (e.wireName().equals(name)) {
                return e;
            }
        }
        return null;
    }
}
