package io.orderflow.erp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.orderflow.erp.ErpTestSupport.json;
import static io.orderflow.erp.ErpTestSupport.release;
import static io.orderflow.erp.ErpTestSupport.releasedOrder;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
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
 * The ERP stage against a WireMock Odoo speaking external JSON-RPC (/jsonrpc, common.login + object.execute_kw,
 * errors as HTTP 200 with an error object, shaped like fixtures/odoo-jsonrpc-*.json). Asserts the exact calls Odoo
 * received and how many.
 */
@CamelSpringBootTest
@SpringBootTest(properties = {"orderflow.data-dir=target/test-data/odoo-rpc-${random.uuid}",
        "spring.artemis.embedded.server-id=8", "orderflow.erp.kind=odoo", "orderflow.erp.odoo-api=jsonrpc",
        "orderflow.erp.database=mycompany", "orderflow.erp.username=integration-bot@example.com",
        "orderflow.erp.api-key=odoo-test-key", "orderflow.erp.circuit-failure-threshold=2",
        "orderflow.erp.circuit-half-open-after=2s"})
@ActiveProfiles("test")
class OdooJsonRpcErpTest {

    /** Each test's orders get their own Odoo id, so calls still running from an earlier test are told apart. */
    static final java.util.concurrent.atomic.AtomicInteger IDS = new java.util.concurrent.atomic.AtomicInteger(40);
    int ORDER_ID;
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
    @Autowired
    org.apache.camel.throttling.ThrottlingExceptionRoutePolicy circuitBreaker;
    @Autowired
    org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ broker;

    @Autowired
    org.apache.camel.CamelContext camel;

    @BeforeEach
    void odooWithStock() throws Exception {
        // The stock levels are read here, not pushed (ShopStockSyncTest covers the push).
        camel.getRouteController().stopRoute("stock-sync");
        ORDER_ID = IDS.incrementAndGet() * 10;
        ODOO.resetAll();
        stubs();
    }

    private void stubs() {
        stub("common", null, null, "2");
        stub("object", "res.partner", "search_read", "[]");
        stub("object", "res.partner", "create", "[7]");
        stub("object", "sale.order", "search_read", "[]");
        stub("object", "sale.order", "create", "[" + ORDER_ID + "]");
        stub("object", "sale.order", "action_confirm", "true");
        stub("object", "sale.order", "read", "[{\"id\":" + ORDER_ID + ",\"picking_ids\":[9]}]");
        stub("object", "stock.picking", "action_assign", "true");
        products(10, 10, 10);
    }

    @Test
    void aReleasedOrderBecomesOneConfirmedSalesOrderWithItsStockReserved() throws Exception {
        JsonNode order = releasedOrder("test-shopify", "5001");
        release(jms, order, "d-5001");

        JsonNode allocated = json(Queues.await(jms, "orderflow.allocated", "test-shopify:5001").get(0).getText());
        assertThat(allocated.get("erpOrderId").asText()).isEqualTo(String.valueOf(ORDER_ID));
        assertThat(allocated.get("backordered").asBoolean()).isFalse();

        ODOO.verify(1, rpc("object", "res.partner", "search_read")
                .withRequestBody(matchingJsonPath("$.params.args[6].domain[0][2]", equalTo("bob.norman@hostmail.com"))));
        ODOO.verify(1, rpc("object", "res.partner", "create")
                .withRequestBody(matchingJsonPath("$.params.args[6].vals_list[0].email", equalTo("bob.norman@hostmail.com"))));
        ODOO.verify(1, rpc("object", "sale.order", "create")
                .withRequestBody(matchingJsonPath("$.params.args[6].vals_list[0].client_order_ref", equalTo("test-shopify-5001")))
                .withRequestBody(matchingJsonPath("$.params.args[6].vals_list[0].partner_id", equalTo("7")))
                .withRequestBody(matchingJsonPath("$.params.args[6].vals_list[0].order_line[0][2].product_id", equalTo("39")))
                .withRequestBody(matchingJsonPath("$.params.args[0]", equalTo("mycompany")))
                .withRequestBody(matchingJsonPath("$.params.args[1]", equalTo("2")))
                .withRequestBody(matchingJsonPath("$.params.args[2]", equalTo("odoo-test-key"))));
        ODOO.verify(1, rpc("object", "sale.order", "action_confirm")
                .withRequestBody(matchingJsonPath("$.params.args[5][0][0]", equalTo(String.valueOf(ORDER_ID)))));
        ODOO.verify(1, rpc("object", "stock.picking", "action_assign")
                .withRequestBody(matchingJsonPath("$.params.args[5][0][0]", equalTo("9"))));

        JsonNode stock = json(Queues.await(jms, "orderflow.stock.levels", "test-shopify:5001").get(0).getText());
        assertThat(stock.at("/available/IPOD2008GREEN").asText()).isEqualTo("10");
    }

    @Test
    void anOrderTheErpAlreadyHasIsNeverCreatedAgain() throws Exception {
        // The state after a crash between Odoo's answer to create and our commit: Odoo has the draft order.
        // Once confirmed, Odoo reports it in state "sale" (a WireMock scenario follows the confirmation).
        ODOO.stubFor(post(urlEqualTo("/jsonrpc")).atPriority(1).inScenario("odoo").whenScenarioStateIs("Started")
                .withRequestBody(matchingJsonPath("$.params.args[3]", equalTo("sale.order")))
                .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo("search_read")))
                .willReturn(ok("[{\"id\":" + ORDER_ID + ",\"name\":\"S00042\",\"state\":\"draft\"}]")));
        ODOO.stubFor(post(urlEqualTo("/jsonrpc")).atPriority(1).inScenario("odoo").whenScenarioStateIs("Started")
                .withRequestBody(matchingJsonPath("$.params.args[3]", equalTo("sale.order")))
                .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo("action_confirm")))
                .willReturn(ok("true")).willSetStateTo("confirmed"));
        ODOO.stubFor(post(urlEqualTo("/jsonrpc")).atPriority(1).inScenario("odoo").whenScenarioStateIs("confirmed")
                .withRequestBody(matchingJsonPath("$.params.args[3]", equalTo("sale.order")))
                .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo("search_read")))
                .willReturn(ok("[{\"id\":" + ORDER_ID + ",\"name\":\"S00042\",\"state\":\"sale\"}]")));
        JsonNode order = releasedOrder("test-shopify", "5002");
        release(jms, order, "d-5002");
        release(jms, order, "d-5002-replayed");

        Queues.await(jms, "orderflow.allocated", "test-shopify:5002");
        awaitIdle();
        // The repeat found the order (and is allowed to announce it again: fulfilment upserts by order key).
        ODOO.verify(0, rpc("object", "sale.order", "create"));
        ODOO.verify(0, rpc("object", "res.partner", "create"));
        ODOO.verify(1, rpc("object", "sale.order", "action_confirm")
                .withRequestBody(matchingJsonPath("$.params.args[5][0][0]", equalTo(String.valueOf(ORDER_ID)))));
        assertThat(Queues.browse(jms, "orderflow.allocated", "test-shopify:5002")).isNotEmpty();
    }

    @Test
    void anUnknownSkuParksTheOrderNamingItAndCreatesNothing() throws Exception {
        ODOO.stubFor(post(urlEqualTo("/jsonrpc")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.params.args[3]", equalTo("product.product")))
                .willReturn(ok("[{\"id\":39,\"default_code\":\"IPOD2008GREEN\",\"free_qty\":5},"
                        + "{\"id\":40,\"default_code\":\"IPOD2008RED\",\"free_qty\":5}]")));
        release(jms, releasedOrder("test-shopify", "5003"), "d-5003");

        TextMessage parked = Queues.await(jms, "orderflow.review", "test-shopify:5003").get(0);
        assertThat(parked.getStringProperty("orderflowReason")).contains("unknown SKUs").contains("IPOD2008BLACK");
        assertThat(parked.getStringProperty("orderflowFailedRoute")).isEqualTo("erp-stage");
        ODOO.verify(0, rpc("object", "sale.order", "create"));
    }

    @Test
    void aValidationErrorParksTheOrderWithOdoosMessageAndIsNotRetried() throws Exception {
        ODOO.stubFor(post(urlEqualTo("/jsonrpc")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.params.args[3]", equalTo("sale.order")))
                .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo("create")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":200,\"message\":\"Odoo Server Error\","
                                + "\"data\":{\"name\":\"odoo.exceptions.ValidationError\",\"debug\":\"Traceback ...\","
                                + "\"message\":\"The pricelist currency must match the order currency.\","
                                + "\"arguments\":[\"The pricelist currency must match the order currency.\"],\"context\":{}}}}")));
        release(jms, releasedOrder("test-shopify", "5004"), "d-5004");

        TextMessage parked = Queues.await(jms, "orderflow.review", "test-shopify:5004").get(0);
        assertThat(parked.getStringProperty("orderflowReason")).contains("The pricelist currency must match");
        awaitIdle();
        ODOO.verify(1, rpc("object", "sale.order", "create")
                .withRequestBody(matchingJsonPath("$.params.args[6].vals_list[0].client_order_ref", equalTo("test-shopify-5004"))));
    }

    @Test
    void aShortageIsBackorderedShippingWhatIsThereAndTheCustomerIsTold() throws Exception {
        products(10, 0, 10);
        release(jms, releasedOrder("test-shopify", "5005"), "d-5005");

        JsonNode allocated = json(Queues.await(jms, "orderflow.allocated", "test-shopify:5005").get(0).getText());
        assertThat(allocated.get("backordered").asBoolean()).isTrue();
        assertThat(allocated.at("/lines/1/sku").asText()).isEqualTo("IPOD2008RED");
        assertThat(allocated.at("/lines/1/backordered").asText()).isEqualTo("1");
        JsonNode notification = json(Queues.await(jms, "orderflow.notify.requests", "test-shopify:5005").get(0).getText());
        assertThat(notification.get("template").asText()).isEqualTo("backorder");
        ODOO.verify(1, rpc("object", "sale.order", "action_confirm")
                .withRequestBody(matchingJsonPath("$.params.args[5][0][0]", equalTo(String.valueOf(ORDER_ID)))));
    }

    @Test
    void anOdooThatIsDownSuspendsTheStageAndTheOrderCompletesOnceWhenItIsBack() throws Exception {
        ODOO.stubFor(post(urlEqualTo("/jsonrpc")).atPriority(1).willReturn(aResponse().withStatus(503)));
        release(jms, releasedOrder("test-shopify", "5006"), "d-5006");

        String state = null;
        for (int i = 0; i < 200 && !"opened".equals(state); i++) {
            Thread.sleep(50);
            state = circuitBreaker.getStateAsString();
        }
        assertThat(state).as("circuit breaker state").isEqualTo("opened");
        // Open: the consumer is suspended; at most one trial call per half-open interval (2 s here).
        int before = ODOO.getAllServeEvents().size();
        Thread.sleep(3_000);
        assertThat(ODOO.getAllServeEvents().size() - before).as("calls in 3 s while open").isLessThanOrEqualTo(2);

        ODOO.resetMappings();
        stubs();   // Odoo is back
        JsonNode allocated = json(Queues.await(jms, "orderflow.allocated", "test-shopify:5006").get(0).getText());
        assertThat(allocated.get("erpOrderId").asText()).isEqualTo(String.valueOf(ORDER_ID));
        ODOO.verify(1, rpc("object", "sale.order", "create")
                .withRequestBody(matchingJsonPath("$.params.args[6].vals_list[0].client_order_ref", equalTo("test-shopify-5006"))));
        Boolean deadLettered = jms.browse("orderflow.dead-letter", (s, b) -> b.getEnumeration().hasMoreElements());
        assertThat(deadLettered).isFalse();
        assertThat(Queues.browse(jms, "orderflow.review", "test-shopify:5006")).isEmpty();
    }

    private void products(int green, int red, int black) {
        stub("object", "product.product", "search_read", "[{\"id\":39,\"default_code\":\"IPOD2008GREEN\",\"free_qty\":" + green
                + "},{\"id\":40,\"default_code\":\"IPOD2008RED\",\"free_qty\":" + red
                + "},{\"id\":41,\"default_code\":\"IPOD2008BLACK\",\"free_qty\":" + black + "}]");
    }

    /** Until nothing is waiting or in delivery on orderflow.release (so no call of this test is still to come). */
    private void awaitIdle() throws InterruptedException {
        var release = new io.orderflow.support.Broker(broker).queue("orderflow.release");
        for (int i = 0; i < 400 && release.getMessageCount() > 0; i++) {
            Thread.sleep(50);
        }
        assertThat(release.getMessageCount()).as("orderflow.release drained").isZero();
    }

    @org.junit.jupiter.api.AfterEach
    void drained() throws InterruptedException {
        awaitIdle();
    }

    private static void stub(String service, String model, String method, String result) {
        var request = post(urlEqualTo("/jsonrpc")).atPriority(5)
                .withRequestBody(matchingJsonPath("$.params.service", equalTo(service)));
        if (model != null) {
            request = request.withRequestBody(matchingJsonPath("$.params.args[3]", equalTo(model)))
                    .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo(method)));
        }
        ODOO.stubFor(request.willReturn(ok(result)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder ok(String result) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + result + "}");
    }

    private static RequestPatternBuilder rpc(String service, String model, String method) {
        RequestPatternBuilder request = postRequestedFor(urlEqualTo("/jsonrpc"))
                .withRequestBody(matchingJsonPath("$.params.service", equalTo(service)));
        if (model != null) {
            request = request.withRequestBody(matchingJsonPath("$.params.args[3]", equalTo(model)))
                    .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo(method)));
        }
        return request;
    }
}
