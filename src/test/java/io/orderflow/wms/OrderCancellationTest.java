package io.orderflow.wms;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.orderflow.wms.WmsTestSupport.addPackage;
import static io.orderflow.wms.WmsTestSupport.allocate;
import static io.orderflow.wms.WmsTestSupport.example;
import static io.orderflow.wms.WmsTestSupport.json;
import static io.orderflow.wms.WmsTestSupport.shipment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.support.Queues;
import io.orderflow.support.Webhooks;
import jakarta.mail.internet.MimeMessage;
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
 * The cancellation stage (routes/cancellation.camel.yaml) over real protocols: cancellations as the payment gate puts
 * them on orderflow.order.cancellations; a WireMock REST WMS (docs/wms-rest-api.yaml), a WireMock ERPNext (Frappe
 * REST), both shops' stock APIs on WireMock (WooCommerce products, Shopify GraphQL), GreenMail for the customer's
 * mail, the order's status over GET /api/orders/{orderKey}. Each effect asserted at the far end, exactly once.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"orderflow.data-dir=target/test-data/cancellation-${random.uuid}", "spring.artemis.embedded.server-id=210",
                "orderflow.wms.kind=rest", "orderflow.writeback.shop=false", "orderflow.writeback.erp=false",
                "orderflow.wms.id=main", "orderflow.wms.api-key=wms-test-token", "orderflow.wms.webhook-secrets[0]=wms-test-secret",
                "orderflow.wms.max-requests-per-minute=6000", "orderflow.wms.timeout=5s",
                "orderflow.erp.kind=erpnext", "orderflow.erp.erpnext.api-key=erp-key", "orderflow.erp.erpnext.api-secret=erp-secret",
                "orderflow.erp.erpnext.company=Demo Shop Ltd", "orderflow.erp.erpnext.warehouse=Stores - DS",
                "orderflow.erp.erpnext.tax-accounts.19=VAT 19% - DS", "orderflow.erp.charges.shipping-account=Freight - DS",
                "orderflow.erp.circuit-failure-threshold=2", "orderflow.erp.circuit-half-open-after=2s",
                "orderflow.channels.test-shopify.api.access-token=shpat_test_token",
                "orderflow.channels.test-shopify.api.location-id=655441491",
                "orderflow.channels.test-woo.api.consumer-key=ck_test", "orderflow.channels.test-woo.api.consumer-secret=cs_test",
                "orderflow.broker.redelivery-delay-ms=200", "orderflow.broker.max-redelivery-delay-ms=500",
                "orderflow.notifications.shop-name=Demo Shop", "orderflow.notifications.email.host=127.0.0.1",
                "orderflow.notifications.email.from=Demo Shop <orders@demo-shop.example>",
                "orderflow.notifications.email.start-tls=false"})
@ActiveProfiles("test")
class OrderCancellationTest {

    static final String CANCEL = "/api/v1/fulfilment-orders/FO-123/cancel";
    static final String ERP_CANCEL = "/api/method/frappe.client.cancel";
    static final String GRAPHQL = "/admin/api/2025-10/graphql.json";
    static final String[] SKUS = {"IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK"};
    static final int SMTP_PORT = WmsTestSupport.freePort();
    static final WireMockServer WMS = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final WireMockServer ERPNEXT = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final WireMockServer SHOP = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final GreenMail MAIL = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    static {
        WMS.start();
        ERPNEXT.start();
        SHOP.start();
        MAIL.start();
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("orderflow.wms.url", () -> WMS.baseUrl() + "/api/v1");
        registry.add("orderflow.erp.url", ERPNEXT::baseUrl);
        registry.add("orderflow.channels.test-shopify.api.base-url", SHOP::baseUrl);
        registry.add("orderflow.channels.test-woo.api.base-url", () -> SHOP.baseUrl() + "/woo");
        registry.add("orderflow.notifications.email.port", () -> SMTP_PORT);
    }

    @AfterAll
    static void stop() {
        WMS.stop();
        ERPNEXT.stop();
        SHOP.stop();
        MAIL.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    JmsTemplate jms;
    @Autowired
    CamelContext camel;
    @Autowired
    MeterRegistry meters;
    @Autowired
    FulfilmentStateStore states;

    @BeforeEach
    void systemsAnswer() {
        WMS.resetAll();
        ERPNEXT.resetAll();
        SHOP.resetAll();
        WMS.stubFor(post(urlEqualTo("/api/v1/fulfilment-orders")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"FO-123\",\"status\":\"accepted\"}")));
        WMS.stubFor(post(urlEqualTo(CANCEL)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"FO-123\",\"status\":\"cancelled\"}")));
        ERPNEXT.stubFor(post(urlEqualTo(ERP_CANCEL)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"message\":{\"name\":\"SAL-ORD-2026-00031\",\"docstatus\":2}}")));
        ERPNEXT.stubFor(get(urlPathEqualTo("/api/resource/Sales%20Order")).atPriority(10).willReturn(ok("{\"data\":[]}")));
        list("Item", "[{\"item_code\":\"IPOD2008GREEN\"},{\"item_code\":\"IPOD2008RED\"},{\"item_code\":\"IPOD2008BLACK\"}]");
        for (String sku : SKUS) {
            int id = 900 + Arrays.asList(SKUS).indexOf(sku);
            SHOP.stubFor(get(urlPathEqualTo("/woo/wp-json/wc/v3/products")).withQueryParam("sku", equalTo(sku))
                    .willReturn(ok("[{\"id\":" + id + ",\"sku\":\"" + sku + "\",\"parent_id\":0,\"stock_quantity\":1}]")));
            SHOP.stubFor(put(urlEqualTo("/woo/wp-json/wc/v3/products/" + id)).willReturn(ok("{\"id\":" + id + "}")));
            SHOP.stubFor(post(urlEqualTo(GRAPHQL)).withRequestBody(matchingJsonPath("$.variables.q", equalTo("sku:" + sku)))
                    .willReturn(ok("{\"data\":{\"productVariants\":{\"nodes\":[{\"inventoryItem\":"
                            + "{\"id\":\"gid://shopify/InventoryItem/" + id + "\"}}]}}}")));
        }
        SHOP.stubFor(post(urlEqualTo(GRAPHQL)).withRequestBody(matchingJsonPath("$.variables.input.name", equalTo("available")))
                .willReturn(ok("{\"data\":{\"inventorySetQuantities\":{\"userErrors\":[]}}}")));
    }

    @Test
    void aCancellationBeforeShippingCancelsWmsAndErpPushesStockToEveryShopAndMailsOnceAlsoWhenDeliveredTwice() throws Exception {
        String orderKey = fulfilled("8001", "c-8001@customer.example");
        erpHasSubmittedOrder("shop-eu-8001", 0);
        bins(11);
        NotifyBuilder twice = new NotifyBuilder(camel).fromRoute("order-cancellation").whenCompleted(2).create();
        cancel(orderKey, "cancelled", 0, "c-8001@customer.example", "gate:cancel:d-8001");
        awaitCompleted(orderKey);
        cancel(orderKey, "cancelled", 0, "c-8001@customer.example", "gate:cancel:d-8001-again");
        assertThat(twice.matches(30, TimeUnit.SECONDS)).isTrue();
        awaitMails("c-8001@customer.example", 1);
        awaitStockPushes(11);

        WMS.verify(1, postRequestedFor(urlEqualTo(CANCEL)).withHeader("Idempotency-Key", equalTo("cancel:" + orderKey)));
        ERPNEXT.verify(1, postRequestedFor(urlEqualTo(ERP_CANCEL)).withHeader("Authorization", equalTo("token erp-key:erp-secret"))
                .withRequestBody(equalToJson("{\"doctype\":\"Sales Order\",\"name\":\"SAL-ORD-2026-00031\"}")));
        ERPNEXT.verify(1, postRequestedFor(urlEqualTo(ERP_CANCEL)));
        assertStockPushedOnce(11);
        Thread.sleep(1500);   // anything doubled would have arrived by now
        List<MimeMessage> mails = mailsTo("c-8001@customer.example");
        assertThat(mails).hasSize(1);
        assertThat(mails.get(0).getSubject()).isEqualTo("Demo Shop: order #8001 cancelled");
        assertThat(RestWmsFulfilmentTest.text(mails.get(0))).contains("your order #8001 at Demo Shop has been cancelled");
        assertStockPushedOnce(11);
        WMS.verify(1, postRequestedFor(urlEqualTo(CANCEL)));
        ERPNEXT.verify(1, postRequestedFor(urlEqualTo(ERP_CANCEL)));
        assertThat(states.load(orderKey).path("status").asText()).isEqualTo("cancelled");
        assertThat(stages(status(orderKey))).containsSubsequence("fulfilment-requested", "cancelled");
        assertThat(status(orderKey).path("stage").asText()).isEqualTo("cancelled");
        assertThat(Queues.browse(jms, "orderflow.review", orderKey)).isEmpty();
    }

    @Test
    void aCancellationAfterShippingIsAReturnCaseOnReviewWithoutAnyErpCancelOrMail() throws Exception {
        String orderKey = fulfilled("8002", "c-8002@customer.example");
        erpHasSubmittedOrder("shop-eu-8002", 0);
        bins(21);
        signed(addPackage(shipment("evt-8002", orderKey, "FO-123"), "PKG-8002", "shipped", "1Z8002", "IPOD2008GREEN:1"));
        await().atMost(Duration.ofSeconds(20)).until(() -> !states.load(orderKey).path("packages").isEmpty());
        awaitMails("c-8002@customer.example", 1);   // the shipped mail
        int mailsBefore = mailsTo("c-8002@customer.example").size();   // the shipped mail

        cancel(orderKey, "cancelled", 0, "c-8002@customer.example", "gate:cancel:d-8002");
        String reason = Queues.await(jms, "orderflow.review", orderKey).get(0).getStringProperty("orderflowReason");
        assertThat(reason).contains("return case: order " + orderKey + " was cancelled after it shipped")
                .contains("1Z8002");
        Thread.sleep(1000);
        WMS.verify(0, postRequestedFor(urlEqualTo(CANCEL)));
        ERPNEXT.verify(0, postRequestedFor(urlEqualTo(ERP_CANCEL)));
        SHOP.verify(0, putRequestedFor(urlMatching("/woo/.*")));
        assertThat(mailsTo("c-8002@customer.example")).hasSize(mailsBefore);
        assertThat(mailsTo("c-8002@customer.example")).noneMatch(m -> subject(m).contains("cancelled"));
    }

    @Test
    void aFullRefundBeforeShippingCancelsLikeACancellationWithTheRefundedMailAndIsCounted() throws Exception {
        String orderKey = fulfilled("8003", "c-8003@customer.example");   // total 409.94 USD
        erpHasSubmittedOrder("shop-eu-8003", 0);
        bins(31);
        double before = refunds("full");
        cancel(orderKey, "refunded", 40994, "c-8003@customer.example", "gate:cancel:d-8003");
        awaitCompleted(orderKey);
        awaitMails("c-8003@customer.example", 1);
        awaitStockPushes(31);

        WMS.verify(1, postRequestedFor(urlEqualTo(CANCEL)));
        ERPNEXT.verify(1, postRequestedFor(urlEqualTo(ERP_CANCEL)));
        assertStockPushedOnce(31);
        MimeMessage mail = mailsTo("c-8003@customer.example").get(0);
        assertThat(mail.getSubject()).isEqualTo("Demo Shop: order #8003 refunded");
        assertThat(RestWmsFulfilmentTest.text(mail)).contains("has been refunded (409.94 USD)");
        assertThat(refunds("full")).isEqualTo(before + 1);
        assertThat(status(orderKey).path("stage").asText()).isEqualTo("cancelled");
    }

    @Test
    void aPartialRefundIsRecordedOnTheTimelineAndCountedAndNothingIsCancelled() throws Exception {
        String orderKey = fulfilled("8004", "c-8004@customer.example");   // total 409.94 USD
        erpHasSubmittedOrder("shop-eu-8004", 0);
        double before = refunds("partial");
        NotifyBuilder handled = new NotifyBuilder(camel).fromRoute("order-cancellation").whenCompleted(1).create();
        cancel(orderKey, "refunded", 19900, "c-8004@customer.example", "gate:cancel:d-8004");
        assertThat(handled.matches(20, TimeUnit.SECONDS)).isTrue();

        JsonNode entry = awaitTimelineEntry(orderKey, "partially-refunded");
        assertThat(entry.path("type").asText()).isEqualTo("info");
        assertThat(entry.at("/fields/refunded").asText()).isEqualTo("199.00");
        assertThat(entry.at("/fields/total").asText()).isEqualTo("409.94");
        assertThat(entry.at("/fields/currency").asText()).isEqualTo("USD");
        assertThat(refunds("partial")).isEqualTo(before + 1);
        assertThat(status(orderKey).path("stage").asText()).isEqualTo("fulfilment-requested");
        WMS.verify(0, postRequestedFor(urlEqualTo(CANCEL)));
        ERPNEXT.verify(0, postRequestedFor(urlEqualTo(ERP_CANCEL)));
        assertThat(states.load(orderKey).path("status").asText()).isEqualTo("requested");
        assertThat(mailsTo("c-8004@customer.example")).isEmpty();
        assertThat(Queues.browse(jms, "orderflow.review", orderKey)).isEmpty();
    }

    @Test
    void anErpOutageDuringTheCancellationDeadLettersNothingAndItCompletesOnceAfterRecovery() throws Exception {
        String orderKey = fulfilled("8005", "c-8005@customer.example");
        erpHasSubmittedOrder("shop-eu-8005", 0);
        bins(41);
        // ERPNext answers 503 three times (more than orderflow.broker.max-delivery-attempts), then cancels.
        ERPNEXT.stubFor(post(urlEqualTo(ERP_CANCEL)).atPriority(1).inScenario("outage").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("down-2"));
        ERPNEXT.stubFor(post(urlEqualTo(ERP_CANCEL)).atPriority(1).inScenario("outage").whenScenarioStateIs("down-2")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("down-3"));
        ERPNEXT.stubFor(post(urlEqualTo(ERP_CANCEL)).atPriority(1).inScenario("outage").whenScenarioStateIs("down-3")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));

        cancel(orderKey, "cancelled", 0, "c-8005@customer.example", "gate:cancel:d-8005");
        await().atMost(Duration.ofSeconds(60)).until(() -> states.load(orderKey).path("cancellationCompleted").asBoolean());
        awaitMails("c-8005@customer.example", 1);
        awaitStockPushes(41);
        Thread.sleep(1500);

        ERPNEXT.verify(4, postRequestedFor(urlEqualTo(ERP_CANCEL)));   // 3 refused by the outage, 1 cancelled
        // The WMS cancel is repeated with each redelivery (the transaction rolled back), under one idempotency key.
        assertThat(WMS.findAll(postRequestedFor(urlEqualTo(CANCEL)))).hasSizeGreaterThanOrEqualTo(1)
                .allMatch(r -> ("cancel:" + orderKey).equals(r.getHeader("Idempotency-Key")));
        assertThat(mailsTo("c-8005@customer.example")).hasSize(1);
        assertStockPushedOnce(41);
        assertThat(Queues.browse(jms, "orderflow.dead-letter", orderKey)).isEmpty();
        assertThat(Queues.browse(jms, "orderflow.review", orderKey)).isEmpty();
        assertThat(Queues.browse(jms, "orderflow.order.cancellations", orderKey)).isEmpty();
    }

    @Test
    void aCancellationBeforeTheErpStageKeepsTheOrderOutOfTheErpAndTheWmsAndStillTellsTheCustomer() throws Exception {
        String orderKey = "shop-eu:8006";
        cancel(orderKey, "cancelled", 0, "c-8006@customer.example", "gate:cancel:d-8006");
        awaitCompleted(orderKey);
        awaitMails("c-8006@customer.example", 1);

        // The release that was on its way reaches the ERP stage after the cancellation: nothing is created.
        NotifyBuilder released = new NotifyBuilder(camel).fromRoute("erp-stage").whenCompleted(1).create();
        String order = WmsTestSupport.JSON.createObjectNode().put("orderKey", orderKey).put("erpReference", "shop-eu-8006")
                .put("channel", "shop-eu").toString();
        jms.send("orderflow.release", session -> {
            var message = session.createTextMessage(order);
            message.setStringProperty("orderKey", orderKey);
            message.setStringProperty("JMSXGroupID", orderKey);
            message.setStringProperty("orderflowDeliveryId", "e-8006");
            message.setStringProperty("_AMQ_DUPL_ID", "gate:release:e-8006");
            return message;
        });
        assertThat(released.matches(20, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(500);
        ERPNEXT.verify(0, postRequestedFor(urlEqualTo("/api/resource/Sales%20Order")));
        ERPNEXT.verify(0, postRequestedFor(urlEqualTo(ERP_CANCEL)));
        WMS.verify(0, postRequestedFor(urlMatching("/api/v1/fulfilment-orders.*")));
        assertThat(Queues.browse(jms, "orderflow.allocated", orderKey)).isEmpty();
        assertThat(Queues.browse(jms, "orderflow.review", orderKey)).isEmpty();
        assertThat(mailsTo("c-8006@customer.example")).hasSize(1);
        assertThat(states.load(orderKey).path("status").asText()).isEqualTo("cancelled");
    }

    @Test
    void anErpThatHasDeliveredTheOrderMakesItAReturnCaseWithoutStockOrMail() throws Exception {
        String orderKey = fulfilled("8007", "c-8007@customer.example");
        erpHasSubmittedOrder("shop-eu-8007", 100);   // a submitted Delivery Note the WMS has not reported yet
        bins(51);
        cancel(orderKey, "cancelled", 0, "c-8007@customer.example", "gate:cancel:d-8007");

        String reason = Queues.await(jms, "orderflow.review", orderKey).get(0).getStringProperty("orderflowReason");
        assertThat(reason).contains("SAL-ORD-2026-00031").contains("100% delivered").contains("not cancelled");
        Thread.sleep(1000);
        ERPNEXT.verify(0, postRequestedFor(urlEqualTo(ERP_CANCEL)));
        SHOP.verify(0, putRequestedFor(urlMatching("/woo/.*")));
        assertThat(mailsTo("c-8007@customer.example")).isEmpty();
        assertThat(states.load(orderKey).path("cancellationCompleted").asBoolean()).isFalse();
        assertThat(Queues.browse(jms, "orderflow.dead-letter", orderKey)).isEmpty();
    }

    // --- helpers ---

    /** An allocated order sent to the WMS (3 lines: green, red, black; total 409.94 USD); its orderKey. */
    String fulfilled(String orderId, String email) throws Exception {
        allocate(jms, example("wms-rest-fulfilment-order", "many-lines-express.input.json", orderId, email), "a-" + orderId);
        String orderKey = "shop-eu:" + orderId;
        await().atMost(Duration.ofSeconds(20)).until(() -> states.load(orderKey) != null);
        return orderKey;
    }

    /** The cancellation as the payment gate sends it (GateDecider.cancellationMessage). */
    void cancel(String orderKey, String reason, long refundedMinor, String email, String duplicateId) {
        String number = orderKey.substring(orderKey.indexOf(':') + 1);
        ObjectNode body = WmsTestSupport.JSON.createObjectNode().put("orderKey", orderKey)
                .put("erpReference", "shop-eu-" + number).put("reason", reason).put("refundedMinor", refundedMinor)
                .put("currency", "USD").put("channel", "shop-eu").put("orderNumber", number).put("orderName", "#" + number)
                .put("total", "409.94").put("refunded", String.format("%d.%02d", refundedMinor / 100, refundedMinor % 100));
        body.putArray("skus").add(SKUS[0]).add(SKUS[1]).add(SKUS[2]);
        body.putObject("customer").put("name", "Bob Norman").put("email", email);
        jms.send("orderflow.order.cancellations", session -> {
            var message = session.createTextMessage(body.toString());
            message.setStringProperty("orderKey", orderKey);
            message.setStringProperty("JMSXGroupID", orderKey);
            message.setStringProperty("orderflowDeliveryId", duplicateId);
            message.setStringProperty("_AMQ_DUPL_ID", duplicateId);
            return message;
        });
    }

    void erpHasSubmittedOrder(String reference, int perDelivered) {
        ERPNEXT.stubFor(get(urlPathEqualTo("/api/resource/Sales%20Order")).atPriority(1)
                .withQueryParam("filters", equalToJson("[[\"po_no\",\"=\",\"" + reference + "\"]]"))
                .willReturn(ok("{\"data\":[{\"name\":\"SAL-ORD-2026-00031\",\"docstatus\":1,\"per_delivered\":" + perDelivered + "}]}")));
    }

    /** Free quantities after the cancellation: green n, red n+1, black n+2 (a new value per test, so each is pushed). */
    static void bins(int n) {
        list("Bin", "[{\"item_code\":\"IPOD2008GREEN\",\"actual_qty\":" + n + ",\"reserved_qty\":0},"
                + "{\"item_code\":\"IPOD2008RED\",\"actual_qty\":" + (n + 3) + ",\"reserved_qty\":2},"
                + "{\"item_code\":\"IPOD2008BLACK\",\"actual_qty\":" + (n + 2) + ",\"reserved_qty\":0}]");
    }

    static void list(String doctype, String rows) {
        ERPNEXT.stubFor(get(urlPathEqualTo("/api/resource/" + doctype)).willReturn(ok("{\"data\":" + rows + "}")));
    }

    static ResponseDefinitionBuilder ok(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    void awaitCompleted(String orderKey) {
        await().atMost(Duration.ofSeconds(30)).until(() -> states.load(orderKey).path("cancellationCompleted").asBoolean());
    }

    static void awaitMails(String to, int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> mailsTo(to).size() >= count);
    }

    static void awaitStockPushes(int n) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertStockPushedOnce(n));
    }

    /** Each SKU's free quantity set once in each shop (WooCommerce and Shopify). */
    static void assertStockPushedOnce(int n) {
        int[] expected = {n, n + 1, n + 2};
        for (int i = 0; i < SKUS.length; i++) {
            SHOP.verify(1, putRequestedFor(urlEqualTo("/woo/wp-json/wc/v3/products/" + (900 + i)))
                    .withRequestBody(equalToJson("{\"manage_stock\":true,\"stock_quantity\":" + expected[i] + "}")));
            SHOP.verify(1, postRequestedFor(urlEqualTo(GRAPHQL))
                    .withRequestBody(matchingJsonPath("$.variables.input.quantities[0].inventoryItemId",
                            equalTo("gid://shopify/InventoryItem/" + (900 + i))))
                    .withRequestBody(matchingJsonPath("$.variables.input.quantities[0].quantity", equalTo(String.valueOf(expected[i])))));
        }
    }

    double refunds(String kind) {
        var counter = meters.find("orderflow.orders.refunds").tags("channel", "shop-eu", "kind", kind).counter();
        return counter == null ? 0 : counter.count();
    }

    JsonNode status(String orderKey) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/orders/"
                + URLEncoder.encode(orderKey, StandardCharsets.UTF_8))).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString("admin:test-admin-password".getBytes(StandardCharsets.UTF_8))).GET().build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body());
    }

    JsonNode awaitTimelineEntry(String orderKey, String stage) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (JsonNode entry : status(orderKey).path("timeline")) {
                if (entry.path("stage").asText().equals(stage)) {
                    found[0] = entry;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    static List<String> stages(JsonNode status) {
        List<String> stages = new ArrayList<>();
        status.path("timeline").forEach(e -> stages.add(e.path("stage").asText()));
        return stages;
    }

    void signed(ObjectNode webhook) {
        byte[] body = webhook.toString().getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = Webhooks.post(port, "/webhooks/wms/main", body, Map.of("Content-Type", "application/json",
                "X-Orderflow-Hmac-Sha256", Webhooks.hmacBase64("wms-test-secret", body)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
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
}
