package io.orderflow.erp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.orderflow.erp.ErpTestSupport.json;
import static io.orderflow.erp.ErpTestSupport.release;
import static io.orderflow.erp.ErpTestSupport.releasedOrder;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.orderflow.support.Queues;
import jakarta.jms.TextMessage;
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
 * The ERP stage against a WireMock Odoo 19 speaking JSON-2 (/json/2/<model>/<method>, bearer API key, named
 * parameters, errors as 4xx with {name, message} like fixtures/odoo-json2-error-response.json).
 */
@CamelSpringBootTest
@SpringBootTest(properties = {"orderflow.data-dir=target/test-data/odoo-json2-${random.uuid}",
        "spring.artemis.embedded.server-id=10", "orderflow.erp.kind=odoo", "orderflow.erp.odoo.api=json2",
        "orderflow.erp.odoo.database=mycompany", "orderflow.erp.odoo.api-key=odoo19-test-key"})
@ActiveProfiles("test")
class OdooJson2ErpTest {

    static final WireMockServer ODOO = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        ODOO.start();
    }

    @DynamicPropertySource
    static void odoo(DynamicPropertyRegistry registry) {
        registry.add("orderflow.erp.url", ODOO::baseUrl);
    }

    @AfterAll
    static void stop() {
        ODOO.stop();
    }

    @Autowired
    JmsTemplate jms;

    @BeforeEach
    void odoo() {
        ODOO.resetAll();
        stub("res.partner", "search_read", "[{\"id\":7}]");
        stub("sale.order", "search_read", "[]");
        stub("product.product", "search_read", "[{\"id\":39,\"default_code\":\"IPOD2008GREEN\",\"free_qty\":3},"
                + "{\"id\":40,\"default_code\":\"IPOD2008RED\",\"free_qty\":3},{\"id\":41,\"default_code\":\"IPOD2008BLACK\",\"free_qty\":3}]");
        stub("sale.order", "create", "[77]");
        stub("sale.order", "action_confirm", "true");
        stub("sale.order", "read", "[{\"id\":77,\"picking_ids\":[],\"amount_total\":597.0}]");
    }

    @Test
    void aReleasedOrderIsCreatedAndConfirmedThroughJson2() throws Exception {
        release(jms, releasedOrder("test-shopify", "6001"), "j-6001");

        JsonNode allocated = json(Queues.await(jms, "orderflow.allocated", "test-shopify:6001").get(0).getText());
        assertThat(allocated.get("erpOrderId").asText()).isEqualTo("77");
        ODOO.verify(1, postRequestedFor(urlEqualTo("/json/2/sale.order/search_read"))
                .withHeader("Authorization", equalTo("bearer odoo19-test-key"))
                .withHeader("X-Odoo-Database", equalTo("mycompany"))
                .withRequestBody(equalToJson("{\"domain\":[[\"client_order_ref\",\"=\",\"test-shopify-6001\"],[\"state\",\"!=\",\"cancel\"]],"
                        + "\"fields\":[\"id\",\"name\",\"state\"],\"limit\":1}")));
        ODOO.verify(1, postRequestedFor(urlEqualTo("/json/2/sale.order/create"))
                .withRequestBody(matchingJsonPath("$.vals_list[0].client_order_ref", equalTo("test-shopify-6001")))
                .withRequestBody(matchingJsonPath("$.vals_list[0].partner_id", equalTo("7")))
                .withRequestBody(matchingJsonPath("$.vals_list[0].order_line[2][2].product_id", equalTo("41"))));
        ODOO.verify(1, postRequestedFor(urlEqualTo("/json/2/sale.order/action_confirm"))
                .withRequestBody(equalToJson("{\"ids\":[77]}")));
        ODOO.verify(0, postRequestedFor(urlEqualTo("/json/2/res.partner/create")));
    }

    @Test
    void anInvalidApiKeyParksTheOrderWithOdoosMessage() throws Exception {
        ODOO.stubFor(post(urlEqualTo("/json/2/sale.order/search_read")).atPriority(1).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody(Files.readString(Path.of("src/test/resources/fixtures/odoo-json2-error-response.json")))));
        release(jms, releasedOrder("test-shopify", "6002"), "j-6002");

        TextMessage parked = Queues.await(jms, "orderflow.review", "test-shopify:6002").get(0);
        assertThat(parked.getStringProperty("orderflowReason")).contains("Invalid apikey");
        ODOO.verify(0, postRequestedFor(urlEqualTo("/json/2/sale.order/create")));
    }

    @Test
    void aUserErrorParksTheOrderWithOdoosMessage() throws Exception {
        ODOO.stubFor(post(urlEqualTo("/json/2/sale.order/action_confirm")).atPriority(1).willReturn(aResponse()
                .withStatus(422).withHeader("Content-Type", "application/json")
                .withBody("{\"name\":\"odoo.exceptions.UserError\",\"message\":\"A partner must have an address.\","
                        + "\"arguments\":[\"A partner must have an address.\"],\"context\":{},\"debug\":\"...\"}")));
        release(jms, releasedOrder("test-shopify", "6003"), "j-6003");

        TextMessage parked = Queues.await(jms, "orderflow.review", "test-shopify:6003").get(0);
        assertThat(parked.getStringProperty("orderflowReason")).contains("A partner must have an address.");
    }

    private static void stub(String model, String method, String result) {
        ODOO.stubFor(post(urlEqualTo("/json/2/" + model + "/" + method)).atPriority(5)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(result)));
    }
}
