package io.orderflow.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

class VerifiedCredentialCacheTest {

    private final PasswordEncoder real = PasswordEncoderFactories.createDelegatingPasswordEncoder();
    private final AtomicInteger realChecks = new AtomicInteger();
    private final PasswordEncoder counting = new PasswordEncoder() {
        @Override
        public String encode(CharSequence raw) {
            return real.encode(raw);
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
            realChecks.incrementAndGet();
            return real.matches(raw, encoded);
        }
    };

    @Test
    void aVerifiedBcryptCredentialIsCheckedOnceThenRecognisedUntilItExpires() {
        MutableClock clock = new MutableClock();
        VerifiedCredentialCache cache = new VerifiedCredentialCache(counting, Duration.ofMinutes(10), clock);
        String stored = real.encode("s3cret-Password");
        assertThat(stored).startsWith("{bcrypt}");

        assertThat(cache.matches("s3cret-Password", stored)).isTrue();
        assertThat(cache.matches("s3cret-Password", stored)).isTrue();
        assertThat(cache.matches("s3cret-Password", stored)).isTrue();
        assertThat(realChecks).hasValue(1);

        clock.now = clock.now.plus(Duration.ofMinutes(11));
        assertThat(cache.matches("s3cret-Password", stored)).isTrue();
        assertThat(realChecks).hasValue(2);
    }

    @Test
    void aWrongPasswordIsNeverRememberedAndAlwaysPaysTheRealCheck() {
        VerifiedCredentialCache cache = new VerifiedCredentialCache(counting, Duration.ofMinutes(10), Clock.systemUTC());
        String stored = real.encode("s3cret-Password");
        assertThat(cache.matches("s3cret-Password", stored)).isTrue();

        assertThat(cache.matches("wrong", stored)).isFalse();
        assertThat(cache.matches("wrong", stored)).isFalse();
        assertThat(cache.matches("s3cret-Passwor", stored)).isFalse();
        assertThat(cache.matches("s3cret-Password", "{noop}other")).as("the stored hash is part of the credential").isFalse();
        assertThat(realChecks).hasValue(5);
    }

    @Test
    void plainConfiguredPasswordsStayAsConfigured() {
        VerifiedCredentialCache cache = new VerifiedCredentialCache(counting, Duration.ofMinutes(10), Clock.systemUTC());
        assertThat(cache.upgradeEncoding("{noop}change-me")).isFalse();
        assertThat(cache.matches("change-me", "{noop}change-me")).isTrue();
        assertThat(cache.matches("change-m3", "{noop}change-me")).isFalse();
        assertThat(cache.matches("change-me", "{noop}change-me")).isTrue();
        assertThat(realChecks).hasValue(2);
    }

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-11-29T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
