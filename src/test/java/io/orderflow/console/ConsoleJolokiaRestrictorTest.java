package io.orderflow.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import javax.management.ObjectName;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.jolokia.server.core.util.RequestType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The Jolokia policy as orderflow applies it (jolokia-access.xml + orderflow.console.allowed-origins + roles), the
 * console's login throttle and the origin setting's validation, without a server.
 */
class ConsoleJolokiaRestrictorTest {

    final ConsoleJolokiaRestrictor restrictor = new ConsoleJolokiaRestrictor(
            new ClassPathResource("jolokia-access.xml"), List.of("https://ops.example.test", "http://a<b"));

    @AfterEach
    void clear() {
        SecurityContextHolder.clearContext();
    }

    static void as(String... roles) {
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                "someone", "n/a", AuthorityUtils.createAuthorityList(roles)));
    }

    @Test
    void originsAreCheckedStrictlyWithTheConfiguredOnesAdded() {
        assertThat(restrictor.isOriginAllowed("http://localhost:8080", true)).isTrue();
        assertThat(restrictor.isOriginAllowed("https://127.0.0.1:8443", true)).isTrue();
        assertThat(restrictor.isOriginAllowed("https://ops.example.test", true)).isTrue();
        assertThat(restrictor.isOriginAllowed("http://a<b", true)).as("added as text, not as XML").isTrue();
        assertThat(restrictor.isOriginAllowed("http://evil.example", true)).isFalse();
        assertThat(restrictor.isOriginAllowed("http://localhost.evil.example", true)).isFalse();
        assertThat(restrictor.isOriginAllowed(null, true)).as("no Origin, no Referer").isFalse();
    }

    @Test
    void aPolicyWithoutACorsSectionIsRefused() {
        ByteArrayResource open = new ByteArrayResource("<restrict></restrict>".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> new ConsoleJolokiaRestrictor(open, List.of()))
                .hasMessageContaining("no <cors> section");
    }

    @Test
    void onlyTheOperatorExecutesOrWrites() throws Exception {
        ObjectName threading = new ObjectName("java.lang:type=Threading");
        as("ROLE_VIEWER");
        assertThat(restrictor.isTypeAllowed(RequestType.READ)).isTrue();
        assertThat(restrictor.isTypeAllowed(RequestType.LIST)).isTrue();
        assertThat(restrictor.isTypeAllowed(RequestType.SEARCH)).isTrue();
        assertThat(restrictor.isTypeAllowed(RequestType.EXEC)).isFalse();
        assertThat(restrictor.isTypeAllowed(RequestType.WRITE)).isFalse();
        assertThat(restrictor.isOperationAllowed(threading, "findDeadlockedThreads()")).isFalse();
        assertThat(restrictor.isAttributeWriteAllowed(threading, "ThreadCpuTimeEnabled")).isFalse();
        assertThat(restrictor.isAttributeReadAllowed(threading, "ThreadCount")).isTrue();

        SecurityContextHolder.clearContext();
        assertThat(restrictor.isTypeAllowed(RequestType.EXEC)).as("nobody").isFalse();

        as("ROLE_OPERATOR", "ROLE_VIEWER");
        assertThat(restrictor.isTypeAllowed(RequestType.EXEC)).isTrue();
        assertThat(restrictor.isTypeAllowed(RequestType.WRITE)).isTrue();
        assertThat(restrictor.isOperationAllowed(threading, "findDeadlockedThreads()")).isTrue();
        assertThat(restrictor.isAttributeWriteAllowed(threading, "ThreadCpuTimeEnabled")).isTrue();
    }

    @Test
    void dangerousOperationsAreDeniedInEveryForm() throws Exception {
        as("ROLE_OPERATOR");
        ObjectName memory = new ObjectName("java.lang:type=Memory");
        for (String form : List.of("gc", "gc()")) {
            assertThat(restrictor.isOperationAllowed(memory, form)).as(form).isFalse();
        }
        ObjectName camel = new ObjectName("org.apache.camel:context=orderflow,type=context,name=\"orderflow\"");
        assertThat(restrictor.isOperationAllowed(camel, "addOrUpdateRoutesFromXml(java.lang.String)")).isFalse();
        assertThat(restrictor.isOperationAllowed(camel, "addOrUpdateRoutesFromXml(java.lang.String,boolean)")).isFalse();
        assertThat(restrictor.isOperationAllowed(camel, "createEndpoint")).isFalse();
        assertThat(restrictor.isOperationAllowed(camel, "dumpRoutesAsXml()")).isTrue();
        assertThat(restrictor.isOperationAllowed(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "jvmtiAgentLoad([Ljava.lang.String;)")).isFalse();
        assertThat(restrictor.isOperationAllowed(new ObjectName("com.sun.management:type=HotSpotDiagnostic"),
                "dumpHeap")).isFalse();
        ObjectName runtime = new ObjectName("java.lang:type=Runtime");
        assertThat(restrictor.isAttributeReadAllowed(runtime, "SystemProperties")).isFalse();
        assertThat(restrictor.isAttributeReadAllowed(runtime, "InputArguments")).isFalse();
        assertThat(restrictor.isAttributeReadAllowed(runtime, "Uptime")).isTrue();
    }

    @Test
    void theLoginThrottleHoldsAGuessedNameNotOthersAndLetsGoAfterAWhile() {
        MutableClock clock = new MutableClock();
        LoginThrottle throttle = new LoginThrottle(clock);
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            assertThat(throttle.secondsToWait("admin")).isZero();
            throttle.failed("admin");
        }
        assertThat(throttle.secondsToWait("admin")).isEqualTo(LoginThrottle.WAIT_SECONDS);
        assertThat(throttle.secondsToWait("auditor")).isZero();
        clock.now = clock.now.plus(Duration.ofSeconds(LoginThrottle.WAIT_SECONDS - 1));
        assertThat(throttle.secondsToWait("admin")).isEqualTo(1);
        clock.now = clock.now.plus(Duration.ofSeconds(1));
        assertThat(throttle.secondsToWait("admin")).isZero();
        throttle.failed("admin");
        assertThat(throttle.secondsToWait("admin")).as("another failure: wait again").isPositive();
        throttle.succeeded("admin");
        assertThat(throttle.secondsToWait("admin")).isZero();
    }

    @Test
    void allowedOriginsMustBeOrigins() {
        Validator validator = Validation.buildDefaultValidatorFactory().getValidator();
        ConsoleProperties properties = new ConsoleProperties();
        properties.setAllowedOrigins(List.of("https://orderflow.example.com", "http://ops.example.test:8080"));
        assertThat(validator.validate(properties)).isEmpty();
        for (String bad : List.of("*", "orderflow.example.com", "https://orderflow.example.com/hawtio", "ftp://x", "")) {
            properties.setAllowedOrigins(List.of(bad));
            assertThat(validator.validate(properties)).as(bad).isNotEmpty();
        }
    }

    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-11-29T12:00:00Z");

        @Override
        public java.time.ZoneId getZone() { return ZoneOffset.UTC; }

        @Override
        public Clock withZone(java.time.ZoneId zone) { return this; }

        @Override
        public Instant instant() { return now; }
    }
}
