package io.orderflow.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.orderflow.support.Queues;
import jakarta.mail.internet.MimeMessage;
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
 * Shortage policy hold: the ERP stage parks the order for review; its ops alert is listed once, as a shortage (the
 * kind the stage named), not a second time as a plain review arrival.
 */
@CamelSpringBootTest
@SpringBootTest(properties = {"orderflow.data-dir=target/test-data/ops-alerts-hold-${random.uuid}",
        "spring.artemis.embedded.server-id=87",
        "orderflow.alerts.email=ops@demo-shop.example", "orderflow.alerts.batch-interval=1s",
        "orderflow.erp.shortage-policy=hold",
        "orderflow.notifications.email.host=127.0.0.1", "orderflow.notifications.email.start-tls=false",
        "orderflow.notifications.email.from=orderflow@demo-shop.example",
        "orderflow.erp.kind=erpnext", "orderflow.erp.erpnext.api-key=erp-key", "orderflow.erp.erpnext.api-secret=erp-secret",
        "orderflow.erp.erpnext.company=Demo Shop Ltd", "orderflow.erp.erpnext.warehouse=Stores - DS"})
@ActiveProfiles("test")
class OpsAlertsShortageHoldTest {

    static final int SMTP_PORT = AlertsTestSupport.freePort();
    static final GreenMail MAIL = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    static final WireMockServer ERPNEXT = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        MAIL.start();
        ERPNEXT.start();
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("orderflow.notifications.email.port", () -> SMTP_PORT);
        registry.add("orderflow.erp.url", ERPNEXT::baseUrl);
    }

    @AfterAll
    static void stop() {
        MAIL.stop();
        ERPNEXT.stop();
    }

    @Autowired
    JmsTemplate jms;

    @Test
    void anOrderHeldForStockIsListedOnceAsAShortage() throws Exception {
        AlertsTestSupport.erpnextShortOfGreen(ERPNEXT);
        ObjectNode order = AlertsTestSupport.releasedOrder("test-shopify", "8701");
        jms.send("orderflow.release", session -> {
            var message = session.createTextMessage(order.toString());
            message.setStringProperty("orderKey", "test-shopify:8701");
            message.setStringProperty("JMSXGroupID", "test-shopify:8701");
            message.setStringProperty("orderflowDeliveryId", "hold-8701");
            return message;
        });

        assertThat(Queues.await(jms, "orderflow.review", "test-shopify:8701").get(0).getStringProperty("orderflowReason"))
                .contains("held for stock");
        await().atMost(Duration.ofSeconds(20)).until(() -> !lines("test-shopify:8701").isEmpty());
        Thread.sleep(3000);
        assertThat(lines("test-shopify:8701")).hasSize(1).allMatch(l -> l.contains(
                " shortage  test-shopify:8701  UnprocessableEventException: held for stock: short of {IPOD2008GREEN="));
    }

    static List<String> lines(String orderKey) throws Exception {
        List<String> lines = new ArrayList<>();
        for (MimeMessage m : MAIL.getReceivedMessages()) {
            if (Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().equals("ops@demo-shop.example"))) {
                ((String) m.getContent()).lines().filter(l -> l.contains("  " + orderKey + "  ")).forEach(lines::add);
            }
        }
        return lines;
    }
}
