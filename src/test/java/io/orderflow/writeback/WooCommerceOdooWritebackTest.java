package io.orderflow.writeback;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.orderflow.writeback.WritebackRequests.read;
import static io.orderflow.writeback.WritebackRequests.request;
import static io.orderflow.writeback.WritebackRequests.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.orderflow.support.Broker;
import io.orderflow.support.Queues;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Route writeback with a WooCommerce shop (REST v3: order notes, order status) and Odoo over external JSON-RPC
 * (/jsonrpc, execute_kw: the sale order's outgoing stock.picking, its moves' done quantities, button_validate with a
 * backorder for the rest), both WireMock servers that remember what was written. A split shipment: two packages,
 * the first partial, the first delivered twice.
 */
@CamelSpringBootTest
@SpringBootTest(properties = {"orderflow.data-dir=target/test-data/writeback-woo-${random.uuid}",
        "spring.artemis.embedded.server-id=62", "orderflow.erp.kind=odoo", "orderflow.erp.odoo.api=jsonrpc",
        "orderflow.erp.odoo.database=mycompany", "orderflow.erp.odoo.username=integration-bot@example.com",
        "orderflow.erp.odoo.api-key=odoo-test-key", "orderflow.erp.circuit-failure-threshold=2",
        "orderflow.erp.circuit-half-open-after=2s",
        "orderflow.channels.test-woo.api.consumer-key=ck_test", "orderflow.channels.test-woo.api.consumer-secret=cs_test"})
@ActiveProfiles("test")
class WooCommerceOdooWritebackTest {

    static final WireMockServer SHOP = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final WireMockServer ODOO = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final String WOO = "/woo/wp-json/wc/v3/orders/";

    static {
        SHOP.start();
        ODOO.start();
    }

    @DynamicPropertySource
    static void urls(DynamicPropertyRegistry registry) {
        registry.add("orderflow.channels.test-woo.api.base-url", () -> SHOP.baseUrl() + "/woo");
        registry.add("orderflow.erp.url", ODOO::baseUrl);
    }

    @AfterAll
    static void stop() {
        SHOP.stop();
        ODOO.stop();
    }

    @Autowired
    JmsTemplate jms;
    @Autowired
    EmbeddedActiveMQ embeddedBroker;

    @BeforeEach
    void reset() {
        SHOP.resetAll();
        ODOO.resetAll();
        odoo("common", null, null, "2");
    }

    @AfterEach
    void dropLeftovers() throws Exception {
        new Broker(embeddedBroker).queue(WritebackRequests.QUEUE).deleteAllReferences();
    }

    @Test
    void aSplitShipmentIsTwoNotesTwoValidatedDeliveriesAndCompletedOnlyWithTheSecondPackage() throws Exception {
        String id = "9101";
        wooOrder(id, "1ZA" + id, "1ZB" + id);
        odooSaleWithBackorder(id, "1ZA" + id, "1ZB" + id);
        JsonNode first = request("test-woo", id, "PKG-1", "1ZA" + id, false, List.<String[]>of(new String[] {"SKU-1", "1", "315"}));
        JsonNode second = request("test-woo", id, "PKG-2", "1ZB" + id, true,
                List.of(new String[] {"SKU-1", "1", "315"}, new String[] {"SKU-2", "1", "316"}));

        send(jms, first);
        send(jms, first);   // the tracking stage's request delivered again (a redelivery, a replay)
        send(jms, second);
        awaitDrained();

        // WooCommerce: one customer note per package, each naming carrier, tracking number and link; completed once,
        // with the second package.
        var notes = SHOP.findAll(postRequestedFor(urlEqualTo(WOO + id + "/notes")));
        assertThat(notes).hasSize(2);
        assertThat(read(notes.get(0).getBodyAsString())).isEqualTo(read("{\"note\":\"Shipped with UPS (Ground), tracking number 1ZA"
                + id + ": https://www.ups.com/track?tracknum=1ZA" + id + "\",\"customer_note\":true}"));
        assertThat(read(notes.get(1).getBodyAsString()).path("note").asText()).contains("tracking number 1ZB" + id);
        SHOP.verify(1, putRequestedFor(urlEqualTo(WOO + id)).withRequestBody(equalToJson("{\"status\":\"completed\"}"))
                .withHeader("Authorization", equalTo("Basic Y2tfdGVzdDpjc190ZXN0")));
        SHOP.verify(3, getRequestedFor(urlPathEqualTo(WOO + id + "/notes")).withQueryParam("type", equalTo("customer")));

        // Odoo: the first package validates picking 9 with 1 of SKU-1 (the rest becomes the backorder 10), the
        // repeat finds picking 9 done with its tracking number, the second validates the backorder with the rest.
        ODOO.verify(2, rpc("stock.picking", "button_validate"));
        ODOO.verify(1, rpc("stock.picking", "button_validate").withRequestBody(matchingJsonPath("$.params.args[5][0][0]", equalTo("9")))
                .withRequestBody(matchingJsonPath("$.params.args[6].context.skip_backorder", equalTo("true"))));
        ODOO.verify(1, rpc("stock.picking", "button_validate").withRequestBody(matchingJsonPath("$.params.args[5][0][0]", equalTo("10"))));
        ODOO.verify(1, rpc("stock.picking", "write").withRequestBody(matchingJsonPath("$.params.args[5][0][0]", equalTo("9")))
                .withRequestBody(equalToJsonPath("$.params.args[6]", "{\"vals\":{\"carrier_tracking_ref\":\"1ZA" + id + "\"}}")));
        ODOO.verify(1, rpc("stock.move", "write").withRequestBody(equalToJsonPath("$.params.args[5][0]", "[91]"))
                .withRequestBody(equalToJsonPath("$.params.args[6]", "{\"vals\":{\"quantity\":1,\"picked\":true}}")));
        ODOO.verify(1, rpc("stock.move", "write").withRequestBody(equalToJsonPath("$.params.args[5][0]", "[92]"))
                .withRequestBody(equalToJsonPath("$.params.args[6]", "{\"vals\":{\"quantity\":0,\"picked\":false}}")));
        ODOO.verify(1, rpc("stock.move", "write").withRequestBody(equalToJsonPath("$.params.args[5][0]", "[101,102]"))
                .withRequestBody(equalToJsonPath("$.params.args[6]", "{\"vals\":{\"quantity\":1,\"picked\":true}}")));
        ODOO.verify(3, rpc("sale.order", "search_read").withRequestBody(
                matchingJsonPath("$.params.args[6].domain[0][2]", equalTo("test-woo-" + id))));
        assertThat(Queues.browse(jms, "orderflow.review", "test-woo:" + id)).isEmpty();
    }

    @Test
    void aFullOneLineOrderIsOneNoteCompletedAndOneValidatedDelivery() throws Exception {
        String id = "9102";
        wooOrder(id, "1ZA" + id);
        odooOneLineSale(id, "1ZA" + id);

        send(jms, request("test-woo", id, "PKG-1", "1ZA" + id, true, List.<String[]>of(new String[] {"SKU-1", "2", "315"})));
        awaitDrained();

        SHOP.verify(1, postRequestedFor(urlEqualTo(WOO + id + "/notes")));
        SHOP.verify(1, putRequestedFor(urlEqualTo(WOO + id)).withRequestBody(equalToJson("{\"status\":\"completed\"}")));
        ODOO.verify(1, rpc("stock.move", "write").withRequestBody(equalToJsonPath("$.params.args[5][0]", "[91]"))
                .withRequestBody(equalToJsonPath("$.params.args[6]", "{\"vals\":{\"quantity\":2,\"picked\":true}}")));
        ODOO.verify(1, rpc("stock.picking", "button_validate"));
        assertThat(Queues.browse(jms, "orderflow.review", "test-woo:" + id)).isEmpty();
    }

    @Test
    void moreThanTheDeliveryHoldsIsParkedForReviewAndOdooIsNotTouched() throws Exception {
        String id = "9103";
        wooOrder(id, "1ZA" + id);
        odooOneLineSale(id, "1ZA" + id);
        SHOP.stubFor(post(urlEqualTo(WOO + id + "/notes")).atPriority(1).willReturn(json("{\"id\":1}")));

        send(jms, request("test-woo", id, "PKG-1", "1ZA" + id, true, List.<String[]>of(new String[] {"SKU-1", "3", "315"})));

        TextMessage parked = Queues.await(jms, "orderflow.review", "test-woo:" + id).get(0);
        assertThat(parked.getStringProperty("orderflowReason"))
                .contains("package PKG-1: over-fulfilment of SKU SKU-1: the package ships 3 but Odoo delivery WH/OUT/00009 has only 2 open");
        ODOO.verify(0, rpc("stock.picking", "write"));
        ODOO.verify(0, rpc("stock.move", "write"));
        ODOO.verify(0, rpc("stock.picking", "button_validate"));
    }

    void awaitDrained() {
        Broker broker = new Broker(embeddedBroker);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(40)).pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> broker.depth(WritebackRequests.QUEUE) == 0);
    }

    // -------------------------------------------------------------------------------------------- WooCommerce

    /**
     * The WooCommerce fixture order as {@code id} (number = id, lines 315 = 2 x SKU-1, 316 = 1 x SKU-2, processing);
     * a note posted with the n-th tracking number shows in the notes list afterwards, and PUT completed changes the
     * order's status, as WooCommerce does.
     */
    void wooOrder(String id, String... trackingNumbers) throws IOException {
        ObjectNode order = (ObjectNode) WritebackRequests.JSON.readTree(Files.readString(
                Path.of("src/test/resources/fixtures/woocommerce-order-created.json")));
        order.put("id", Long.parseLong(id)).put("number", id);
        ((ObjectNode) order.at("/line_items/0")).put("sku", "SKU-1");
        ((ObjectNode) order.at("/line_items/1")).put("sku", "SKU-2");
        String statusScenario = "woo-status-" + id;
        SHOP.stubFor(get(urlEqualTo(WOO + id)).inScenario(statusScenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(order.toString())));
        SHOP.stubFor(put(urlEqualTo(WOO + id)).inScenario(statusScenario).willSetStateTo("completed")
                .willReturn(json(order.deepCopy().put("status", "completed").toString())));
        SHOP.stubFor(get(urlEqualTo(WOO + id)).inScenario(statusScenario).whenScenarioStateIs("completed")
                .willReturn(json(order.deepCopy().put("status", "completed").toString())));
        String notesScenario = "woo-notes-" + id;
        ArrayNode notes = WritebackRequests.JSON.createArrayNode();
        String state = Scenario.STARTED;
        for (int i = 0; i < trackingNumbers.length; i++) {
            String next = "note-" + (i + 1);
            SHOP.stubFor(get(urlPathEqualTo(WOO + id + "/notes")).inScenario(notesScenario).whenScenarioStateIs(state)
                    .willReturn(json(notes.toString())));
            ObjectNode note = WritebackRequests.JSON.createObjectNode().put("id", 280 + i).put("author", "WooCommerce")
                    .put("date_created", "2026-11-29T10:0" + i + ":00").put("note", "Shipped with UPS (Ground), tracking number "
                            + trackingNumbers[i]).put("customer_note", true);
            SHOP.stubFor(post(urlEqualTo(WOO + id + "/notes")).withRequestBody(matchingJsonPath("$.note", containing(trackingNumbers[i])))
                    .inScenario(notesScenario).whenScenarioStateIs(state).willSetStateTo(next).willReturn(json(note.toString())));
            notes = notes.deepCopy();
            notes.insert(0, note);
            state = next;
        }
        SHOP.stubFor(get(urlPathEqualTo(WOO + id + "/notes")).inScenario(notesScenario).whenScenarioStateIs(state)
                .willReturn(json(notes.toString())));
    }

    // --------------------------------------------------------------------------------------------------- Odoo

    /**
     * Odoo sale order 50 (client_order_ref test-woo-{id}) with delivery 9: move 91 = 2 x SKU-1, move 92 = 1 x SKU-2.
     * Validating 9 partly makes backorder 10 (moves 101 = 1 x SKU-1, 102 = 1 x SKU-2); the pickings' state and
     * carrier_tracking_ref follow what was written.
     */
    void odooSaleWithBackorder(String id, String firstTracking, String secondTracking) {
        String scenario = "odoo-" + id;
        odooCommon(id);
        odoo("sale.order", "search_read", scenario, Scenario.STARTED, "[{\"id\":50,\"name\":\"S00050\",\"state\":\"sale\",\"picking_ids\":[9]}]");
        odoo("sale.order", "search_read", scenario, "partial", "[{\"id\":50,\"name\":\"S00050\",\"state\":\"sale\",\"picking_ids\":[9,10]}]");
        odoo("sale.order", "search_read", scenario, "done", "[{\"id\":50,\"name\":\"S00050\",\"state\":\"sale\",\"picking_ids\":[9,10]}]");
        odoo("stock.picking", "search_read", scenario, Scenario.STARTED,
                "[{\"id\":9,\"name\":\"WH/OUT/00009\",\"state\":\"assigned\",\"carrier_tracking_ref\":false}]");
        odoo("stock.picking", "search_read", scenario, "partial", "[{\"id\":9,\"name\":\"WH/OUT/00009\",\"state\":\"done\","
                + "\"carrier_tracking_ref\":\"" + firstTracking + "\"},{\"id\":10,\"name\":\"WH/OUT/00010\",\"state\":\"assigned\","
                + "\"carrier_tracking_ref\":false}]");
        odoo("stock.picking", "search_read", scenario, "done", "[{\"id\":9,\"name\":\"WH/OUT/00009\",\"state\":\"done\","
                + "\"carrier_tracking_ref\":\"" + firstTracking + "\"},{\"id\":10,\"name\":\"WH/OUT/00010\",\"state\":\"done\","
                + "\"carrier_tracking_ref\":\"" + secondTracking + "\"}]");
        moves(9, "[{\"id\":91,\"product_id\":[39,\"[SKU-1] Widget\"],\"product_uom_qty\":2.0},"
                + "{\"id\":92,\"product_id\":[40,\"[SKU-2] Gadget\"],\"product_uom_qty\":1.0}]");
        moves(10, "[{\"id\":101,\"product_id\":[39,\"[SKU-1] Widget\"],\"product_uom_qty\":1.0},"
                + "{\"id\":102,\"product_id\":[40,\"[SKU-2] Gadget\"],\"product_uom_qty\":1.0}]");
        ODOO.stubFor(rpcStub("stock.picking", "button_validate").withRequestBody(matchingJsonPath("$.params.args[5][0][0]", equalTo("9")))
                .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("partial").willReturn(ok("true")));
        ODOO.stubFor(rpcStub("stock.picking", "button_validate").withRequestBody(matchingJsonPath("$.params.args[5][0][0]", equalTo("10")))
                .inScenario(scenario).whenScenarioStateIs("partial").willSetStateTo("done").willReturn(ok("true")));
    }

    /** Odoo sale order 50 with delivery 9: move 91 = 2 x SKU-1. */
    void odooOneLineSale(String id, String tracking) {
        String scenario = "odoo-" + id;
        odooCommon(id);
        odoo("sale.order", "search_read", null, null, "[{\"id\":50,\"name\":\"S00050\",\"state\":\"sale\",\"picking_ids\":[9]}]");
        odoo("stock.picking", "search_read", scenario, Scenario.STARTED,
                "[{\"id\":9,\"name\":\"WH/OUT/00009\",\"state\":\"assigned\",\"carrier_tracking_ref\":false}]");
        odoo("stock.picking", "search_read", scenario, "done", "[{\"id\":9,\"name\":\"WH/OUT/00009\",\"state\":\"done\","
                + "\"carrier_tracking_ref\":\"" + tracking + "\"}]");
        moves(9, "[{\"id\":91,\"product_id\":[39,\"[SKU-1] Widget\"],\"product_uom_qty\":2.0}]");
        ODOO.stubFor(rpcStub("stock.picking", "button_validate").inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("done").willReturn(ok("true")));
    }

    private void odooCommon(String id) {
        odoo("product.product", "read", null, null, "[{\"id\":39,\"default_code\":\"SKU-1\"},{\"id\":40,\"default_code\":\"SKU-2\"}]");
        odoo("stock.picking", "write", null, null, "true");
        odoo("stock.move", "write", null, null, "true");
        odoo("stock.picking", "read", null, null, "[{\"id\":9,\"state\":\"done\"}]");
    }

    private void moves(int picking, String result) {
        ODOO.stubFor(rpcStub("stock.move", "search_read")
                .withRequestBody(matchingJsonPath("$.params.args[6].domain[0][2]", equalTo(String.valueOf(picking))))
                .willReturn(ok(result)));
    }

    private static void odoo(String service, String model, String method, String result) {
        ODOO.stubFor(post(urlEqualTo("/jsonrpc")).atPriority(5).withRequestBody(matchingJsonPath("$.params.service", equalTo(service)))
                .willReturn(ok(result)));
    }

    private static void odoo(String model, String method, String scenario, String state, String result) {
        MappingBuilder stub = rpcStub(model, method);
        if (scenario != null) {
            stub = stub.inScenario(scenario).whenScenarioStateIs(state);
        }
        ODOO.stubFor(stub.willReturn(ok(result)));
    }

    private static MappingBuilder rpcStub(String model, String method) {
        return post(urlEqualTo("/jsonrpc")).withRequestBody(matchingJsonPath("$.params.service", equalTo("object")))
                .withRequestBody(matchingJsonPath("$.params.args[3]", equalTo(model)))
                .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo(method)));
    }

    private static RequestPatternBuilder rpc(String model, String method) {
        return postRequestedFor(urlEqualTo("/jsonrpc")).withRequestBody(matchingJsonPath("$.params.service", equalTo("object")))
                .withRequestBody(matchingJsonPath("$.params.args[3]", equalTo(model)))
                .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo(method)));
    }

    private static com.github.tomakehurst.wiremock.matching.StringValuePattern equalToJsonPath(String path, String json) {
        return matchingJsonPath(path, equalToJson(json));
    }

    private static ResponseDefinitionBuilder ok(String result) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + result + "}");
    }

    private static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }
}
