package io.xerv.std;

import io.xerv.plugin.Completion;
import io.xerv.plugin.Execution;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeContext;
import io.xerv.plugin.Value;
import io.xerv.plugin.ValueType;
import io.xerv.plugin.Values;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code std::http}: makes one HTTP request and fires {@code {status, headers, body}} on {@code out}.
 *
 * <p>Runs on the host's blocking pool ({@link Execution#BLOCKING}, a virtual thread) and waits at most
 * {@code timeout_ms} for connecting, sending and reading the whole response. Header values are never
 * logged or put in messages: they often hold credentials. Immutable and thread-safe; every node of a
 * factory shares that factory's {@link HttpClient}.
 */
final class HttpNode extends StdNode {

    static final String TYPE = "std::http";

    private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");
    /** Headers the JDK client sets itself and refuses to take from callers. */
    private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade");
    private static final String TOKEN_CHARS = "!#$%&'*+-.^_`|~";

    private final Factory factory;
    private final Param url;
    private final String method;
    private final Param headers;
    private final Param body;
    private final Param sendInput;
    private final Param timeoutMillis;
    private final Param failOnStatus;

    private HttpNode(Factory factory, Param url, String method, Param headers, Param body, Param sendInput,
                     Param timeoutMillis, Param failOnStatus) {
        super(TYPE);
        this.factory = factory;
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
        HttpRequest request = request(context, config, uri, timeout);

        long started = System.nanoTime();
        CompletableFuture<HttpResponse<String>> future =
                factory.client().sendAsync(request, HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> response;
        try {
            response = future.get(timeout, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return Completion.fail(method + " " + shown + " timed out after " + timeout + " ms");
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof HttpTimeoutException) {
                return Completion.fail(method + " " + shown + " timed out after " + timeout + " ms", cause);
            }
            String why = cause.getMessage() == null ? cause.getClass().getSimpleName()
                    : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            return Completion.fail(method + " " + shown + " failed: " + why, cause);
        }
        int status = response.statusCode();
        context.log().debug(method + " " + shown + " -> " + status + " in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
        if (status >= 400 && failOnStatus.bool(config)) {
            return Completion.fail("HTTP " + status + " from " + shown + snippet(response.body()));
        }
        return Completion.out(context.output().write(result(response)));
    }

    private HttpRequest request(NodeContext context, Value config, URI uri, long timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(timeout));
        if ("http".equalsIgnoreCase(uri.getScheme())) {
            // Plain HTTP/1.1: an h2c upgrade attempt confuses some servers and gains nothing here.
            b.version(HttpClient.Version.HTTP_1_1);
        }
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
                try {
                    b.header(name, Values.toText(v));
                } catch (IllegalArgumentException e) {
                    // The JDK's message may quote the value; say only which header it was.
                    throw new NodeFailure("header '" + name + "' cannot be sent: a name or value has characters HTTP does not allow");
                }
                hasContentType |= name.equalsIgnoreCase("content-type");
            }
        }
        HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.noBody();
        Value payload = body.get(config);
        boolean json = false;
        if (payload != null) {
            if (payload.type() == ValueType.STRING) {
                publisher = HttpRequest.BodyPublishers.ofString(payload.asString());
            } else {
                publisher = HttpRequest.BodyPublishers.ofString(Values.toJson(payload));
                json = true;
            }
        } else if (BODY_METHODS.contains(method) && sendInput.bool(config)) {
            publisher = HttpRequest.BodyPublishers.ofString(Values.toJson(input(context)));
            json = true;
        }
        if (json && !hasContentType) {
            b.header("Content-Type", "application/json");
        }
        return b.method(method, publisher).build();
    }

    private static Map<String, Object> result(HttpResponse<String> response) {
        Map<String, Object> headers = new LinkedHashMap<>();
        response.headers().map().forEach((name, values) -> {
            if (!name.startsWith(":") && !values.isEmpty()) {
                headers.putIfAbsent(name.toLowerCase(Locale.ROOT), values.get(0));
            }
        });
        String text = response.body();
        Object body = text == null || text.isEmpty() ? null : text;
        String contentType = response.headers().firstValue("content-type").orElse("").toLowerCase(Locale.ROOT);
        if (body != null && isJson(contentType)) {
            try {
                body = Json.parse(text);
            } catch (IllegalArgumentException notJson) {
                // A server that labels text as JSON still gets its text through.
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", response.statusCode());
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
     * Creates {@code std::http} nodes. Owns one {@link HttpClient}, made on first use and shared by
     * every node it creates; thread-safe.
     */
    static final class Factory extends StdFactory {

        /** An outbound call is a side effect: the engine waits for its start to be durable. */
        @Override
        public boolean pure() {
            return false;
        }

        /** Upper bound for opening a connection; each request's {@code timeout_ms} bounds it further. */
        private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

        private volatile HttpClient client;

        HttpClient client() {
            HttpClient c = client;
            if (c == null) {
                synchronized (this) {
                    c = client;
                    if (c == null) {
                        c = HttpClient.newBuilder()
                                .connectTimeout(CONNECT_TIMEOUT)
                                .followRedirects(HttpClient.Redirect.NORMAL)
                                .build();
                        client = c;
                    }
                }
            }
            return c;
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
            return new HttpNode(this, url, method, c.value("headers", false, null), body, sendInput, timeout,
                    failOnStatus);
        }

        private static void checkHeaders(ConfigCheck check, Value map, ConfigCheck.Section headers) {
            for (int i = 0; i < map.size(); i++) {
                String name = map.keyAt(i);
                Value v = map.valueAt(i);
                String at = headers.path(name);
                if (name.isEmpty() || !name.chars().allMatch(ch -> ch < 127 && (Character.isLetterOrDigit(ch)
                        || TOKEN_CHARS.indexOf(ch) >= 0))) {
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
