package io.orderflow.broker;

import static io.orderflow.support.Webhooks.fixture;
import static io.orderflow.support.Webhooks.post;
import static io.orderflow.support.Webhooks.shopifyHeaders;
import static io.orderflow.support.Webhooks.vector;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * A webhook delivered three times is stored once, and the log says so in one INFO line per repeat naming the delivery
 * id, with a counter by channel: not Artemis's WARN AMQ222059 with the message (customer e-mail included) dumped.
 * Artemis's server logger is at WARN here (the test profile otherwise quiets it), so its warning would show.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"orderflow.data-dir=target/test-data/duplicate-log-${random.uuid}",
                "spring.artemis.embedded.server-id=42",
                "logging.level.org.apache.activemq.artemis.core.server=WARN"})
@ActiveProfiles("test")
class DuplicateDeliveryLogTest {

    @LocalServerPort
    int port;
    @Autowired
    MeterRegistry meters;

    @Test
    void aRepeatedWebhookIsOneInfoLinePerRepeatAndACountNotABrokerWarningWithTheMessage(CapturedOutput output) {
        byte[] body = fixture("shopify-orders-create.json");
        String eventId = UUID.randomUUID().toString();
        String signature = vector("shopify-orders-create.json").get("value").asText();
        for (int i = 0; i < 3; i++) {
            assertThat(post(port, "/webhooks/shop/test-shopify", body, shopifyHeaders("orders/create", eventId, signature))
                    .statusCode()).isEqualTo(200);
        }

        // This delivery's lines (other cached test contexts' timers, e.g. the sim profile's reconciliation poll, log
        // their own repeats into the same captured output)
        var repeats = output.getOut().lines().filter(line -> line.contains("Duplicate delivery ignored on")
                && line.contains(eventId)).toList();
        assertThat(repeats).hasSize(2).allSatisfy(line -> assertThat(line).contains("INFO")
                .contains("orderflow.intake.shop").contains(eventId).doesNotContain("hostmail"));
        // No broker warning dumping this delivery (its dump names the duplicate id: _AMQ_DUPL_ID=...<eventId>). Other
        // contexts cached in this JVM run brokers of their own, and Spring's logging re-initialisation for this context
        // (LogbackLoggingSystem stops and resets logback) drops the filter until this context's broker adds it again:
        // their duplicates in that moment are not this test's subject.
        assertThat(output.getOut()).doesNotContain("_AMQ_DUPL_ID=shopify:test-shopify:orders/create:" + eventId)
                .doesNotContain("bob.norman@hostmail.com");
        assertThat(meters.get("orderflow.duplicates.suppressed").tag("address", "orderflow.intake.shop")
                .tag("channel", "test-shopify").counter().count()).isEqualTo(2.0);
    }
}
