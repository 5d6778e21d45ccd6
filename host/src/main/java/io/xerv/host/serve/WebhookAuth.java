package io.xerv.host.serve;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.xerv.host.flow.TriggerDef;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * How a webhook trigger authenticates its requests, from the trigger's {@code params.auth}:
 * <ul>
 *   <li>{@code type: hmac}: the request carries its send time in {@code timestamp_header} (default
 *       {@code X-Xerv-Timestamp}, Unix seconds) and {@code sha256=<hex>}, the HMAC-SHA256 under the
 *       secret of {@code <timestamp> + "." + <raw body>}, in {@code header} (default
 *       {@code X-Xerv-Signature}). A request whose timestamp is more than {@code tolerance_seconds}
 *       (default 300) from the host's clock is refused (401), and so is a signature already accepted
 *       within that window (409): a captured request cannot be replayed. Each header must come once
 *       (else 400). With {@code timestamp_header: none} the signature covers the body alone, as
 *       GitHub-style senders sign it; replays are then refused only while the signature is
 *       remembered ({@code tolerance_seconds} after it was first accepted).</li>
 *   <li>{@code type: bearer}: the request carries {@code Authorization: Bearer <token>} (or the token
 *       alone in {@code header} when one is named).</li>
 * </ul>
 * The secret is {@code secret}/{@code token} in the flow, or the value of the variable named by
 * {@code secret_env} (looked up in the host's config, then the environment). Comparisons take
 * constant time. Secrets never appear in {@link #toString()}, errors or logs.
 *
 * <p>Thread-safe: the MACs are per thread, and the signatures seen are held in a bounded map under
 * this object's lock (a few map operations per accepted request).
 */
public final class WebhookAuth {

    /** The default header of an HMAC signature. */
    public static final String SIGNATURE_HEADER = "X-Xerv-Signature";
    /** The default header of a signed request's send time (Unix seconds). */
    public static final String TIMESTAMP_HEADER = "X-Xerv-Timestamp";
    /** How far a signed request's timestamp may be from the host's clock, by default. */
    public static final long DEFAULT_TOLERANCE_SECONDS = 300;
    /**
     * How many accepted signatures a webhook remembers at most, by default ({@code replay_cache_entries}).
     * When that many are still within the tolerance, further requests are refused with 503 until the
     * oldest expire: the bound holds and no signature is forgotten while it could still be replayed.
     */
    public static final int REPLAY_CACHE_ENTRIES = 100_000;

    /** No authentication. */
    public static final WebhookAuth NONE = new WebhookAuth("none", null, null, null, DEFAULT_TOLERANCE_SECONDS,
            REPLAY_CACHE_ENTRIES, System::currentTimeMillis);

    /** Why a request was refused: the HTTP status, the error's label and the detail (never a secret). */
    public record Denial(int status, String error, String detail) {
        static Denial unauthorized(String detail) {
            return new Denial(401, "unauthorized", detail);
        }
    }

    private static final String PREFIX = "sha256=";
    /** Timestamps beyond this many seconds either side of 1970 cannot be in milliseconds as a long. */
    private static final long MAX_SECONDS = Long.MAX_VALUE / 2000;

    private final String type;
    private final String header;
    /** Null when the signature covers the body alone. */
    private final String timestampHeader;
    private final long toleranceMs;
    private final int cacheEntries;
    private final LongSupplier clock;
    private final byte[] secret;
    private final ThreadLocal<Mac> macs;
    /** Accepted signatures (hex) to the time (ms) after which they are forgotten; oldest first. */
    private final LinkedHashMap<String, Long> seen;

    private WebhookAuth(String type, String header, String timestampHeader, byte[] secret, long toleranceSeconds,
                        int cacheEntries, LongSupplier clock) {
        this(type, header, timestampHeader, secret, toleranceSeconds, cacheEntries, clock,
                type.equals("hmac") ? new LinkedHashMap<>() : null);
    }

    private WebhookAuth(String type, String header, String timestampHeader, byte[] secret, long toleranceSeconds,
                        int cacheEntries, LongSupplier clock, LinkedHashMap<String, Long> seen) {
        this.type = type;
        this.header = header;
        this.timestampHeader = timestampHeader;
        this.secret = secret;
        this.toleranceMs = toleranceSeconds * 1000;
        this.cacheEntries = cacheEntries;
        this.clock = clock;
        this.macs = type.equals("hmac") ? ThreadLocal.withInitial(this::newMac) : null;
        this.seen = seen;
    }

    /**
     * This authentication, remembering the signatures {@code previous} accepted (the same webhook's
     * before a redeploy), so that a new version of a flow does not reopen the replay window.
     */
    WebhookAuth keepingReplaysOf(WebhookAuth previous) {
        if (previous == null || seen == null || previous.seen == null || previous.seen == seen) {
            return this;
        }
        return new WebhookAuth(type, header, timestampHeader, secret, toleranceMs / 1000, cacheEntries, clock, previous.seen);
    }

    /**
     * The authentication of a webhook trigger.
     *
     * @throws IllegalArgumentException when {@code secret_env} names a variable that is not set
     *     (the message names the variable, never a value)
     */
    public static WebhookAuth of(TriggerDef trigger, Function<String, String> secrets) {
        return of(trigger, secrets, System::currentTimeMillis, REPLAY_CACHE_ENTRIES);
    }

    /** As {@link #of(TriggerDef, Function)}, with a clock (ms) and a replay cache size of the caller's. */
    static WebhookAuth of(TriggerDef trigger, Function<String, String> secrets, LongSupplier clock, int cacheEntries) {
        Object a = trigger.params().get("auth");
        if (!(a instanceof Map<?, ?> auth)) {
            return NONE;
        }
        String type = String.valueOf(auth.get("type"));
        String literal = str(auth.get(type.equals("hmac") ? "secret" : "token"));
        String env = str(auth.get("secret_env"));
        String value = literal;
        if (value == null && env != null) {
            value = secrets.apply(env);
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException("params.auth.secret_env names '" + env
                        + "', which is set neither in the host's config (secrets) nor in the environment");
            }
        }
        if (value == null) {
            throw new IllegalArgumentException("params.auth of type " + type + " has no secret");
        }
        String header = str(auth.get("header"));
        byte[] key = value.getBytes(StandardCharsets.UTF_8);
        if (type.equals("hmac")) {
            String ts = str(auth.get("timestamp_header"));
            if (ts == null) {
                ts = TIMESTAMP_HEADER;
            } else if (ts.equals("none")) {
                ts = null;
            }
            long tolerance = auth.get("tolerance_seconds") instanceof Number n ? n.longValue() : DEFAULT_TOLERANCE_SECONDS;
            if (tolerance < 1 || tolerance > 86_400) {
                throw new IllegalArgumentException("params.auth.tolerance_seconds must be from 1 to 86400, got " + tolerance);
            }
            int entries = auth.get("replay_cache_entries") instanceof Number n ? (int) Math.min(n.longValue(), 10_000_000) : cacheEntries;
            if (entries < 1) {
                throw new IllegalArgumentException("params.auth.replay_cache_entries must be from 1 to 10000000, got " + entries);
            }
            return new WebhookAuth("hmac", header == null ? SIGNATURE_HEADER : header, ts, key, tolerance, entries, clock);
        }
        return new WebhookAuth("bearer", header, null, key, DEFAULT_TOLERANCE_SECONDS, cacheEntries, clock);
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    /** hmac, bearer or none. */
    public String type() {
        return type;
    }

    /**
     * Checks a request; an accepted HMAC signature is remembered, so the same request is refused
     * the next time.
     *
     * @return null when it authenticates, else why not (naming the header, never the secret)
     */
    public Denial check(MultiMap headers, Buffer body) {
        return switch (type) {
            case "none" -> null;
            case "hmac" -> hmac(headers, body);
            default -> bearer(headers);
        };
    }

    private Denial hmac(MultiMap headers, Buffer body) {
        Denial d = once(headers, header);
        if (d != null) {
            return d;
        }
        String sig = headers.get(header);
        if (sig == null) {
            return Denial.unauthorized("missing signature header " + header + " (" + PREFIX + "<hex HMAC-SHA256 of "
                    + (timestampHeader == null ? "the body" : "'<" + timestampHeader + ">.<body>'") + ">)");
        }
        if (!sig.startsWith(PREFIX)) {
            return Denial.unauthorized("the " + header + " header must be " + PREFIX + "<hex HMAC-SHA256>");
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(sig, PREFIX.length(), sig.length());
        } catch (IllegalArgumentException e) {
            return Denial.unauthorized("the " + header + " header is not " + PREFIX + "<hex HMAC-SHA256>");
        }
        long now = clock.getAsLong();
        long forgetAt = now + toleranceMs;
        Mac mac = macs.get();
        if (timestampHeader != null) {
            d = once(headers, timestampHeader);
            if (d != null) {
                return d;
            }
            String ts = headers.get(timestampHeader);
            if (ts == null) {
                return Denial.unauthorized("missing " + timestampHeader + " header (the send time in Unix seconds; "
                        + "the signature covers '<timestamp>.<body>')");
            }
            long seconds;
            try {
                seconds = Long.parseLong(ts.strip());
            } catch (NumberFormatException e) {
                return Denial.unauthorized("the " + timestampHeader + " header must be Unix seconds, got '"
                        + (ts.length() > 20 ? ts.substring(0, 20) + "..." : ts) + "'");
            }
            if (seconds > MAX_SECONDS || seconds < -MAX_SECONDS || Math.abs(now - seconds * 1000) > toleranceMs) {
                return Denial.unauthorized("the request's " + timestampHeader + " is more than " + toleranceMs / 1000
                        + " s from the host's clock; sign each request when it is sent");
            }
            mac.update(ts.strip().getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            // Past this, the timestamp check refuses the request by itself.
            forgetAt = seconds * 1000 + toleranceMs;
        }
        if (body != null && body.length() > 0) {
            mac.update(body.getBytes());
        }
        byte[] expected = mac.doFinal();
        if (!MessageDigest.isEqual(expected, given)) {
            return Denial.unauthorized("the " + header + " signature does not match the "
                    + (timestampHeader == null ? "body" : "timestamp and body"));
        }
        return remember(sig.substring(PREFIX.length()).toLowerCase(java.util.Locale.ROOT), now, forgetAt);
    }

    /** Remembers an accepted signature until it can no longer pass the timestamp check. */
    private Denial remember(String sig, long now, long forgetAt) {
        synchronized (seen) {
            for (Iterator<Long> it = seen.values().iterator(); it.hasNext(); ) {
                if (it.next() > now) {
                    break;
                }
                it.remove();
            }
            Long until = seen.get(sig);
            if (until != null && until > now) {
                return new Denial(409, "replayed request", "this signed request was already accepted; "
                        + "sign each request with its own " + (timestampHeader == null ? "body" : timestampHeader));
            }
            if (seen.size() >= cacheEntries) {
                return new Denial(503, "too many signed requests", "this webhook remembers " + cacheEntries
                        + " signatures within its " + toleranceMs / 1000 + " s window and holds that many; retry later");
            }
            seen.put(sig, forgetAt);
            return null;
        }
    }

    /** Refuses a header sent more than once: which one a proxy or a framework reads is not certain. */
    private static Denial once(MultiMap headers, String name) {
        List<String> all = headers.getAll(name);
        if (all.size() > 1) {
            return new Denial(400, "bad request", "the " + name + " header is sent " + all.size() + " times; send it once");
        }
        return null;
    }

    private Denial bearer(MultiMap headers) {
        String name = header == null ? "Authorization" : header;
        Denial d = once(headers, name);
        if (d != null) {
            return d;
        }
        String h = headers.get(name);
        if (h == null) {
            return Denial.unauthorized("missing " + (header == null ? "Authorization: Bearer" : header) + " header");
        }
        if (header == null) {
            if (!h.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return Denial.unauthorized("the Authorization header is not a Bearer token");
            }
            h = h.substring(7).strip();
        }
        return MessageDigest.isEqual(secret, h.getBytes(StandardCharsets.UTF_8)) ? null
                : Denial.unauthorized("the bearer token does not match");
    }

    /**
     * The HMAC-SHA256 signature of a request as {@code sha256=<hex>}: over {@code <timestamp>.<body>},
     * as a sender computes it for the {@code X-Xerv-Signature} header (for clients and tests).
     */
    public static String sign(byte[] secret, long timestampSeconds, byte[] body) {
        byte[] prefix = (timestampSeconds + ".").getBytes(StandardCharsets.US_ASCII);
        byte[] signed = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        return sign(secret, signed);
    }

    /** The HMAC-SHA256 of bytes as {@code sha256=<hex>} (a body-only signature, {@code timestamp_header: none}). */
    public static String sign(byte[] secret, byte[] bytes) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public String toString() {
        if (header == null) {
            return type;
        }
        return type.equals("hmac") && timestampHeader != null ? type + " in " + header + " over " + timestampHeader + " and body"
                : type + " in " + header;
    }
}
