package io.xerv.host.serve;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The API keys a host accepts, each with scopes. Only SHA-256 digests of the keys are held; a
 * presented key is hashed and compared with every digest in constant time. Immutable and thread-safe.
 *
 * <p>Scopes: {@code pipeline:read}, {@code pipeline:write}, {@code trace:read}, {@code trace:write},
 * {@code trace:resume}, and {@code admin} (every scope).
 */
public final class ApiKeys {

    /** Every scope a key may hold. */
    public static final List<String> SCOPES =
            List.of("pipeline:read", "pipeline:write", "trace:read", "trace:write", "trace:resume", "admin");

    /** No configured keys (the host still accepts its local token, see {@link #withLocalToken}). */
    public static final ApiKeys NONE = new ApiKeys(List.of());

    /**
     * One key.
     *
     * @param name what the key is called in logs and errors (never the key itself)
     * @param sha256 the SHA-256 digest of the key's UTF-8 bytes
     * @param scopes what it may do
     */
    public record Key(String name, byte[] sha256, Set<String> scopes) {
        public Key {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(sha256, "sha256");
            scopes = Set.copyOf(Objects.requireNonNull(scopes, "scopes"));
            if (sha256.length != 32) {
                throw new IllegalArgumentException("a key's sha256 must be 32 bytes (64 hex digits), got " + sha256.length);
            }
        }

        /** Whether the key holds a scope (admin holds them all). */
        public boolean allows(String scope) {
            return scopes.contains(scope) || scopes.contains("admin");
        }

        @Override
        public String toString() {
            return "key " + name + " " + scopes;
        }
    }

    private final List<Key> keys;

    public ApiKeys(List<Key> keys) {
        this.keys = List.copyOf(keys);
    }

    /** The name of the host's local admin token in errors and logs. */
    public static final String LOCAL = "local";

    /**
     * These keys plus the host's local admin token ({@link LocalToken}), which holds every scope.
     * The API accepts only presented credentials: no source address is trusted.
     */
    public ApiKeys withLocalToken(String token) {
        Objects.requireNonNull(token, "token");
        List<Key> all = new java.util.ArrayList<>(keys);
        all.add(new Key(LOCAL, sha256(token), Set.of("admin")));
        return new ApiKeys(all);
    }

    /** Whether any key is configured. */
    public boolean enabled() {
        return !keys.isEmpty();
    }

    /** The configured keys. */
    public List<Key> keys() {
        return keys;
    }

    /** The key a presented secret matches, or null. Every digest is compared, in constant time each. */
    public Key find(String presented) {
        if (presented == null || presented.isEmpty()) {
            return null;
        }
        byte[] digest = sha256(presented);
        Key found = null;
        for (Key k : keys) {
            if (MessageDigest.isEqual(k.sha256(), digest) && found == null) {
                found = k;
            }
        }
        return found;
    }

    /** The SHA-256 digest of a key's UTF-8 bytes. */
    public static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The hex SHA-256 digest of a key, as the config file's {@code sha256} wants it. */
    public static String sha256Hex(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }
}
