package io.xerv.host.serve;

import io.xerv.plugin.HostServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code network:} section: parsing, address ranges, and the destinations it allows. */
class NetworkPolicyTest {

    @TempDir
    Path dir;

    private static InetAddress ip(String literal) throws IOException {
        return InetAddress.getByName(literal);
    }

    private static boolean allowed(NetworkPolicy p, String host, String literal) throws IOException {
        try {
            p.checkDestination(host, ip(literal));
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    @Test
    void defaultsShouldRefuseLocalPrivateAndSpecialAddresses() throws Exception {
        for (String a : List.of("127.0.0.1", "127.9.9.9", "::1", "0.0.0.0", "::", "10.1.2.3", "172.16.0.1",
                "172.31.255.255", "192.168.1.1", "169.254.169.254", "fe80::1", "fc00::1", "fd12:3456::1",
                "fec0::1", "100.64.0.1", "100.127.255.255", "224.0.0.1", "ff02::1", "240.0.0.1",
                "255.255.255.255", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
                "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "::7f00:1")) {
            assertThat(allowed(NetworkPolicy.DEFAULT, "h", a)).as(a).isFalse();
            assertThat(allowed(NetworkPolicy.DEFAULT, "h", a)).as(a).isEqualTo(allowedByDefaults(a));
        }
        for (String a : List.of("8.8.8.8", "93.184.216.34", "100.128.0.1", "172.32.0.1", "2606:4700::1111",
                "::ffff:8.8.8.8", "64:ff9b::808:808")) {
            assertThat(allowed(NetworkPolicy.DEFAULT, "h", a)).as(a).isTrue();
            assertThat(allowedByDefaults(a)).as(a).isTrue();
        }
        assertThat(NetworkPolicy.DEFAULT.maxResponseBytes()).isEqualTo(HostServices.defaults().maxResponseBytes())
                .isEqualTo(16L << 20);
        assertThat(NetworkPolicy.DEFAULT.maxRedirects()).isEqualTo(HostServices.defaults().maxRedirects()).isEqualTo(5);
    }

    private static boolean allowedByDefaults(String literal) throws IOException {
        try {
            HostServices.defaults().checkDestination("h", ip(literal));
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    @Test
    void ipv4MappedIpv6FormShouldBeJudgedAsTheIpv4Address() throws Exception {
        // Built by hand: InetAddress.getByName would hand back the IPv4 form.
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
        InetAddress a = Inet6Address.getByAddress("evil.example", mapped, null);
        assertThatThrownBy(() -> NetworkPolicy.DEFAULT.checkDestination("evil.example", a))
                .hasMessage("destination evil.example (0:0:0:0:0:ffff:7f00:1) is an IPv4-embedded loopback address; "
                        + "the host's config key network.allow decides which may be reached");
        NetworkPolicy allow = policy("network: {allow: [127.0.0.0/8]}");
        assertThatCode(() -> allow.checkDestination("evil.example", a)).doesNotThrowAnyException();
    }

    @Test
    void allowShouldOpenCidrsAndHostNamesAndDenyShouldWin() throws Exception {
        NetworkPolicy p = policy("""
                network:
                  allow: [127.0.0.1/32, 10.20.0.0/16, "fd00::/8", metrics.internal, "*.svc.cluster.local", 10.20.3.4]
                  deny: [203.0.113.0/24, 10.20.9.0/24, blocked.example.com]
                  max_response_bytes: 1048576
                  max_redirects: 0
                """);
        assertThat(allowed(p, "127.0.0.1", "127.0.0.1")).isTrue();
        assertThat(allowed(p, "x", "127.0.0.2")).isFalse();
        assertThat(allowed(p, "x", "10.20.255.1")).isTrue();
        assertThat(allowed(p, "x", "10.21.0.1")).isFalse();
        assertThat(allowed(p, "x", "10.20.9.1")).as("deny wins over allow").isFalse();
        assertThat(allowed(p, "x", "fd00::1")).isTrue();
        assertThat(allowed(p, "x", "fc00::1")).isFalse();
        assertThat(allowed(p, "Metrics.Internal.", "10.9.9.9")).isTrue();
        assertThat(allowed(p, "a.b.svc.cluster.local", "10.9.9.9")).isTrue();
        assertThat(allowed(p, "svc.cluster.local", "10.9.9.9")).isFalse();
        assertThat(allowed(p, "x", "203.0.113.7")).isFalse();
        assertThat(allowed(p, "blocked.example.com", "8.8.8.8")).isFalse();
        assertThat(allowed(p, "x", "8.8.8.8")).isTrue();
        assertThatThrownBy(() -> p.checkDestination("x", ip("203.0.113.7")))
                .hasMessage("destination x (203.0.113.7) is refused by the host's config key network.deny (203.0.113.0/24)");
        assertThat(p.maxResponseBytes()).isEqualTo(1 << 20);
        assertThat(p.maxRedirects()).isZero();
        ServeConfig c = ServeConfig.parse("x.yaml", "network: {allow: [127.0.0.1/32], max_response_bytes: 99}", dir);
        assertThat(c.hostServices().maxResponseBytes()).isEqualTo(99);
        assertThatCode(() -> c.hostServices().checkDestination("127.0.0.1", ip("127.0.0.1"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> c.hostServices().checkDestination("localhost", ip("::1"))).hasMessageContaining("network.allow");
    }

    @Test
    void cidrMatchingShouldCompareExactlyThePrefixBits() {
        NetworkPolicy.Rule r = NetworkPolicy.Rule.parse("192.168.4.0/22");
        assertThat(matches(r, "192.168.4.0")).isTrue();
        assertThat(matches(r, "192.168.7.255")).isTrue();
        assertThat(matches(r, "192.168.8.0")).isFalse();
        assertThat(matches(r, "192.168.3.255")).isFalse();
        assertThat(matches(r, "::ffff:192.168.5.1")).isTrue();
        assertThat(matches(NetworkPolicy.Rule.parse("0.0.0.0/0"), "1.2.3.4")).isTrue();
        assertThat(matches(NetworkPolicy.Rule.parse("0.0.0.0/0"), "2001:db8::1")).isFalse();
        NetworkPolicy.Rule v6 = NetworkPolicy.Rule.parse("2001:db8:ab00::/41");
        assertThat(matches(v6, "2001:db8:ab7f:ffff::1")).isTrue();
        assertThat(matches(v6, "2001:db8:ab80::")).isFalse();
        assertThat(matches(v6, "10.0.0.1")).isFalse();
        assertThat(matches(NetworkPolicy.Rule.parse("::1"), "::1")).isTrue();
        assertThat(matches(NetworkPolicy.Rule.parse("[::1]/128"), "::1")).isTrue();
    }

    private static boolean matches(NetworkPolicy.Rule r, String literal) {
        try {
            return r.matches("h", ip(literal));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void badNetworkSectionShouldNameFileLineAndWhatIsWrong() {
        assertThatThrownBy(() -> ServeConfig.parse("x.yaml", """
                network:
                  allow: [10.0.0.1/8, 10.0.0.0/33, "300.1.1.1/8", "bad host!", ""]
                  deny: 8.8.8.8
                  max_response_bytes: 0
                  max_redirects: 21
                  proxy: x
                """, dir))
                .hasMessageContaining("x.yaml:2:11: network.allow: '10.0.0.1/8' has bits set after its /8 prefix; did you mean 10.0.0.0/8?")
                .hasMessageContaining("x.yaml:2:23: network.allow: '10.0.0.0/33' has a bad prefix length '33'; expected 0 to 32")
                .hasMessageContaining("x.yaml:2:36: network.allow: '300.1.1.1/8' is not an address range: '300.1.1.1' is not an IPv4 or IPv6 address")
                .hasMessageContaining("x.yaml:2:51: network.allow: 'bad host!' is not a host name, an IP address or an address range")
                .hasMessageContaining("x.yaml:2:64: network.allow: an empty entry")
                .hasMessageContaining("x.yaml:3:9: network.deny must be a list of host names, IP addresses and CIDR ranges")
                .hasMessageContaining("x.yaml:4:23: network.max_response_bytes must be between 1 and 2147483639, got 0")
                .hasMessageContaining("x.yaml:5:18: network.max_redirects must be between 0 and 20, got 21")
                .hasMessageContaining("x.yaml:6:3: unknown option 'proxy' in network; expected one of allow, deny, max_response_bytes, max_redirects");
    }

    private NetworkPolicy policy(String yaml) throws Exception {
        return ServeConfig.parse("x.yaml", yaml, dir).network();
    }
}
