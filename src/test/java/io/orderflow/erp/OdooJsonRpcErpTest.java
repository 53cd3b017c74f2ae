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
import static io.orderflow.erp.ErpTestSupport.taxIncludedOneLineOrder;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
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
        "spring.artemis.embedded.server-id=8", "orderflow.erp.kind=odoo", "orderflow.erp.odoo.api=jsonrpc",
        "orderflow.erp.odoo.database=mycompany", "orderflow.erp.odoo.username=integration-bot@example.com",
        "orderflow.erp.odoo.api-key=odoo-test-key", "orderflow.erp.circuit-failure-threshold=2",
        "orderflow.erp.circuit-half-open-after=2s", "orderflow.erp.charges.shipping-product=SHIPPING",
        "orderflow.erp.charges.discount-product=DISCOUNT"})
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
    @org.springframework.beans.factory.annotation.Qualifier("erpCircuitBreaker")
    org.apache.camel.throttling.ThrottlingExceptionRoutePolicy circuitBreaker;
    @Autowired
    org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ broker;

    @Autowired
    org.apache.camel.CamelContext camel;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;
    @Autowired
    io.orderflow.review.ReviewReplayer replayer;

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
        stub("object", "res.country", "search_read", "[{\"id\":233}]");
        stub("object", "res.country.state", "search_read", "[{\"id\":27}]");
        stub("object", "sale.order", "search_read", "[]");
        stub("object", "sale.order", "create", "[" + ORDER_ID + "]");
        stub("object", "sale.order", "action_confirm", "true");
        stub("object", "sale.order", "read", "[{\"id\":" + ORDER_ID + ",\"picking_ids\":[9],\"amount_total\":597.0}]");
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
                // The shop charged no tax on these lines: Odoo gets "no taxes", not the products' default taxes.
                .withRequestBody(matchingJsonPath("$.params.args[6].vals_list[0].order_line[0][2].tax_id", equalToJson("[[6,0,[]]]")))
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
        saleOrderCreateFails("odoo.exceptions.ValidationError", "The pricelist currency must match the order currency.");
        release(jms, releasedOrder("test-shopify", "5004"), "d-5004");

        TextMessage parked = Queues.await(jms, "orderflow.review", "test-shopify:5004").get(0);
        assertThat(parked.getStringProperty("orderflowReason")).contains("The pricelist currency must match");
        awaitIdle();
        ODOO.verify(1, rpc("object", "sale.order", "create")
                .withRequestBody(matchingJsonPath("$.params.args[6].vals_list[0].client_order_ref", equalTo("test-shopify-5004"))));
    }

    @Test
    void aFieldThisOdooDoesNotKnowParksTheOrderInsteadOfRetryingIt() throws Exception {
        saleOrderCreateFails("builtins.ValueError", "Invalid field 'tax_id' on model 'sale.order.line'");
        release(jms, releasedOrder("test-shopify", "5007"), "d-5007");

        TextMessage parked = Queues.await(jms, "orderflow.review", "test-shopify:5007").get(0);
        assertThat(parked.getStringProperty("orderflowReason")).contains("Invalid field 'tax_id'");
        awaitIdle();
        ODOO.verify(1, rpc("object", "sale.order", "create"));
    }

    @Test
    void aShortageIsBackorderedShippingWhatIsThereAndTheCustomerIsTold() throws Exception {
        products(10, 0, 10);
        release(jms, releasedOrder("test-shopify", "5005"), "d-5005");

        JsonNode allocated = json(Queues.await(jms, "orderflow.allocated", "test-shopify:5005").get(0).getText());
        assertThat(allocated.get("backordered").asBoolean()).isTrue();
        assertThat(allocated.at("/lines/1/sku").asText()).isEqualTo("IPOD2008RED");
        assertThat(allocated.at("/lines/1/backordered").asText()).isEqualTo("1");
        // Committed together with allocated: the order confirmation first, then the backorder notice.
        java.util.List<String> templates = new java.util.ArrayList<>();
        for (jakarta.jms.TextMessage m : Queues.await(jms, "orderflow.notify.requests", "test-shopify:5005")) {
            templates.add(json(m.getText()).get("template").asText());
        }
        assertThat(templates).containsExactly("order-confirmed", "backorder");
        ODOO.verify(1, rpc("object", "sale.order", "action_confirm")
                .withRequestBody(matchingJsonPath("$.params.args[5][0][0]", equalTo(String.valueOf(ORDER_ID)))));
    }

    @Test
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void anOdooThatIsDownSuspendsTheStageAndTheOrderCompletesOnceWhenItIsBack(
            org.springframework.boot.test.system.CapturedOutput output) throws Exception {
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

        // The log an operator reads: one WARN line per attempt naming the ERP, its host and the cause; the circuit's
        // opening and closing once each; no stack trace for an outage.
        List<String> attempts = output.getOut().lines()
                .filter(line -> line.contains("ERP unavailable for order test-shopify:5006")).toList();
        assertThat(attempts).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(line -> assertThat(line).contains("WARN").contains("Odoo at localhost").contains("HTTP 503"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> output.getOut().contains("ERP circuit closed:"));
        assertThat(output.getOut().lines().filter(line -> line.contains("ERP circuit open:"))).hasSize(1);
        assertThat(output.getOut().lines().filter(line -> line.contains("ERP circuit closed:"))).hasSize(1);
        assertThat(meters.get("orderflow.circuit.state").tag("system", "ERP").gauge().value()).isZero();
        // Downstream latency and errors per system: the 503s and the successful calls.
        assertThat(meters.get("orderflow.downstream.calls").tag("system", "ERP").tag("outcome", "5xx").timer().count())
                .isGreaterThanOrEqualTo(2);
        assertThat(meters.get("orderflow.downstream.calls").tag("system", "ERP").tag("outcome", "2xx").timer().count())
                .isPositive();
        assertThat(output.getOut()).doesNotContain("at io.orderflow.erp.ErpHttp.send")
                .doesNotContain("Execution of JMS message listener failed").doesNotContain("null");
    }

    @Test
    void aOneLineTaxIncludedOrderWithDiscountAndShippingReachesOdooAsWhatTheCustomerPaid() throws Exception {
        taxIncludedOrderStubs("49.9");
        JsonNode order = taxIncludedOneLineOrder("test-shopify", "5101");
        release(jms, order, "d-5101", "49.90");

        JsonNode allocated = json(Queues.await(jms, "orderflow.allocated", "test-shopify:5101").get(0).getText());
        assertThat(allocated.get("erpOrderId").asText()).isEqualTo(String.valueOf(ORDER_ID));
        // The tax looked up is Odoo's price-included 19 % sale tax.
        ODOO.verify(1, rpc("object", "account.tax", "search_read")
                .withRequestBody(matchingJsonPath("$.params.args[6].domain[2][2]", equalTo("19")))
                .withRequestBody(matchingJsonPath("$.params.args[6].domain[3][2]", equalTo("true"))));
        // The partner gets its country and state by ISO code.
        ODOO.verify(1, rpc("object", "res.partner", "create")
                .withRequestBody(matchingJsonPath("$.params.args[6].vals_list[0].country_id", equalTo("233")))
                .withRequestBody(matchingJsonPath("$.params.args[6].vals_list[0].state_id", equalTo("27"))));
        JsonNode vals = createdSaleOrder();
        JsonNode lines = vals.path("order_line");
        // A list of three create commands, even though the shop order has one line.
        assertThat(lines.isArray()).isTrue();
        assertThat(lines).hasSize(3);
        for (JsonNode command : lines) {
            assertThat(command.isArray()).isTrue();
            assertThat(command.get(0).asInt()).isZero();
            assertThat(command.get(2).path("tax_id").toString()).isEqualTo("[[6,0,[12]]]");
        }
        assertThat(lines.get(0).get(2).path("product_id").asInt()).isEqualTo(39);
        assertThat(lines.get(0).get(2).path("price_unit").decimalValue()).isEqualByComparingTo("25.00");
        assertThat(lines.get(0).get(2).path("product_uom_qty").asInt()).isEqualTo(2);
        assertThat(lines.get(1).get(2).path("product_id").asInt()).isEqualTo(91);
        assertThat(lines.get(1).get(2).path("price_unit").decimalValue()).isEqualByComparingTo("-5.00");
        assertThat(lines.get(1).get(2).path("name").asText()).contains("WELCOME10");
        assertThat(lines.get(2).get(2).path("product_id").asInt()).isEqualTo(90);
        assertThat(lines.get(2).get(2).path("price_unit").decimalValue()).isEqualByComparingTo("4.90");
        // With price-included taxes Odoo's total is the sum of quantity x price: what the customer paid.
        BigDecimal total = BigDecimal.ZERO;
        for (JsonNode command : lines) {
            total = total.add(command.get(2).path("price_unit").decimalValue()
                    .multiply(command.get(2).path("product_uom_qty").decimalValue()));
        }
        assertThat(total).isEqualByComparingTo("49.90");
        ODOO.verify(1, rpc("object", "sale.order", "action_confirm"));
    }

    @Test
    void anErpTotalOtherThanWhatWasPaidParksTheOrderUnconfirmedAndAReplayAfterTheFixConfirmsItOnce() throws Exception {
        // Odoo added 19 % on top of the tax-included prices: 59.38 instead of 49.90.
        taxIncludedOrderStubs("59.38");
        release(jms, taxIncludedOneLineOrder("test-shopify", "5102"), "d-5102", "49.90");

        TextMessage parked = Queues.await(jms, "orderflow.review", "test-shopify:5102").get(0);
        String reason = parked.getStringProperty("orderflowReason");
        assertThat(reason).contains("total mismatch").contains("59.38").contains("the shop's total is 49.90")
                .contains("the payment confirmed by the gateway is 49.90").contains("SKU-1 2 x 25.00 - 5.00 = 45.00")
                .contains("shipping DHL Paket");
        assertThat(meters.find("orderflow.erp.total.mismatches").counter().count()).isGreaterThanOrEqualTo(1.0);
        awaitIdle();
        ODOO.verify(0, rpc("object", "sale.order", "action_confirm"));
        ODOO.verify(0, rpc("object", "stock.picking", "action_assign"));
        assertThat(Queues.browse(jms, "orderflow.allocated", "test-shopify:5102")).isEmpty();

        // Someone corrects the taxes of the draft order in Odoo; the order is replayed: found, checked, confirmed.
        ODOO.stubFor(post(urlEqualTo("/jsonrpc")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.params.args[3]", equalTo("sale.order")))
                .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo("search_read")))
                .willReturn(ok("[{\"id\":" + ORDER_ID + ",\"name\":\"S05102\",\"state\":\"draft\"}]")));
        taxIncludedOrderStubs("49.9");
        assertThat(replayer.replay(parked.getJMSMessageID(), 10)).isEqualTo(1);
        Queues.await(jms, "orderflow.allocated", "test-shopify:5102");
        awaitIdle();
        ODOO.verify(1, rpc("object", "sale.order", "create"));
        ODOO.verify(1, rpc("object", "sale.order", "action_confirm"));
    }

    @Test
    void aPaymentOtherThanTheErpTotalParksTheOrderEvenWhenTheShopTotalMatches() throws Exception {
        taxIncludedOrderStubs("49.9");
        release(jms, taxIncludedOneLineOrder("test-shopify", "5103"), "d-5103", "45.00");

        TextMessage parked = Queues.await(jms, "orderflow.review", "test-shopify:5103").get(0);
        assertThat(parked.getStringProperty("orderflowReason")).contains("the payment confirmed by the gateway is 45.00")
                .doesNotContain("the shop's total");
        awaitIdle();
        ODOO.verify(0, rpc("object", "sale.order", "action_confirm"));
    }

    /** Odoo with SKU-1, the shipping and discount products, a price-included 19 % tax, the US/KY records. */
    private void taxIncludedOrderStubs(String amountTotal) {
        ODOO.stubFor(post(urlEqualTo("/jsonrpc")).atPriority(2)
                .withRequestBody(matchingJsonPath("$.params.args[3]", equalTo("product.product")))
                .withRequestBody(matchingJsonPath("$.params.args[6].domain[0][2][0]", equalTo("SKU-1")))
                .willReturn(ok("[{\"id\":39,\"default_code\":\"SKU-1\",\"free_qty\":10}]")));
        ODOO.stubFor(post(urlEqualTo("/jsonrpc")).atPriority(2)
                .withRequestBody(matchingJsonPath("$.params.args[3]", equalTo("product.product")))
                .withRequestBody(matchingJsonPath("$.params.args[6].domain[0][2]", equalTo("SHIPPING")))
                .willReturn(ok("[{\"id\":90}]")));
        ODOO.stubFor(post(urlEqualTo("/jsonrpc")).atPriority(2)
                .withRequestBody(matchingJsonPath("$.params.args[3]", equalTo("product.product")))
                .withRequestBody(matchingJsonPath("$.params.args[6].domain[0][2]", equalTo("DISCOUNT")))
                .willReturn(ok("[{\"id\":91}]")));
        stub("object", "account.tax", "search_read", "[{\"id\":12,\"name\":\"19% (incl.)\"}]");
        stub("object", "sale.order", "read", "[{\"id\":" + ORDER_ID + ",\"picking_ids\":[9],\"amount_total\":" + amountTotal + "}]");
    }

    /** The values of the one sale.order create Odoo received. */
    private JsonNode createdSaleOrder() {
        var creates = ODOO.findAll(rpc("object", "sale.order", "create"));
        assertThat(creates).hasSize(1);
        return json(creates.get(0).getBodyAsString()).at("/params/args/6/vals_list/0");
    }

    /** sale.order create answers Odoo's JSON-RPC error (HTTP 200, error.data.name) with this exception and message. */
    private static void saleOrderCreateFails(String exception, String message) {
        ODOO.stubFor(post(urlEqualTo("/jsonrpc")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.params.args[3]", equalTo("sale.order")))
                .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo("create")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":200,\"message\":\"Odoo Server Error\","
                                + "\"data\":{\"name\":\"" + exception + "\",\"debug\":\"Traceback ...\","
                                + "\"message\":\"" + message + "\",\"arguments\":[\"" + message + "\"],\"context\":{}}}}")));
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
