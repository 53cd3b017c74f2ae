package io.orderflow.notify;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.http.OutboundHttp;
import jakarta.jms.ConnectionFactory;
import org.apache.camel.support.DefaultHeaderFilterStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.core.JmsTemplate;

/**
 * The notify stage's beans. Route notify starts only when a medium is configured (orderflow.notifications.email.host
 * or .sms.twilio.account-sid) and orderflow.notifications.enabled is not false; until then requests wait on
 * orderflow.notify.requests. A medium that is configured but incomplete stops the start-up, naming the property.
 */
@Configuration
@EnableConfigurationProperties(NotificationProperties.class)
public class NotificationConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationConfiguration.class);

    static {
        MailStreamProviderSetting.apply();
    }

    @Bean
    NotifySwitch notifySwitch(NotificationProperties settings) {
        List<String> problems = new ArrayList<>();
        NotificationProperties.Email email = settings.getEmail();
        if (email.isEnabled() && blank(email.getFrom())) {
            problems.add("orderflow.notifications.email.from is required when orderflow.notifications.email.host is set");
        }
        if (blank(email.getUsername()) != blank(email.getPassword())) {
            problems.add("orderflow.notifications.email.username and .password go together");
        }
        NotificationProperties.Twilio twilio = settings.getSms().getTwilio();
        if (settings.getSms().isEnabled()) {
            if (blank(twilio.getAuthToken())) {
                problems.add("orderflow.notifications.sms.twilio.auth-token is required with .account-sid");
            }
            // The default sender: a channel's own sms-from overrides it, but a channel without one needs it.
            if (blank(twilio.getFrom()) && blank(twilio.getMessagingServiceSid())) {
                problems.add("orderflow.notifications.sms.twilio.from or .messaging-service-sid is required with .account-sid");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Invalid notification settings: " + String.join("; ", problems));
        }
        boolean on = settings.isEnabled() && (email.isEnabled() || settings.getSms().isEnabled());
        LOG.info("Notifications: {} (e-mail {}, SMS {}; events {})", on ? "on" : "off",
                email.isEnabled() ? "via " + email.getHost() + ":" + email.getPort() : "off",
                settings.getSms().isEnabled() ? "via Twilio at " + twilio.getBaseUrl() : "off", settings.getEvents());
        return new NotifySwitch(on);
    }

    public record NotifySwitch(boolean enabled) {
    }

    @Bean
    NotificationTemplates notificationTemplates(OrderflowProperties properties) {
        return new NotificationTemplates(Path.of(properties.getMappingsDir(), "notifications"));
    }

    @Bean
    NotifyStage notifyStage(NotificationProperties settings, NotificationTemplates templates, ObjectMapper mapper) {
        return new NotifyStage(settings, templates, mapper);
    }

    @Bean
    SentMarkers notificationsSent(ConnectionFactory connectionFactory, JmsTemplate jms, OrderflowProperties properties,
            io.orderflow.broker.LegacyStateMigration migration) {
        // Kept for active-retention, longer than the gate's state of a released order (retention): an order released
        // again after its gate state expired gets no second confirmation while its marker lasts (docs/payment-gate.md).
        return new SentMarkers(connectionFactory, jms, properties.getState().getActiveRetention(), migration);
    }

    @Bean
    TwilioSms twilioSms(NotificationProperties settings, ObjectMapper mapper) {
        NotificationProperties.Twilio twilio = settings.getSms().getTwilio();
        return new TwilioSms(twilio, new OutboundHttp("twilio", twilio.getMaxRequestsPerSecond(), twilio.getTimeout(),
                Duration.ofSeconds(5)), mapper);
    }

    /**
     * Camel Mail turns message headers into MIME headers: only these pass (no JMS or orderflow headers in a
     * customer's mail). The recipients are read from the To header by Camel Mail itself.
     */
    @Bean
    DefaultHeaderFilterStrategy notificationMailHeaders() {
        Set<String> allowed = Set.of("to", "from", "subject", "reply-to", "message-id", "camelmailalternativebody");
        DefaultHeaderFilterStrategy strategy = new DefaultHeaderFilterStrategy() {
            @Override
            public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, org.apache.camel.Exchange exchange) {
                return !allowed.contains(headerName.toLowerCase());
            }
        };
        return strategy;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
