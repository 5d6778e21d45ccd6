package io.xerv.host.serve;

import io.xerv.plugin.HostServices;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where nodes may connect: the {@code network:} section of the config. Immutable and thread-safe.
 *
 * <p>A destination is judged after its host name was resolved, on the address the connection will
 * use: an address or host name in {@code deny} is refused; else one in {@code allow} is reached; else
 * the built-in rule of {@link HostServices#defaults()} applies (public addresses only).
 *
 * @param allow host names and address ranges nodes may reach even when they are local or private
 * @param deny host names and address ranges nodes may never reach; wins over {@code allow}
 * @param maxResponseBytes the largest response body an outbound call may read
 * @param maxRedirects how many redirects an outbound call may follow
 */
public record NetworkPolicy(List<Rule> allow, List<Rule> deny, long maxResponseBytes, int maxRedirects) {

    /** 16 MiB, as {@link HostServices#defaults()}. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 16L << 20;

    /** As {@link HostServices#defaults()}. */
    public static final int DEFAULT_MAX_REDIRECTS = 5;

    /** The largest {@code max_response_bytes}: a response body is held as one string. */
    static final long MAX_RESPONSE_BYTES_LIMIT = Integer.MAX_VALUE - 8;

    /** The largest {@code max_redirects}. */
    static final int MAX_REDIRECTS_LIMIT = 20;

    /** The defaults, used when the config has no {@code network:} section. */
    public static final NetworkPolicy DEFAULT = new NetworkPolicy(List.of(), List.of(), DEFAULT_MAX_RESPONSE_BYTES,
            DEFAULT_MAX_REDIRECTS);

    public NetworkPolicy {
        allow = List.copyOf(Objects.requireNonNull(allow, "allow"));
        deny = List.copyOf(Objects.requireNonNull(deny, "deny"));
        if (maxResponseBytes < 1) {
            throw new IllegalArgumentException("maxResponseBytes must be at least 1, got " + maxResponseBytes);
        }
        if (maxRedirects < 0) {
            throw new IllegalArgumentException("maxRedirects must be at least 0, got " + maxRedirects);
        }
    }

    /**
     * Checks an outbound connection to {@code address}, which {@code host} resolved to.
     *
     * @throws IOException naming host, address and the config key that decides
     */
    public void checkDestination(String host, InetAddress address) throws IOException {
        for (Rule r : deny) {
            if (r.matches(host, address)) {
                throw new IOException("destination " + host + " (" + address.getHostAddress()
                        + ") is refused by the host's config key network.deny (" + r.text() + ")");
            }
        }
        for (Rule r : allow) {
            if (r.matches(host, address)) {
                return;
            }
        }
        HostServices.defaults().checkDestination(host, address);
    }

    /** One entry of {@code allow} or {@code deny}: a host name or an address range. */
    public sealed interface Rule permits HostName, Cidr {
        /** The entry as written. */
        String text();

        /** True when the entry covers this destination. */
        boolean matches(String host, InetAddress address);

        /**
         * Parses an entry: an IPv4 or IPv6 address, an address range in CIDR notation
         * ({@code 10.0.0.0/8}, {@code fd00::/8}), a host name, or {@code *.} and a domain (its
         * subdomains). Never resolves a name.
         *
         * @throws IllegalArgumentException saying what is wrong
         */
        static Rule parse(String text) {
            String s = text.strip();
            if (s.isEmpty()) {
                throw new IllegalArgumentException("an empty entry");
            }
            int slash = s.indexOf('/');
            String addr = slash < 0 ? s : s.substring(0, slash);
            byte[] bytes = literal(addr);
            if (bytes == null) {
                if (slash >= 0) {
                    throw new IllegalArgumentException("'" + s + "' is not an address range: '" + addr
                            + "' is not an IPv4 or IPv6 address");
                }
                return HostName.parse(s);
            }
            int bits = bytes.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                String p = s.substring(slash + 1);
                try {
                    prefix = Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits || !p.chars().allMatch(Character::isDigit)) {
                    throw new IllegalArgumentException("'" + s + "' has a bad prefix length '" + p
                            + "'; expected 0 to " + bits);
                }
            }
            for (int i = prefix; i < bits; i++) {
                if ((bytes[i / 8] & (0x80 >>> (i % 8))) != 0) {
                    throw new IllegalArgumentException("'" + s + "' has bits set after its /" + prefix
                            + " prefix; did you mean " + Cidr.network(bytes, prefix) + "?");
                }
            }
            return new Cidr(s, bytes, prefix);
        }
    }

    /** A host name, or {@code *.domain} for every name under a domain; compared without case. */
    public record HostName(String text, String name, boolean subdomains) implements Rule {
        static HostName parse(String s) {
            String lower = s.toLowerCase(Locale.ROOT);
            boolean wild = lower.startsWith("*.");
            String name = wild ? lower.substring(2) : lower;
            if (name.endsWith(".")) {
                name = name.substring(0, name.length() - 1);
            }
            if (name.isEmpty() || name.startsWith(".") || name.contains("..")
                    || !name.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
                throw new IllegalArgumentException("'" + s + "' is not a host name, an IP address or an address range");
            }
            return new HostName(s, name, wild);
        }

        @Override
        public boolean matches(String host, InetAddress address) {
            String h = host.toLowerCase(Locale.ROOT);
            if (h.endsWith(".")) {
                h = h.substring(0, h.length() - 1);
            }
            return subdomains ? h.endsWith("." + name) : h.equals(name);
        }
    }

    /** An address range: the addresses whose first {@code prefix} bits equal {@code network}'s. */
    public record Cidr(String text, byte[] network, int prefix) implements Rule {
        @Override
        public boolean matches(String host, InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length == 16 && network.length == 4) {
                a = mappedIpv4(a);
                if (a == null) {
                    return false;
                }
            }
            if (a.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (network[full] & mask);
        }

        static String network(byte[] bytes, int prefix) {
            byte[] b = bytes.clone();
            for (int i = prefix; i < b.length * 8; i++) {
                b[i / 8] &= (byte) ~(0x80 >>> (i % 8));
            }
            try {
                return InetAddress.getByAddress(b).getHostAddress() + "/" + prefix;
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(network) * 31 + prefix;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** The bytes of an IPv4 or IPv6 address literal, or {@code null} when {@code s} is not one. Never resolves. */
    static byte[] literal(String s) {
        if (s.indexOf(':') >= 0) {
            String t = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
            if (t.indexOf('%') >= 0 || !t.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return null;
            }
            try {
                // A string with ':' is only ever parsed as an IPv6 literal, never looked up.
                byte[] b = InetAddress.getByName(t).getAddress();
                if (b.length == 4) {
                    // An IPv4-mapped literal (::ffff:a.b.c.d) keeps its IPv6 form.
                    byte[] v6 = new byte[16];
                    v6[10] = (byte) 0xff;
                    v6[11] = (byte) 0xff;
                    System.arraycopy(b, 0, v6, 12, 4);
                    return v6;
                }
                return b;
            } catch (UnknownHostException e) {
                return null;
            }
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            b[i] = (byte) v;
        }
        return b;
    }

    /** The IPv4 address inside an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}), or {@code null}. */
    private static byte[] mappedIpv4(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return null;
            }
        }
        if (a[10] != (byte) 0xff || a[11] != (byte) 0xff) {
            return null;
        }
        return Arrays.copyOfRange(a, 12, 16);
    }

    /** Reads the {@code network:} section; problems go to the parser. */
    static NetworkPolicy parse(ServeConfig.Parser p, Node n) {
        Map<String, Node> m = p.map(n, "network", List.of("allow", "deny", "max_response_bytes", "max_redirects"));
        if (m == null) {
            return DEFAULT;
        }
        List<Rule> allow = rules(p, m.get("allow"), "network.allow");
        List<Rule> deny = rules(p, m.get("deny"), "network.deny");
        long maxBytes = p.number(m.get("max_response_bytes"), "network.max_response_bytes", DEFAULT_MAX_RESPONSE_BYTES,
                1, MAX_RESPONSE_BYTES_LIMIT);
        long maxRedirects = p.number(m.get("max_redirects"), "network.max_redirects", DEFAULT_MAX_REDIRECTS, 0,
                MAX_REDIRECTS_LIMIT);
        return new NetworkPolicy(allow, deny, maxBytes, (int) maxRedirects);
    }

    private static List<Rule> rules(ServeConfig.Parser p, Node n, String what) {
        if (n == null) {
            return List.of();
        }
        if (!(n instanceof SequenceNode seq)) {
            p.problem(n, what + " must be a list of host names, IP addresses and CIDR ranges");
            return List.of();
        }
        List<Rule> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            String s = p.string(item, what + "[]", null);
            if (s == null) {
                continue;
            }
            try {
                out.add(Rule.parse(s));
            } catch (IllegalArgumentException e) {
                p.problem(item, what + ": " + e.getMessage());
            }
        }
        return out;
    }
}
