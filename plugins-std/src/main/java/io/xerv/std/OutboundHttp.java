package io.xerv.std;

import io.xerv.plugin.HostServices;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP/1.1 client of {@code std::http}: one request (and its redirects) over connections it opens
 * itself, so that the host's destination policy judges the very address each connection goes to.
 *
 * <p>For every hop the host name is resolved once, every address it resolves to is checked with
 * {@link HostServices#checkDestination}, and the connection goes to a checked address (a second
 * lookup could answer differently). Redirects are followed here, each hop checked again, at most
 * {@link HostServices#maxRedirects()} of them; an {@code https} URL is never redirected to
 * {@code http}. The response body is read up to {@link HostServices#maxResponseBytes()}; past it the
 * connection is reset. Blocking: runs on the caller's thread (a virtual thread of the host's blocking
 * pool), bounded by a deadline on connecting and every read. Stateless apart from its TLS context;
 * thread-safe.
 */
final class OutboundHttp {

    /** Resolves a host name; {@link InetAddress#getAllByName} outside tests. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A response: status, headers (lower-case names, first value of each) and body bytes. */
    record Response(int status, Map<String, String> headers, byte[] body) {
    }

    /** The policy refused a destination; the message names host, address and config key. */
    static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    /** The deadline passed. */
    static final class TimedOut extends IOException {
        TimedOut() {
            super("timed out");
        }
    }

    /** Anything else the caller should report as it is: too large, too many redirects, bad reply. */
    static final class Failed extends IOException {
        Failed(String message) {
            super(message);
        }
    }

    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    /** Headers that carry a credential: not sent on to another origin after a redirect. */
    private static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "cookie", "proxy-authorization");
    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_HEADERS = 200;

    private final Resolver resolver;
    private volatile SSLContext tls;

    /**
     * @param resolver resolves host names
     * @param tls the TLS context for {@code https}, or {@code null} for the JDK's default (its trust store)
     */
    OutboundHttp(Resolver resolver, SSLContext tls) {
        this.resolver = resolver;
        this.tls = tls;
    }

    /**
     * Sends a request and follows its redirects.
     *
     * @param headers header names and values to send; checked by the caller
     * @param body the body, or {@code null} for none
     * @param deadline {@link System#nanoTime()} after which the call fails with {@link TimedOut}
     */
    Response send(HostServices services, String method, URI uri, List<String[]> headers, byte[] body, long deadline)
            throws IOException {
        int redirects = 0;
        URI current = uri;
        String m = method;
        byte[] b = body;
        List<String[]> h = headers;
        while (true) {
            Response r = exchange(services, m, current, h, b, deadline);
            String location = r.headers().get("location");
            if (!REDIRECTS.contains(r.status()) || location == null) {
                return r;
            }
            URI next;
            try {
                URI base = current.getRawPath() == null || current.getRawPath().isEmpty() ? current.resolve("/") : current;
                next = base.resolve(new URI(location.strip()));
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new Failed("redirect " + r.status() + " to a bad URL '" + location + "'");
            }
            String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new Failed("redirect " + r.status() + " to '" + location + "', which is not an http or https URL");
            }
            if (current.getScheme().equalsIgnoreCase("https") && scheme.equals("http")) {
                return r; // never downgrade: the redirect is the answer
            }
            if (next.getHost() == null) {
                throw new Failed("redirect " + r.status() + " to '" + location + "', which has no host");
            }
            if (redirects == services.maxRedirects()) {
                throw new Failed("more than " + services.maxRedirects()
                        + " redirects (the host's config key network.max_redirects)");
            }
            redirects++;
            int status = r.status();
            if (status == 303 || ((status == 301 || status == 302) && m.equals("POST"))) {
                m = m.equals("HEAD") ? "HEAD" : "GET";
                b = null;
                h = h.stream().filter(x -> !x[0].equalsIgnoreCase("content-type")).toList();
            }
            if (!sameOrigin(current, next)) {
                h = h.stream().filter(x -> !CREDENTIAL_HEADERS.contains(x[0].toLowerCase(Locale.ROOT))).toList();
            }
            current = next;
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /** One request and its response, on a connection to a checked address. */
    private Response exchange(HostServices services, String method, URI uri, List<String[]> headers, byte[] body,
                              long deadline) throws IOException {
        String host = uri.getHost();
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses = resolve(bare);
        for (InetAddress a : addresses) {
            try {
                services.checkDestination(bare, a);
            } catch (IOException e) {
                throw new Refused(e.getMessage());
            }
        }
        int port = port(uri);
        Socket socket = connect(addresses, port, deadline);
        boolean reset = false;
        try {
            if (uri.getScheme().equalsIgnoreCase("https")) {
                socket = tls(socket, bare, port, deadline);
            }
            write(socket, method, uri, host, port, headers, body);
            InputStream in = new BufferedInputStream(new DeadlineInput(socket, deadline), 8192);
            try {
                return read(in, method, services.maxResponseBytes());
            } catch (Failed tooLarge) {
                reset = true;
                throw tooLarge;
            }
        } catch (SocketTimeoutException e) {
            throw new TimedOut();
        } finally {
            if (reset) {
                try {
                    socket.setSoLinger(true, 0);
                } catch (IOException ignored) {
                    // closing below is what matters
                }
            }
            socket.close();
        }
    }

    private InetAddress[] resolve(String host) throws IOException {
        if (host.indexOf(':') >= 0) {
            return new InetAddress[] {InetAddress.getByName(host)}; // an IPv6 literal, never looked up
        }
        InetAddress[] all = resolver.resolve(host);
        if (all == null || all.length == 0) {
            throw new UnknownHostException(host);
        }
        return all;
    }

    private static Socket connect(InetAddress[] addresses, int port, long deadline) throws IOException {
        IOException last = null;
        for (InetAddress a : addresses) {
            long left = remainingMillis(deadline);
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(a, port), (int) Math.min(left, Integer.MAX_VALUE));
                s.setTcpNoDelay(true);
                return s;
            } catch (SocketTimeoutException e) {
                s.close();
                throw new TimedOut();
            } catch (IOException e) {
                s.close();
                last = e;
            }
        }
        throw last;
    }

    private Socket tls(Socket plain, String host, int port, long deadline) throws IOException {
        SSLSocket s = (SSLSocket) tlsContext().getSocketFactory().createSocket(plain, host, port, true);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        if (host.indexOf(':') < 0 && !Character.isDigit(host.charAt(host.length() - 1))) {
            p.setServerNames(List.of(new SNIHostName(host)));
        }
        p.setApplicationProtocols(new String[] {"http/1.1"});
        s.setSSLParameters(p);
        s.setSoTimeout((int) Math.min(remainingMillis(deadline), Integer.MAX_VALUE));
        s.startHandshake();
        return s;
    }

    private SSLContext tlsContext() throws IOException {
        SSLContext c = tls;
        if (c == null) {
            try {
                c = SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                throw new IOException("TLS is not available: " + e.getMessage(), e);
            }
            tls = c;
        }
        return c;
    }

    private static void write(Socket socket, String method, URI uri, String host, int port, List<String[]> headers,
                              byte[] body) throws IOException {
        StringBuilder sb = new StringBuilder(256);
        URI ascii = URI.create(uri.toASCIIString()); // characters beyond ASCII percent-encoded as UTF-8
        String path = ascii.getRawPath() == null || ascii.getRawPath().isEmpty() ? "/" : ascii.getRawPath();
        sb.append(method).append(' ').append(path);
        if (ascii.getRawQuery() != null) {
            sb.append('?').append(ascii.getRawQuery());
        }
        sb.append(" HTTP/1.1\r\nHost: ").append(host);
        if (uri.getPort() >= 0 && uri.getPort() != (uri.getScheme().equalsIgnoreCase("https") ? 443 : 80)) {
            sb.append(':').append(port);
        }
        sb.append("\r\n");
        boolean agent = false;
        for (String[] h : headers) {
            sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
            agent |= h[0].equalsIgnoreCase("user-agent");
        }
        if (!agent) {
            sb.append("User-Agent: xerv\r\n");
        }
        if (body != null) {
            sb.append("Content-Length: ").append(body.length).append("\r\n");
        } else if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            sb.append("Content-Length: 0\r\n");
        }
        sb.append("Connection: close\r\n\r\n");
        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1)); // header values are checked to be Latin-1
        if (body != null) {
            out.write(body);
        }
        out.flush();
    }

    private static Response read(InputStream in, String method, long maxBytes) throws IOException {
        int status;
        Map<String, String> headers;
        int[] budget = {MAX_HEADER_BYTES};
        do {
            String line = line(in, budget);
            if (line == null) {
                throw new Failed("the server closed the connection without a response");
            }
            if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
                throw new Failed("the server's reply is not HTTP/1.x");
            }
            try {
                status = Integer.parseInt(line.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new Failed("the server's reply has a bad status line");
            }
            headers = headers(in, budget);
        } while (status >= 100 && status < 200 && status != 101);
        if (status == 101) {
            throw new Failed("the server switched protocols (101), which std::http does not speak");
        }
        byte[] body;
        if (method.equals("HEAD") || status == 204 || status == 304) {
            body = new byte[0];
        } else if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
            body = chunked(in, maxBytes, budget);
        } else if (headers.containsKey("content-length")) {
            long length;
            try {
                length = Long.parseLong(headers.get("content-length").strip());
            } catch (NumberFormatException e) {
                throw new Failed("the server sent a bad Content-Length");
            }
            if (length < 0) {
                throw new Failed("the server sent a bad Content-Length");
            }
            if (length > maxBytes) {
                throw tooLarge(maxBytes);
            }
            // Grows as bytes arrive: an announced length is not a reason to reserve memory.
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(length, 64 * 1024));
            copy(in, out, length, maxBytes, true);
            body = out.toByteArray();
        } else {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            copy(in, out, Long.MAX_VALUE, maxBytes, false);
            body = out.toByteArray();
        }
        return new Response(status, headers, body);
    }

    private static byte[] chunked(InputStream in, long maxBytes, int[] budget) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            int[] lineBudget = {MAX_LINE};
            String line = line(in, lineBudget);
            if (line == null) {
                throw new Failed("the server closed the connection inside a chunked body");
            }
            int semi = line.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semi < 0 ? line : line.substring(0, semi)).strip(), 16);
            } catch (NumberFormatException e) {
                throw new Failed("the server sent a bad chunk size");
            }
            if (size < 0) {
                throw new Failed("the server sent a bad chunk size");
            }
            if (size == 0) {
                headers(in, budget); // trailers, ignored
                return out.toByteArray();
            }
            if (out.size() + size > maxBytes) {
                throw tooLarge(maxBytes);
            }
            copy(in, out, size, maxBytes, true);
            if (in.read() != '\r' || in.read() != '\n') {
                throw new Failed("the server sent a malformed chunk");
            }
        }
    }

    /** Copies {@code length} bytes (or to the end when not {@code exact}), failing past {@code maxBytes} in all. */
    private static void copy(InputStream in, ByteArrayOutputStream out, long length, long maxBytes, boolean exact)
            throws IOException {
        byte[] buf = new byte[8192];
        long left = length;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                if (exact) {
                    throw new Failed("the server closed the connection before the end of the body");
                }
                return;
            }
            if (out.size() + (long) n > maxBytes) {
                throw tooLarge(maxBytes);
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    private static Failed tooLarge(long maxBytes) {
        return new Failed("the response body is larger than " + maxBytes
                + " bytes (the host's config key network.max_response_bytes)");
    }

    private static Map<String, String> headers(InputStream in, int[] budget) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        int count = 0;
        while (true) {
            String line = line(in, budget);
            if (line == null) {
                throw new Failed("the server closed the connection inside the response headers");
            }
            if (line.isEmpty()) {
                return out;
            }
            if (++count > MAX_HEADERS) {
                throw new Failed("the server sent more than " + MAX_HEADERS + " headers");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new Failed("the server sent a malformed header line");
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            out.putIfAbsent(name, line.substring(colon + 1).strip());
        }
    }

    /** A line without its CRLF (or LF), or {@code null} at the end of the stream before any byte. */
    private static String line(InputStream in, int[] budget) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
            }
            if (--budget[0] < 0 || b.size() >= MAX_LINE) {
                throw new Failed("the server's response headers are larger than " + MAX_HEADER_BYTES + " bytes");
            }
            if (c == '\n') {
                int n = b.size();
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return n > 0 && s.charAt(n - 1) == '\r' ? s.substring(0, n - 1) : s;
            }
            b.write(c);
        }
    }

    static long remainingMillis(long deadline) throws TimedOut {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left < 1) {
            throw new TimedOut();
        }
        return left;
    }

    /** The socket's input, each read bounded by what is left of the deadline. */
    private static final class DeadlineInput extends InputStream {
        private final Socket socket;
        private final InputStream in;
        private final long deadline;

        DeadlineInput(Socket socket, long deadline) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.deadline = deadline;
        }

        @Override
        public int read() throws IOException {
            socket.setSoTimeout((int) Math.min(remainingMillis(deadline), Integer.MAX_VALUE));
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            socket.setSoTimeout((int) Math.min(remainingMillis(deadline), Integer.MAX_VALUE));
            return in.read(b, off, len);
        }
    }
}
