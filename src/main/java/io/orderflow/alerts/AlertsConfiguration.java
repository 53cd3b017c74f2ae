package io.orderflow.alerts;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
@EnableConfigurationProperties(AlertProperties.class)
public class AlertsConfiguration {

    /**
     * The alert mail's timer (route ops-alerts-mail: autoStartup "{{bean:opsAlertsSwitch.enabled}}", period
     * "{{bean:opsAlertsSwitch.periodMs}}"): off while orderflow.alerts.email is not set (then nothing is queued either).
     */
    @Bean
    OpsAlertsSwitch opsAlertsSwitch(AlertProperties properties) {
        long ms = properties.getBatchInterval().toMillis();
        if (ms < 1_000) {
            throw new IllegalStateException("orderflow.alerts.batch-interval must be at least 1s, is "
                    + properties.getBatchInterval());
        }
        return new OpsAlertsSwitch(properties.isEnabled(), ms);
    }

    public record OpsAlertsSwitch(boolean enabled, long periodMs) {
    }
}
