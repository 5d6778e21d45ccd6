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
import java.util.Map;
import java.util.function.Function;

/**
 * How a webhook trigger authenticates its requests, from the trigger's {@code params.auth}:
 * <ul>
 *   <li>{@code type: hmac}: the request carries {@code sha256=<hex>} (or bare hex), the HMAC-SHA256 of
 *       the raw body under the secret, in {@code header} (default {@code X-Xerv-Signature});</li>
 *   <li>{@code type: bearer}: the request carries {@code Authorization: Bearer <token>} (or the token
 *       alone in {@code header} when one is named).</li>
 * </ul>
 * The secret is {@code secret}/{@code token} in the flow, or the value of the variable named by
 * {@code secret_env} (looked up in the host's config, then the environment). Comparisons take
 * constant time. Secrets never appear in {@link #toString()}, errors or logs. Immutable and thread-safe.
 */
public final class WebhookAuth {

    /** The default header of an HMAC signature. */
    public static final String SIGNATURE_HEADER = "X-Xerv-Signature";

    /** No authentication. */
    public static final WebhookAuth NONE = new WebhookAuth("none", null, null);

    private final String type;
    private final String header;
    private final byte[] secret;
    private final ThreadLocal<Mac> macs;

    private WebhookAuth(String type, String header, byte[] secret) {
        this.type = type;
        this.header = header;
        this.secret = secret;
        this.macs = type.equals("hmac") ? ThreadLocal.withInitial(this::newMac) : null;
    }

    /**
     * The authentication of a webhook trigger.
     *
     * @throws IllegalArgumentException when {@code secret_env} names a variable that is not set
     *     (the message names the variable, never a value)
     */
    public static WebhookAuth of(TriggerDef trigger, Function<String, String> secrets) {
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
        if (type.equals("hmac")) {
            return new WebhookAuth("hmac", header == null ? SIGNATURE_HEADER : header, value.getBytes(StandardCharsets.UTF_8));
        }
        return new WebhookAuth("bearer", header, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    /** hmac, bearer or none. */
    public String type() {
        return type;
    }

    /**
     * Checks a request.
     *
     * @return null when it authenticates, else why not (naming the header, never the secret)
     */
    public String check(MultiMap headers, Buffer body) {
        switch (type) {
            case "none" -> {
                return null;
            }
            case "hmac" -> {
                String sig = headers.get(header);
                if (sig == null) {
                    return "missing signature header " + header;
                }
                if (sig.startsWith("sha256=")) {
                    sig = sig.substring(7);
                }
                byte[] given;
                try {
                    given = HexFormat.of().parseHex(sig);
                } catch (IllegalArgumentException e) {
                    return "the " + header + " header is not a hex HMAC-SHA256";
                }
                Mac mac = macs.get();
                byte[] expected = mac.doFinal(body == null ? new byte[0] : body.getBytes());
                return MessageDigest.isEqual(expected, given) ? null : "the " + header + " signature does not match the body";
            }
            default -> {
                String h = headers.get(header == null ? "Authorization" : header);
                if (h == null) {
                    return "missing " + (header == null ? "Authorization: Bearer" : header) + " header";
                }
                if (header == null) {
                    if (!h.regionMatches(true, 0, "Bearer ", 0, 7)) {
                        return "the Authorization header is not a Bearer token";
                    }
                    h = h.substring(7).strip();
                }
                return MessageDigest.isEqual(secret, h.getBytes(StandardCharsets.UTF_8)) ? null : "the bearer token does not match";
            }
        }
    }

    /** The HMAC-SHA256 signature of a body as {@code sha256=<hex>} (for clients and tests). */
    public static String sign(byte[] secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
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
        return header == null ? type : type + " in " + header;
    }
}
