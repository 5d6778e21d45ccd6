package io.xerv.plugin;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;

/** {@link HostServices#defaults()}: the rules a host applies when its config sets no policy. */
final class DefaultHostServices implements HostServices {

    static final DefaultHostServices INSTANCE = new DefaultHostServices();

    /** 16 MiB: the default cap on an outbound response. */
    static final long MAX_RESPONSE_BYTES = 16L << 20;

    /** The default number of redirects an outbound HTTP call follows. */
    static final int MAX_REDIRECTS = 5;

    private DefaultHostServices() {
    }

    /** The environment variable prefix of secrets: {@code secret(NAME)} reads {@code XERV_SECRET_NAME}. */
    static final String SECRET_PREFIX = "XERV_SECRET_";

    @Override
    public Path resolveFile(String written, Path baseDirectory, FileUse use) {
        return FileRules.DEFAULT.resolve(written, baseDirectory, use);
    }

    /** The operator marks a variable as meant for nodes by its prefix; any name is granted. */
    @Override
    public String secret(String name) {
        return System.getenv(SECRET_PREFIX + name);
    }

    @Override
    public boolean grantsSecret(String name) {
        return true;
    }

    /** No environment variable is granted without a policy: nodes read values the operator meant for them as secrets. */
    @Override
    public String environment(String name) {
        return null;
    }

    @Override
    public boolean grantsEnvironment(String name) {
        return false;
    }

    @Override
    public void checkDestination(String host, InetAddress address) throws IOException {
        String kind = localKind(address);
        if (kind != null) {
            throw new IOException("destination " + host + " (" + address.getHostAddress() + ") is " + ("aeiouAEIOU".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind
                    + " address; the host's config key network.allow decides which may be reached");
        }
    }

    /**
     * What makes {@code address} local or private, or {@code null} for a public address: loopback,
     * any-local, link-local, private (RFC 1918, RFC 4193 unique-local {@code fc00::/7}, site-local
     * {@code fec0::/10}), multicast, shared (CGNAT {@code 100.64.0.0/10}), {@code 0.0.0.0/8}, reserved
     * {@code 240.0.0.0/4} and broadcast. An IPv6 address that embeds an IPv4 one (IPv4-mapped
     * {@code ::ffff:0:0/96}, IPv4-compatible {@code ::/96}, NAT64 {@code 64:ff9b::/96}, 6to4
     * {@code 2002::/16}) is judged by the IPv4 address it carries.
     */
    static String localKind(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 16) {
            byte[] v4 = embeddedIpv4(b);
            if (v4 != null) {
                String kind = ipv4Kind(v4);
                return kind == null ? null : "IPv4-embedded " + kind;
            }
            if (address.isLoopbackAddress()) {
                return "loopback";
            }
            if (address.isAnyLocalAddress()) {
                return "any-local";
            }
            if (address.isLinkLocalAddress()) {
                return "link-local";
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return "unique-local (private)";
            }
            if (address.isSiteLocalAddress()) {
                return "site-local (private)";
            }
            if (address.isMulticastAddress()) {
                return "multicast";
            }
            return null;
        }
        return ipv4Kind(b);
    }

    private static String ipv4Kind(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        if (a0 == 127) {
            return "loopback";
        }
        if (a0 == 0) {
            return "any-local";
        }
        if (a0 == 169 && a1 == 254) {
            return "link-local";
        }
        if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
            return "private";
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return "shared (CGNAT)";
        }
        if (a0 >= 224 && a0 < 240) {
            return "multicast";
        }
        if (a0 >= 240) {
            return "reserved";
        }
        return null;
    }

    /** The IPv4 address an IPv6 address carries, or {@code null}. */
    private static byte[] embeddedIpv4(byte[] b) {
        boolean zero80 = true;
        for (int i = 0; i < 10; i++) {
            zero80 &= b[i] == 0;
        }
        if (zero80 && b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
            return java.util.Arrays.copyOfRange(b, 12, 16);
        }
        if (zero80 && b[10] == 0 && b[11] == 0) {
            // IPv4-compatible ::a.b.c.d; :: and ::1 themselves are any-local and loopback.
            boolean small = b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] & 0xfe) == 0;
            return small ? null : java.util.Arrays.copyOfRange(b, 12, 16);
        }
        if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b) {
            boolean rest = true;
            for (int i = 4; i < 12; i++) {
                rest &= b[i] == 0;
            }
            return rest ? java.util.Arrays.copyOfRange(b, 12, 16) : null;
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return java.util.Arrays.copyOfRange(b, 2, 6);
        }
        return null;
    }

    @Override
    public long maxResponseBytes() {
        return MAX_RESPONSE_BYTES;
    }

    @Override
    public int maxRedirects() {
        return MAX_REDIRECTS;
    }
}
