package io.orderflow.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The cross-field checks of orderflow.notifications.* and when route notify starts (NotificationConfiguration). */
class NotificationSettingsTest {

    final NotificationConfiguration configuration = new NotificationConfiguration();

    @Test
    void nothingConfiguredLeavesTheStageOff() {
        assertThat(configuration.notifySwitch(new NotificationProperties()).enabled()).isFalse();
    }

    @Test
    void anSmtpHostWithASenderTurnsItOn() {
        NotificationProperties settings = new NotificationProperties();
        settings.getEmail().setHost("smtp.example.com");
        settings.getEmail().setFrom("Shop <orders@example.com>");
        assertThat(configuration.notifySwitch(settings).enabled()).isTrue();
        settings.setEnabled(false);
        assertThat(configuration.notifySwitch(settings).enabled()).isFalse();
    }

    @Test
    void incompleteMediaStopTheStartUpNamingTheProperty() {
        NotificationProperties settings = new NotificationProperties();
        settings.getEmail().setHost("smtp.example.com");
        settings.getEmail().setUsername("orders@example.com");
        settings.getSms().getTwilio().setAccountSid("AC123");
        assertThatThrownBy(() -> configuration.notifySwitch(settings)).hasMessageContaining("orderflow.notifications.email.from")
                .hasMessageContaining("username and .password go together")
                .hasMessageContaining("orderflow.notifications.sms.twilio.auth-token")
                .hasMessageContaining("orderflow.notifications.sms.twilio.from or .messaging-service-sid");
    }

    @Test
    void logsSeeContactDataMasked() {
        assertThat(Masking.email("bob.norman@hostmail.com")).isEqualTo("b***@h***.com");
        assertThat(Masking.phone("+49 151 1234-5678")).isEqualTo("***678");
        assertThat(Masking.email(null)).isEqualTo("(none)");
    }
}
