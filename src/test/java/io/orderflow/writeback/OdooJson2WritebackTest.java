package io.orderflow.writeback;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.orderflow.writeback.WritebackRequests.request;
import static io.orderflow.writeback.WritebackRequests.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.orderflow.simulator.SimulatedShopifyGraphql;
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
 * Route writeback to Odoo 19 over JSON-2 (/json/2/<model>/<method>, bearer API key, named parameters; errors as 4xx
 * with {name, message}) with the shop write-back switched off (orderflow.writeback.shop=false): the shop is only
 * asked for the order (its ERP reference), never written to.
 */
@CamelSpringBootTest
@SpringBootTest(properties = {"orderflow.data-dir=target/test-data/writeback-json2-${random.uuid}",
        "spring.artemis.embedded.server-id=63", "orderflow.erp.kind=odoo", "orderflow.erp.odoo.api=json2",
        "orderflow.erp.odoo.api-key=odoo-json2-key", "orderflow.writeback.shop=false",
        "orderflow.channels.test-shopify.api.access-token=shpat_test_token"})
@ActiveProfiles("test")
class OdooJson2WritebackTest {

    static final WireMockServer SHOP = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final WireMockServer ODOO = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        SHOP.start();
        ODOO.start();
    }

    @DynamicPropertySource
    static void urls(DynamicPropertyRegistry registry) {
        registry.add("orderflow.channels.test-shopify.api.base-url", SHOP::baseUrl);
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
    }

    @AfterEach
    void dropLeftovers() throws Exception {
        new Broker(embeddedBroker).queue(WritebackRequests.QUEUE).deleteAllReferences();
    }

    @Test
    void aFullShipmentValidatesTheDeliveryOverJson2AndTheShopIsOnlyRead() throws Exception {
        String id = "9201";
        shopOrder(id);
        odooDelivery("1Z" + id);
        ODOO.stubFor(odoo("stock.picking", "button_validate").inScenario("validate").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("done").willReturn(json("true")));

        var request = request("test-shopify", id, "PKG-1", "1Z" + id, true, List.of(new String[] {"IPOD2008GREEN", "1", "466157049"},
                new String[] {"IPOD2008RED", "1", "518995019"}));
        send(jms, request);
        send(jms, request);
        awaitDrained();

        ODOO.verify(2, postRequestedFor(urlEqualTo("/json/2/sale.order/search_read"))
                .withHeader("Authorization", equalTo("bearer odoo-json2-key"))
                .withRequestBody(matchingJsonPath("$.domain[0][2]", equalTo("test-shopify-" + id))));
        ODOO.verify(1, postRequestedFor(urlEqualTo("/json/2/stock.move/write"))
                .withRequestBody(equalToJson("{\"ids\":[91,92],\"vals\":{\"quantity\":1,\"picked\":true}}")));
        ODOO.verify(1, postRequestedFor(urlEqualTo("/json/2/stock.picking/write"))
                .withRequestBody(equalToJson("{\"ids\":[9],\"vals\":{\"carrier_tracking_ref\":\"1Z" + id + "\"}}")));
        ODOO.verify(1, postRequestedFor(urlEqualTo("/json/2/stock.picking/button_validate"))
                .withRequestBody(equalToJson("{\"ids\":[9],\"context\":{\"skip_backorder\":true,\"skip_sms\":true}}")));
        // The shop was asked for the order (its ERP reference) and nothing else.
        SHOP.verify(0, postRequestedFor(urlEqualTo("/admin/api/2025-10/graphql.json"))
                .withRequestBody(matchingJsonPath("$.query", containing("Fulfil"))));
        SHOP.verify(2, postRequestedFor(urlEqualTo("/admin/api/2025-10/graphql.json"))
                .withRequestBody(matchingJsonPath("$.query", containing("OrderForOrderflow"))));
        assertThat(Queues.browse(jms, "orderflow.review", "test-shopify:" + id)).isEmpty();
    }

    @Test
    void odoosUserErrorOnValidationParksTheRequestWithOdoosMessage() throws Exception {
        String id = "9202";
        shopOrder(id);
        odooDelivery("1Z" + id);
        ODOO.stubFor(odoo("stock.picking", "button_validate").willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/json").withBody("{\"name\":\"odoo.exceptions.UserError\","
                        + "\"message\":\"You cannot validate a transfer if no quantities are reserved nor done.\","
                        + "\"arguments\":[\"You cannot validate a transfer if no quantities are reserved nor done.\"],"
                        + "\"context\":{},\"debug\":\"Traceback ...\"}")));

        send(jms, request("test-shopify", id, "PKG-1", "1Z" + id, true, List.of(new String[] {"IPOD2008GREEN", "1", "466157049"},
                new String[] {"IPOD2008RED", "1", "518995019"})));

        TextMessage parked = Queues.await(jms, "orderflow.review", "test-shopify:" + id).get(0);
        assertThat(parked.getStringProperty("orderflowReason"))
                .contains("Odoo stock.picking.button_validate: You cannot validate a transfer if no quantities are reserved nor done.");
    }

    void awaitDrained() {
        Broker broker = new Broker(embeddedBroker);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(40)).pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> broker.depth(WritebackRequests.QUEUE) == 0);
    }

    /** The Shopify fixture order as {@code id}, order number = id: its ERP reference is test-shopify-{id}. */
    void shopOrder(String id) {
        var order = WritebackRequests.shopifyOrder(id);
        order.put("order_number", Long.parseLong(id)).put("name", "#" + id);
        SHOP.stubFor(post(urlEqualTo("/admin/api/2025-10/graphql.json"))
                .withRequestBody(matchingJsonPath("$.query", containing("OrderForOrderflow")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(SimulatedShopifyGraphql.orderAnswer(order, WritebackRequests.JSON).toString())));
    }

    /** Sale order 77 with outgoing delivery 9 (moves 91 = 1 x IPOD2008GREEN, 92 = 1 x IPOD2008RED); done once validated. */
    void odooDelivery(String tracking) {
        ODOO.stubFor(odoo("sale.order", "search_read").willReturn(json("[{\"id\":77,\"name\":\"S00077\",\"state\":\"sale\",\"picking_ids\":[9]}]")));
        ODOO.stubFor(odoo("stock.picking", "search_read").inScenario("validate").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json("[{\"id\":9,\"name\":\"WH/OUT/00009\",\"state\":\"assigned\",\"carrier_tracking_ref\":false}]")));
        ODOO.stubFor(odoo("stock.picking", "search_read").inScenario("validate").whenScenarioStateIs("done")
                .willReturn(json("[{\"id\":9,\"name\":\"WH/OUT/00009\",\"state\":\"done\",\"carrier_tracking_ref\":\"" + tracking + "\"}]")));
        ODOO.stubFor(odoo("stock.move", "search_read").willReturn(json("[{\"id\":91,\"product_id\":[39,\"[IPOD2008GREEN] iPod\"],"
                + "\"product_uom_qty\":1.0},{\"id\":92,\"product_id\":[40,\"[IPOD2008RED] iPod\"],\"product_uom_qty\":1.0}]")));
        ODOO.stubFor(odoo("product.product", "read").willReturn(json("[{\"id\":39,\"default_code\":\"IPOD2008GREEN\"},"
                + "{\"id\":40,\"default_code\":\"IPOD2008RED\"}]")));
        ODOO.stubFor(odoo("stock.picking", "write").willReturn(json("true")));
        ODOO.stubFor(odoo("stock.move", "write").willReturn(json("true")));
        ODOO.stubFor(odoo("stock.picking", "read").willReturn(json("[{\"id\":9,\"state\":\"done\"}]")));
    }

    static com.github.tomakehurst.wiremock.client.MappingBuilder odoo(String model, String method) {
        return post(urlEqualTo("/json/2/" + model + "/" + method));
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }
}
