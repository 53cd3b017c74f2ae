package io.orderflow.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.orderflow.support.Broker;
import jakarta.mail.internet.MimeMessage;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The batched ops alert mail end to end: alerts derived from what really happens (notification requests parked on
 * review by the notify stage, a shortage in the ERP stage against a WireMock ERPNext), mailed by the timer route to a
 * GreenMail SMTP server: one mail per run listing all that waited, none when nothing waits, and after an SMTP outage
 * the next run lists them once.
 */
@CamelSpringBootTest
@SpringBootTest(properties = {"orderflow.data-dir=target/test-data/ops-alerts-${random.uuid}",
        "spring.artemis.embedded.server-id=88",
        "orderflow.alerts.email=ops@demo-shop.example", "orderflow.alerts.batch-interval=2s",
        "orderflow.broker.redelivery-delay-ms=200", "orderflow.broker.max-redelivery-delay-ms=500",
        "orderflow.notifications.shop-name=Demo Shop", "orderflow.notifications.email.host=127.0.0.1",
        "orderflow.notifications.email.from=Demo Shop <orders@demo-shop.example>",
        "orderflow.notifications.email.start-tls=false",
        "orderflow.erp.kind=erpnext", "orderflow.erp.erpnext.api-key=erp-key", "orderflow.erp.erpnext.api-secret=erp-secret",
        "orderflow.erp.erpnext.company=Demo Shop Ltd", "orderflow.erp.erpnext.warehouse=Stores - DS"})
@ActiveProfiles("test")
class OpsAlertsTest {

    static final String OPS = "ops@demo-shop.example";
    static final ObjectMapper JSON = new ObjectMapper();
    static final int SMTP_PORT = freePort();
    static final WireMockServer ERPNEXT = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static GreenMail mail = startMail();

    static {
        ERPNEXT.start();
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("orderflow.notifications.email.port", () -> SMTP_PORT);
        registry.add("orderflow.erp.url", ERPNEXT::baseUrl);
    }

    @AfterAll
    static void stop() {
        mail.stop();
        ERPNEXT.stop();
    }

    @Autowired
    CamelContext camel;
    @Autowired
    JmsTemplate jms;
    @Autowired
    EmbeddedActiveMQ embedded;

    @Test
    void twentyOrdersParkedInABurstGiveOneMailListingAllTwenty() throws Exception {
        Broker broker = new Broker(embedded);
        await().atMost(Duration.ofSeconds(20)).until(() -> broker.depth(OpsAlerts.QUEUE) == 0);
        // The timer route held while the burst is parked, so the burst cannot straddle two runs.
        camel.getRouteController().stopRoute("ops-alerts-mail");
        int before = opsMails().size();
        try {
            for (int i = 1; i <= 20; i++) {
                sendUnprocessable("burst:" + i, "burst-" + i + "@customer.example");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> broker.depth(OpsAlerts.QUEUE) == 20);
            assertThat(broker.depth("orderflow.review")).isGreaterThanOrEqualTo(20);
        } finally {
            camel.getRouteController().startRoute("ops-alerts-mail");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> opsMails().size() == before + 1);
        MimeMessage alert = opsMails().get(before);
        String text = (String) alert.getContent();
        assertThat(alert.getSubject()).isEqualTo("orderflow: 20 ops alert(s) (20 review)");
        assertThat(alert.getFrom()[0].toString()).isEqualTo("Demo Shop <orders@demo-shop.example>");
        for (int i = 1; i <= 20; i++) {
            String key = "burst:" + i;
            assertThat(linesFor(text, key + " ")).as("order %s listed once", key).hasSize(1).allMatch(l -> l.contains(
                    " review  " + key + "  UnprocessableEventException: notification request without template"));
        }
        assertThat(text).startsWith("20 ops alert(s)").contains("By kind: 20 review.").doesNotContain("@customer.example");
        // Nothing waits any more: the next runs send nothing.
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.depth(OpsAlerts.QUEUE) == 0);
        Thread.sleep(5_000);
        assertThat(opsMails()).hasSize(before + 1);
    }

    @Test
    void aShortageInTheErpStageIsListedWithTheOrderKeyAndNoCustomerData() throws Exception {
        AlertsTestSupport.erpnextShortOfGreen(ERPNEXT);
        ObjectNode order = AlertsTestSupport.releasedOrder("test-shopify", "8801");
        release(order, "alerts-8801");

        String line = awaitLine("test-shopify:8801");
        assertThat(line).contains(" shortage  test-shopify:8801  short of {IPOD2008GREEN=")
                .contains("policy backorder").contains("[erp]");
        Thread.sleep(5_000);
        assertThat(allLinesFor("test-shopify:8801 ")).hasSize(1);
        for (MimeMessage m : opsMails()) {
            String text = (String) m.getContent();
            assertThat(text).doesNotContain("bob.norman").doesNotContain("Norman").doesNotContain("hostmail");
        }
    }

    @Test
    void whileSmtpIsDownTheAlertsWaitAndTheNextRunMailsThemOnce() throws Exception {
        Broker broker = new Broker(embedded);
        await().atMost(Duration.ofSeconds(20)).until(() -> broker.depth(OpsAlerts.QUEUE) == 0);
        mail.stop();
        try {
            sendUnprocessable("down:1", "down-1@customer.example");
            sendUnprocessable("down:2", "down-2@customer.example");
            await().atMost(Duration.ofSeconds(20)).until(() -> broker.depth(OpsAlerts.QUEUE) == 2);
            // Two runs fail against the closed port: nothing is taken off the queue, nothing dead-lettered.
            long deadBefore = broker.added("orderflow.dead-letter");
            Thread.sleep(5_000);
            assertThat(broker.depth(OpsAlerts.QUEUE)).isEqualTo(2);
            assertThat(broker.added("orderflow.dead-letter")).isEqualTo(deadBefore);
        } finally {
            mail = startMail();
        }
        String first = awaitLine("down:1 ");
        assertThat(first).contains(" review  down:1  ");
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.depth(OpsAlerts.QUEUE) == 0);
        Thread.sleep(5_000);
        assertThat(allLinesFor("down:1 ")).hasSize(1);
        assertThat(allLinesFor("down:2 ")).hasSize(1);
        assertThat(opsMails()).hasSize(1);   // the new GreenMail got exactly one mail, listing both
    }

    // --- helpers ---

    /** A notification request the notify stage cannot process (no template): parked on review. */
    void sendUnprocessable(String orderKey, String email) {
        ObjectNode request = JSON.createObjectNode().put("orderKey", orderKey).put("channel", "test-shopify");
        request.putObject("customer").put("email", email).put("name", "Someone Private");
        jms.send("orderflow.notify.requests", session -> {
            var message = session.createTextMessage(request.toString());
            message.setStringProperty("orderKey", orderKey);
            message.setStringProperty("JMSXGroupID", orderKey);
            message.setStringProperty("_AMQ_DUPL_ID", "alerts-test:" + orderKey);
            return message;
        });
    }

    void release(ObjectNode order, String deliveryId) {
        String orderKey = order.path("orderKey").asText();
        jms.send("orderflow.release", session -> {
            var message = session.createTextMessage(order.toString());
            message.setStringProperty("orderKey", orderKey);
            message.setStringProperty("JMSXGroupID", orderKey);
            message.setStringProperty("orderflowDeliveryId", deliveryId);
            return message;
        });
    }

    static String awaitLine(String orderKey) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !allLinesFor(orderKey).isEmpty());
        return allLinesFor(orderKey).get(0);
    }

    static List<String> allLinesFor(String orderKey) {
        List<String> lines = new ArrayList<>();
        for (MimeMessage m : opsMails()) {
            try {
                lines.addAll(linesFor((String) m.getContent(), orderKey));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return lines;
    }

    static List<String> linesFor(String text, String orderKey) {
        return text.lines().filter(l -> l.contains("  " + orderKey)).toList();
    }

    static List<MimeMessage> opsMails() {
        List<MimeMessage> found = new ArrayList<>();
        for (MimeMessage m : mail.getReceivedMessages()) {
            try {
                if (Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().equals(OPS))) {
                    found.add(m);
                }
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return found;
    }

    static GreenMail startMail() {
        GreenMail greenMail = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        return greenMail;
    }

    static int freePort() {
        return AlertsTestSupport.freePort();
    }
}
