package io.orderflow.gate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.orderflow.gate.GateTestSupport.shopifyOrder;
import static io.orderflow.gate.GateTestSupport.shopifyOrderStub;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.orderflow.support.Broker;
import jakarta.mail.internet.MimeMessage;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The unpaid reminder through the gate's route and the notify stage (GreenMail): unpaid-action cancel, deadline 6 s,
 * reminder 4 s before it, re-checks every second. An unpaid Shopify order (its webhook delivered twice) gets exactly
 * one reminder mail naming the deadline, then at the deadline exactly one "cancelled" mail.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "orderflow.data-dir=target/test-data/unpaid-reminder-${random.uuid}", "spring.artemis.embedded.server-id=323",
        "orderflow.gate.recheck-interval=1s", "orderflow.gate.unpaid-deadline=6s", "orderflow.gate.unpaid-action=cancel",
        "orderflow.gate.unpaid-reminder-before=4s",
        "orderflow.channels.test-shopify.api.access-token=shpat_test_token",
        "orderflow.notifications.shop-name=Demo Shop", "orderflow.notifications.email.host=127.0.0.1",
        "orderflow.notifications.email.from=Demo Shop <orders@demo-shop.example>",
        "orderflow.notifications.email.start-tls=false"})
@ActiveProfiles("test")
class UnpaidReminderMailTest {

    static final int SMTP_PORT = freePort();
    static final WireMockServer SHOP = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final GreenMail MAIL = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    static {
        SHOP.start();
        MAIL.start();
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("orderflow.channels.test-shopify.api.base-url", SHOP::baseUrl);
        registry.add("orderflow.notifications.email.port", () -> SMTP_PORT);
    }

    @AfterAll
    static void stop() {
        SHOP.stop();
        MAIL.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    JmsTemplate jms;
    @Autowired
    EmbeddedActiveMQ embedded;

    @Test
    void anUnpaidOrderIsRemindedOnceBeforeTheDeadlineAndCancelledOnceAtIt() throws Exception {
        GateTestSupport gate = new GateTestSupport(port, jms, new Broker(embedded));
        String id = "7323000000001";
        ObjectNode order = shopifyOrder(id, "pending", "2026-11-28T10:00:00Z", 1, "20.00", "20.00");
        SHOP.stubFor(shopifyOrderStub(id, order));
        SHOP.stubFor(post(urlEqualTo(GateTestSupport.SHOPIFY_GRAPHQL)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.query", containing("orderCancel(")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(io.orderflow.simulator.SimulatedShopifyGraphql.cancelAnswer(GateTestSupport.JSON).toString())));
        assertThat(gate.postShopify(order, "orders/create")).isEqualTo(200);
        assertThat(gate.postShopify(order, "orders/updated")).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> mails("is waiting for your payment").size() == 1);
        assertThat(mails("cancelled")).isEmpty();
        gate.awaitState("test-shopify:" + id, s -> "cancelled-unpaid".equals(s.path("closed").asText()));
        await().atMost(Duration.ofSeconds(30)).until(() -> mails("cancelled").size() == 1);
        Thread.sleep(3_000);

        List<MimeMessage> reminders = mails("is waiting for your payment");
        assertThat(reminders).hasSize(1);
        assertThat(reminders.get(0).getSubject()).isEqualTo("Demo Shop: order #1001 is waiting for your payment");
        assertThat(reminders.get(0).getAllRecipients()[0].toString()).isEqualTo("bob.norman@hostmail.com");
        assertThat(GreenMailUtil.getBody(reminders.get(0))).contains("we have not received the payment for your order #1001")
                .containsPattern("Please pay by \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC");
        assertThat(mails("cancelled")).hasSize(1);
        assertThat(gate.state("test-shopify:" + id).get("unpaidReminderSent").asBoolean()).isTrue();
    }

    private static List<MimeMessage> mails(String subjectPart) throws Exception {
        List<MimeMessage> found = new ArrayList<>();
        for (MimeMessage m : MAIL.getReceivedMessages()) {
            if (m.getSubject().contains(subjectPart)) {
                found.add(m);
            }
        }
        return found;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
