package io.orderflow.tryton;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.orderflow.support.Webhooks.hmacBase64;
import static io.orderflow.support.Webhooks.shopifyHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.orderflow.simulator.SimulatedShopifyGraphql;
import io.orderflow.support.Queues;
import jakarta.jms.TextMessage;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A cancellation before shipping against a real Tryton 6.0 (../shared/tryton/setup.sh, as .ci/run starts it): an
 * order goes through intake, gate and ERP stage into Tryton (a processing sale with its customer shipment assigned),
 * then the gate's cancellation is put on orderflow.order.cancellations, and Tryton itself is asked what happened: the
 * customer shipment is cancelled (Tryton 6.0 has no transition from processing to cancelled: docs/erp.md), so its
 * stock is free again; the freed quantity goes to orderflow.stock.levels and the customer's "cancelled" request to
 * orderflow.notify.requests, once, also when the cancellation is delivered twice. No WMS (the WMS step only marks
 * the order cancelled) and no notification medium (the request waits on its queue, where it is counted).
 * Skipped without Tryton, like TrytonEndToEndTest; CI (CI=true) never skips.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "orderflow.data-dir=target/test-data/tryton-cancellation-${random.uuid}", "spring.artemis.embedded.server-id=211",
        "orderflow.erp.kind=tryton", "orderflow.erp.tryton.database=orderflow", "orderflow.erp.tryton.username=admin",
        "orderflow.erp.tryton.password=admin", "orderflow.erp.shortage-policy=backorder",
        "orderflow.erp.circuit-half-open-after=2s", "orderflow.erp.url=${TRYTON_URL:http://127.0.0.1:8000}",
        "orderflow.erp.charges.shipping-product=SHIPPING", "orderflow.erp.charges.discount-product=DISCOUNT",
        "orderflow.writeback.shop=false", "orderflow.channels.test-shopify.api.access-token=shpat_test_token",
        // The WireMock shop answers only the order query: no stock pushes to it (they would fail and dead-letter).
        "orderflow.channels.test-shopify.stock.source=none"})
@ActiveProfiles("test")
class TrytonCancellationTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String RUN = String.valueOf(System.currentTimeMillis() % 1_000_000);
    static final WireMockServer SHOP = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    final Tryton tryton = new Tryton();

    static {
        SHOP.start();
    }

    @DynamicPropertySource
    static void shop(DynamicPropertyRegistry registry) {
        registry.add("orderflow.channels.test-shopify.api.base-url", SHOP::baseUrl);
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
    org.apache.camel.CamelContext camel;

    @org.junit.jupiter.api.BeforeEach
    void stockLevelsStayOnTheirQueue() throws Exception {
        // The stock levels the cancellation sends are read here (MultiShopStockTest covers the push to the shops).
        camel.getRouteController().stopRoute("stock-sync");
    }

    @BeforeAll
    static void trytonIsThere() throws Exception {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        if (!Tryton.reachable()) {
            if (ci) {
                throw new AssertionError("Tryton is not running at " + Tryton.URL + ": .ci/run starts it with ../shared/tryton/setup.sh");
            }
            Assumptions.abort("SKIPPED: no Tryton at " + Tryton.URL + " (install and start it with ../shared/tryton/setup.sh "
                    + Tryton.WORK + ", as .ci/run does)");
        }
        Tryton admin = new Tryton();
        admin.ensureServiceProduct("SHIPPING", "Shipping");
        admin.ensureServiceProduct("DISCOUNT", "Discount");
    }

    @Test
    void aCancellationBeforeShippingCancelsTheCustomerShipmentInTrytonAndFreesItsStockOnce() throws Exception {
        String id = RUN + "81";
        String orderKey = "test-shopify:" + id;
        double freeBefore = reservable("SKU-1");
        JsonNode sale = orderInTryton(id, 2);
        assertThat(sale.get("state").asText()).isEqualTo("processing");
        long shipmentId = sale.get("shipments").get(0).asLong();
        assertThat(reservable("SKU-1")).isEqualTo(freeBefore - 2);

        cancel(orderKey, id, "gate:cancel:t-" + id);
        JsonNode shipment = awaitShipment(shipmentId, "cancelled");
        assertThat(shipment.get("state").asText()).isEqualTo("cancelled");
        assertThat(reservable("SKU-1")).isEqualTo(freeBefore);
        List<TextMessage> notifications = awaitQueue("orderflow.notify.requests", orderKey, "\"template\":\"cancelled\"", 1);
        List<TextMessage> stock = awaitQueue("orderflow.stock.levels", orderKey, "cancellation of order " + orderKey, 1);
        assertThat(JSON.readTree(stock.get(0).getText()).at("/available/SKU-1").asDouble()).isEqualTo(freeBefore);

        // Delivered again: nothing more happens in Tryton or on the queues.
        cancel(orderKey, id, "gate:cancel:t-" + id + "-again");
        Thread.sleep(5_000);
        assertThat(tryton.sales("test-shopify-" + id).get(0).get("shipments")).hasSize(1);
        assertThat(reservable("SKU-1")).isEqualTo(freeBefore);
        assertThat(matching("orderflow.notify.requests", orderKey, "\"template\":\"cancelled\"")).hasSize(notifications.size());
        assertThat(matching("orderflow.stock.levels", orderKey, "cancellation of order " + orderKey)).hasSize(stock.size());
        assertThat(Queues.browse(jms, "orderflow.review", orderKey)).isEmpty();
        Boolean deadLettered = jms.browse("orderflow.dead-letter", (s, b) -> b.getEnumeration().hasMoreElements());
        assertThat(deadLettered).isFalse();
    }

    /** A paid order of {@code quantity} x SKU-1 through intake, gate and ERP stage: its Tryton sale. */
    private JsonNode orderInTryton(String id, int quantity) throws Exception {
        ObjectNode order = TrytonEndToEndTest.paidOrder(id, List.of(new TrytonEndToEndTest.Line("SKU-1", quantity, "10.00")));
        SHOP.stubFor(post(urlEqualTo("/admin/api/2025-10/graphql.json"))
                .withRequestBody(matchingJsonPath("$.query", containing("OrderForOrderflow")))
                .withRequestBody(matchingJsonPath("$.variables.id", equalTo("gid://shopify/Order/" + id)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(SimulatedShopifyGraphql.orderAnswer(order, JSON).toString())));
        byte[] body = JSON.writeValueAsBytes(order);
        int status = io.orderflow.support.Webhooks.post(port, "/webhooks/shop/test-shopify", body,
                shopifyHeaders("orders/create", "cx-" + id, hmacBase64("shpss_test_client_secret", body))).statusCode();
        assertThat(status).isEqualTo(200);
        List<TextMessage> allocated = null;
        for (int i = 0; i < 600 && (allocated == null || allocated.isEmpty()); i++) {
            allocated = Queues.browse(jms, "orderflow.allocated", "test-shopify:" + id);
            Thread.sleep(100);
        }
        assertThat(allocated).as("allocated within 60 s").isNotEmpty();
        JsonNode sales = tryton.sales("test-shopify-" + id);
        assertThat(sales).hasSize(1);
        return sales.get(0);
    }

    /** The cancellation as the payment gate sends it (GateDecider: the order was cancelled in the shop). */
    private void cancel(String orderKey, String id, String deliveryId) {
        ObjectNode body = JSON.createObjectNode().put("orderKey", orderKey).put("erpReference", "test-shopify-" + id)
                .put("reason", "cancelled").put("refundedMinor", 0).put("refunded", "0.00").put("currency", "EUR")
                .put("channel", "test-shopify").put("orderNumber", id).put("orderName", "#" + id).put("total", "20.00");
        body.putArray("skus").add("SKU-1");
        body.putObject("customer").put("name", "Bob Norman").put("email", "cancel-" + id + "@customer.example");
        jms.send("orderflow.order.cancellations", session -> {
            var message = session.createTextMessage(body.toString());
            message.setStringProperty("orderKey", orderKey);
            message.setStringProperty("JMSXGroupID", orderKey);
            message.setStringProperty("orderflowDeliveryId", deliveryId);
            message.setStringProperty("_AMQ_DUPL_ID", deliveryId);
            return message;
        });
    }

    private JsonNode awaitShipment(long shipmentId, String state) throws Exception {
        JsonNode shipment = null;
        for (int i = 0; i < 600; i++) {
            shipment = tryton.call("model.stock.shipment.out.read", "[[" + shipmentId + "],[\"state\",\"reference\"],$CTX]").get(0);
            if (shipment.get("state").asText().equals(state)) {
                return shipment;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("customer shipment " + shipmentId + " not " + state + " within 60 s: " + shipment);
    }

    private List<TextMessage> awaitQueue(String queue, String orderKey, String containing, int count) throws Exception {
        List<TextMessage> found = List.of();
        for (int i = 0; i < 300 && found.size() < count; i++) {
            found = matching(queue, orderKey, containing);
            Thread.sleep(100);
        }
        assertThat(found).as(queue + " within 30 s").hasSize(count);
        return found;
    }

    /** Messages on the queue (every order's: stock levels carry no orderKey property of their own) with this text. */
    private List<TextMessage> matching(String queue, String orderKey, String containing) throws Exception {
        List<TextMessage> all = jms.browse(queue, (session, browser) -> {
            List<TextMessage> messages = new java.util.ArrayList<>();
            var e = browser.getEnumeration();
            while (e.hasMoreElements()) {
                messages.add((TextMessage) e.nextElement());
            }
            return messages;
        });
        List<TextMessage> result = new java.util.ArrayList<>();
        for (TextMessage m : all) {
            if (m.getText().contains(containing) && m.getText().contains(orderKey)) {
                result.add(m);
            }
        }
        return result;
    }

    /** The quantity of the product free to reserve in storage, as TrytonClient.products reads it (stock_assign). */
    private double reservable(String code) throws Exception {
        long sto = tryton.call("model.stock.location.search", "[[[\"code\",\"=\",\"STO\"]],0,1,null,$CTX]").get(0).asLong();
        JsonNode found = tryton.call("model.product.product.search_read", "[[[\"code\",\"=\",\"" + code + "\"]],0,1,null,"
                + "[\"quantity\"],$CTX]".replace("$CTX", "{\"company\":" + tryton.context.path("company").asText()
                + ",\"language\":\"en\",\"stock_assign\":true,\"locations\":[" + sto + "]}"));
        return found.get(0).get("quantity").asDouble();
    }
}
