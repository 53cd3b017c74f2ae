package io.orderflow.status;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class StatusConfiguration {

    /**
     * The stuck-order check's timer (route order-status-stuck: autoStartup "{{bean:stuckOrdersSwitch.enabled}}",
     * period "{{bean:stuckOrdersSwitch.periodMs}}"): off when orderflow.status.stuck-check-interval is 0.
     */
    @Bean
    StuckOrdersSwitch stuckOrdersSwitch(StatusProperties properties) {
        long ms = properties.getStuckCheckInterval().toMillis();
        return new StuckOrdersSwitch(ms > 0, ms > 0 ? ms : 60_000);
    }

    public record StuckOrdersSwitch(boolean enabled, long periodMs) {
    }
}
