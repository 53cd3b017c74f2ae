package io.orderflow.config;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The management endpoints' password check (Basic auth on every request) without a password hash per request:
 * a credential the real encoder verified is remembered as an HMAC-SHA256 of (stored hash, presented password) under a
 * key made at random when the process starts, for {@code ttl} and at most {@value #MAX_ENTRIES} credentials. A
 * remembered credential is recognised by recomputing its HMAC (microseconds; the lookup compares HMACs under a secret key, so its timing tells an attacker nothing); anything else
 * goes to the real encoder as before, so a wrong password costs what it always did (a bcrypt hash stays as slow to
 * guess) and is never remembered. No password is kept: only HMACs under a key that never leaves memory.
 *
 * <p>It also never asks to "upgrade" a stored password: Spring Security otherwise re-encodes a {noop} configured
 * password with bcrypt on the first login, and every later request then paid a bcrypt check (~89 ms of CPU, issue 13).
 */
public final class VerifiedCredentialCache implements PasswordEncoder {

    static final int MAX_ENTRIES = 256;

    private final PasswordEncoder delegate;
    private final long ttlMillis;
    private final Clock clock;
    private final SecretKeySpec key;
    private final LinkedHashMap<String, Long> verified = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    public VerifiedCredentialCache(PasswordEncoder delegate, Duration ttl, Clock clock) {
        this.delegate = delegate;
        this.ttlMillis = ttl.toMillis();
        this.clock = clock;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    @Override
    public String encode(CharSequence rawPassword) {
        return delegate.encode(rawPassword);
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encodedPassword) {
        if (rawPassword == null || encodedPassword == null) {
            return delegate.matches(rawPassword, encodedPassword);
        }
        String credential = hmac(encodedPassword, rawPassword);
        long now = clock.millis();
        synchronized (verified) {
            Long expiresAt = verified.get(credential);
            if (expiresAt != null && expiresAt > now) {
                return true;
            }
        }
        boolean matches = delegate.matches(rawPassword, encodedPassword);
        if (matches && ttlMillis > 0) {
            synchronized (verified) {
                verified.put(credential, now + ttlMillis);
            }
        }
        return matches;
    }

    /** Configured passwords are used as configured: never re-encoded in memory. */
    @Override
    public boolean upgradeEncoding(String encodedPassword) {
        return false;
    }

    private String hmac(String encodedPassword, CharSequence rawPassword) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(encodedPassword.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            byte[] digest = mac.doFinal(rawPassword.toString().getBytes(StandardCharsets.UTF_8));
            // The map lookup compares strings; the HMAC under a secret key makes its timing useless to an attacker.
            return HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

}
