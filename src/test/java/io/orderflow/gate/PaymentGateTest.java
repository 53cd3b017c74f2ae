package io.orderflow.gate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static io.orderflow.gate.GateTestSupport.assertOk;
import static io.orderflow.gate.GateTestSupport.body;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static io.orderflow.gate.GateTestSupport.chargeRefunded;
import static io.orderflow.gate.GateTestSupport.orderQueryFor;
import static io.orderflow.gate.GateTestSupport.shopifyOrderStub;
import static io.orderflow.gate.GateTestSupport.shopifyOrder;
import static io.orderflow.gate.GateTestSupport.stripeEvent;
import static io.orderflow.gate.GateTestSupport.wooOrder;
import static io.orderflow.support.Webhooks.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.support.Broker;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The payment gate over real HTTP with real signatures: shop webhooks (Shopify, WooCommerce), Stripe events, the
 * shop API answered by WireMock in Shopify's shape. Effects are read off the broker: the release, review,
 * notification and cancellation queues and the gate's state.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "orderflow.data-dir=target/test-data/gate-${random.uuid}", "spring.artemis.embedded.server-id=5",
        "orderflow.gate.recheck-interval=1s", "orderflow.gate.unpaid-deadline=8s", "orderflow.gate.unpaid-action=cancel",
        "orderflow.gate.payment-methods.bogus.authorized-counts=true",
        "orderflow.gate.review-rules[0].name=gift-cards", "orderflow.gate.review-rules[0].sku-in=GIFT-100",
        "orderflow.channels.test-shopify.api.access-token=shpat_test_token",
        "orderflow.channels.test-woo.api.consumer-key=ck_test", "orderflow.channels.test-woo.api.consumer-secret=cs_test"})
@ActiveProfiles("test")
class PaymentGateTest {

    static final WireMockServer SHOP = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final AtomicLong IDS = new AtomicLong(7_100_000_000_000L);

    static {
        SHOP.start();
    }

    @DynamicPropertySource
    static void shopApi(DynamicPropertyRegistry registry) {
        registry.add("orderflow.channels.test-shopify.api.base-url", SHOP::baseUrl);
        registry.add("orderflow.channels.test-woo.api.base-url", SHOP::baseUrl);
    }

    @AfterAll
    static void stopShop() {
        SHOP.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    JmsTemplate jms;
    @Autowired
    EmbeddedActiveMQ embeddedBroker;
    @Autowired
    MeterRegistry meters;
    GateTestSupport gate;

    @BeforeEach
    void setUp() {
        gate = new GateTestSupport(port, jms, new Broker(embeddedBroker));
        // The shop knows no order unless a test says so (GraphQL: order null); cancelling succeeds (orderCancel's
        // answer: an asynchronous job, no user errors).
        SHOP.stubFor(post(urlEqualTo(GateTestSupport.SHOPIFY_GRAPHQL)).atPriority(10)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(GateTestSupport.shopifyOrderAnswer(null))));
        SHOP.stubFor(post(urlEqualTo(GateTestSupport.SHOPIFY_GRAPHQL)).atPriority(9)
                .withRequestBody(matchingJsonPath("$.query", containing("orderCancel(")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(io.orderflow.simulator.SimulatedShopifyGraphql.cancelAnswer(GateTestSupport.JSON).toString())));
    }

    @Test
    void aPaidShopifyOrderIsReleasedOnceWhateverRepeatsItAndRecordsWhy() throws Exception {
        String id = nextId();
        ObjectNode order = shopifyOrder(id, "paid", "2026-11-28T10:00:00Z", 1, "20.00", "20.00");

        assertOk(gate.postShopify(order, "orders/create"));
        assertOk(gate.postShopify(order, "orders/paid"));
        assertOk(gate.postShopify(order, "orders/updated"));
        gate.awaitQuiet();

        List<TextMessage> released = gate.browse("orderflow.release", key(id));
        assertThat(released).hasSize(1);
        assertThat(body(released.get(0)).get("orderKey").asText()).isEqualTo(key(id));
        assertThat(released.get(0).getStringProperty("orderflowReleaseReason")).contains("shop (paid)");
        assertThat(gate.state(key(id)).get("released").asBoolean()).isTrue();
    }

    @Test
    void aPendingOrderWaitsOnTheBrokerAndIsReleasedInItsLatestVersionWhenTheGatewayConfirms() throws Exception {
        String id = nextId();
        assertOk(gate.postShopify(shopifyOrder(id, "pending", "2026-11-28T10:00:00Z", 1, "10.00", "10.00"), "orders/create"));
        JsonNode waiting = gate.awaitState(key(id), s -> "wait".equals(s.path("lastDecision").asText()));
        assertThat(waiting.get("recheckDueAt").asLong()).isPositive();
        // Edited in the shop before payment: two of them now.
        assertOk(gate.postShopify(shopifyOrder(id, "pending", "2026-11-28T10:05:00Z", 2, "10.00", "20.00"), "orders/updated"));
        gate.awaitQuiet();
        assertThat(gate.browse("orderflow.release", key(id))).isEmpty();

        assertOk(gate.postStripe(stripeEvent("payment_intent.succeeded", id, "pi_" + id, 2000, "USD", now())));
        gate.awaitQuiet();

        List<TextMessage> released = gate.browse("orderflow.release", key(id));
        assertThat(released).hasSize(1);
        JsonNode order = body(released.get(0));
        assertThat(order.at("/lines/0/quantity").asInt()).isEqualTo(2);
        assertThat(order.at("/totals/total").asText()).isEqualTo("20.00");
        assertThat(released.get(0).getStringProperty("orderflowReleaseReason")).contains("gateway (20.00 USD)");
    }

    @Test
    void aPaymentBeforeItsOrderFetchesTheOrderFromTheShopApiAndProceeds() throws Exception {
        String id = nextId();
        SHOP.stubFor(shopifyOrderStub(id, shopifyOrder(id, "pending", "2026-11-28T10:00:00Z", 1, "15.50", "15.50")).atPriority(1));

        assertOk(gate.postStripe(stripeEvent("payment_intent.succeeded", id, "pi_" + id, 1550, "USD", now())));
        gate.awaitQuiet();

        assertThat(gate.browse("orderflow.release", key(id))).hasSize(1);
        SHOP.verify(orderQueryFor(id).withHeader("X-Shopify-Access-Token", equalTo("shpat_test_token")));
        // The order webhook arriving afterwards changes nothing.
        assertOk(gate.postShopify(shopifyOrder(id, "pending", "2026-11-28T10:00:00Z", 1, "15.50", "15.50"), "orders/create"));
        gate.awaitQuiet();
        assertThat(gate.browse("orderflow.release", key(id))).hasSize(1);
        assertThat(gate.browse("orderflow.review", key(id))).isEmpty();
    }

    @Test
    void aFailedPaymentTellsTheCustomerAndALaterSuccessStillReleases() throws Exception {
        String id = nextId();
        assertOk(gate.postShopify(shopifyOrder(id, "pending", "2026-11-28T10:00:00Z", 1, "20.00", "20.00"), "orders/create"));
        assertOk(gate.postStripe(stripeEvent("payment_intent.payment_failed", id, "pi_a" + id, 2000, "USD", now())));
        gate.awaitQuiet();

        List<TextMessage> notifications = gate.browse("orderflow.notify.requests", key(id));
        assertThat(notifications).hasSize(1);
        JsonNode request = body(notifications.get(0));
        assertThat(request.get("template").asText()).isEqualTo("payment-failed");
        assertThat(request.get("reasonCategory").asText()).isEqualTo("card_declined");
        assertThat(request.at("/customer/email").asText()).isEqualTo("bob.norman@hostmail.com");
        assertThat(gate.browse("orderflow.release", key(id))).isEmpty();

        assertOk(gate.postStripe(stripeEvent("payment_intent.succeeded", id, "pi_b" + id, 2000, "USD", now() + 1)));
        gate.awaitQuiet();
        assertThat(gate.browse("orderflow.release", key(id))).hasSize(1);
        assertThat(gate.browse("orderflow.notify.requests", key(id))).hasSize(1);
    }

    @Test
    void anAmountMismatchIsNeverReleasedAndParksWithBothAmountsAndAnAlert() throws Exception {
        // The real fixtures: the Shopify order totals 409.94 USD, the Stripe payment is 20.00 USD... paid twice over.
        String id = nextId();
        ObjectNode order = (ObjectNode) GateTestSupport.read(fixture("shopify-orders-create.json"));
        order.put("id", Long.parseLong(id)).put("financial_status", "pending");
        ObjectNode payment = (ObjectNode) GateTestSupport.read(fixture("stripe-payment_intent.succeeded.with-order-metadata.json"));
        ((ObjectNode) payment.at("/data/object/metadata")).put("order_id", id);
        ((ObjectNode) payment.at("/data/object")).put("amount", 81988).put("amount_received", 81988);
        double alertsBefore = alerts();

        assertOk(gate.postShopify(order, "orders/create"));
        assertOk(gate.postStripe(payment));
        gate.awaitQuiet();

        assertThat(gate.browse("orderflow.release", key(id))).isEmpty();
        List<TextMessage> parked = gate.browse("orderflow.review", key(id));
        assertThat(parked).hasSize(1);
        assertThat(parked.get(0).getStringProperty("orderflowReason"))
                .contains("amount mismatch").contains("409.94 USD").contains("819.88 USD");
        assertThat(alerts()).isEqualTo(alertsBefore + 1);
    }

    @Test
    void anOrderCancelledBeforeItWasPaidIsNeverReleasedAndALatePaymentIsParked() throws Exception {
        String id = nextId();
        assertOk(gate.postShopify(shopifyOrder(id, "pending", "2026-11-28T10:00:00Z", 1, "20.00", "20.00"), "orders/create"));
        ObjectNode cancelled = shopifyOrder(id, "voided", "2026-11-28T10:10:00Z", 1, "20.00", "20.00");
        cancelled.put("cancelled_at", "2026-11-28T10:10:00Z").put("cancel_reason", "customer");
        assertOk(gate.postShopify(cancelled, "orders/cancelled"));
        gate.awaitQuiet();
        assertThat(gate.state(key(id)).get("closed").asText()).isEqualTo("cancelled");

        assertOk(gate.postStripe(stripeEvent("payment_intent.succeeded", id, "pi_" + id, 2000, "USD", now())));
        gate.awaitQuiet();

        assertThat(gate.browse("orderflow.release", key(id))).isEmpty();
        assertThat(gate.browse("orderflow.review", key(id))).singleElement()
                .satisfies(m -> assertThat(m.getStringProperty("orderflowReason")).contains("payment received"));
    }

    @Test
    void aRefundAfterReleaseBecomesACancellationForTheLaterStages() throws Exception {
        String id = nextId();
        assertOk(gate.postShopify(shopifyOrder(id, "pending", "2026-11-28T10:00:00Z", 1, "20.00", "20.00"), "orders/create"));
        assertOk(gate.postStripe(stripeEvent("payment_intent.succeeded", id, "pi_" + id, 2000, "USD", now())));
        gate.awaitQuiet();
        assertThat(gate.browse("orderflow.release", key(id))).hasSize(1);

        assertOk(gate.postStripe(chargeRefunded(id, "pi_" + id, 2000, 2000, "USD")));
        assertOk(gate.postStripe(chargeRefunded(id, "pi_" + id, 2000, 2000, "USD")));
        gate.awaitQuiet();

        List<TextMessage> cancellations = gate.browse("orderflow.order.cancellations", key(id));
        assertThat(cancellations).hasSize(1);
        assertThat(body(cancellations.get(0)).get("reason").asText()).isEqualTo("refunded");
        assertThat(body(cancellations.get(0)).get("erpReference").asText()).isEqualTo("test-shopify-1001");
    }

    @Test
    void aPartialRefundAfterReleaseIsReportedOnceAndALaterFullRefundStillCancels() throws Exception {
        String id = nextId();
        assertOk(gate.postShopify(shopifyOrder(id, "pending", "2026-11-28T10:00:00Z", 1, "20.00", "20.00"), "orders/create"));
        assertOk(gate.postStripe(stripeEvent("payment_intent.succeeded", id, "pi_" + id, 2000, "USD", now())));
        gate.awaitQuiet();

        // 5.00 of 20.00 refunded, the event delivered twice: one report, reason refunded, with the amounts.
        assertOk(gate.postStripe(chargeRefunded(id, "pi_" + id, 2000, 500, "USD")));
        assertOk(gate.postStripe(chargeRefunded(id, "pi_" + id, 2000, 500, "USD")));
        gate.awaitQuiet();
        List<TextMessage> reported = gate.browse("orderflow.order.cancellations", key(id));
        assertThat(reported).hasSize(1);
        JsonNode partial = body(reported.get(0));
        assertThat(partial.get("reason").asText()).isEqualTo("refunded");
        assertThat(partial.get("refundedMinor").asLong()).isEqualTo(500);
        assertThat(partial.get("refunded").asText()).isEqualTo("5.00");
        assertThat(partial.get("total").asText()).isEqualTo("20.00");
        assertThat(partial.get("currency").asText()).isEqualTo("USD");
        assertThat(partial.get("skus").isArray()).isTrue();

        // Then the rest: the full refund goes out as well (the cancellation stage cancels the order then).
        assertOk(gate.postStripe(chargeRefunded(id, "pi_" + id, 2000, 2000, "USD")));
        gate.awaitQuiet();
        List<TextMessage> both = gate.browse("orderflow.order.cancellations", key(id));
        assertThat(both).hasSize(2);
        assertThat(body(both.get(1)).get("refundedMinor").asLong()).isEqualTo(2000);
        assertThat(body(both.get(1)).get("reason").asText()).isEqualTo("refunded");
    }

    @Test
    void aZeroTotalOrderCountsAsPaid() throws Exception {
        String id = nextId();
        assertOk(gate.postShopify(shopifyOrder(id, "pending", "2026-11-28T10:00:00Z", 1, "0.00", "0.00"), "orders/create"));
        gate.awaitQuiet();
        assertThat(gate.browse("orderflow.release", key(id))).singleElement()
                .satisfies(m -> assertThat(m.getStringProperty("orderflowReleaseReason")).isEqualTo("zero total"));
    }

    @Test
    void aStaleWoocommerceUpdateNeverMovesAnOrderBackwards() throws Exception {
        String id = nextId();
        String wooKey = "test-woo:" + id;
        assertOk(gate.postWoo(wooOrder(id, "processing", "2026-11-28T10:05:00", "stripe", "29.35"), "order.created"));
        gate.awaitQuiet();
        assertThat(gate.browse("orderflow.release", wooKey)).hasSize(1);

        // Built at delivery time, an older "pending" snapshot, then a newer one still saying pending.
        assertOk(gate.postWoo(wooOrder(id, "pending", "2026-11-28T10:00:00", "stripe", "29.35"), "order.updated"));
        assertOk(gate.postWoo(wooOrder(id, "pending", "2026-11-28T10:09:00", "stripe", "29.35"), "order.updated"));
        gate.awaitQuiet();

        JsonNode state = gate.state(wooKey);
        assertThat(state.get("shopPaymentStatus").asText()).isEqualTo("paid");
        assertThat(gate.browse("orderflow.release", wooKey)).hasSize(1);
        assertThat(gate.browse("orderflow.review", wooKey)).isEmpty();
        assertThat(gate.browse("orderflow.order.cancellations", wooKey)).isEmpty();
    }

    @Test
    void anEditAfterReleaseParksForReviewWithBothVersions() throws Exception {
        String id = nextId();
        assertOk(gate.postShopify(shopifyOrder(id, "paid", "2026-11-28T10:00:00Z", 1, "20.00", "20.00"), "orders/create"));
        gate.awaitQuiet();
        assertOk(gate.postShopify(shopifyOrder(id, "paid", "2026-11-28T11:00:00Z", 3, "20.00", "60.00"), "orders/updated"));
        gate.awaitQuiet();

        assertThat(gate.browse("orderflow.release", key(id))).hasSize(1);
        assertThat(gate.browse("orderflow.review", key(id))).singleElement().satisfies(m -> assertThat(
                m.getStringProperty("orderflowReason")).contains("edited after release")
                .contains("total 20.00 USD; 1 x IPOD2008GREEN").contains("total 60.00 USD; 3 x IPOD2008GREEN"));
    }

    @Test
    void splitPaymentsAreSummedAndEachTransactionCountedOnce() throws Exception {
        String id = nextId();
        assertOk(gate.postShopify(shopifyOrder(id, "pending", "2026-11-28T10:00:00Z", 1, "30.00", "30.00"), "orders/create"));
        // The same PaymentIntent reported twice (two events): one transaction of 10.00.
        assertOk(gate.postStripe(stripeEvent("payment_intent.succeeded", id, "pi_1" + id, 1000, "USD", now())));
        assertOk(gate.postStripe(stripeEvent("payment_intent.succeeded", id, "pi_1" + id, 1000, "USD", now())));
        assertOk(gate.postStripe(stripeEvent("payment_intent.succeeded", id, "pi_2" + id, 1000, "USD", now())));
        gate.awaitQuiet();
        assertThat(gate.browse("orderflow.release", key(id))).isEmpty();
        assertThat(gate.state(key(id)).get("transactions").size()).isEqualTo(2);

        assertOk(gate.postStripe(stripeEvent("payment_intent.succeeded", id, "pi_3" + id, 1000, "USD", now())));
        gate.awaitQuiet();
        assertThat(gate.browse("orderflow.release", key(id))).hasSize(1);
    }

    @Test
    void paymentMethodPoliciesDecideAboutAuthorizedAndUnpaidOrders() throws Exception {
        String cod = nextId();
        assertOk(gate.postWoo(wooOrder(cod, "processing", "2026-11-28T10:00:00", "cod", "29.35").put("status", "on-hold"),
                "order.created"));
        String authorizedDefault = nextId();
        assertOk(gate.postShopify(shopifyOrder(authorizedDefault, "authorized", "2026-11-28T10:00:00Z", 1, "5.00", "5.00"),
                "orders/create"));
        String authorizedBogus = nextId();
        ObjectNode bogus = shopifyOrder(authorizedBogus, "authorized", "2026-11-28T10:00:00Z", 1, "5.00", "5.00");
        bogus.put("gateway", "bogus");
        assertOk(gate.postShopify(bogus, "orders/create"));
        gate.awaitQuiet();

        assertThat(gate.browse("orderflow.release", "test-woo:" + cod)).singleElement().satisfies(m ->
                assertThat(m.getStringProperty("orderflowReleaseReason")).contains("releases unpaid"));
        assertThat(gate.browse("orderflow.release", key(authorizedDefault))).isEmpty();
        assertThat(gate.browse("orderflow.release", key(authorizedBogus))).singleElement().satisfies(m ->
                assertThat(m.getStringProperty("orderflowReleaseReason")).contains("authorized"));
    }

    @Test
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void anOrderStillUnpaidAtTheDeadlineIsCancelledInTheShopAndTheCustomerIsTold(
            org.springframework.boot.test.system.CapturedOutput output) throws Exception {
        String id = nextId();
        ObjectNode order = shopifyOrder(id, "pending", "2026-11-28T10:00:00Z", 1, "20.00", "20.00");
        SHOP.stubFor(shopifyOrderStub(id, order).atPriority(1));
        assertOk(gate.postShopify(order, "orders/create"));

        gate.awaitState(key(id), s -> "cancelled-unpaid".equals(s.path("closed").asText()));

        // orderCancel, as Shopify's GraphQL Admin API takes it: declined, restocked, no e-mail from Shopify (orderflow
        // tells the customer), whatever was captured back to where it came from.
        SHOP.verify(1, postRequestedFor(urlEqualTo(GateTestSupport.SHOPIFY_GRAPHQL))
                .withHeader("X-Shopify-Access-Token", equalTo("shpat_test_token"))
                .withRequestBody(matchingJsonPath("$.query", containing("orderCancel(")))
                .withRequestBody(equalToJson("{\"variables\":{\"orderId\":\"gid://shopify/Order/" + id + "\","
                        + "\"reason\":\"DECLINED\",\"restock\":true,\"notifyCustomer\":false,"
                        + "\"refundMethod\":{\"originalPaymentMethodsRefund\":true}}}", true, true)));
        assertThat(SHOP.findAll(orderQueryFor(id)).size()).isGreaterThanOrEqualTo(1);
        assertThat(gate.browse("orderflow.notify.requests", key(id))).singleElement()
                .satisfies(m -> assertThat(body(m).get("template").asText()).isEqualTo("order-cancelled-unpaid"));
        assertThat(gate.browse("orderflow.release", key(id))).isEmpty();
        // Re-checked every second for 8 s, logged when it started waiting and when it was cancelled, not per re-check.
        assertThat(SHOP.findAll(orderQueryFor(id)).size()).as("re-checks against the shop").isGreaterThanOrEqualTo(3);
        assertThat(output.getOut().lines().filter(l -> l.contains("Payment gate: order " + key(id) + " ->")))
                .extracting(l -> l.substring(l.indexOf("->") + 3).trim()).containsExactly("wait", "cancel-unpaid");
    }

    // ---- review rules and an operator's approval ------------------------------------------------------------------

    @Test
    void aReviewRuleParksAPaidOrderOnceAndAnApprovalGivenTwiceReleasesItOnce() throws Exception {
        String id = nextId();
        ObjectNode order = shopifyOrder(id, "paid", "2026-11-28T10:00:00Z", 1, "100.00", "100.00");
        ((ObjectNode) order.get("line_items").get(0)).put("sku", "GIFT-100");
        assertOk(gate.postShopify(order, "orders/create"));
        assertOk(gate.postShopify(order, "orders/paid"));
        gate.awaitQuiet();

        assertThat(gate.browse("orderflow.release", key(id))).isEmpty();
        List<TextMessage> parked = gate.browse("orderflow.review", key(id));
        assertThat(parked).singleElement().satisfies(m -> {
            assertThat(m.getStringProperty("orderflowReason")).contains("review rule gift-cards");
            assertThat(m.getStringProperty("orderflowReviewRule")).isEqualTo("gift-cards");
        });
        assertThat(gate.state(key(id)).get("reviewRule").asText()).isEqualTo("gift-cards");

        assertThat(approve(key(id), null).statusCode()).isEqualTo(401);
        // Twice, back to back: whichever the gate decides second finds the order released.
        var first = approve(key(id), "admin:test-admin-password");
        var second = approve(key(id), "admin:test-admin-password");
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).isIn(202, 409);
        for (var answer : List.of(first, second)) {
            assertThat(answer.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("X-Echo-Probe")
                    || h.equalsIgnoreCase("Authorization") || h.equalsIgnoreCase("orderKey"));
            assertThat(answer.body()).doesNotContain("echo-probe-value").doesNotContain("test-admin-password");
        }
        gate.awaitQuiet();

        assertThat(gate.browse("orderflow.release", key(id))).singleElement().satisfies(m -> assertThat(
                m.getStringProperty("orderflowReleaseReason")).startsWith("approved by an operator (parked: review rule gift-cards"));
        assertThat(gate.state(key(id)).get("approvedAt").asLong()).isPositive();
        assertThat(approve(key(id), "admin:test-admin-password").statusCode()).isEqualTo(409);

        // Replaying the parked event now changes nothing: released, not parked again.
        var replay = io.orderflow.support.Webhooks.post(port, "/admin/review/replay?messageId="
                + java.net.URLEncoder.encode(parked.get(0).getJMSMessageID(), java.nio.charset.StandardCharsets.UTF_8),
                new byte[0], basic("admin:test-admin-password"));
        assertThat(GateTestSupport.read(replay.body().getBytes()).get("replayed").asInt()).isEqualTo(1);
        gate.awaitQuiet();
        assertThat(gate.browse("orderflow.review", key(id))).isEmpty();
        assertThat(gate.browse("orderflow.release", key(id))).hasSize(1);
    }

    @Test
    void anOperatorAcceptsAnAmountMismatchAndTheOrderIsReleasedOnce() throws Exception {
        String id = nextId();
        assertOk(gate.postShopify(shopifyOrder(id, "pending", "2026-11-28T10:00:00Z", 1, "20.00", "20.00"), "orders/create"));
        assertOk(gate.postStripe(stripeEvent("payment_intent.succeeded", id, "pi_" + id, 2500, "USD", now())));
        gate.awaitQuiet();
        assertThat(gate.browse("orderflow.review", key(id))).singleElement().satisfies(m ->
                assertThat(m.getStringProperty("orderflowReason")).contains("amount mismatch"));
        assertThat(approve("test-shopify:404404", "admin:test-admin-password").statusCode()).isEqualTo(404);

        assertThat(approve(key(id), "admin:test-admin-password").statusCode()).isEqualTo(202);
        gate.awaitQuiet();
        assertThat(approve(key(id), "admin:test-admin-password").statusCode()).isEqualTo(409);
        gate.awaitQuiet();

        List<TextMessage> released = gate.browse("orderflow.release", key(id));
        assertThat(released).singleElement().satisfies(m -> {
            assertThat(m.getStringProperty("orderflowReleaseReason")).startsWith("approved by an operator (parked: amount mismatch");
            // The gateway did not confirm the total: no paid amount for the ERP's total check.
            assertThat(m.getStringProperty("orderflowPaidAmount")).isNull();
        });
    }

    private java.net.http.HttpResponse<String> approve(String orderKey, String credentials) {
        java.util.Map<String, String> headers = new java.util.HashMap<>(credentials == null ? java.util.Map.of() : basic(credentials));
        headers.put("X-Echo-Probe", "echo-probe-value");
        return io.orderflow.support.Webhooks.post(port, "/admin/orders/" + orderKey + "/approve", new byte[0], headers);
    }

    private static java.util.Map<String, String> basic(String credentials) {
        return java.util.Map.of("Authorization", "Basic " + java.util.Base64.getEncoder()
                .encodeToString(credentials.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    // ---- out of order: every order of arrival gives the same outcome, duplicates included -------------------

    static Stream<List<String>> permutationsOfCreatedPaidSucceededFailed() {
        return permutations(List.of("created", "shop-paid", "payment-succeeded", "payment-failed")).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("permutationsOfCreatedPaidSucceededFailed")
    void inAnyOrderOfArrivalAPaidOrderIsReleasedExactlyOnce(List<String> arrival) throws Exception {
        String id = nextId();
        stubShopOrder(id, "pending");
        for (String event : arrival) {
            for (int copy = 0; copy < 2; copy++) {   // every delivery twice
                assertOk(send(id, event));
            }
        }
        gate.awaitQuiet();
        assertThat(gate.browse("orderflow.release", key(id))).hasSize(1);
        assertThat(gate.browse("orderflow.review", key(id))).isEmpty();
    }

    static Stream<List<String>> permutationsOfCreatedCancelledSucceeded() {
        return permutations(List.of("created", "cancelled", "payment-succeeded")).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("permutationsOfCreatedCancelledSucceeded")
    void aCancellationWinsOverALatePaymentAndFollowsAnEarlyOne(List<String> arrival) throws Exception {
        String id = nextId();
        stubShopOrder(id, "pending");
        for (String event : arrival) {
            assertOk(send(id, event));
            gate.awaitQuiet();
        }
        boolean paidBeforeCancelled = arrival.indexOf("payment-succeeded") < arrival.indexOf("cancelled");
        if (paidBeforeCancelled) {
            assertThat(gate.browse("orderflow.release", key(id))).hasSize(1);
            assertThat(gate.browse("orderflow.order.cancellations", key(id))).hasSize(1);
            assertThat(gate.browse("orderflow.review", key(id))).isEmpty();
        } else {
            assertThat(gate.browse("orderflow.release", key(id))).isEmpty();
            assertThat(gate.browse("orderflow.review", key(id))).singleElement().satisfies(m ->
                    assertThat(m.getStringProperty("orderflowReason")).contains("payment received"));
        }
    }

    private int send(String id, String event) {
        return switch (event) {
            case "created" -> gate.postShopify(shopifyOrder(id, "pending", "2026-11-28T10:00:00Z", 1, "20.00", "20.00"), "orders/create");
            case "shop-paid" -> gate.postShopify(shopifyOrder(id, "paid", "2026-11-28T10:02:00Z", 1, "20.00", "20.00"), "orders/paid");
            case "cancelled" -> {
                ObjectNode cancelled = shopifyOrder(id, "voided", "2026-11-28T10:10:00Z", 1, "20.00", "20.00");
                cancelled.put("cancelled_at", "2026-11-28T10:10:00Z");
                yield gate.postShopify(cancelled, "orders/cancelled");
            }
            case "payment-succeeded" -> gate.postStripe(stripeEvent("payment_intent.succeeded", id, "pi_s" + id, 2000, "USD", now() + 5));
            case "payment-failed" -> gate.postStripe(stripeEvent("payment_intent.payment_failed", id, "pi_f" + id, 2000, "USD", now()));
            default -> throw new IllegalArgumentException(event);
        };
    }

    private void stubShopOrder(String id, String financialStatus) {
        SHOP.stubFor(shopifyOrderStub(id, shopifyOrder(id, financialStatus, "2026-11-28T10:00:00Z", 1, "20.00", "20.00"))
                .atPriority(1));
    }

    static List<List<String>> permutations(List<String> items) {
        if (items.size() <= 1) {
            return List.of(items);
        }
        List<List<String>> result = new ArrayList<>();
        for (String first : items) {
            List<String> rest = new ArrayList<>(items);
            rest.remove(first);
            for (List<String> tail : permutations(rest)) {
                List<String> p = new ArrayList<>();
                p.add(first);
                p.addAll(tail);
                result.add(p);
            }
        }
        return result;
    }

    private double alerts() {
        return meters.find("orderflow.gate.alerts").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static String nextId() {
        return String.valueOf(IDS.incrementAndGet());
    }

    private static String key(String id) {
        return "test-shopify:" + id;
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }
}
