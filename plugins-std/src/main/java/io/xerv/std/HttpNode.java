package io.xerv.std;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Execution;
import io.xerv.plugin.HostServices;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeContext;
import io.xerv.plugin.Value;
import io.xerv.plugin.ValueType;
import io.xerv.plugin.Values;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code std::http}: makes one HTTP request and fires {@code {status, headers, body}} on {@code out}.
 *
 * <p>Runs on the host's blocking pool ({@link Execution#BLOCKING}, a virtual thread) and waits at most
 * {@code timeout_ms} for resolving, connecting, sending and reading the whole response, redirects
 * included. Every destination (the first and each redirect's) must pass the host's
 * {@link HostServices#checkDestination}, and the body is capped at
 * {@link HostServices#maxResponseBytes()} (see {@link OutboundHttp}). Header values are never logged
 * or put in messages: they often hold credentials. Immutable and thread-safe; every node of a factory
 * shares that factory's {@link OutboundHttp}.
 */
final class HttpNode extends StdNode {

    static final String TYPE = "std::http";

    private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");
    /** Headers the client sets itself and refuses to take from callers. */
    private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host",
            "upgrade", "transfer-encoding", "te", "trailer", "keep-alive", "proxy-connection");
    private static final String TOKEN_CHARS = "!#$%&'*+-.^_`|~";

    private final Factory factory;
    private final Param url;
    private final String method;
    private final Param headers;
    private final Param body;
    private final Param sendInput;
    private final Param timeoutMillis;
    private final Param failOnStatus;
    private final HostServices services;

    private HttpNode(Factory factory, HostServices services, Param url, String method, Param headers, Param body,
                     Param sendInput, Param timeoutMillis, Param failOnStatus) {
        super(TYPE);
        this.factory = factory;
        this.services = services;
        this.url = url;
        this.method = method;
        this.headers = headers;
        this.body = body;
        this.sendInput = sendInput;
        this.timeoutMillis = timeoutMillis;
        this.failOnStatus = failOnStatus;
    }

    @Override
    Completion run(NodeContext context) throws InterruptedException {
        Value config = config(context);
        String target = url.text(config);
        URI uri;
        try {
            uri = checkUrl(target);
        } catch (IllegalArgumentException e) {
            throw new NodeFailure("config 'url' resolved to a bad URL: " + e.getMessage());
        }
        String shown = display(uri);
        long timeout = timeoutMillis.integer(config);
        if (timeout < 1) {
            throw new NodeFailure("config 'timeout_ms' resolved to " + timeout + ", expected at least 1");
        }
        List<String[]> sent = new ArrayList<>();
        byte[] payload = payload(context, config, sent);

        long started = System.nanoTime();
        OutboundHttp.Response response;
        try {
            response = factory.http().send(services, method, uri, sent, payload,
                    started + TimeUnit.MILLISECONDS.toNanos(timeout));
        } catch (OutboundHttp.TimedOut e) {
            return Completion.fail(method + " " + shown + " timed out after " + timeout + " ms");
        } catch (OutboundHttp.Refused e) {
            return Completion.fail(method + " " + shown + " refused: " + e.getMessage());
        } catch (OutboundHttp.Failed e) {
            return Completion.fail(method + " " + shown + " failed: " + e.getMessage());
        } catch (IOException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException(method + " " + shown + " was interrupted");
            }
            String why = e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            return Completion.fail(method + " " + shown + " failed: " + why, e);
        }
        int status = response.status();
        context.log().debug(method + " " + shown + " -> " + status + " in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
        String text = text(response);
        if (status >= 400 && failOnStatus.bool(config)) {
            return Completion.fail("HTTP " + status + " from " + shown + snippet(text));
        }
        return Completion.out(context.output().write(result(response, text)));
    }

    /** Fills {@code sent} with the configured headers and returns the body to send, or {@code null}. */
    private byte[] payload(NodeContext context, Value config, List<String[]> sent) {
        boolean hasContentType = false;
        Value h = headers.get(config);
        if (h != null) {
            if (h.type() != ValueType.MAP) {
                throw headers.wrong(h, "a map of header names to values");
            }
            for (int i = 0; i < h.size(); i++) {
                String name = h.keyAt(i);
                Value v = h.valueAt(i);
                if (v == null || v.isNull()) {
                    continue;
                }
                String value = Values.toText(v);
                if (!isToken(name) || RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))
                        || !value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c != 0x7f && c <= 0xff))) {
                    // Say only which header it was: its value may be a credential.
                    throw new NodeFailure("header '" + name + "' cannot be sent: a name or value has characters HTTP does not allow");
                }
                sent.add(new String[] {name, value});
                hasContentType |= name.equalsIgnoreCase("content-type");
            }
        }
        Value body = this.body.get(config);
        String text = null;
        boolean json = false;
        if (body != null) {
            if (body.type() == ValueType.STRING) {
                text = body.asString();
            } else {
                text = Values.toJson(body);
                json = true;
            }
        } else if (BODY_METHODS.contains(method) && sendInput.bool(config)) {
            text = Values.toJson(input(context));
            json = true;
        }
        if (json && !hasContentType) {
            sent.add(new String[] {"Content-Type", "application/json"});
        }
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isToken(String name) {
        return !name.isEmpty() && name.chars().allMatch(ch -> ch < 127 && (Character.isLetterOrDigit(ch)
                || TOKEN_CHARS.indexOf(ch) >= 0));
    }

    /** The body as text, decoded with the charset the content type names (UTF-8 when none or unknown). */
    private static String text(OutboundHttp.Response response) {
        Charset charset = StandardCharsets.UTF_8;
        String type = response.headers().getOrDefault("content-type", "");
        for (String param : type.split(";")) {
            String p = param.strip();
            if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                try {
                    charset = Charset.forName(p.substring(8).replace("\"", "").strip());
                } catch (IllegalArgumentException unknown) {
                    // keep UTF-8
                }
            }
        }
        return new String(response.body(), charset);
    }

    private static Map<String, Object> result(OutboundHttp.Response response, String text) {
        Map<String, Object> headers = new LinkedHashMap<>(response.headers());
        Object body = text == null || text.isEmpty() ? null : text;
        String contentType = response.headers().getOrDefault("content-type", "").toLowerCase(Locale.ROOT);
        if (body != null && isJson(contentType)) {
            try {
                body = Json.parse(text);
            } catch (IllegalArgumentException notJson) {
                // A server that labels text as JSON still gets its text through.
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", response.status());
        out.put("headers", headers);
        out.put("body", body);
        return out;
    }

    private static boolean isJson(String contentType) {
        String mime = contentType.split(";", 2)[0].strip();
        return mime.equals("application/json") || mime.endsWith("+json");
    }

    private static String snippet(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String s = body.strip().replaceAll("\\s+", " ");
        return ": " + (s.length() > 200 ? s.substring(0, 200) + "..." : s);
    }

    /**
     * Parses and checks an absolute http or https URL.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static URI checkUrl(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the URL is empty");
        }
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URL: " + e.getReason() + " at index " + e.getIndex());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("'" + display(uri) + "' is not an http or https URL");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("'" + display(uri) + "' has no host");
        }
        return uri;
    }

    /** The URL for messages, without any user:password part. */
    static String display(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri.toString();
        }
        return uri.toString().replace(uri.getRawUserInfo() + "@", "");
    }

    /**
     * Creates {@code std::http} nodes. Owns one {@link OutboundHttp}, shared by every node it creates;
     * each node keeps the {@link HostServices} of its definition. Thread-safe.
     */
    static final class Factory extends StdFactory {

        /** An outbound call is a side effect: the engine waits for its start to be durable. */
        @Override
        public boolean pure() {
            return false;
        }

        private final OutboundHttp http;

        /** A factory whose calls resolve host names with the system's resolver. */
        Factory() {
            this(InetAddress::getAllByName);
        }

        /** A factory with its own resolver (tests). */
        Factory(OutboundHttp.Resolver resolver) {
            this(resolver, null);
        }

        /** A factory with its own resolver and TLS context (tests). */
        Factory(OutboundHttp.Resolver resolver, javax.net.ssl.SSLContext tls) {
            this.http = new OutboundHttp(resolver, tls);
        }

        OutboundHttp http() {
            return http;
        }

        /** {@code url} is a URL: a selector inside it is percent-encoded for its part of the URL. */
        @Override
        public List<String> urlFields() {
            return List.of("url");
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public String description() {
            return "Makes an HTTP request and outputs the status, headers and (JSON-parsed) body.";
        }

        @Override
        public Execution execution() {
            return Execution.BLOCKING;
        }

        @Override
        Node build(ConfigCheck check) {
            return build(check, HostServices.defaults());
        }

        @Override
        Node build(ConfigCheck check, HostServices services) {
            ConfigCheck.Section c = check.root();
            c.allowOnly("url", "method", "headers", "body", "send_input", "timeout_ms", "fail_on_status");
            Param url = c.text("url", true, null);
            Value literalUrl = c.raw("url");
            if (literalUrl != null && literalUrl.type() == ValueType.STRING && !url.dynamic()) {
                try {
                    checkUrl(literalUrl.asString());
                } catch (IllegalArgumentException e) {
                    check.error(c.path("url"), e.getMessage());
                }
            }
            String method = c.choice("method", "get", "get", "post", "put", "patch", "delete", "head");
            method = method == null ? null : method.toUpperCase(Locale.ROOT);
            ConfigCheck.Section headers = c.section("headers", false);
            if (headers != null) {
                checkHeaders(check, c.raw("headers"), headers);
            }
            Param body = c.value("body", false, null);
            Param sendInput = c.bool("send_input", false);
            Value literalSend = sendInput.constant();
            if (literalSend != null && literalSend.type() == ValueType.BOOL && literalSend.asBoolean()) {
                if (c.has("body")) {
                    check.error(c.path("send_input"), "set either 'body' or 'send_input', not both");
                } else if (method != null && !BODY_METHODS.contains(method)) {
                    check.error(c.path("send_input"), "only used with method POST, PUT or PATCH");
                }
            }
            Param timeout = c.integer("timeout_ms", 1, 10_000L);
            Param failOnStatus = c.bool("fail_on_status", true);
            return new HttpNode(this, services, url, method, c.value("headers", false, null), body, sendInput, timeout,
                    failOnStatus);
        }

        private static void checkHeaders(ConfigCheck check, Value map, ConfigCheck.Section headers) {
            for (int i = 0; i < map.size(); i++) {
                String name = map.keyAt(i);
                Value v = map.valueAt(i);
                String at = headers.path(name);
                if (!isToken(name)) {
                    check.error(at, "'" + name + "' is not a valid header name");
                } else if (RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    check.error(at, "header '" + name + "' is set by the HTTP client and cannot be configured");
                }
                if (v != null && (v.type() == ValueType.MAP || v.type() == ValueType.LIST || v.type() == ValueType.BYTES)) {
                    check.error(at, "expected a string value, found " + v.type().label());
                }
            }
        }
    }
}
