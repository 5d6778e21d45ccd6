package io.xerv.std;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.xerv.plugin.Completion;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.Value;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static io.xerv.std.Nodes.config;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code std::http} over TLS: the connection goes to the checked address while the certificate is
 * verified against the URL's host name (sent as SNI).
 */
class HttpNodeTlsTest {

    @TempDir
    static Path dir;

    private static HttpsServer server;
    private static ExecutorService executor;
    private static SSLContext trusting;
    private static volatile String sni;

    @BeforeAll
    static void start() throws Exception {
        // A self-signed certificate for the name api.example.test only, made with the JDK's keytool.
        Path store = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "srv", "-keyalg", "EC",
                "-dname", "CN=api.example.test", "-ext", "SAN=dns:api.example.test", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/hit", ex -> {
            if (ex instanceof com.sun.net.httpserver.HttpsExchange https
                    && https.getSSLSession() instanceof javax.net.ssl.ExtendedSSLSession s) {
                sni = s.getRequestedServerNames().isEmpty() ? null
                        : new String(s.getRequestedServerNames().get(0).getEncoded(), StandardCharsets.US_ASCII);
            }
            byte[] b = "secure".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static Completion run(String url) throws Exception {
        HttpNode.Factory factory = new HttpNode.Factory(
                host -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})}, trusting);
        Value config = config("url", url);
        Node node = factory.create(new NodeDefinition("node", factory.type(), config, Path.of("."),
                HttpNodeTest.Grant.of(InetAddress::isLoopbackAddress)));
        return node.execute(TestContext.of(Map.of()).withConfig(config));
    }

    @Test
    void httpsShouldVerifyTheCertificateAgainstTheUrlsHostName() throws Exception {
        int port = server.getAddress().getPort();
        Completion ok = run("https://api.example.test:" + port + "/hit");
        assertThat(ok.kind()).as(String.valueOf(ok.message())).isEqualTo(Completion.Kind.EMIT);
        assertThat(Nodes.java(ok)).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("body", "secure");
        assertThat(sni).isEqualTo("api.example.test");

        // The same server and certificate, reached by another name: the certificate does not match.
        Completion wrongName = run("https://other.example.test:" + port + "/hit");
        assertThat(wrongName.kind()).isEqualTo(Completion.Kind.FAIL);
        assertThat(wrongName.message()).startsWith("GET https://other.example.test:" + port + "/hit failed: ")
                .contains("other.example.test");
    }

    @Test
    void httpsShouldRefuseACertificateTheTrustStoreDoesNotKnow() throws Exception {
        HttpNode.Factory factory = new HttpNode.Factory(
                host -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})});
        Value config = config("url", "https://api.example.test:" + server.getAddress().getPort() + "/hit");
        Node node = factory.create(new NodeDefinition("node", factory.type(), config, Path.of("."),
                HttpNodeTest.Grant.of(InetAddress::isLoopbackAddress)));
        Completion c = node.execute(TestContext.of(Map.of()).withConfig(config));
        assertThat(c.kind()).isEqualTo(Completion.Kind.FAIL);
        assertThat(c.message()).contains("failed: SSLHandshakeException");
    }
}
