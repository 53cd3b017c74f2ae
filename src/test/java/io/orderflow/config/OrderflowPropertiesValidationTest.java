package io.orderflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import io.orderflow.OrderflowApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** The constraints on orderflow.* (checked at start-up through @Validated), without starting the application. */
class OrderflowPropertiesValidationTest {

    final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

    @Test
    void theDefaultsAreValid() {
        assertThat(validator.validate(new OrderflowProperties())).isEmpty();
    }

    @Test
    void valuesOutOfRangeAreNamed() {
        OrderflowProperties p = new OrderflowProperties();
        p.getIntake().setMaxBodyBytes(0);
        p.getBroker().setMaxDeliveryAttempts(0);
        p.getBroker().setRedeliveryMultiplier(0.5);
        p.getErp().setMaxRequestsPerSecond(0);
        p.getErp().setTotalTolerance(new java.math.BigDecimal("-0.01"));
        p.getErp().setTimeout(Duration.ZERO);
        p.getGate().setRecheckInterval(Duration.ofSeconds(-1));
        p.getStock().setSyncOverlap(Duration.ofMinutes(-1));
        OrderflowProperties.Channel channel = new OrderflowProperties.Channel();
        channel.getApi().setMaxRequestsPerSecond(0);
        p.getChannels().put("shop-a", channel);
        assertThat(paths(validator.validate(p))).containsExactlyInAnyOrder("intake.maxBodyBytes",
                "broker.maxDeliveryAttempts", "broker.redeliveryMultiplier", "erp.maxRequestsPerSecond",
                "erp.totalTolerance", "erp.timeout", "gate.recheckInterval", "stock.syncOverlap",
                "channels[shop-a].api.maxRequestsPerSecond");
    }

    @Test
    void theRedeliveryDelayNeverExceedsItsMaximum() {
        OrderflowProperties p = new OrderflowProperties();
        p.getBroker().setRedeliveryDelayMs(5000);
        p.getBroker().setMaxRedeliveryDelayMs(1000);
        assertThat(paths(validator.validate(p))).containsExactly("broker.redeliveryDelayWithinMax");
    }

    @Test
    void startUpIsRefusedForARedeliveryDelayAboveItsMaximum() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(OrderflowApplication.class).run("--server.port=0",
                "--spring.artemis.embedded.server-id=75", "--orderflow.data-dir=target/test-data/refused-broker",
                "--orderflow.broker.redelivery-delay-ms=5000", "--orderflow.broker.max-redelivery-delay-ms=1000").close())
                .hasStackTraceContaining("max-redelivery-delay-ms must not be below redelivery-delay-ms");
    }

    @Test
    void aZeroStockSyncIntervalStillTurnsTheSyncOff() {
        OrderflowProperties p = new OrderflowProperties();
        p.getStock().setSyncInterval(Duration.ZERO);
        assertThat(validator.validate(p)).isEmpty();
    }

    private static Set<String> paths(Set<ConstraintViolation<OrderflowProperties>> violations) {
        return violations.stream().map(v -> v.getPropertyPath().toString()).collect(Collectors.toSet());
    }
}
