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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The shipment write-back against a real Tryton 6.0 (../shared/tryton/setup.sh, as .ci/run starts it): an order goes
 * through the ERP stage into Tryton (a confirmed sale with its customer shipment assigned), then the tracking stage's
 * write-back request for its package is put on orderflow.writeback.requests, and Tryton itself is asked what
 * happened: the customer shipment is done, carrying the tracking number, once. The shop is a WireMock Shopify that
 * only answers the order query (the ERP reference comes from the shop's order; orderflow.writeback.shop is off here).
 * Skipped without Tryton, like TrytonEndToEndTest; CI (CI=true) never skips.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "orderflow.data-dir=target/test-data/tryton-writeback-${random.uuid}", "spring.artemis.embedded.server-id=64",
        "orderflow.erp.kind=tryton", "orderflow.erp.tryton.database=orderflow", "orderflow.erp.tryton.username=admin",
        "orderflow.erp.tryton.password=admin", "orderflow.erp.shortage-policy=backorder",
        "orderflow.erp.circuit-half-open-after=2s", "orderflow.erp.url=${TRYTON_URL:http://127.0.0.1:8000}",
        "orderflow.erp.charges.shipping-product=SHIPPING", "orderflow.erp.charges.discount-product=DISCOUNT",
        "orderflow.writeback.shop=false", "orderflow.channels.test-shopify.api.access-token=shpat_test_token",
        // The WireMock shop answers only the order query: no stock pushes to it (they would fail and dead-letter).
        "orderflow.channels.test-shopify.stock.source=none"})
@ActiveProfiles("test")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrytonWritebackTest {

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
    @Order(1)
    void aFullShipmentWrittenBackMakesTheCustomerShipmentDoneOnce() throws Exception {
        String id = RUN + "71";
        JsonNode sale = orderInTryton(id, 2);
        JsonNode shipmentIds = sale.get("shipments");
        assertThat(shipmentIds).hasSize(1);
        double onHandBefore = onHand("SKU-1");

        String request = writebackRequest(id, "TRY" + id, List.<String[]>of(new String[] {"SKU-1", "2"}), true);
        send(request);
        JsonNode shipment = awaitShipment(shipmentIds.get(0).asLong(), "done");
        assertThat(shipment.get("reference").asText()).isEqualTo("TRY" + id);
        assertThat(onHand("SKU-1")).isEqualTo(onHandBefore - 2);

        // The same request again (a redelivery, a replay): nothing more happens in Tryton.
        send(request);
        Thread.sleep(5_000);
        JsonNode after = tryton.sales("test-shopify-" + id).get(0);
        assertThat(after.get("shipments")).hasSize(1);
        assertThat(onHand("SKU-1")).isEqualTo(onHandBefore - 2);
        assertThat(Queues.browse(jms, "orderflow.review", "test-shopify:" + id)).isEmpty();
        Boolean deadLettered = jms.browse("orderflow.dead-letter", (s, b) -> b.getEnumeration().hasMoreElements());
        assertThat(deadLettered).isFalse();
    }

    @Test
    @Order(2)
    void aPartialShipmentIsDoneWithItsQuantityAndTheRestGetsAShipmentOfItsOwn() throws Exception {
        String id = RUN + "72";
        JsonNode sale = orderInTryton(id, 3);
        long first = sale.get("shipments").get(0).asLong();
        double onHandBefore = onHand("SKU-1");

        send(writebackRequest(id, "TRY" + id, List.<String[]>of(new String[] {"SKU-1", "1"}), false));
        JsonNode shipment = awaitShipment(first, "done");
        assertThat(shipment.get("reference").asText()).isEqualTo("TRY" + id);
        JsonNode moves = tryton.call("model.stock.move.read", "[" + shipment.get("outgoing_moves") + ",[\"quantity\",\"state\"],$CTX]");
        assertThat(moves.findValuesAsText("quantity")).containsExactly("1.0");
        assertThat(onHand("SKU-1")).isEqualTo(onHandBefore - 1);
        JsonNode shipments = tryton.sales("test-shopify-" + id).get(0).get("shipments");
        assertThat(shipments).hasSize(2);
        long rest = shipments.get(0).asLong() == first ? shipments.get(1).asLong() : shipments.get(0).asLong();
        JsonNode restMoves = tryton.call("model.stock.shipment.out.read", "[[" + rest + "],[\"state\",\"outgoing_moves\"],$CTX]").get(0);
        assertThat(restMoves.get("state").asText()).isNotEqualTo("done");
        JsonNode restQuantities = tryton.call("model.stock.move.read", "[" + restMoves.get("outgoing_moves") + ",[\"quantity\"],$CTX]");
        assertThat(restQuantities.findValuesAsText("quantity")).containsExactly("2.0");

        // The second package ships the rest: that shipment is done too.
        send(writebackRequest(id, "TRY" + id + "B", List.<String[]>of(new String[] {"SKU-1", "2"}), true));
        awaitShipment(rest, "done");
        assertThat(onHand("SKU-1")).isEqualTo(onHandBefore - 3);
        assertThat(Queues.browse(jms, "orderflow.review", "test-shopify:" + id)).isEmpty();
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
                shopifyHeaders("orders/create", "wb-" + id, hmacBase64("shpss_test_client_secret", body))).statusCode();
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

    /** The tracking stage's request for one package (docs/writeback.md). */
    private static String writebackRequest(String id, String tracking, List<String[]> lines, boolean complete) {
        ObjectNode r = JSON.createObjectNode().put("orderKey", "test-shopify:" + id).put("channel", "test-shopify")
                .put("shopOrderId", id).put("wms", "rest-main").put("wmsFulfilmentId", "FO-" + id)
                .put("packageId", "PKG-" + tracking).put("status", "shipped").put("carrier", "DHL").put("service", "Paket")
                .put("trackingNumber", tracking).put("trackingUrl", "https://www.dhl.de/track?piececode=" + tracking)
                .put("occurredAt", "2026-11-29T10:00:00Z").put("orderComplete", complete);
        var lineNodes = r.putArray("lines");
        for (String[] line : lines) {
            lineNodes.addObject().put("sku", line[0]).put("quantity", line[1]);
        }
        r.set("shippedLines", lineNodes.deepCopy());
        return r.toString();
    }

    private void send(String body) {
        String orderKey = body.replaceAll("^.*\"orderKey\":\"([^\"]+)\".*$", "$1");
        jms.send("orderflow.writeback.requests", session -> {
            var message = session.createTextMessage(body);
            message.setStringProperty("orderKey", orderKey);
            message.setStringProperty("JMSXGroupID", orderKey);
            return message;
        });
    }

    /** Waits up to 60 s for the shipment to reach the state; returns it (state, reference, moves). */
    private JsonNode awaitShipment(long shipmentId, String state) throws Exception {
        JsonNode shipment = null;
        for (int i = 0; i < 600; i++) {
            shipment = tryton.call("model.stock.shipment.out.read", "[[" + shipmentId
                    + "],[\"state\",\"reference\",\"outgoing_moves\",\"inventory_moves\"],$CTX]").get(0);
            if (state.equals(shipment.get("state").asText())) {
                return shipment;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("shipment " + shipmentId + " not " + state + " within 60 s: " + shipment);
    }

    /** The quantity of a product in the storage location (on hand: goes down when a shipment is done). */
    private double onHand(String code) throws Exception {
        long sto = tryton.call("model.stock.location.search", "[[[\"code\",\"=\",\"STO\"]],0,1,null,$CTX]").get(0).asLong();
        JsonNode found = tryton.call("model.product.product.search_read", "[[[\"code\",\"=\",\"" + code + "\"]],0,1,null,"
                + "[\"quantity\"],$CTX]".replace("$CTX", "{\"company\":" + tryton.context.path("company").asText()
                + ",\"language\":\"en\",\"locations\":[" + sto + "]}"));
        return found.get(0).get("quantity").asDouble();
    }
}
