package io.orderflow.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.orderflow.support.Broker;
import io.orderflow.support.Queues;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The notify stage end to end over real protocols: requests on orderflow.notify.requests (as the payment gate and the
 * ERP stage put them, and an order through the ERP stage against a WireMock ERPNext), e-mail to a GreenMail SMTP
 * server, SMS to a WireMock Twilio. Asserts the exact mails (recipient, sender, subject, both bodies: the golden
 * examples in mappings/notifications/en) and SMS requests, once each, under duplicates, replay and an SMTP outage.
 */
@CamelSpringBootTest
@SpringBootTest(properties = {"orderflow.data-dir=target/test-data/notify-${random.uuid}",
        "spring.artemis.embedded.server-id=23",
        // Enough attempts that the SMTP outage below is ridden out on the broker, not dead-lettered.
        "orderflow.broker.max-delivery-attempts=30", "orderflow.broker.redelivery-delay-ms=200",
        "orderflow.broker.max-redelivery-delay-ms=500",
        "orderflow.notifications.shop-name=Demo Shop", "orderflow.notifications.email.host=127.0.0.1",
        "orderflow.notifications.email.from=Demo Shop <orders@demo-shop.example>",
        "orderflow.notifications.email.start-tls=false",
        "orderflow.notifications.sms.twilio.account-sid=ACtest0000000000000000000000000000",
        "orderflow.notifications.sms.twilio.auth-token=twilio-test-token",
        "orderflow.notifications.sms.twilio.from=+15005550006",
        "orderflow.erp.kind=erpnext", "orderflow.erp.erpnext.api-key=erp-key", "orderflow.erp.erpnext.api-secret=erp-secret",
        "orderflow.erp.erpnext.company=Demo Shop Ltd", "orderflow.erp.erpnext.warehouse=Stores - DS"})
@ActiveProfiles("test")
class NotifyStageTest {

    static final String ACCOUNT = "ACtest0000000000000000000000000000";
    static final String MESSAGES = "/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json";
    static final Path GOLDEN = Path.of("mappings/notifications/en");
    static final ObjectMapper JSON = new ObjectMapper();
    static final int SMTP_PORT = freePort();
    static final WireMockServer TWILIO = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final WireMockServer ERPNEXT = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static GreenMail mail = startMail();

    static {
        TWILIO.start();
        ERPNEXT.start();
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("orderflow.notifications.email.port", () -> SMTP_PORT);
        registry.add("orderflow.notifications.sms.twilio.base-url", TWILIO::baseUrl);
        registry.add("orderflow.erp.url", ERPNEXT::baseUrl);
    }

    @AfterAll
    static void stop() {
        mail.stop();
        TWILIO.stop();
        ERPNEXT.stop();
    }

    @Autowired
    CamelContext camel;
    @Autowired
    JmsTemplate jms;
    @Autowired
    EmbeddedActiveMQ embedded;

    @BeforeEach
    void twilioAccepts() throws IOException {
        TWILIO.resetAll();
        TWILIO.stubFor(post(urlEqualTo(MESSAGES)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody(Files.readString(Path.of("src/test/resources/fixtures/twilio-message-create-response.json")))));
    }

    @Test
    void aPaymentFailedRequestIsMailedAndTextedOnceExactlyAsItsTemplatesSay() throws Exception {
        ObjectNode request = golden("payment-failed", "card-declined", "test-shopify:9101", "pf-9101@customer.example");
        send(request, "gate:notify:payment-failed:d-9101");

        MimeMessage received = awaitOneMail("pf-9101@customer.example");
        assertMail(received, "pf-9101@customer.example", "payment-failed", "card-declined");
        await().atMost(Duration.ofSeconds(20)).until(() -> smsTo("+15556251199").size() == 1);
        Map<String, String> sms = smsTo("+15556251199").get(0);
        assertThat(sms).containsExactly(Map.entry("To", "+15556251199"), Map.entry("From", "+15005550006"),
                Map.entry("Body", golden("payment-failed", "card-declined", "sms.txt")));
        TWILIO.verify(1, postRequestedFor(urlEqualTo(MESSAGES))
                .withHeader("Authorization", equalTo("Basic " + java.util.Base64.getEncoder().encodeToString(
                        (ACCOUNT + ":twilio-test-token").getBytes(StandardCharsets.UTF_8))))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded")));
        assertThat(markers("payment-failed:test-shopify:9101:email")).isEqualTo(1);
        assertThat(markers("payment-failed:test-shopify:9101:sms")).isEqualTo(1);
    }

    @Test
    void theSameRequestTwiceAndAReplayGiveOneMailAndOneSms() throws Exception {
        ObjectNode request = golden("order-cancelled-unpaid", "unpaid", "test-shopify:9102", "cu-9102@customer.example");
        NotifyBuilder three = new NotifyBuilder(camel).fromRoute("notify").whenCompleted(3).create();
        // The same request from two deliveries (different duplicate ids), and the broker's duplicate (same id).
        send(request, "gate:notify:order-cancelled-unpaid:test-shopify:9102");
        send(request, "gate:notify:order-cancelled-unpaid:test-shopify:9102");
        send(request, "redelivered-upstream-" + UUID.randomUUID());
        awaitOneMail("cu-9102@customer.example");
        // A replay from review carries a fresh duplicate id (ReviewReplayer).
        send(request, "replay:" + UUID.randomUUID());
        assertThat(three.matches(30, TimeUnit.SECONDS)).as("every copy handled").isTrue();

        assertThat(mailsTo("cu-9102@customer.example")).hasSize(1);
        assertMail(mailsTo("cu-9102@customer.example").get(0), "cu-9102@customer.example", "order-cancelled-unpaid", "unpaid");
        assertThat(smsTo("+4915112345678")).hasSize(1);
    }

    @Test
    void aBackorderIsMailedOnlyAsConfiguredWithItsShortLines() throws Exception {
        send(golden("backorder", "one-sku-short", "test-shopify:9103", "bo-9103@customer.example"), "erp:notify-backorder:d-9103");

        assertMail(awaitOneMail("bo-9103@customer.example"), "bo-9103@customer.example", "backorder", "one-sku-short");
        // backorder goes by e-mail only (orderflow.notifications.events default).
        Thread.sleep(500);
        assertThat(smsTo("555-625-1199")).isEmpty();
    }

    @Test
    void anSmsEventWithoutAPhoneNumberIsMailedAndNotTexted() throws Exception {
        ObjectNode request = golden("payment-failed", "card-declined", "test-shopify:9104", "np-9104@customer.example");
        ((ObjectNode) request.get("customer")).remove("phone");
        NotifyBuilder done = new NotifyBuilder(camel).fromRoute("notify").whenCompleted(1).create();
        send(request, "gate:notify:payment-failed:d-9104");

        assertMail(awaitOneMail("np-9104@customer.example"), "np-9104@customer.example", "payment-failed", "card-declined");
        assertThat(done.matches(20, TimeUnit.SECONDS)).isTrue();
        TWILIO.verify(0, postRequestedFor(urlEqualTo(MESSAGES)));
    }

    @Test
    void smtpDownThenUpDeliversTheMailOnceAndDeadLettersNothing() throws Exception {
        Broker broker = new Broker(embedded);
        long deadBefore = broker.added("orderflow.dead-letter");
        mail.stop();
        NotifyBuilder failedTwice = new NotifyBuilder(camel).fromRoute("notify").whenFailed(2).create();
        try {
            send(golden("backorder", "one-sku-short", "test-shopify:9105", "down-9105@customer.example"), "erp:notify-backorder:d-9105");
            assertThat(failedTwice.matches(30, TimeUnit.SECONDS)).as("attempts rolled back while SMTP is down").isTrue();
            assertThat(broker.added("orderflow.dead-letter")).isEqualTo(deadBefore);
            assertThat(markers("backorder:test-shopify:9105:email")).isZero();
        } finally {
            mail = startMail();
        }
        assertMail(awaitOneMail("down-9105@customer.example"), "down-9105@customer.example", "backorder", "one-sku-short");
        Thread.sleep(1000);
        assertThat(mailsTo("down-9105@customer.example")).hasSize(1);
        assertThat(broker.added("orderflow.dead-letter")).isEqualTo(deadBefore);
        assertThat(Queues.browse(jms, "orderflow.notify.requests", "test-shopify:9105")).isEmpty();
    }

    @Test
    void anSmsFailureAfterTheMailRetriesOnlyTheSms() throws Exception {
        // Twilio answers 503 twice, then accepts: the request is redelivered, the e-mail (sent on the first attempt)
        // is found in the sent markers and not sent again.
        TWILIO.stubFor(post(urlEqualTo(MESSAGES)).inScenario("twilio-down").whenScenarioStateIs(
                com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED).willSetStateTo("one-failure")
                .willReturn(aResponse().withStatus(503)).atPriority(1));
        TWILIO.stubFor(post(urlEqualTo(MESSAGES)).inScenario("twilio-down").whenScenarioStateIs("one-failure")
                .willSetStateTo("up").willReturn(aResponse().withStatus(503)).atPriority(1));
        ObjectNode request = golden("payment-failed", "card-declined", "test-shopify:9107", "sms-down-9107@customer.example");
        ((ObjectNode) request.get("customer")).put("phone", "+15556259107");
        send(request, "gate:notify:payment-failed:d-9107");

        await().atMost(Duration.ofSeconds(30)).until(() -> smsTo("+15556259107").size() == 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> markers("payment-failed:test-shopify:9107:sms") == 1);
        assertThat(mailsTo("sms-down-9107@customer.example")).hasSize(1);
        assertThat(smsTo("+15556259107")).hasSize(3);   // two refused, one accepted
    }

    @Test
    void aNumberTwilioRefusesIsParkedForReviewWithItsReasonMaskedAndTheMailGoesOnce() throws Exception {
        TWILIO.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"code\": 21211, \"message\": \"The 'To' number +15556259108 is not a valid phone number.\","
                        + " \"more_info\": \"https://www.twilio.com/docs/errors/21211\", \"status\": 400}")));
        // A possible number (it passes the E.164 normalisation, PhoneNumbers) that Twilio still refuses.
        ObjectNode request = golden("payment-failed", "card-declined", "test-shopify:9108", "bad-9108@customer.example");
        ((ObjectNode) request.get("customer")).put("phone", "+1 555 625 9108");
        send(request, "gate:notify:payment-failed:d-9108");

        var parked = Queues.await(jms, "orderflow.review", "test-shopify:9108").get(0);
        assertThat(parked.getStringProperty("orderflowReason")).contains("Twilio refused the SMS: HTTP 400 code 21211")
                .doesNotContain("6259108").doesNotContain("625 9108");
        assertThat(JSON.readTree(parked.getText()).get("template").asText()).isEqualTo("payment-failed");
        assertThat(mailsTo("bad-9108@customer.example")).hasSize(1);
        TWILIO.verify(1, postRequestedFor(urlEqualTo(MESSAGES)));

        // Replayed after the fix (as POST /admin/review/replay does, fresh duplicate id): the SMS goes, the mail not again.
        TWILIO.resetAll();
        twilioAccepts();
        ((ObjectNode) request.get("customer")).put("phone", "+15556259108");
        send(request, "replay:" + UUID.randomUUID());
        await().atMost(Duration.ofSeconds(20)).until(() -> smsTo("+15556259108").size() == 1);
        Thread.sleep(500);
        assertThat(mailsTo("bad-9108@customer.example")).hasSize(1);
    }

    @Test
    void aNationalNumberIsTextedInE164ReadInTheOrdersCountry() throws Exception {
        // As the shop gave it (Shopify's customer.phone), the order in the US: Twilio gets To=+15556259110.
        ObjectNode request = golden("payment-failed", "card-declined", "test-shopify:9110", "us-9110@customer.example");
        ((ObjectNode) request.get("customer")).put("phone", "555-625-9110");
        request.put("country", "US");
        send(request, "gate:notify:payment-failed:d-9110");

        await().atMost(Duration.ofSeconds(20)).until(() -> smsTo("+15556259110").size() == 1);
        assertThat(smsTo("+15556259110").get(0)).containsEntry("To", "+15556259110").containsEntry("From", "+15005550006");
        assertMail(awaitOneMail("us-9110@customer.example"), "us-9110@customer.example", "payment-failed", "card-declined");
        Thread.sleep(500);
        TWILIO.verify(1, postRequestedFor(urlEqualTo(MESSAGES)));

        // A German mobile, national, read in the shipping address's country (an order-shaped request).
        ObjectNode german = golden("payment-failed", "card-declined", "test-shopify:9111", "de-9111@customer.example");
        ((ObjectNode) german.get("customer")).put("phone", "0171 1234567");
        german.putObject("shippingAddress").put("country", "DE");
        send(german, "gate:notify:payment-failed:d-9111");
        await().atMost(Duration.ofSeconds(20)).until(() -> smsTo("+491711234567").size() == 1);
        // the marker is committed right after Twilio answered, so a moment after WireMock logged the request
        await().atMost(Duration.ofSeconds(10)).until(() -> markers("payment-failed:test-shopify:9111:sms") == 1);
    }

    @Test
    void aNumberThatCannotBeMadeE164IsNotTextedNotParkedAndTheMailGoes() throws Exception {
        NotifyBuilder done = new NotifyBuilder(camel).fromRoute("notify").whenCompleted(2).create();
        // National without any country to read it in, and one too short: no SMS, the mail goes, nothing parked.
        ObjectNode noCountry = golden("payment-failed", "card-declined", "test-shopify:9112", "nc-9112@customer.example");
        ((ObjectNode) noCountry.get("customer")).put("phone", "555-625-9112");
        send(noCountry, "gate:notify:payment-failed:d-9112");
        ObjectNode tooShort = golden("payment-failed", "card-declined", "test-shopify:9113", "ts-9113@customer.example");
        ((ObjectNode) tooShort.get("customer")).put("phone", "12");
        tooShort.put("country", "DE");
        send(tooShort, "gate:notify:payment-failed:d-9113");

        assertMail(awaitOneMail("nc-9112@customer.example"), "nc-9112@customer.example", "payment-failed", "card-declined");
        assertMail(awaitOneMail("ts-9113@customer.example"), "ts-9113@customer.example", "payment-failed", "card-declined");
        assertThat(done.matches(20, TimeUnit.SECONDS)).isTrue();
        TWILIO.verify(0, postRequestedFor(urlEqualTo(MESSAGES)));
        assertThat(Queues.browse(jms, "orderflow.review", "test-shopify:9112")).isEmpty();
        assertThat(Queues.browse(jms, "orderflow.review", "test-shopify:9113")).isEmpty();
        assertThat(markers("payment-failed:test-shopify:9112:sms")).isZero();
        assertThat(markers("payment-failed:test-shopify:9112:email")).isEqualTo(1);
    }

    @Test
    void anOrderThroughTheErpStageGetsItsConfirmationMailOnce() throws Exception {
        erpnextWithStock();
        ObjectNode order = releasedOrder("test-shopify", "9106");
        NotifyBuilder notified = new NotifyBuilder(camel).fromRoute("notify").whenCompleted(2).create();
        release(order, "e-9106");
        release(order, "e-9106-again");   // released twice (a replay): the ERP finds its order, one mail still

        MimeMessage confirmation = awaitOneMail("bob.norman@hostmail.com");
        assertThat(notified.matches(30, TimeUnit.SECONDS)).isTrue();
        assertMail(confirmation, "bob.norman@hostmail.com", "order-confirmed", "three-lines");
        assertThat(mailsTo("bob.norman@hostmail.com")).hasSize(1);
        TWILIO.verify(0, postRequestedFor(urlEqualTo(MESSAGES)));   // order-confirmed: e-mail only by default
    }

    /**
     * The known double-mail window (SMTP accepted, the connector stopped before the "sent" marker was committed) is
     * re-enacted by taking the marker off the broker after the first mail: the redelivered request mails again, and
     * both copies carry the same Message-ID, derived from the notification key, so a receiver can drop the second.
     * Another package of the same order (another key) gets another Message-ID.
     */
    @Test
    void aMailSentAgainAfterItsMarkerWasLostHasTheSameMessageIdAndAnotherPackageAnother() throws Exception {
        String to = "mid-9120@customer.example";
        ObjectNode first = golden("delivered", "no-name-no-order-name", "test-shopify:9120", to).put("package", "PKG-9120-1");
        send(first, "wms:notify:delivered:PKG-9120-1");
        MimeMessage original = awaitOneMail(to);
        await().atMost(Duration.ofSeconds(10)).until(() -> markers("delivered:test-shopify:9120:PKG-9120-1:email") == 1);

        // the window: the marker never made it (a crash right after SMTP accepted); the request comes again
        var sent = embedded.getActiveMQServer().locateQueue(org.apache.activemq.artemis.api.core.SimpleString.of(
                io.orderflow.broker.BrokerAddresses.stateQueueOf("orderflow.notify.sent", "delivered:test-shopify:9120:PKG-9120-1:email")));
        assertThat(sent.deleteMatchingReferences(org.apache.activemq.artemis.core.filter.impl.FilterImpl.createFilter(
                "notificationKey = 'delivered:test-shopify:9120:PKG-9120-1:email'"))).isEqualTo(1);
        assertThat(markers("delivered:test-shopify:9120:PKG-9120-1:email")).isZero();
        send(first, "wms:notify:delivered:PKG-9120-1:redelivered");
        await().atMost(Duration.ofSeconds(30)).until(() -> mailsTo(to).size() == 2);
        MimeMessage copy = mailsTo(to).get(1);
        assertThat(copy.getHeader("Message-ID")).hasSize(1);
        assertThat(copy.getMessageID()).isEqualTo(original.getMessageID())
                .isEqualTo(NotificationMessageIds.of("delivered:test-shopify:9120:PKG-9120-1:email",
                        "Demo Shop <orders@demo-shop.example>"))
                .matches("<orderflow\\.[0-9a-f]{32}@demo-shop\\.example>");

        // another package of the same order, and the same event of another order: other Message-IDs
        send(golden("delivered", "no-name-no-order-name", "test-shopify:9120", to).put("package", "PKG-9120-2"),
                "wms:notify:delivered:PKG-9120-2");
        send(golden("delivered", "no-name-no-order-name", "test-shopify:9121", to).put("package", "PKG-9120-1"),
                "wms:notify:delivered:9121:PKG-9120-1");
        await().atMost(Duration.ofSeconds(30)).until(() -> mailsTo(to).size() == 4);
        Thread.sleep(500);
        List<String> ids = new ArrayList<>();
        for (MimeMessage m : mailsTo(to)) {
            ids.add(m.getMessageID());
        }
        assertThat(ids).hasSize(4);
        assertThat(ids.get(2)).isNotEqualTo(ids.get(0));
        assertThat(ids.get(3)).isNotEqualTo(ids.get(0)).isNotEqualTo(ids.get(2));
        assertThat(ids).doesNotContainNull().allSatisfy(id -> assertThat(id).doesNotContain("9120").doesNotContain(to));
    }

    // --- helpers ---

    /** A golden example's request, re-keyed to this test's order and customer address. */
    static ObjectNode golden(String event, String example, String orderKey, String email) throws IOException {
        ObjectNode request = (ObjectNode) JSON.readTree(Files.readString(GOLDEN.resolve(event + ".examples/" + example + ".input.json")));
        request.put("orderKey", orderKey).put("channel", "test-shopify");
        ((ObjectNode) request.get("customer")).put("email", email);
        return request;
    }

    static String golden(String event, String example, String part) throws IOException {
        return Files.readString(GOLDEN.resolve(event + ".examples/" + example + "." + part), StandardCharsets.UTF_8);
    }

    void send(ObjectNode request, String duplicateId) {
        String orderKey = request.get("orderKey").asText();
        jms.send("orderflow.notify.requests", session -> {
            var message = session.createTextMessage(request.toString());
            message.setStringProperty("orderKey", orderKey);
            message.setStringProperty("JMSXGroupID", orderKey);
            message.setStringProperty("_AMQ_DUPL_ID", duplicateId);
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

    long markers(String key) {
        return jms.browseSelected(io.orderflow.broker.BrokerAddresses.stateQueueOf("orderflow.notify.sent", key), "notificationKey = '" + key + "'", (session, browser) -> {
            long n = 0;
            for (var e = browser.getEnumeration(); e.hasMoreElements(); e.nextElement()) {
                n++;
            }
            return n;
        });
    }

    static MimeMessage awaitOneMail(String to) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !mailsTo(to).isEmpty());
        return mailsTo(to).get(0);
    }

    static List<MimeMessage> mailsTo(String to) {
        List<MimeMessage> found = new ArrayList<>();
        for (MimeMessage m : mail.getReceivedMessages()) {
            try {
                if (Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().equals(to))) {
                    found.add(m);
                }
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return found;
    }

    static void assertMail(MimeMessage m, String to, String event, String example) throws Exception {
        assertThat(m.getRecipients(jakarta.mail.Message.RecipientType.TO)).extracting(Object::toString).containsExactly(to);
        assertThat(m.getFrom()).extracting(Object::toString).containsExactly("Demo Shop <orders@demo-shop.example>");
        assertThat(m.getSubject()).isEqualTo(golden(event, example, "subject.txt"));
        Map<String, String> parts = new LinkedHashMap<>();
        collect(m, parts);
        assertThat(parts).containsOnlyKeys("text/plain", "text/html");
        // SMTP carries text with CRLF line ends (RFC 5321); the templates are written with LF.
        assertThat(parts.get("text/plain").replace("\r\n", "\n")).isEqualTo(golden(event, example, "txt"));
        assertThat(parts.get("text/html").replace("\r\n", "\n")).isEqualTo(golden(event, example, "html"));
        // No JMS or orderflow headers in a customer's mail.
        assertThat(m.getHeader("orderKey")).isNull();
        assertThat(m.getHeader("JMSXDeliveryCount")).isNull();
    }

    static void collect(Part part, Map<String, String> parts) throws Exception {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart body = multipart.getBodyPart(i);
                collect(body, parts);
            }
        } else if (part.isMimeType("text/plain")) {
            parts.put("text/plain", (String) part.getContent());
        } else if (part.isMimeType("text/html")) {
            parts.put("text/html", (String) part.getContent());
        }
    }

    static List<Map<String, String>> smsTo(String to) {
        List<Map<String, String>> found = new ArrayList<>();
        for (LoggedRequest r : TWILIO.findAll(postRequestedFor(urlEqualTo(MESSAGES)))) {
            Map<String, String> form = new LinkedHashMap<>();
            for (String pair : r.getBodyAsString().split("&")) {
                String[] kv = pair.split("=", 2);
                form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
            if (to.equals(form.get("To"))) {
                found.add(form);
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
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // The ERP (WireMock ERPNext), as in ErpNextErpTest: every SKU in stock.
    void erpnextWithStock() {
        ERPNEXT.resetAll();
        list("Sales%20Order", "[]");
        list("Customer", "[]");
        list("Item", "[{\"item_code\":\"IPOD2008GREEN\"},{\"item_code\":\"IPOD2008RED\"},{\"item_code\":\"IPOD2008BLACK\"}]");
        list("Bin", "[{\"item_code\":\"IPOD2008GREEN\",\"actual_qty\":5,\"reserved_qty\":0},"
                + "{\"item_code\":\"IPOD2008RED\",\"actual_qty\":5,\"reserved_qty\":0},"
                + "{\"item_code\":\"IPOD2008BLACK\",\"actual_qty\":5,\"reserved_qty\":0}]");
        ERPNEXT.stubFor(post(urlEqualTo("/api/resource/Customer")).willReturn(data("{\"name\":\"Bob Norman\"}")));
        ERPNEXT.stubFor(post(urlEqualTo("/api/resource/Address")).willReturn(data("{\"name\":\"Bob Norman-Billing\"}")));
        ERPNEXT.stubFor(post(urlEqualTo("/api/resource/Sales%20Order"))
                .willReturn(data("{\"name\":\"SAL-ORD-2026-00091\",\"docstatus\":0}")));
        ERPNEXT.stubFor(put(urlEqualTo("/api/resource/Sales%20Order/SAL-ORD-2026-00091"))
                .willReturn(data("{\"name\":\"SAL-ORD-2026-00091\",\"docstatus\":1}")));
        ERPNEXT.stubFor(get(urlEqualTo("/api/resource/Sales%20Order/SAL-ORD-2026-00091"))
                .willReturn(data("{\"name\":\"SAL-ORD-2026-00091\",\"docstatus\":0,\"grand_total\":597.0}")));
    }

    static ObjectNode releasedOrder(String channel, String number) throws IOException {
        ObjectNode order = (ObjectNode) JSON.readTree(Files.readString(
                Path.of("mappings/shopify-order-to-canonical.examples/orders-create.expected.json")));
        order.put("channel", channel).put("orderKey", channel + ":" + number).put("externalId", number)
                .put("orderNumber", number).put("erpReference", channel + "-" + number);
        ((ObjectNode) order.get("totals")).put("subtotal", "597.00").put("tax", "0.00").put("total", "597.00");
        return order;
    }

    private static void list(String doctype, String rows) {
        ERPNEXT.stubFor(get(urlPathEqualTo("/api/resource/" + doctype)).willReturn(data(rows)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder data(String data) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"data\":" + data + "}");
    }
}
