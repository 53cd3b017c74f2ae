package io.orderflow.wms;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.orderflow.wms.WmsTestSupport.addPackage;
import static io.orderflow.wms.WmsTestSupport.allocate;
import static io.orderflow.wms.WmsTestSupport.example;
import static io.orderflow.wms.WmsTestSupport.json;
import static io.orderflow.wms.WmsTestSupport.shipment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.support.Broker;
import io.orderflow.support.Queues;
import io.orderflow.support.Webhooks;
import jakarta.jms.TextMessage;
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
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The fulfilment and tracking stages with the generic REST WMS over real protocols: allocated orders (as the ERP stage
 * puts them) -> a WireMock WMS that speaks docs/wms-rest-api.yaml; signed shipment webhooks over HTTP to
 * /webhooks/wms/main -> write-back requests and customer mails (GreenMail SMTP), once each per package.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"orderflow.data-dir=target/test-data/wms-rest-${random.uuid}", "spring.artemis.embedded.server-id=61",
                "orderflow.wms.kind=rest", "orderflow.writeback.shop=false", "orderflow.writeback.erp=false", "orderflow.wms.id=main", "orderflow.wms.api-key=wms-test-token",
                "orderflow.wms.webhook-secrets[0]=wms-test-secret", "orderflow.wms.webhook-secrets[1]=wms-previous-secret",
                "orderflow.wms.max-requests-per-minute=6000", "orderflow.wms.timeout=5s",
                "orderflow.wms.circuit-failure-threshold=2", "orderflow.wms.circuit-half-open-after=2s",
                "orderflow.broker.redelivery-delay-ms=200", "orderflow.broker.max-redelivery-delay-ms=500",
                "orderflow.notifications.shop-name=Demo Shop", "orderflow.notifications.email.host=127.0.0.1",
                "orderflow.notifications.email.from=Demo Shop <orders@demo-shop.example>",
                "orderflow.notifications.email.start-tls=false",
                "orderflow.notifications.events.out-for-delivery=email",
                // Ops alerts on (the accuracy mismatch below is listed in the batched alert mail).
                "orderflow.alerts.email=ops@demo-shop.example", "orderflow.alerts.batch-interval=1s"})
@ActiveProfiles("test")
class RestWmsFulfilmentTest {

    static final String CREATE = "/fulfilment-orders";
    static final String WEBHOOK = "/webhooks/wms/main";
    static final int SMTP_PORT = WmsTestSupport.freePort();
    static final WireMockServer WMS = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final GreenMail MAIL = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    static {
        WMS.start();
        MAIL.start();
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("orderflow.wms.url", () -> WMS.baseUrl() + "/api/v1");
        registry.add("orderflow.notifications.email.port", () -> SMTP_PORT);
    }

    @AfterAll
    static void stop() {
        WMS.stop();
        MAIL.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    JmsTemplate jms;
    @Autowired
    EmbeddedActiveMQ embedded;
    @Autowired
    CamelContext camel;
    @Autowired
    MeterRegistry meters;
    @Autowired
    FulfilmentStateStore states;

    @BeforeEach
    void wmsAccepts() {
        WMS.resetAll();
        WMS.stubFor(post(urlEqualTo("/api/v1" + CREATE)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"FO-123\",\"status\":\"accepted\"}")));
    }

    @Test
    void anAllocatedOrderBecomesExactlyOneWmsFulfilmentOrderWithTheExactBodyAlsoWhenDeliveredTwice() throws Exception {
        String allocated = example("wms-rest-fulfilment-order", "many-lines-express.input.json", "7001", "c-7001@customer.example");
        String expected = example("wms-rest-fulfilment-order", "many-lines-express.expected.json", "7001", "c-7001@customer.example");
        NotifyBuilder twice = new NotifyBuilder(camel).fromRoute("fulfilment").whenCompleted(2).create();
        allocate(jms, allocated, "erp:allocated:d-7001");
        allocate(jms, allocated, "erp:allocated:d-7001-replayed");

        assertThat(twice.matches(30, TimeUnit.SECONDS)).isTrue();
        WMS.verify(1, postRequestedFor(urlEqualTo("/api/v1" + CREATE))
                .withHeader("Authorization", equalTo("Bearer wms-test-token"))
                .withHeader("Idempotency-Key", equalTo("shop-eu:7001"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson(expected)));
        WMS.verify(1, postRequestedFor(urlEqualTo("/api/v1" + CREATE)));
        JsonNode state = states.load("shop-eu:7001");
        assertThat(state.get("wmsFulfilmentId").asText()).isEqualTo("FO-123");
        assertThat(state.get("status").asText()).isEqualTo("requested");
        assertThat(state.get("lines")).hasSize(3);
        List<TextMessage> requested = Queues.browse(jms, "orderflow.fulfilment.requested", "shop-eu:7001");
        assertThat(requested).hasSize(1);
        assertThat(json(requested.get(0).getText()).get("event").asText()).isEqualTo("fulfilment-requested");
    }

    @Test
    void aWmsThatKnowsTheOrderAlreadyAnswers409AndItsFulfilmentOrderIsRecorded() throws Exception {
        WMS.stubFor(post(urlEqualTo("/api/v1" + CREATE)).atPriority(1).willReturn(aResponse().withStatus(409)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"FO-EXISTING\",\"status\":\"picking\"}")));
        allocate(jms, example("wms-rest-fulfilment-order", "one-line-order.input.json", "7002", "c-7002@customer.example"), "a-7002");
        String orderKey = "shop-eu:820982911946154508";
        await().atMost(Duration.ofSeconds(20)).until(() -> states.load(orderKey) != null);
        assertThat(states.load(orderKey).get("wmsFulfilmentId").asText()).isEqualTo("FO-EXISTING");
        WMS.verify(1, postRequestedFor(urlEqualTo("/api/v1" + CREATE)));
    }

    @Test
    void aWmsValidationErrorParksTheOrderForReviewWithTheWmsReason() throws Exception {
        WMS.stubFor(post(urlEqualTo("/api/v1" + CREATE)).atPriority(1).willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"unknown SKU IPOD2008GREEN in warehouse\"}")));
        allocate(jms, example("wms-rest-fulfilment-order", "many-lines-express.input.json", "7003", "c-7003@customer.example"), "a-7003");

        TextMessage parked = Queues.await(jms, "orderflow.review", "shop-eu:7003").get(0);
        assertThat(parked.getStringProperty("orderflowReason")).contains("HTTP 422").contains("unknown SKU IPOD2008GREEN");
        assertThat(json(parked.getText()).get("orderKey").asText()).isEqualTo("shop-eu:7003");
        assertThat(states.load("shop-eu:7003")).isNull();
    }

    @Test
    void aShipmentWebhookWithoutOrWithAWrongSignatureIs401AndNothingIsEnqueued() throws Exception {
        Broker broker = new Broker(embedded);
        long before = broker.added("orderflow.intake.wms");
        byte[] body = addPackage(shipment("evt-sig", "shop-eu:7004", "FO-123"), "PKG-S", "shipped", "1ZSIG",
                "IPOD2008GREEN:1").toString().getBytes(StandardCharsets.UTF_8);

        assertThat(Webhooks.post(port, WEBHOOK, body, Map.of("Content-Type", "application/json")).statusCode()).isEqualTo(401);
        assertThat(Webhooks.post(port, WEBHOOK, body, Map.of("Content-Type", "application/json",
                "X-Orderflow-Hmac-Sha256", Webhooks.hmacBase64("not-the-secret", body))).statusCode()).isEqualTo(401);
        assertThat(Webhooks.post(port, "/webhooks/wms/other", body, Map.of("Content-Type", "application/json",
                "X-Orderflow-Hmac-Sha256", Webhooks.hmacBase64("wms-test-secret", body))).statusCode()).isEqualTo(404);
        assertThat(broker.added("orderflow.intake.wms")).isEqualTo(before);

        // The previous secret (rotation) verifies too.
        HttpResponse<String> good = Webhooks.post(port, WEBHOOK, body, Map.of("Content-Type", "application/json",
                "X-Orderflow-Hmac-Sha256", Webhooks.hmacBase64("wms-previous-secret", body)));
        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(json(good.body()).get("status").asText()).isEqualTo("accepted");
        assertThat(broker.added("orderflow.intake.wms")).isEqualTo(before + 1);
    }

    @Test
    void aSplitShipmentWritesBackEachPackageOnceAndMailsEachPackage() throws Exception {
        String orderKey = fulfilled("7005", "split-7005@customer.example");
        NotifyBuilder firstTracked = new NotifyBuilder(camel).fromRoute("tracking").whenCompleted(1).create();
        signed(addPackage(shipment("evt-7005-1", orderKey, "FO-123"), "PKG-7005-1", "shipped", "1Z7005A",
                "IPOD2008GREEN:1:466157049", "IPOD2008RED:1:518995019"));
        assertThat(firstTracked.matches(30, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> states.load(orderKey).get("status").asText().equals("partially_shipped"));
        signed(addPackage(shipment("evt-7005-2", orderKey, "FO-123"), "PKG-7005-2", "shipped", "1Z7005B",
                "IPOD2008BLACK:1:703073504"));

        await().atMost(Duration.ofSeconds(30)).until(() -> mailsTo("split-7005@customer.example").size() == 2);
        List<TextMessage> writebacks = Queues.await(jms, "orderflow.writeback.requests", orderKey);
        await().atMost(Duration.ofSeconds(10)).until(() -> Queues.browse(jms, "orderflow.writeback.requests", orderKey).size() == 2);
        writebacks = Queues.browse(jms, "orderflow.writeback.requests", orderKey);
        JsonNode first = json(writebacks.get(0).getText());
        JsonNode second = json(writebacks.get(1).getText());
        assertThat(first.get("packageId").asText()).isEqualTo("PKG-7005-1");
        assertThat(first.get("orderComplete").asBoolean()).isFalse();
        // The ERP stage's reference travels with the request, so the write-back need not ask the shop for it.
        assertThat(first.path("erpReference").asText()).startsWith("shop-eu-");
        assertThat(first.get("trackingNumber").asText()).isEqualTo("1Z7005A");
        assertThat(first.get("lines")).hasSize(2);
        assertThat(first.get("shippedLines").toString()).contains("{\"sku\":\"IPOD2008BLACK\",\"shopLineId\":\"703073504\",\"ordered\":\"1\",\"shipped\":\"0\"}");
        assertThat(second.get("packageId").asText()).isEqualTo("PKG-7005-2");
        assertThat(second.get("orderComplete").asBoolean()).isTrue();
        assertThat(second.get("shippedLines").toString()).doesNotContain("\"shipped\":\"0\"");
        assertThat(states.load(orderKey).get("status").asText()).isEqualTo("shipped");

        List<String> subjects = new ArrayList<>();
        for (MimeMessage m : mailsTo("split-7005@customer.example")) {
            subjects.add(m.getSubject());
        }
        assertThat(subjects).containsExactly("Demo Shop: a package of order #1001 has shipped", "Demo Shop: order #1001 has shipped");
        String firstText = text(mailsTo("split-7005@customer.example").get(0));
        assertThat(firstText).contains("Track your package: https://www.ups.com/track?tracknum=1Z7005A")
                .contains("- 1 x IPod Nano - 8gb - green (IPOD2008GREEN)").doesNotContain("IPOD2008BLACK");

        // Tracking: out for delivery and delivered, each mailed once per package, also when the carrier repeats itself.
        for (int i = 0; i < 2; i++) {
            signed(tracking("evt-7005-ofd-" + i, orderKey, "PKG-7005-1", "OutForDelivery"));
            signed(tracking("evt-7005-del-" + i, orderKey, "PKG-7005-1", "Delivered_001"));
        }
        signed(tracking("evt-7005-late", orderKey, "PKG-7005-1", "InTransit"));   // late, out of order: changes nothing
        await().atMost(Duration.ofSeconds(30)).until(() -> mailsTo("split-7005@customer.example").size() == 4);
        Thread.sleep(1500);
        assertThat(mailsTo("split-7005@customer.example")).hasSize(4);
        assertThat(mailsTo("split-7005@customer.example").get(3).getSubject())
                .isEqualTo("Demo Shop: your package of order #1001 has been delivered");
        assertThat(states.load(orderKey).get("packages").get(0).get("status").asText()).isEqualTo("delivered");
        assertThat(states.load(orderKey).get("status").asText()).isEqualTo("shipped");   // package 2 not delivered yet
        assertThat(Queues.browse(jms, "orderflow.writeback.requests", orderKey)).hasSize(2);
    }

    @Test
    void theSameShipmentWebhookThreeTimesAndAgainWithAnotherEventIdIsTrackedOnce() throws Exception {
        String orderKey = fulfilled("7006", "dup-7006@customer.example");
        ObjectNode webhook = addPackage(shipment("evt-7006", orderKey, "FO-123"), "PKG-7006", "shipped", "1Z7006",
                "IPOD2008GREEN:1", "IPOD2008RED:1", "IPOD2008BLACK:1");
        for (int i = 0; i < 3; i++) {
            assertThat(signed(webhook).statusCode()).isEqualTo(200);
        }
        NotifyBuilder tracked = new NotifyBuilder(camel).fromRoute("tracking").whenCompleted(1).create();
        webhook.put("eventId", "evt-7006-resent");   // the WMS re-sends the package as a new event
        signed(webhook);
        assertThat(tracked.matches(30, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> mailsTo("dup-7006@customer.example").size() == 1);
        Thread.sleep(1500);
        assertThat(mailsTo("dup-7006@customer.example")).hasSize(1);
        assertThat(Queues.browse(jms, "orderflow.writeback.requests", orderKey)).hasSize(1);
        assertThat(json(Queues.browse(jms, "orderflow.writeback.requests", orderKey).get(0).getText())
                .get("orderComplete").asBoolean()).isTrue();
    }

    @Test
    void aWrongLineShipmentCountsAnAccuracyMismatchAndReportsTheDifference() throws Exception {
        double mismatchesBefore = count("mismatch");
        double accurateBefore = count("accurate");
        String orderKey = fulfilled("7007", "wrong-7007@customer.example");
        signed(addPackage(shipment("evt-7007", orderKey, "FO-123"), "PKG-7007", "shipped", "1Z7007",
                "IPOD2008GREEN:2", "IPOD2008PURPLE:1"));

        TextMessage report = Queues.await(jms, "orderflow.review", orderKey).get(0);
        assertThat(report.getStringProperty("orderflowReason"))
                .contains("SKU IPOD2008GREEN: 2 shipped, 1 ordered")
                .contains("SKU IPOD2008PURPLE x 1 shipped but not ordered")
                .doesNotContain("wrong-7007");
        assertThat(json(report.getText()).get("packageId").asText()).isEqualTo("PKG-7007");
        assertThat(count("mismatch")).isEqualTo(mismatchesBefore + 1);
        assertThat(count("accurate")).isEqualTo(accurateBefore);
        // The parcel is on its way all the same: written back and mailed.
        assertThat(Queues.await(jms, "orderflow.writeback.requests", orderKey)).hasSize(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> mailsTo("wrong-7007@customer.example").size() == 1);
        assertThat(states.load(orderKey).get("mismatches")).hasSize(1);
        // The ops alert mail lists it once, as an accuracy mismatch with the difference, no customer data.
        await().atMost(Duration.ofSeconds(20)).until(() -> opsAlertLines(orderKey).size() == 1);
        assertThat(opsAlertLines(orderKey).get(0)).contains(" accuracy-mismatch  " + orderKey + "  ")
                .contains("SKU IPOD2008GREEN: 2 shipped, 1 ordered").contains("SKU IPOD2008PURPLE x 1 shipped but not ordered");
        Thread.sleep(3000);
        assertThat(opsAlertLines(orderKey)).hasSize(1);
        for (MimeMessage m : mailsTo("ops@demo-shop.example")) {
            assertThat((String) m.getContent()).doesNotContain("wrong-7007");
        }
    }

    /** The lines of the ops alert mails about this order. */
    static List<String> opsAlertLines(String orderKey) throws Exception {
        List<String> lines = new ArrayList<>();
        for (MimeMessage m : mailsTo("ops@demo-shop.example")) {
            ((String) m.getContent()).lines().filter(l -> l.contains("  " + orderKey + "  ")).forEach(lines::add);
        }
        return lines;
    }

    @Test
    void aWmsOutageDeadLettersNothingAndTheOrderDrainsOnceWhenItIsBack() throws Exception {
        Broker broker = new Broker(embedded);
        long deadBefore = broker.added("orderflow.dead-letter");
        var down = WMS.stubFor(post(urlEqualTo("/api/v1" + CREATE)).atPriority(1).willReturn(aResponse().withStatus(503)));
        NotifyBuilder failures = new NotifyBuilder(camel).fromRoute("fulfilment").whenFailed(4).create();
        allocate(jms, example("wms-rest-fulfilment-order", "missing-phone.input.json", "7008", "down@customer.example"), "a-7008");

        // More failures than orderflow.broker.max-delivery-attempts (3 in the test profile): still not dead-lettered.
        assertThat(failures.matches(60, TimeUnit.SECONDS)).isTrue();
        assertThat(broker.added("orderflow.dead-letter")).isEqualTo(deadBefore);
        String orderKey = "woo-uk:727";
        assertThat(states.load(orderKey)).isNull();

        WMS.removeStub(down);
        long refused = WMS.findAll(postRequestedFor(urlEqualTo("/api/v1" + CREATE))).size();
        assertThat(refused).isGreaterThanOrEqualTo(4);
        await().atMost(Duration.ofSeconds(60)).until(() -> states.load(orderKey) != null);
        Thread.sleep(1000);
        // Drained once: one call after the WMS came back (each of them carried the order's Idempotency-Key).
        assertThat(WMS.findAll(postRequestedFor(urlEqualTo("/api/v1" + CREATE)))).hasSize((int) refused + 1)
                .allMatch(r -> r.getHeader("Idempotency-Key").equals(orderKey));
        assertThat(states.load(orderKey).get("wmsFulfilmentId").asText()).isEqualTo("FO-123");
        assertThat(Queues.browse(jms, "orderflow.fulfilment.requested", orderKey)).hasSize(1);
        assertThat(Queues.browse(jms, "orderflow.allocated", orderKey)).isEmpty();
        assertThat(broker.added("orderflow.dead-letter")).isEqualTo(deadBefore);
    }

    @Test
    void aCancellationBeforeShippingCancelsTheWmsOrderOnceAndAfterShippingIsAReturnCase() throws Exception {
        WMS.stubFor(post(urlEqualTo("/api/v1/fulfilment-orders/FO-123/cancel")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"FO-123\",\"status\":\"cancelled\"}")));
        // Before shipping, delivered twice: one cancel at the WMS.
        String cancelled = fulfilled("7009", "cancel-7009@customer.example");
        cancel(cancelled, "cancelled", 0, "gate:cancel:d-7009");
        cancel(cancelled, "cancelled", 0, "gate:cancel:d-7009-again");
        await().atMost(Duration.ofSeconds(20)).until(() -> "cancelled".equals(states.load(cancelled).path("status").asText()));
        Thread.sleep(1000);
        WMS.verify(1, postRequestedFor(urlEqualTo("/api/v1/fulfilment-orders/FO-123/cancel"))
                .withHeader("Authorization", equalTo("Bearer wms-test-token"))
                .withHeader("Idempotency-Key", equalTo("cancel:" + cancelled))
                .withRequestBody(equalToJson("{\"orderKey\":\"" + cancelled + "\"}")));
        // A package the WMS ships anyway is a return case, not a write-back.
        signed(addPackage(shipment("evt-7009", cancelled, "FO-123"), "PKG-7009", "shipped", "1Z7009", "IPOD2008GREEN:1"));
        assertThat(Queues.await(jms, "orderflow.review", cancelled).get(0).getStringProperty("orderflowReason"))
                .contains("return case: package PKG-7009");
        assertThat(Queues.browse(jms, "orderflow.writeback.requests", cancelled)).isEmpty();

        // After shipping: parked as a return case with the package, nothing sent to the WMS.
        String shipped = fulfilled("7010", "cancel-7010@customer.example");
        signed(addPackage(shipment("evt-7010", shipped, "FO-123"), "PKG-7010", "shipped", "1Z7010", "IPOD2008GREEN:1"));
        await().atMost(Duration.ofSeconds(20)).until(() -> "partially_shipped".equals(states.load(shipped).path("status").asText()));
        cancel(shipped, "refunded", 40994, "gate:cancel:d-7010");
        String reason = Queues.await(jms, "orderflow.review", shipped).get(0).getStringProperty("orderflowReason");
        assertThat(reason).contains("return case: order " + shipped + " was refunded after it shipped")
                .contains("PKG-7010 shipped (UPS 1Z7010)");
        WMS.verify(1, postRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.urlMatching("/api/v1/fulfilment-orders/.*/cancel")));
    }

    @Test
    void aCancellationBeforeTheOrderReachesTheWmsKeepsItFromBeingSentAndAPartialRefundIsReported() throws Exception {
        String orderKey = "shop-eu:7011";
        cancel(orderKey, "cancelled", 0, "gate:cancel:d-7011");
        await().atMost(Duration.ofSeconds(20)).until(() -> states.load(orderKey) != null);
        NotifyBuilder handled = new NotifyBuilder(camel).fromRoute("fulfilment").whenCompleted(1).create();
        allocate(jms, example("wms-rest-fulfilment-order", "many-lines-express.input.json", "7011", "c-7011@customer.example"), "a-7011");
        assertThat(handled.matches(20, TimeUnit.SECONDS)).isTrue();
        WMS.verify(0, postRequestedFor(urlEqualTo("/api/v1" + CREATE)));
        assertThat(states.load(orderKey).get("status").asText()).isEqualTo("cancelled");

        // A partial refund is recorded on the order's status and counted, not acted on (OrderCancellationTest).
        String partly = fulfilled("7012", "c-7012@customer.example");   // total 409.94 USD
        NotifyBuilder refundHandled = new NotifyBuilder(camel).fromRoute("order-cancellation").whenCompleted(1).create();
        cancel(partly, "refunded", 19900, "gate:cancel:d-7012");
        assertThat(refundHandled.matches(20, TimeUnit.SECONDS)).isTrue();
        assertThat(meters.get("orderflow.orders.refunds").tags("channel", "shop-eu", "kind", "partial").counter().count())
                .isEqualTo(1.0);
        assertThat(Queues.browse(jms, "orderflow.review", partly)).isEmpty();
        assertThat(WMS.findAll(postRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.urlMatching(".*/cancel"))
                .withHeader("Idempotency-Key", equalTo("cancel:" + partly)))).isEmpty();
        assertThat(states.load(partly).get("status").asText()).isEqualTo("requested");
    }

    @Test
    void shipmentsThatCannotBeTrackedAreParkedForReviewWithTheirReason() throws Exception {
        // An order orderflow never sent to the WMS.
        signed(addPackage(shipment("evt-7013", "shop-eu:7013", "FO-X"), "PKG-7013", "shipped", "1Z7013", "IPOD2008GREEN:1"));
        assertThat(Queues.await(jms, "orderflow.review", "shop-eu:7013").get(0).getStringProperty("orderflowReason"))
                .contains("no fulfilment state for shop-eu:7013");

        // A status word nobody knows: the canonical event fails its schema; the raw webhook is parked.
        String orderKey = fulfilled("7014", "c-7014@customer.example");
        signed(addPackage(shipment("evt-7014", orderKey, "FO-123"), "PKG-7014", "teleported", "1Z7014", "IPOD2008GREEN:1"));
        TextMessage parked = Queues.await(jms, "orderflow.review", orderKey).get(0);
        assertThat(parked.getStringProperty("orderflowFailedRoute")).isEqualTo("normalise-shipment");
        assertThat(json(parked.getText()).at("/packages/0/status").asText()).isEqualTo("teleported");

        // A carrier update for a package no shipment named (no lines): parked, nothing sent.
        signed(tracking("evt-7014-t", orderKey, "PKG-UNKNOWN", "InTransit"));
        await().atMost(Duration.ofSeconds(20)).until(() -> Queues.browse(jms, "orderflow.review", orderKey).size() == 2);
        assertThat(Queues.browse(jms, "orderflow.review", orderKey).get(1).getStringProperty("orderflowReason"))
                .contains("tracking update for package PKG-UNKNOWN");
        assertThat(Queues.browse(jms, "orderflow.writeback.requests", orderKey)).isEmpty();
        assertThat(mailsTo("c-7014@customer.example")).isEmpty();
    }

    // --- helpers ---

    void cancel(String orderKey, String reason, long refundedMinor, String duplicateId) {
        String body = WmsTestSupport.JSON.createObjectNode().put("orderKey", orderKey).put("erpReference", "x")
                .put("reason", reason).put("refundedMinor", refundedMinor).put("currency", "USD").toString();
        jms.send("orderflow.order.cancellations", session -> {
            var message = session.createTextMessage(body);
            message.setStringProperty("orderKey", orderKey);
            message.setStringProperty("JMSXGroupID", orderKey);
            message.setStringProperty("_AMQ_DUPL_ID", duplicateId);
            return message;
        });
    }

    /** An order allocated and sent to the WMS (3 lines, one each: green, red, black); its orderKey. */
    String fulfilled(String orderId, String email) throws Exception {
        allocate(jms, example("wms-rest-fulfilment-order", "many-lines-express.input.json", orderId, email), "a-" + orderId);
        String orderKey = "shop-eu:" + orderId;
        await().atMost(Duration.ofSeconds(20)).until(() -> states.load(orderKey) != null);
        return orderKey;
    }

    static ObjectNode tracking(String eventId, String orderKey, String packageId, String status) {
        ObjectNode body = shipment(eventId, orderKey, "FO-123").put("type", "tracking");
        ((com.fasterxml.jackson.databind.node.ArrayNode) body.get("packages")).addObject().put("packageId", packageId)
                .put("status", status).put("occurredAt", "2026-11-30T07:40:00Z");
        return body;
    }

    HttpResponse<String> signed(ObjectNode webhook) {
        byte[] body = webhook.toString().getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = Webhooks.post(port, WEBHOOK, body, Map.of("Content-Type", "application/json",
                "X-Orderflow-Hmac-Sha256", Webhooks.hmacBase64("wms-test-secret", body)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response;
    }

    double count(String outcome) {
        var counter = meters.find("orderflow.fulfilment.accuracy").tags("outcome", outcome, "wms", "main").counter();
        return counter == null ? 0 : counter.count();
    }

    static List<MimeMessage> mailsTo(String to) {
        List<MimeMessage> found = new ArrayList<>();
        for (MimeMessage m : MAIL.getReceivedMessages()) {
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

    static String text(MimeMessage m) throws Exception {
        jakarta.mail.Multipart multipart = (jakarta.mail.Multipart) m.getContent();
        for (int i = 0; i < multipart.getCount(); i++) {
            var part = multipart.getBodyPart(i);
            if (part.isMimeType("multipart/*")) {
                var inner = (jakarta.mail.Multipart) part.getContent();
                for (int j = 0; j < inner.getCount(); j++) {
                    if (inner.getBodyPart(j).isMimeType("text/plain")) {
                        return ((String) inner.getBodyPart(j).getContent()).replace("\r\n", "\n");
                    }
                }
            } else if (part.isMimeType("text/plain")) {
                return ((String) part.getContent()).replace("\r\n", "\n");
            }
        }
        throw new AssertionError("no text part");
    }
}
