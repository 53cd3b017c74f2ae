package io.orderflow.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** What an alert may say: no customer e-mail address, one line, bounded; the selector that takes the mailed ones. */
class OpsAlertTextTest {

    @Test
    void aReasonHasItsEmailAddressesMaskedOnOneLine() {
        assertThat(OpsAlerts.scrub("Twilio refused\n  the SMS for bob.norman@hostmail.com (code 21211)"))
                .isEqualTo("Twilio refused the SMS for b***@h***.com (code 21211)");
    }

    @Test
    void aLongReasonIsCut() {
        String reason = OpsAlerts.scrub("x".repeat(1000));
        assertThat(reason).hasSize(OpsAlerts.MAX_REASON).endsWith("...");
        assertThat(OpsAlerts.scrub(null)).isEmpty();
    }

    @Test
    void theTakeSelectsExactlyTheListedMessages() {
        assertThat(OpsAlertMail.selector(List.of("ID:1", "ID:o'2")))
                .isEqualTo("JMSMessageID IN ('ID:1', 'ID:o''2')");
    }
}
