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
        for (int i = 0; i < 300 && SHOP.findAll(fulfillmentCreates()).isEmpty(); i++) {
            Thread.sleep(100);
        }
        Thread.sleep(8_000);   // four more polls re-read the shipment (the overlap): nothing more happens

        List<MimeMessage> mails = shippedMailsTo(email);
        assertThat(mails).hasSize(1);
        assertThat(mails.get(0).getSubject()).isEqualTo("Demo Shop: order #" + id + " has shipped");
        assertThat(GreenMailUtil.getBody(mails.get(0))).contains(tracking).contains("SKU-1");
        var creates = SHOP.findAll(fulfillmentCreates());
        assertThat(creates).hasSize(1);
        JsonNode fulfillment = JSON.readTree(creates.get(0).getBodyAsString()).at("/variables/fulfillment");
        assertThat(fulfillment.at("/trackingInfo/number").asText()).isEqualTo(tracking);
        assertThat(fulfillment.at("/lineItemsByFulfillmentOrder/0/fulfillmentOrderLineItems/0/quantity").asInt()).isEqualTo(2);
        // Tryton is only read: the sale still has its one shipment, done by the worker.
        JsonNode after = tryton.sales("test-shopify-" + id).get(0);
        assertThat(after.get("shipments")).hasSize(1);
        assertThat(state(shipmentId).get("reference").asText()).isEqualTo(tracking);
        List<TextMessage> events = Queues.browse(jms, "orderflow.fulfilment.state", orderKey);
        assertThat(events).hasSize(1);
        JsonNode fulfilmentState = JSON.readTree(events.get(0).getText());
        assertThat(fulfilmentState.get("status").asText()).isEqualTo("shipped");
        assertThat(fulfilmentState.get("packages")).hasSize(1);
        assertThat(Queues.browse(jms, "orderflow.review", orderKey)).isEmpty();
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
        SHOP.stubFor(post(urlEqualTo(GRAPHQL)).withRequestBody(matchingJsonPath("$.query", containing("fulfillmentCreate")))
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
        ObjectNode fo = o.putObject("fulfillmentOrders").putArray("nodes").addObject().put("id", FULFILLMENT_ORDER)
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

    private static com.github.tomakehurst.wiremock.matching.RequestPatternBuilder fulfillmentCreates() {
        return postRequestedFor(urlEqualTo(GRAPHQL)).withRequestBody(matchingJsonPath("$.query", containing("fulfillmentCreate")));
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
