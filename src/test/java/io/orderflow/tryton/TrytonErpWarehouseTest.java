package io.orderflow.tryton;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.orderflow.support.Webhooks.hmacBase64;
import static io.orderflow.support.Webhooks.shopifyHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.orderflow.simulator.SimulatedShopifyGraphql;
import io.orderflow.support.Queues;
import jakarta.jms.TextMessage;
import jakarta.mail.internet.MimeMessage;
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
 * The ERP's own warehouse end to end against a real Tryton 6.0 (../shared/tryton/setup.sh): a paid Shopify order goes
 * through intake, gate and ERP stage into Tryton (a confirmed sale, its customer shipment assigned), the fulfilment
 * stage (orderflow.wms.kind erp) calls nothing; then a warehouse worker finishes the customer shipment in Tryton
 * (tracking number in its reference, pick, pack, done over Tryton's JSON-RPC), the ERP delivery poll (its timer,
 * every 2 s) reads it, and the customer gets one "shipped" mail (GreenMail) and the shop one fulfillmentCreate with
 * the tracking number (WireMock Shopify), however many more polls run. Tryton is not written back to: the sale keeps
 * its one shipment. Skipped without Tryton, like TrytonEndToEndTest; CI (CI=true) never skips.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "orderflow.data-dir=target/test-data/tryton-erp-warehouse-${random.uuid}", "spring.artemis.embedded.server-id=322",
        "orderflow.erp.kind=tryton", "orderflow.erp.tryton.database=orderflow", "orderflow.erp.tryton.username=admin",
        "orderflow.erp.tryton.password=admin", "orderflow.erp.shortage-policy=backorder",
        "orderflow.erp.circuit-half-open-after=2s", "orderflow.erp.url=${TRYTON_URL:http://127.0.0.1:8000}",
        "orderflow.erp.charges.shipping-product=SHIPPING", "orderflow.erp.charges.discount-product=DISCOUNT",
        "orderflow.wms.kind=erp", "orderflow.wms.id=tryton-warehouse",
        "orderflow.wms.erp.poll-interval=2s", "orderflow.wms.erp.poll-initial-delay=1s",
        "orderflow.stock.sync-interval=0", "orderflow.reconcile.interval=0",
        "orderflow.channels.test-shopify.api.access-token=shpat_test_token",
        "orderflow.channels.test-shopify.stock.source=none",
        "orderflow.notifications.shop-name=Demo Shop", "orderflow.notifications.email.host=127.0.0.1",
        "orderflow.notifications.email.from=Demo Shop <orders@demo-shop.example>",
        "orderflow.notifications.email.start-tls=false"})
@ActiveProfiles("test")
class TrytonErpWarehouseTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String RUN = String.valueOf(System.currentTimeMillis() % 1_000_000);
    static final String GRAPHQL = "/admin/api/2025-10/graphql.json";
    static final String FULFILLMENT_ORDER = "gid://shopify/FulfillmentOrder/1046000798";
    static final int SMTP_PORT = freePort();
    static final WireMockServer SHOP = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final GreenMail MAIL = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    final Tryton tryton = new Tryton();

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
    static void stopServers() {
        SHOP.stop();
        MAIL.stop();
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
    void aCustomerShipmentDoneInTrytonIsMailedOnceAndWrittenToTheShopOnce() throws Exception {
        String id = RUN + "81";
        String orderKey = "test-shopify:" + id;
        String email = "e2e-" + id + "@example.com";
        String tracking = "TRYWH" + id;
        ObjectNode order = TrytonEndToEndTest.paidOrder(id, List.of(new TrytonEndToEndTest.Line("SKU-1", 2, "10.00")));
        shopify(order, id, tracking);

        byte[] body = JSON.writeValueAsBytes(order);
        assertThat(io.orderflow.support.Webhooks.post(port, "/webhooks/shop/test-shopify", body,
                shopifyHeaders("orders/create", "erpwh-" + id, hmacBase64("shpss_test_client_secret", body))).statusCode())
                .isEqualTo(200);
        List<TextMessage> requested = null;
        for (int i = 0; i < 600 && (requested == null || requested.isEmpty()); i++) {
            requested = Queues.browse(jms, "orderflow.fulfilment.requested", orderKey);
            Thread.sleep(100);
        }
        assertThat(requested).as("handed to the ERP's warehouse within 60 s").hasSize(1);
        JsonNode sale = tryton.sales("test-shopify-" + id).get(0);
        assertThat(sale.get("shipments")).hasSize(1);
        long shipmentId = sale.get("shipments").get(0).asLong();
        assertThat(state(shipmentId).get("state").asText()).isEqualTo("assigned");
        Thread.sleep(3_000);   // polls run: nothing is done in Tryton yet, nothing happens
        assertThat(shippedMailsTo(email)).isEmpty();

        // The warehouse worker: the carrier's tracking number on the shipment, then pick, pack, done.
        tryton.call("model.stock.shipment.out.write", "[[" + shipmentId + "],{\"reference\":\"" + tracking + "\"},$CTX]");
        tryton.call("model.stock.shipment.out.pick", "[[" + shipmentId + "],$CTX]");
        tryton.call("model.stock.shipment.out.pack", "[[" + shipmentId + "],$CTX]");
        tryton.call("model.stock.shipment.out.done", "[[" + shipmentId + "],$CTX]");
        assertThat(state(shipmentId).get("state").asText()).isEqualTo("done");

        for (int i = 0; i < 600 && shippedMailsTo(email).isEmpty(); i++) {
            Thread.sleep(100);
        }
        assertThat(shippedMailsTo(email)).as("shipped mail within 60 s").hasSize(1);
        for (int i = 0; i < 300 && SHOP.findAll(fulfillmentCreates(id)).isEmpty(); i++) {
            Thread.sleep(100);
        }
        Thread.sleep(8_000);   // four more polls re-read the shipment (the overlap): nothing more happens

        List<MimeMessage> mails = shippedMailsTo(email);
        assertThat(mails).hasSize(1);
        assertThat(mails.get(0).getSubject()).isEqualTo("Demo Shop: order #" + id + " has shipped");
        assertThat(GreenMailUtil.getBody(mails.get(0))).contains(tracking).contains("SKU-1");
        var creates = SHOP.findAll(fulfillmentCreates(id));
        assertThat(creates).hasSize(1);
        JsonNode fulfillment = JSON.readTree(creates.get(0).getBodyAsString()).at("/variables/fulfillment");
        assertThat(fulfillment.at("/trackingInfo/number").asText()).isEqualTo(tracking);
        assertThat(fulfillment.at("/lineItemsByFulfillmentOrder/0/fulfillmentOrderLineItems/0/quantity").asInt()).isEqualTo(2);
        // Tryton is only read: the sale still has its one shipment, done by the worker.
        JsonNode after = tryton.sales("test-shopify-" + id).get(0);
        assertThat(after.get("shipments")).hasSize(1);
        assertThat(state(shipmentId).get("reference").asText()).isEqualTo(tracking);
        List<TextMessage> events = Queues.browse(jms, io.orderflow.broker.BrokerAddresses.stateQueueOf("orderflow.fulfilment.state", orderKey), orderKey);
        assertThat(events).hasSize(1);
        JsonNode fulfilmentState = JSON.readTree(events.get(0).getText());
        assertThat(fulfilmentState.get("status").asText()).isEqualTo("shipped");
        assertThat(fulfilmentState.get("packages")).hasSize(1);
        assertThat(Queues.browse(jms, "orderflow.review", orderKey)).isEmpty();
    }

    @Test
    void aPartialShipmentThenTheRestAreTwoPackagesEachMailedAndWrittenOnceAndTheOrderCompleteWithTheSecond()
            throws Exception {
        String id = RUN + "82";
        String orderKey = "test-shopify:" + id;
        String email = "e2e-" + id + "@example.com";
        ObjectNode order = TrytonEndToEndTest.paidOrder(id, List.of(new TrytonEndToEndTest.Line("SKU-1", 3, "10.00")));
        JsonNode line = order.get("line_items").get(0);
        String first = "TRYWHA" + id;
        String second = "TRYWHB" + id;
        // The shop: 3 to fulfil, 2 after the first package, none after the second.
        SHOP.stubFor(post(urlEqualTo(GRAPHQL)).withRequestBody(matchingJsonPath("$.query", containing("OrderForOrderflow")))
                .withRequestBody(matchingJsonPath("$.variables.id", equalTo("gid://shopify/Order/" + id)))
                .willReturn(json(SimulatedShopifyGraphql.orderAnswer(order, JSON).toString())));
        String scenario = "shopify-partial-" + id;
        SHOP.stubFor(stateQuery(id).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(stateAnswer(id, line, null, 3))));
        SHOP.stubFor(fulfillmentCreate(id, first).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("first").willReturn(json(created(first))));
        SHOP.stubFor(stateQuery(id).inScenario(scenario).whenScenarioStateIs("first")
                .willReturn(json(stateAnswer(id, line, first, 2))));
        SHOP.stubFor(fulfillmentCreate(id, second).inScenario(scenario).whenScenarioStateIs("first")
                .willSetStateTo("second").willReturn(json(created(second))));
        SHOP.stubFor(stateQuery(id).inScenario(scenario).whenScenarioStateIs("second")
                .willReturn(json(stateAnswer(id, line, second, 0))));

        byte[] body = JSON.writeValueAsBytes(order);
        assertThat(io.orderflow.support.Webhooks.post(port, "/webhooks/shop/test-shopify", body,
                shopifyHeaders("orders/create", "erpwh-" + id, hmacBase64("shpss_test_client_secret", body))).statusCode())
                .isEqualTo(200);
        List<TextMessage> requested = null;
        for (int i = 0; i < 600 && (requested == null || requested.isEmpty()); i++) {
            requested = Queues.browse(jms, "orderflow.fulfilment.requested", orderKey);
            Thread.sleep(100);
        }
        assertThat(requested).as("handed to the ERP's warehouse within 60 s").hasSize(1);
        long shipmentId = tryton.sales("test-shopify-" + id).get(0).get("shipments").get(0).asLong();

        // The worker ships 1 of the 3: the shipment back to waiting, its move set to 1, then assign, pick, pack, done;
        // the sale makes a shipment of its own for the other 2.
        JsonNode moves = tryton.call("model.stock.shipment.out.read", "[[" + shipmentId
                + "],[\"inventory_moves\",\"outgoing_moves\"],$CTX]").get(0);
        boolean inventory = !moves.get("inventory_moves").isEmpty();
        tryton.call("model.stock.shipment.out.write", "[[" + shipmentId + "],{\"reference\":\"" + first + "\"},$CTX]");
        if (inventory) {
            tryton.call("model.stock.shipment.out.wait", "[[" + shipmentId + "],$CTX]");
            moves = tryton.call("model.stock.shipment.out.read", "[[" + shipmentId
                    + "],[\"inventory_moves\",\"outgoing_moves\"],$CTX]").get(0);
        }
        JsonNode move = moves.get(inventory ? "inventory_moves" : "outgoing_moves").get(0);
        tryton.call("model.stock.move.write", "[[" + move.asLong() + "],{\"quantity\":1.0},$CTX]");
        if (inventory) {
            tryton.call("model.stock.shipment.out.assign_try", "[[" + shipmentId + "],$CTX]");
        }
        tryton.call("model.stock.shipment.out.pick", "[[" + shipmentId + "],$CTX]");
        tryton.call("model.stock.shipment.out.pack", "[[" + shipmentId + "],$CTX]");
        tryton.call("model.stock.shipment.out.done", "[[" + shipmentId + "],$CTX]");
        long saleId = tryton.sales("test-shopify-" + id).get(0).get("id").asLong();
        tryton.call("model.sale.sale.process", "[[" + saleId + "],$CTX]");

        for (int i = 0; i < 600 && shippedMailsTo(email).isEmpty(); i++) {
            Thread.sleep(100);
        }
        assertThat(shippedMailsTo(email)).as("first shipped mail within 60 s").hasSize(1);
        assertThat(shippedMailsTo(email).get(0).getSubject()).isEqualTo("Demo Shop: a package of order #" + id + " has shipped");
        assertThat(GreenMailUtil.getBody(shippedMailsTo(email).get(0))).contains(first).contains("1 x");

        // The rest: the new shipment, shipped whole.
        JsonNode shipments = tryton.sales("test-shopify-" + id).get(0).get("shipments");
        assertThat(shipments).hasSize(2);
        long rest = shipments.get(0).asLong() == shipmentId ? shipments.get(1).asLong() : shipments.get(0).asLong();
        tryton.call("model.stock.shipment.out.write", "[[" + rest + "],{\"reference\":\"" + second + "\"},$CTX]");
        if (!"assigned".equals(state(rest).get("state").asText())) {
            tryton.call("model.stock.shipment.out.assign_try", "[[" + rest + "],$CTX]");
        }
        tryton.call("model.stock.shipment.out.pick", "[[" + rest + "],$CTX]");
        tryton.call("model.stock.shipment.out.pack", "[[" + rest + "],$CTX]");
        tryton.call("model.stock.shipment.out.done", "[[" + rest + "],$CTX]");

        for (int i = 0; i < 600 && shippedMailsTo(email).size() < 2; i++) {
            Thread.sleep(100);
        }
        Thread.sleep(6_000);   // three more polls: nothing more

        List<MimeMessage> mails = shippedMailsTo(email);
        assertThat(mails).hasSize(2);
        assertThat(mails.get(1).getSubject()).isEqualTo("Demo Shop: order #" + id + " has shipped");
        assertThat(GreenMailUtil.getBody(mails.get(1))).contains(second).contains("2 x");
        var creates = SHOP.findAll(postRequestedFor(urlEqualTo(GRAPHQL))
                .withRequestBody(matchingJsonPath("$.query", containing("fulfillmentCreate")))
                .withRequestBody(matchingJsonPath("$.variables.fulfillment.lineItemsByFulfillmentOrder[0].fulfillmentOrderId",
                        equalTo(FULFILLMENT_ORDER + id))));
        assertThat(creates).hasSize(2);
        assertThat(JSON.readTree(creates.get(0).getBodyAsString())
                .at("/variables/fulfillment/lineItemsByFulfillmentOrder/0/fulfillmentOrderLineItems/0/quantity").asInt()).isEqualTo(1);
        assertThat(JSON.readTree(creates.get(1).getBodyAsString())
                .at("/variables/fulfillment/lineItemsByFulfillmentOrder/0/fulfillmentOrderLineItems/0/quantity").asInt()).isEqualTo(2);
        JsonNode fulfilmentState = JSON.readTree(Queues.browse(jms, io.orderflow.broker.BrokerAddresses.stateQueueOf("orderflow.fulfilment.state", orderKey), orderKey).get(0).getText());
        assertThat(fulfilmentState.get("status").asText()).isEqualTo("shipped");
        assertThat(fulfilmentState.get("packages").findValuesAsText("trackingNumber")).containsExactly(first, second);
        assertThat(tryton.sales("test-shopify-" + id).get(0).get("shipments")).hasSize(2);
        assertThat(Queues.browse(jms, "orderflow.review", orderKey)).isEmpty();
    }

    private static com.github.tomakehurst.wiremock.client.MappingBuilder fulfillmentCreate(String id, String tracking) {
        return post(urlEqualTo(GRAPHQL)).withRequestBody(matchingJsonPath("$.query", containing("fulfillmentCreate")))
                .withRequestBody(matchingJsonPath("$.variables.fulfillment.lineItemsByFulfillmentOrder[0].fulfillmentOrderId",
                        equalTo(FULFILLMENT_ORDER + id)))
                .withRequestBody(matchingJsonPath("$.variables.fulfillment.trackingInfo.number", equalTo(tracking)));
    }

    private static String created(String tracking) {
        return "{\"data\":{\"fulfillmentCreate\":{\"fulfillment\":{\"id\":\"gid://shopify/Fulfillment/" + tracking.hashCode()
                + "\",\"status\":\"SUCCESS\",\"trackingInfo\":[{\"company\":null,\"number\":\"" + tracking + "\",\"url\":null}]},"
                + "\"userErrors\":[]}}}";
    }

    private JsonNode state(long shipmentId) throws Exception {
        return tryton.call("model.stock.shipment.out.read", "[[" + shipmentId + "],[\"state\",\"reference\"],$CTX]").get(0);
    }

    /**
     * The Shopify shop: the order query, the fulfilment state query (one open fulfillment order with the order's line;
     * after a fulfillment is created: closed, showing it) and fulfillmentCreate.
     */
    private static void shopify(ObjectNode order, String id, String tracking) {
        SHOP.stubFor(post(urlEqualTo(GRAPHQL)).withRequestBody(matchingJsonPath("$.query", containing("OrderForOrderflow")))
                .withRequestBody(matchingJsonPath("$.variables.id", equalTo("gid://shopify/Order/" + id)))
                .willReturn(json(SimulatedShopifyGraphql.orderAnswer(order, JSON).toString())));
        JsonNode line = order.get("line_items").get(0);
        String scenario = "shopify-" + id;
        SHOP.stubFor(stateQuery(id).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(stateAnswer(id, line, null, 2))));
        SHOP.stubFor(fulfillmentCreate(id, tracking)
                .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("fulfilled")
                .willReturn(json("{\"data\":{\"fulfillmentCreate\":{\"fulfillment\":{\"id\":\"gid://shopify/Fulfillment/1069019884\","
                        + "\"status\":\"SUCCESS\",\"trackingInfo\":[{\"company\":null,\"number\":\"" + tracking + "\",\"url\":null}]},"
                        + "\"userErrors\":[]}}}")));
        SHOP.stubFor(stateQuery(id).inScenario(scenario).whenScenarioStateIs("fulfilled")
                .willReturn(json(stateAnswer(id, line, tracking, 0))));
    }

    private static String stateAnswer(String id, JsonNode line, String fulfilledTracking, int remaining) {
        ObjectNode answer = JSON.createObjectNode();
        ObjectNode o = answer.putObject("data").putObject("order").put("id", "gid://shopify/Order/" + id);
        ArrayNode fulfillments = o.putArray("fulfillments");
        if (fulfilledTracking != null) {
            ObjectNode f = fulfillments.addObject().put("id", "gid://shopify/Fulfillment/1069019884").put("status", "SUCCESS");
            f.putArray("trackingInfo").addObject().putNull("company").put("number", fulfilledTracking).putNull("url");
        }
        ObjectNode fo = o.putObject("fulfillmentOrders").putArray("nodes").addObject().put("id", FULFILLMENT_ORDER + id)
                .put("status", remaining > 0 ? "OPEN" : "CLOSED");
        ArrayNode actions = fo.putArray("supportedActions");
        if (remaining > 0) {
            actions.addObject().put("action", "CREATE_FULFILLMENT");
        }
        fo.putObject("lineItems").putArray("nodes").addObject()
                .put("id", "gid://shopify/FulfillmentOrderLineItem/1058737525").put("remainingQuantity", remaining)
                .putObject("lineItem").put("id", "gid://shopify/LineItem/" + line.get("id").asText())
                .put("sku", line.get("sku").asText());
        return answer.toString();
    }

    private static com.github.tomakehurst.wiremock.client.MappingBuilder stateQuery(String id) {
        return post(urlEqualTo(GRAPHQL)).withRequestBody(matchingJsonPath("$.query", containing("FulfilmentStateForOrderflow")))
                .withRequestBody(matchingJsonPath("$.variables.id", equalTo("gid://shopify/Order/" + id)));
    }

    private static com.github.tomakehurst.wiremock.matching.RequestPatternBuilder fulfillmentCreates(String id) {
        return postRequestedFor(urlEqualTo(GRAPHQL)).withRequestBody(matchingJsonPath("$.query", containing("fulfillmentCreate")))
                .withRequestBody(matchingJsonPath("$.variables.fulfillment.lineItemsByFulfillmentOrder[0].fulfillmentOrderId",
                        equalTo(FULFILLMENT_ORDER + id)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    /** The "shipped" mails to this customer (the order-confirmed mail goes to the same address). */
    private static List<MimeMessage> shippedMailsTo(String to) {
        List<MimeMessage> found = new ArrayList<>();
        for (MimeMessage m : MAIL.getReceivedMessages()) {
            try {
                if (m.getAllRecipients()[0].toString().equals(to) && m.getSubject().contains("has shipped")) {
                    found.add(m);
                }
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
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
