package io.orderflow.writeback;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.orderflow.writeback.WritebackRequests.read;
import static io.orderflow.writeback.WritebackRequests.request;
import static io.orderflow.writeback.WritebackRequests.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.orderflow.simulator.SimulatedShopifyGraphql;
import io.orderflow.support.Queues;
import jakarta.jms.TextMessage;
import org.apache.camel.CamelContext;
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
 * Route writeback with a Shopify shop (GraphQL Admin API: the order's fulfillments and fulfillment orders, then
 * fulfillmentCreate; shaped on fixtures/shopify-fulfillment-*.json) and ERPNext (a Delivery Note made from the Sales
 * Order, submitted), both WireMock servers that remember what was written (scenarios), as the real ones do. Requests
 * are put on orderflow.writeback.requests as the tracking stage sends them. Asserts what each system received, and
 * how many times.
 */
@CamelSpringBootTest
@SpringBootTest(properties = {"orderflow.data-dir=target/test-data/writeback-shopify-${random.uuid}",
        "spring.artemis.embedded.server-id=61", "orderflow.erp.kind=erpnext", "orderflow.erp.erpnext.api-key=erp-key",
        "orderflow.erp.erpnext.api-secret=erp-secret", "orderflow.erp.erpnext.company=Demo Shop Ltd",
        "orderflow.erp.erpnext.warehouse=Stores - DS", "orderflow.erp.circuit-failure-threshold=2",
        "orderflow.erp.circuit-half-open-after=2s", "orderflow.channels.test-shopify.api.access-token=shpat_test_token"})
@ActiveProfiles("test")
class ShopifyErpNextWritebackTest {

    static final String GRAPHQL = "/admin/api/2025-10/graphql.json";
    static final String FULFILLMENT_ORDER = "gid://shopify/FulfillmentOrder/1046000798";
    /** The fixture order's lines: line item id, SKU, fulfillment order line item id. */
    static final String[][] LINES = {{"466157049", "IPOD2008GREEN", "1058737525"}, {"518995019", "IPOD2008RED", "1058737526"},
            {"703073504", "IPOD2008BLACK", "1058737527"}};
    static final String MAKE_DELIVERY_NOTE = "/api/method/erpnext.selling.doctype.sales_order.sales_order.make_delivery_note";

    static final WireMockServer SHOP = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final WireMockServer ERPNEXT = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        SHOP.start();
        ERPNEXT.start();
    }

    @DynamicPropertySource
    static void urls(DynamicPropertyRegistry registry) {
        registry.add("orderflow.channels.test-shopify.api.base-url", SHOP::baseUrl);
        registry.add("orderflow.erp.url", ERPNEXT::baseUrl);
    }

    @AfterAll
    static void stop() {
        SHOP.stop();
        ERPNEXT.stop();
    }

    @Autowired
    JmsTemplate jms;
    @Autowired
    CamelContext camel;
    @Autowired
    org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ embeddedBroker;

    /** Until every request sent so far has been taken off the queue for good (committed: written or parked). */
    void awaitDrained() {
        io.orderflow.support.Broker broker = new io.orderflow.support.Broker(embeddedBroker);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(40)).pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> broker.depth(WritebackRequests.QUEUE) == 0);
    }

    /** A request a failed test left behind must not hold up the next test (its circuit breaker, its retries). */
    @org.junit.jupiter.api.AfterEach
    void dropLeftovers() throws Exception {
        new io.orderflow.support.Broker(embeddedBroker).queue(WritebackRequests.QUEUE).deleteAllReferences();
    }

    @BeforeEach
    void reset() {
        SHOP.resetAll();
        ERPNEXT.resetAll();
    }

    @Test
    void aFullOrderInOnePackageIsOneShopifyFulfillmentAndOneSubmittedDeliveryNote() throws Exception {
        String id = "8001";
        shopifyOrder(id, 1, 1, 1);
        erpnextSalesOrder(id, 1, 1, 1);

        send(jms, request("test-shopify", id, "PKG-1", "1Z8001", true, List.of(new String[] {"IPOD2008GREEN", "1", "466157049"},
                new String[] {"IPOD2008RED", "1", "518995019"}, new String[] {"IPOD2008BLACK", "1", "703073504"})));

        awaitDrained();
        var creates = SHOP.findAll(fulfillmentCreates(id));
        assertThat(creates).hasSize(1);
        JsonNode input = read(creates.get(0).getBodyAsString()).at("/variables/fulfillment");
        assertThat(input).isEqualTo(read("{\"notifyCustomer\":false,\"trackingInfo\":{\"company\":\"UPS\",\"number\":\"1Z8001\","
                + "\"url\":\"https://www.ups.com/track?tracknum=1Z8001\"},\"lineItemsByFulfillmentOrder\":[{\"fulfillmentOrderId\":\""
                + FULFILLMENT_ORDER + "\",\"fulfillmentOrderLineItems\":[{\"id\":\"gid://shopify/FulfillmentOrderLineItem/1058737525\","
                + "\"quantity\":1},{\"id\":\"gid://shopify/FulfillmentOrderLineItem/1058737526\",\"quantity\":1},"
                + "{\"id\":\"gid://shopify/FulfillmentOrderLineItem/1058737527\",\"quantity\":1}]}]}"));
        SHOP.verify(1, stateQueries(id).withHeader("X-Shopify-Access-Token", equalTo("shpat_test_token")));

        // ERPNext: the Sales Order found by the reference the shop's order maps to, its Delivery Note made, submitted.
        ERPNEXT.verify(1, postRequestedFor(urlEqualTo(MAKE_DELIVERY_NOTE)).withRequestBody(equalToJson("{\"source_name\":\"SAL-ORD-" + id + "\"}")));
        var notes = ERPNEXT.findAll(postRequestedFor(urlEqualTo("/api/resource/Delivery%20Note")));
        assertThat(notes).hasSize(1);
        JsonNode note = read(notes.get(0).getBodyAsString());
        assertThat(note.path("docstatus").asInt()).isEqualTo(1);
        assertThat(note.path("lr_no").asText()).isEqualTo("1Z8001");
        assertThat(note.has("name")).isFalse();
        assertThat(note.path("items")).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(note.at("/items/" + i + "/item_code").asText()).isEqualTo(LINES[i][1]);
            assertThat(note.at("/items/" + i + "/qty").decimalValue()).isEqualByComparingTo("1");
            assertThat(note.at("/items/" + i + "/against_sales_order").asText()).isEqualTo("SAL-ORD-" + id);
            assertThat(note.at("/items/" + i + "/so_detail").asText()).isEqualTo("sod-" + id + "-" + i);
        }
        ERPNEXT.verify(getRequested("/api/resource/Sales%20Order").withQueryParam("filters",
                equalToJson("[[\"po_no\",\"=\",\"test-shopify-" + id + "\"],[\"docstatus\",\"=\",1]]")));
        assertThat(Queues.browse(jms, "orderflow.review", "test-shopify:" + id)).isEmpty();
    }

    @Test
    void theContractsOneLineExampleOnAOneLineOrder() throws Exception {
        String id = "8002";
        shopifyOrder(id, "1Z001985YW99744790", 1);
        erpnextSalesOrder(id, "1Z001985YW99744790", 1);

        ObjectNode example = (ObjectNode) read(WritebackRequests.CONTRACT_EXAMPLE);
        example.put("orderKey", "test-shopify:" + id).put("channel", "test-shopify").put("shopOrderId", id);
        send(jms, example);

        awaitDrained();
        var creates = SHOP.findAll(fulfillmentCreates(id));
        assertThat(creates).hasSize(1);
        JsonNode input = read(creates.get(0).getBodyAsString()).at("/variables/fulfillment");
        assertThat(input.at("/trackingInfo")).isEqualTo(read("{\"company\":\"UPS\",\"number\":\"1Z001985YW99744790\",\"url\":\"https://...\"}"));
        assertThat(input.at("/lineItemsByFulfillmentOrder/0/fulfillmentOrderLineItems")).isEqualTo(
                read("[{\"id\":\"gid://shopify/FulfillmentOrderLineItem/1058737525\",\"quantity\":1}]"));
        var notes = ERPNEXT.findAll(postRequestedFor(urlEqualTo("/api/resource/Delivery%20Note")));
        assertThat(notes).hasSize(1);
        assertThat(read(notes.get(0).getBodyAsString()).path("items")).hasSize(1);
    }

    @Test
    void theSameRequestDeliveredTwiceWritesOneFulfillmentAndOneDeliveryNote() throws Exception {
        String id = "8003";
        shopifyOrder(id, 1, 1, 1);
        erpnextSalesOrder(id, 1, 1, 1);
        ObjectNode r = request("test-shopify", id, "PKG-1", "1Z8003", true, List.of(new String[] {"IPOD2008GREEN", "1", "466157049"},
                new String[] {"IPOD2008RED", "1", "518995019"}, new String[] {"IPOD2008BLACK", "1", "703073504"}));

        send(jms, r);
        send(jms, r);

        awaitDrained();
        assertThat(SHOP.findAll(fulfillmentCreates(id))).hasSize(1);
        SHOP.verify(2, stateQueries(id));
        assertThat(ERPNEXT.findAll(postRequestedFor(urlEqualTo("/api/resource/Delivery%20Note")))).hasSize(1);
        ERPNEXT.verify(1, postRequestedFor(urlEqualTo(MAKE_DELIVERY_NOTE)));
        assertThat(Queues.browse(jms, "orderflow.review", "test-shopify:" + id)).isEmpty();
    }

    @Test
    void shopWrittenAndErpDownThenBackGivesExactlyOneFulfillmentAndOneDeliveryNote() throws Exception {
        String id = "8004";
        shopifyOrder(id, 1);
        erpnextSalesOrder(id, 1);
        StubMapping down = ERPNEXT.stubFor(post(urlEqualTo(MAKE_DELIVERY_NOTE)).atPriority(1)
                .willReturn(aResponse().withStatus(503).withBody("<html>upstream down</html>")));

        send(jms, request("test-shopify", id, "PKG-1", "1Z8004", true, List.<String[]>of(new String[] {"IPOD2008GREEN", "1", "466157049"})));

        // The shop got its fulfillment on the first attempt; the ERP failed, so the request is redelivered.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> ERPNEXT.findAll(postRequestedFor(urlEqualTo(MAKE_DELIVERY_NOTE))).size() >= 2);
        assertThat(SHOP.findAll(fulfillmentCreates(id))).hasSize(1);
        assertThat(new io.orderflow.support.Broker(embeddedBroker).depth(WritebackRequests.QUEUE)).as("still waiting").isEqualTo(1);
        ERPNEXT.removeStub(down);

        awaitDrained();
        assertThat(SHOP.findAll(fulfillmentCreates(id))).hasSize(1);
        assertThat(ERPNEXT.findAll(postRequestedFor(urlEqualTo("/api/resource/Delivery%20Note")))).hasSize(1);
        assertThat(SHOP.findAll(stateQueries(id)).size()).isGreaterThanOrEqualTo(3);
        assertThat(Queues.browse(jms, "orderflow.review", "test-shopify:" + id)).isEmpty();
        assertThat(Queues.browse(jms, "orderflow.dead-letter", "test-shopify:" + id)).isEmpty();
    }

    @Test
    void shopifyUserErrorsParkTheRequestForReviewWithShopifysMessage() throws Exception {
        String id = "8005";
        shopifyOrder(id, 1);
        erpnextSalesOrder(id, 1);
        SHOP.stubFor(post(urlEqualTo(GRAPHQL)).atPriority(1).withRequestBody(matchingJsonPath("$.query", containing("fulfillmentCreate")))
                .withRequestBody(matchingJsonPath("$.variables.fulfillment.trackingInfo.number", equalTo("1Z8005")))
                .willReturn(json("{\"data\":{\"fulfillmentCreate\":{\"fulfillment\":null,\"userErrors\":[{\"field\":[\"fulfillment\","
                        + "\"lineItemsByFulfillmentOrder\"],\"message\":\"Fulfillment order 1046000798 has an unfulfillable status= closed.\"}]}}}")));

        send(jms, request("test-shopify", id, "PKG-1", "1Z8005", true, List.<String[]>of(new String[] {"IPOD2008GREEN", "1", "466157049"})));

        TextMessage parked = Queues.await(jms, "orderflow.review", "test-shopify:" + id).get(0);
        assertThat(parked.getStringProperty("orderflowReason")).contains("the shop refused the fulfillment of package PKG-1")
                .contains("has an unfulfillable status= closed").contains("fulfillment.lineItemsByFulfillmentOrder");
        assertThat(parked.getStringProperty("orderflowFailedRoute")).isEqualTo("writeback");
        assertThat(read(parked.getText()).path("trackingNumber").asText()).isEqualTo("1Z8005");
        ERPNEXT.verify(0, postRequestedFor(urlEqualTo("/api/resource/Delivery%20Note")));
    }

    @Test
    void aPackageShippingMoreThanIsOpenIsParkedAndNothingIsWritten() throws Exception {
        String id = "8006";
        shopifyOrder(id, 1);
        erpnextSalesOrder(id, 1);

        send(jms, request("test-shopify", id, "PKG-1", "1Z8006", true, List.<String[]>of(new String[] {"IPOD2008GREEN", "2", "466157049"})));

        TextMessage parked = Queues.await(jms, "orderflow.review", "test-shopify:" + id).get(0);
        assertThat(parked.getStringProperty("orderflowReason"))
                .contains("over-fulfilment of line 466157049 (SKU IPOD2008GREEN): the package ships 2 but only 1 remain open");
        assertThat(SHOP.findAll(fulfillmentCreates(id))).isEmpty();
        ERPNEXT.verify(0, postRequestedFor(urlEqualTo("/api/resource/Delivery%20Note")));
    }

    @Test
    void aLineOnNoFulfillmentOrderIsParkedNamingIt() throws Exception {
        String id = "8007";
        shopifyOrder(id, 1);
        erpnextSalesOrder(id, 1);

        send(jms, request("test-shopify", id, "PKG-1", "1Z8007", true, List.<String[]>of(new String[] {"IPOD2009BLUE", "1", "999999999"})));

        TextMessage parked = Queues.await(jms, "orderflow.review", "test-shopify:" + id).get(0);
        assertThat(parked.getStringProperty("orderflowReason"))
                .contains("line 999999999 (SKU IPOD2009BLUE) is not on any fulfillment order of the order");
        assertThat(SHOP.findAll(fulfillmentCreates(id))).isEmpty();
    }

    @Test
    void shopifyThrottledRollsTheRequestBackAndItsRedeliveryWritesOnce() throws Exception {
        String id = "8008";
        shopifyOrder(id, 1);
        erpnextSalesOrder(id, 1);
        // The first state query is THROTTLED (HTTP 200, errors[].extensions.code), as Shopify answers over its cost limit.
        SHOP.stubFor(stateQuery(id).atPriority(1).inScenario("throttle").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("served").willReturn(json("{\"errors\":[{\"message\":\"Throttled\",\"extensions\":{\"code\":"
                        + "\"THROTTLED\",\"documentation\":\"https://shopify.dev/api/usage/rate-limits\"}}],\"extensions\":{\"cost\":"
                        + "{\"requestedQueryCost\":52,\"actualQueryCost\":null,\"throttleStatus\":{\"maximumAvailable\":2000.0,"
                        + "\"currentlyAvailable\":2,\"restoreRate\":100.0}}}}")));

        send(jms, request("test-shopify", id, "PKG-1", "1Z8008", true, List.<String[]>of(new String[] {"IPOD2008GREEN", "1", "466157049"})));
        awaitDrained();

        SHOP.verify(2, stateQueries(id));
        assertThat(SHOP.findAll(fulfillmentCreates(id))).hasSize(1);
        assertThat(ERPNEXT.findAll(postRequestedFor(urlEqualTo("/api/resource/Delivery%20Note")))).hasSize(1);
        assertThat(Queues.browse(jms, "orderflow.review", "test-shopify:" + id)).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------- Shopify

    /**
     * A Shopify shop holding the fixture order as {@code id} (order number = id), one open fulfillment order with
     * the first {@code quantities.length} lines of the fixture: answers the order query (for the ERP reference), the
     * fulfilment state query and fulfillmentCreate; after a fulfillment is created the state query shows it with its
     * tracking number and nothing left to fulfil, as Shopify does.
     */
    void shopifyOrder(String id, int... quantities) {
        shopifyOrder(id, "1Z" + id, quantities);
    }

    void shopifyOrder(String id, String tracking, int... quantities) {
        ObjectNode order = WritebackRequests.shopifyOrder(id);
        order.put("order_number", Long.parseLong(id)).put("name", "#" + id);
        ArrayNode lineItems = (ArrayNode) order.get("line_items");
        while (lineItems.size() > quantities.length) {
            lineItems.remove(lineItems.size() - 1);
        }
        SHOP.stubFor(post(urlEqualTo(GRAPHQL)).withRequestBody(matchingJsonPath("$.query", containing("OrderForOrderflow")))
                .withRequestBody(matchingJsonPath("$.variables.id", equalTo("gid://shopify/Order/" + id)))
                .willReturn(json(SimulatedShopifyGraphql.orderAnswer(order, WritebackRequests.JSON).toString())));
        String scenario = "shopify-" + id;
        SHOP.stubFor(stateQuery(id).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(stateAnswer(id, null, quantities))));
        SHOP.stubFor(post(urlEqualTo(GRAPHQL)).withRequestBody(matchingJsonPath("$.query", containing("fulfillmentCreate")))
                .withRequestBody(matchingJsonPath("$.variables.fulfillment.lineItemsByFulfillmentOrder[0].fulfillmentOrderId",
                        equalTo(FULFILLMENT_ORDER)))
                .withRequestBody(matchingJsonPath("$.variables.fulfillment.trackingInfo.number", equalTo(tracking)))
                .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("fulfilled")
                .willReturn(json("{\"data\":{\"fulfillmentCreate\":{\"fulfillment\":{\"id\":\"gid://shopify/Fulfillment/1069019884\","
                        + "\"status\":\"SUCCESS\",\"trackingInfo\":[{\"company\":\"UPS\",\"number\":\"" + tracking + "\",\"url\":null}]},"
                        + "\"userErrors\":[]}},\"extensions\":{\"cost\":{\"requestedQueryCost\":10,\"actualQueryCost\":10,"
                        + "\"throttleStatus\":{\"maximumAvailable\":2000.0,\"currentlyAvailable\":1990,\"restoreRate\":100.0}}}}")));
        SHOP.stubFor(stateQuery(id).inScenario(scenario).whenScenarioStateIs("fulfilled")
                .willReturn(json(stateAnswer(id, tracking, new int[quantities.length]))));
    }

    /** The answer to FulfilmentStateForOrderflow: at most one fulfillment (with this tracking), one fulfillment order. */
    static String stateAnswer(String id, String fulfilledTracking, int[] remaining) {
        ObjectNode answer = WritebackRequests.JSON.createObjectNode();
        ObjectNode order = answer.putObject("data").putObject("order").put("id", "gid://shopify/Order/" + id);
        ArrayNode fulfillments = order.putArray("fulfillments");
        if (fulfilledTracking != null) {
            ObjectNode f = fulfillments.addObject().put("id", "gid://shopify/Fulfillment/1069019884").put("status", "SUCCESS");
            f.putArray("trackingInfo").addObject().put("company", "UPS").put("number", fulfilledTracking).putNull("url");
        }
        boolean anyLeft = java.util.Arrays.stream(remaining).anyMatch(q -> q > 0);
        ObjectNode fo = order.putObject("fulfillmentOrders").putArray("nodes").addObject().put("id", FULFILLMENT_ORDER)
                .put("status", anyLeft ? "OPEN" : "CLOSED");
        ArrayNode actions = fo.putArray("supportedActions");
        if (anyLeft) {
            actions.addObject().put("action", "CREATE_FULFILLMENT");
            actions.addObject().put("action", "HOLD");
        }
        ArrayNode items = fo.putObject("lineItems").putArray("nodes");
        for (int i = 0; i < remaining.length; i++) {
            items.addObject().put("id", "gid://shopify/FulfillmentOrderLineItem/" + LINES[i][2]).put("remainingQuantity", remaining[i])
                    .putObject("lineItem").put("id", "gid://shopify/LineItem/" + LINES[i][0]).put("sku", LINES[i][1]);
        }
        return answer.toString();
    }

    static MappingBuilder stateQuery(String id) {
        return post(urlEqualTo(GRAPHQL)).withRequestBody(matchingJsonPath("$.query", containing("FulfilmentStateForOrderflow")))
                .withRequestBody(matchingJsonPath("$.variables.id", equalTo("gid://shopify/Order/" + id)));
    }

    static RequestPatternBuilder stateQueries(String id) {
        return postRequestedFor(urlEqualTo(GRAPHQL)).withRequestBody(matchingJsonPath("$.query", containing("FulfilmentStateForOrderflow")))
                .withRequestBody(matchingJsonPath("$.variables.id", equalTo("gid://shopify/Order/" + id)));
    }

    /** Every fulfillmentCreate the shop received (the journal is reset before each test). */
    static RequestPatternBuilder fulfillmentCreates(String id) {
        return postRequestedFor(urlEqualTo(GRAPHQL)).withRequestBody(matchingJsonPath("$.query", containing("fulfillmentCreate")));
    }

    // ------------------------------------------------------------------------------------------------- ERPNext

    /**
     * ERPNext holding submitted Sales Order SAL-ORD-{id} (po_no test-shopify-{id}) with the first quantities.length
     * lines of the fixture; make_delivery_note maps its undelivered items; a Delivery Note posted with a tracking
     * number (lr_no) is found by it afterwards.
     */
    void erpnextSalesOrder(String id, int... quantities) {
        erpnextSalesOrder(id, "1Z" + id, quantities);
    }

    void erpnextSalesOrder(String id, String tracking, int... quantities) {
        ERPNEXT.stubFor(get(urlPathEqualTo("/api/resource/Sales%20Order")).withQueryParam("filters", containing("test-shopify-" + id))
                .willReturn(json("{\"data\":[{\"name\":\"SAL-ORD-" + id + "\"}]}")));
        ObjectNode note = WritebackRequests.JSON.createObjectNode();
        ObjectNode doc = note.putObject("message").put("doctype", "Delivery Note").put("name", "new-delivery-note-ab12cd")
                .put("__islocal", 1).put("customer", "Bob Norman").put("company", "Demo Shop Ltd")
                .put("po_no", "test-shopify-" + id).put("docstatus", 0);
        ArrayNode items = doc.putArray("items");
        for (int i = 0; i < quantities.length; i++) {
            items.addObject().put("doctype", "Delivery Note Item").put("name", "new-delivery-note-item-" + i).put("__islocal", 1)
                    .put("item_code", LINES[i][1]).put("qty", (double) quantities[i]).put("rate", 199.0)
                    .put("warehouse", "Stores - DS").put("against_sales_order", "SAL-ORD-" + id).put("so_detail", "sod-" + id + "-" + i)
                    .put("parent", "new-delivery-note-ab12cd").put("parentfield", "items").put("parenttype", "Delivery Note");
        }
        ERPNEXT.stubFor(post(urlEqualTo(MAKE_DELIVERY_NOTE)).withRequestBody(matchingJsonPath("$.source_name", equalTo("SAL-ORD-" + id)))
                .willReturn(json(note.toString())));
        String scenario = "erpnext-" + id;
        ERPNEXT.stubFor(get(urlPathEqualTo("/api/resource/Delivery%20Note")).withQueryParam("filters", containing(tracking))
                .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED).willReturn(json("{\"data\":[]}")));
        ERPNEXT.stubFor(post(urlEqualTo("/api/resource/Delivery%20Note")).withRequestBody(matchingJsonPath("$.lr_no", equalTo(tracking)))
                .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("delivered")
                .willReturn(json("{\"data\":{\"name\":\"MAT-DN-2026-" + id + "\",\"docstatus\":1}}")));
        ERPNEXT.stubFor(get(urlPathEqualTo("/api/resource/Delivery%20Note")).withQueryParam("filters", containing(tracking))
                .inScenario(scenario).whenScenarioStateIs("delivered")
                .willReturn(json("{\"data\":[{\"name\":\"MAT-DN-2026-" + id + "\",\"docstatus\":1}]}")));
    }

    static RequestPatternBuilder getRequested(String path) {
        return com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlPathEqualTo(path));
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }
}
