package io.xerv.host.engine;

import io.xerv.host.flow.SelectorRef;
import io.xerv.host.flow.Template;

import java.nio.charset.StandardCharsets;

/**
 * Percent-encodes selector values substituted into a URL template, each for the URL component it
 * lands in, so that a value cannot change the URL's structure. Stateless.
 */
final class UrlEscaper {

    /** Where in a URL a selector stands. */
    enum Component {
        /** Before the path: scheme, authority (host, port). Not encoded; the destination policy guards it. */
        PREFIX,
        /** In the path: encoded as (part of) one segment; {@code /}, {@code ?}, {@code #} and dot-segments are escaped. */
        PATH,
        /** In the query: encoded as (part of) one name or value; {@code &}, {@code =}, {@code +} and {@code #} are escaped. */
        QUERY,
        /** In the fragment: encoded as in the query. */
        FRAGMENT
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UrlEscaper() {
    }

    /**
     * The component of each selector of {@code template}, in order, read from the literal text
     * before it: a {@code /} after the authority ({@code scheme://host:port}) or after a leading
     * selector starts the path, {@code ?} the query, {@code #} the fragment.
     */
    static Component[] components(Template template) {
        Component[] out = new Component[template.selectors().size()];
        Component state = Component.PREFIX;
        boolean authority = false;
        int i = 0;
        for (Template.Part p : template.parts()) {
            switch (p) {
                case SelectorRef s -> out[i++] = state;
                case Template.Literal l -> {
                    String t = l.text();
                    for (int k = 0; k < t.length(); k++) {
                        char c = t.charAt(k);
                        switch (state) {
                            case PREFIX -> {
                                if (c == '/' && !authority && k > 0 && t.charAt(k - 1) == ':'
                                        && k + 1 < t.length() && t.charAt(k + 1) == '/') {
                                    authority = true;
                                    k++;
                                } else if (c == '/') {
                                    state = Component.PATH;
                                } else if (c == '?') {
                                    state = Component.QUERY;
                                } else if (c == '#') {
                                    state = Component.FRAGMENT;
                                }
                            }
                            case PATH -> {
                                if (c == '?') {
                                    state = Component.QUERY;
                                } else if (c == '#') {
                                    state = Component.FRAGMENT;
                                }
                            }
                            case QUERY -> {
                                if (c == '#') {
                                    state = Component.FRAGMENT;
                                }
                            }
                            case FRAGMENT -> {
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Appends {@code value} to {@code sb}, encoded for {@code where}. */
    static void append(StringBuilder sb, String value, Component where) {
        if (where == Component.PREFIX) {
            sb.append(value);
            return;
        }
        if (where == Component.PATH && (value.equals(".") || value.equals(".."))) {
            // A whole dot-segment would move the path up; encoded, it is a plain name.
            sb.append(value.equals(".") ? "%2E" : "%2E%2E");
            return;
        }
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >>> 4]).append(HEX[c & 0xf]);
            }
        }
    }
}
