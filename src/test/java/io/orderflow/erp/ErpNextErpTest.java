package io.orderflow.erp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
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
import static io.orderflow.erp.ErpTestSupport.json;
import static io.orderflow.erp.ErpTestSupport.release;
import static io.orderflow.erp.ErpTestSupport.releasedOrder;
import static io.orderflow.erp.ErpTestSupport.wooTaxIncludedOneLineOrder;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.orderflow.support.Queues;
import jakarta.jms.TextMessage;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
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
 * The ERP stage against a WireMock ERPNext (Frappe REST: /api/resource, token key:secret, {"data": ...}, 417 for
 * validation errors with _server_messages), with the "hold" shortage policy.
 */
@CamelSpringBootTest
@SpringBootTest(properties = {"orderflow.data-dir=target/test-data/erpnext-${random.uuid}",
        "spring.artemis.embedded.server-id=11", "orderflow.erp.kind=erpnext", "orderflow.erp.erpnext.api-key=erp-key",
        "orderflow.erp.erpnext.api-secret=erp-secret", "orderflow.erp.erpnext.company=Demo Shop Ltd",
        "orderflow.erp.erpnext.warehouse=Stores - DS", "orderflow.erp.shortage-policy=hold",
        "orderflow.erp.erpnext.tax-accounts.19=VAT 19% - DS", "orderflow.erp.charges.shipping-account=Freight - DS",
        "orderflow.channels.test-woo.erp.shipping-account=Freight Woo - DS"})
@ActiveProfiles("test")
class ErpNextErpTest {

    static final WireMockServer ERPNEXT = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        ERPNEXT.start();
    }

    @DynamicPropertySource
    static void erpnext(DynamicPropertyRegistry registry) {
        registry.add("orderflow.erp.url", ERPNEXT::baseUrl);
    }

    @AfterAll
    static void stop() {
        ERPNEXT.stop();
    }

    @Autowired
    CamelContext camel;
    @Autowired
    JmsTemplate jms;

    @BeforeEach
    void erpnextWithStock() {
        ERPNEXT.resetAll();
        list("Sales%20Order", "[]");
        list("Customer", "[]");
        list("Item", "[{\"item_code\":\"IPOD2008GREEN\"},{\"item_code\":\"IPOD2008RED\"},{\"item_code\":\"IPOD2008BLACK\"}]");
        bins(5, 5, 5);
        ERPNEXT.stubFor(post(urlEqualTo("/api/resource/Customer")).willReturn(data("{\"name\":\"Bob Norman\"}")));
        ERPNEXT.stubFor(post(urlEqualTo("/api/resource/Address")).willReturn(data("{\"name\":\"Bob Norman-Billing\"}")));
        ERPNEXT.stubFor(post(urlEqualTo("/api/resource/Sales%20Order"))
                .willReturn(data("{\"name\":\"SAL-ORD-2026-00031\",\"docstatus\":0}")));
        ERPNEXT.stubFor(put(urlEqualTo("/api/resource/Sales%20Order/SAL-ORD-2026-00031"))
                .willReturn(data("{\"name\":\"SAL-ORD-2026-00031\",\"docstatus\":1}")));
        ERPNEXT.stubFor(get(urlEqualTo("/api/resource/Sales%20Order/SAL-ORD-2026-00031"))
                .willReturn(data("{\"name\":\"SAL-ORD-2026-00031\",\"docstatus\":0,\"grand_total\":597.0}")));
    }

    @Test
    void aReleasedOrderBecomesASubmittedSalesOrderWithItsCustomerAndAddress() throws Exception {
        release(jms, releasedOrder("test-shopify", "7001"), "e-7001");

        JsonNode allocated = json(Queues.await(jms, "orderflow.allocated", "test-shopify:7001").get(0).getText());
        assertThat(allocated.get("erpOrderId").asText()).isEqualTo("SAL-ORD-2026-00031");
        ERPNEXT.verify(getRequestedFor(urlPathEqualTo("/api/resource/Sales%20Order"))
                .withHeader("Authorization", equalTo("token erp-key:erp-secret"))
                .withQueryParam("filters", equalToJson("[[\"po_no\",\"=\",\"test-shopify-7001\"],[\"docstatus\",\"!=\",2]]")));
        ERPNEXT.verify(1, postRequestedFor(urlEqualTo("/api/resource/Customer"))
                .withRequestBody(matchingJsonPath("$.email_id", equalTo("bob.norman@hostmail.com"))));
        ERPNEXT.verify(1, postRequestedFor(urlEqualTo("/api/resource/Address"))
                .withRequestBody(matchingJsonPath("$.links[0].link_name", equalTo("Bob Norman")))
                .withRequestBody(matchingJsonPath("$.country", equalTo("United States"))));
        ERPNEXT.verify(1, postRequestedFor(urlEqualTo("/api/resource/Sales%20Order"))
                .withRequestBody(matchingJsonPath("$.po_no", equalTo("test-shopify-7001")))
                .withRequestBody(matchingJsonPath("$.customer", equalTo("Bob Norman")))
                .withRequestBody(matchingJsonPath("$.company", equalTo("Demo Shop Ltd")))
                .withRequestBody(matchingJsonPath("$.items[0].item_code", equalTo("IPOD2008GREEN")))
                .withRequestBody(matchingJsonPath("$.items[0].warehouse", equalTo("Stores - DS")))
                .withRequestBody(matchingJsonPath("$.reserve_stock", equalTo("1"))));
        ERPNEXT.verify(1, putRequestedFor(urlEqualTo("/api/resource/Sales%20Order/SAL-ORD-2026-00031"))
                .withRequestBody(equalToJson("{\"docstatus\":1}")));
    }

    @Test
    void theGrandTotalInTheInsertAnswerIsUsedWithoutReadingTheOrderBack() throws Exception {
        // ERPNext answers an insert with the whole document, its computed totals included.
        ERPNEXT.stubFor(post(urlEqualTo("/api/resource/Sales%20Order"))
                .willReturn(data("{\"name\":\"SAL-ORD-2026-00031\",\"docstatus\":0,\"grand_total\":597.0}")));
        release(jms, releasedOrder("test-shopify", "7011"), "e-7011");

        Queues.await(jms, "orderflow.allocated", "test-shopify:7011");
        ERPNEXT.verify(1, postRequestedFor(urlEqualTo("/api/resource/Sales%20Order")));
        ERPNEXT.verify(0, getRequestedFor(urlEqualTo("/api/resource/Sales%20Order/SAL-ORD-2026-00031")));
        ERPNEXT.verify(1, putRequestedFor(urlEqualTo("/api/resource/Sales%20Order/SAL-ORD-2026-00031"))
                .withRequestBody(equalToJson("{\"docstatus\":1}")));
    }

    @Test
    void anInsertAnswerWithADifferentGrandTotalStillParksTheOrderUnsubmitted() throws Exception {
        ERPNEXT.stubFor(post(urlEqualTo("/api/resource/Sales%20Order"))
                .willReturn(data("{\"name\":\"SAL-ORD-2026-00031\",\"docstatus\":0,\"grand_total\":598.0}")));
        NotifyBuilder handled = new NotifyBuilder(camel).fromRoute("erp-stage").whenCompleted(1).create();
        release(jms, releasedOrder("test-shopify", "7012"), "e-7012");

        TextMessage parked = Queues.await(jms, "orderflow.review", "test-shopify:7012").get(0);
        assertThat(parked.getStringProperty("orderflowReason")).contains("total mismatch").contains("598");
        assertThat(handled.matches(30, java.util.concurrent.TimeUnit.SECONDS)).as("release handled").isTrue();
        ERPNEXT.verify(0, putRequestedFor(urlEqualTo("/api/resource/Sales%20Order/SAL-ORD-2026-00031")));
    }

    @Test
    void anOrderAlreadySubmittedIsNeitherCreatedNorSubmittedAgain() throws Exception {
        list("Sales%20Order", "[{\"name\":\"SAL-ORD-2026-00031\",\"docstatus\":1}]");
        NotifyBuilder bothHandled = new NotifyBuilder(camel).fromRoute("erp-stage").whenCompleted(2).create();
        release(jms, releasedOrder("test-shopify", "7002"), "e-7002");
        release(jms, releasedOrder("test-shopify", "7002"), "e-7002-again");

        Queues.await(jms, "orderflow.allocated", "test-shopify:7002");
        // Both releases went through the ERP stage (committed), so every ERP call they make has been made.
        assertThat(bothHandled.matches(30, java.util.concurrent.TimeUnit.SECONDS)).as("both releases handled").isTrue();
        ERPNEXT.verify(0, postRequestedFor(urlEqualTo("/api/resource/Sales%20Order")));
        ERPNEXT.verify(0, putRequestedFor(urlEqualTo("/api/resource/Sales%20Order/SAL-ORD-2026-00031")));
    }

    @Test
    void aValidationErrorParksTheOrderWithErpnextsMessage() throws Exception {
        ERPNEXT.stubFor(post(urlEqualTo("/api/resource/Sales%20Order")).atPriority(1).willReturn(aResponse().withStatus(417)
                .withHeader("Content-Type", "application/json").withBody("{\"exc_type\":\"ValidationError\","
                        + "\"_server_messages\":\"[\\\"{\\\\\\\"message\\\\\\\": \\\\\\\"Delivery Date cannot be before Sales Order Date\\\\\\\"}\\\"]\"}")));
        release(jms, releasedOrder("test-shopify", "7003"), "e-7003");

        TextMessage parked = Queues.await(jms, "orderflow.review", "test-shopify:7003").get(0);
        assertThat(parked.getStringProperty("orderflowReason")).contains("HTTP 417")
                .contains("Delivery Date cannot be before Sales Order Date");
    }

    @Test
    void aShortageUnderTheHoldPolicyLeavesTheOrderUnsubmittedAndParksIt() throws Exception {
        bins(5, 0, 5);
        release(jms, releasedOrder("test-shopify", "7004"), "e-7004");

        TextMessage parked = Queues.await(jms, "orderflow.review", "test-shopify:7004").get(0);
        assertThat(parked.getStringProperty("orderflowReason")).contains("held for stock").contains("IPOD2008RED=1");
        ERPNEXT.verify(1, postRequestedFor(urlEqualTo("/api/resource/Sales%20Order")));
        ERPNEXT.verify(0, putRequestedFor(urlEqualTo("/api/resource/Sales%20Order/SAL-ORD-2026-00031")));
        assertThat(Queues.browse(jms, "orderflow.allocated", "test-shopify:7004")).isEmpty();
    }

    @Test
    void aOneLineTaxIncludedOrderWithCouponAndShippingIsSubmittedWithTheCustomersTotal() throws Exception {
        sku1(24.90);
        release(jms, wooTaxIncludedOneLineOrder("test-woo", "7101"), "e-7101");

        Queues.await(jms, "orderflow.allocated", "test-woo:7101");
        var posts = ERPNEXT.findAll(postRequestedFor(urlEqualTo("/api/resource/Sales%20Order")));
        assertThat(posts).hasSize(1);
        JsonNode so = json(posts.get(0).getBodyAsString());
        assertThat(so.path("items").isArray()).isTrue();
        assertThat(so.path("items")).hasSize(1);
        assertThat(so.at("/items/0/item_code").asText()).isEqualTo("SKU-1");
        assertThat(so.at("/items/0/rate").decimalValue()).isEqualByComparingTo("25.00");
        assertThat(so.path("disable_rounded_total").asInt()).isEqualTo(1);
        assertThat(so.path("apply_discount_on").asText()).isEqualTo("Grand Total");
        assertThat(so.path("discount_amount").decimalValue()).isEqualByComparingTo("5.00");
        JsonNode taxes = so.path("taxes");
        assertThat(taxes).hasSize(3);
        assertThat(taxes.get(0).path("charge_type").asText()).isEqualTo("On Net Total");
        assertThat(taxes.get(0).path("account_head").asText()).isEqualTo("VAT 19% - DS");
        assertThat(taxes.get(0).path("rate").decimalValue()).isEqualByComparingTo("19");
        assertThat(taxes.get(0).path("included_in_print_rate").asInt()).isEqualTo(1);
        // The channel's own shipping account; the shipping's net and its tax as "Actual" rows.
        assertThat(taxes.get(1).path("charge_type").asText()).isEqualTo("Actual");
        assertThat(taxes.get(1).path("account_head").asText()).isEqualTo("Freight Woo - DS");
        assertThat(taxes.get(1).path("tax_amount").decimalValue()).isEqualByComparingTo("4.12");
        assertThat(taxes.get(2).path("account_head").asText()).isEqualTo("VAT 19% - DS");
        assertThat(taxes.get(2).path("tax_amount").decimalValue()).isEqualByComparingTo("0.78");
        // Rates include tax: the grand total is items - discount + actual rows = what the customer paid.
        assertThat(so.at("/items/0/rate").decimalValue().subtract(so.path("discount_amount").decimalValue())
                .add(taxes.get(1).path("tax_amount").decimalValue()).add(taxes.get(2).path("tax_amount").decimalValue()))
                .isEqualByComparingTo("24.90");
        ERPNEXT.verify(1, getRequestedFor(urlEqualTo("/api/resource/Sales%20Order/SAL-ORD-2026-00031")));
        ERPNEXT.verify(1, putRequestedFor(urlEqualTo("/api/resource/Sales%20Order/SAL-ORD-2026-00031"))
                .withRequestBody(equalToJson("{\"docstatus\":1}")));
    }

    @Test
    void aGrandTotalOtherThanWhatWasPaidLeavesTheOrderUnsubmittedAndParksItWithBothAmounts() throws Exception {
        // ERPNext added the tax on top (its tax row was not marked "included in print rate").
        sku1(29.64);
        NotifyBuilder handled = new NotifyBuilder(camel).fromRoute("erp-stage").whenCompleted(1).create();
        release(jms, wooTaxIncludedOneLineOrder("test-woo", "7102"), "e-7102");

        TextMessage parked = Queues.await(jms, "orderflow.review", "test-woo:7102").get(0);
        assertThat(parked.getStringProperty("orderflowReason")).contains("total mismatch").contains("29.64")
                .contains("the shop's total is 24.90");
        // The release was handled (parked and committed): no call of it is still to come.
        assertThat(handled.matches(30, java.util.concurrent.TimeUnit.SECONDS)).as("release handled").isTrue();
        ERPNEXT.verify(0, putRequestedFor(urlEqualTo("/api/resource/Sales%20Order/SAL-ORD-2026-00031")));
        assertThat(Queues.browse(jms, "orderflow.allocated", "test-woo:7102")).isEmpty();
    }

    private static void sku1(double grandTotal) {
        list("Item", "[{\"item_code\":\"SKU-1\"}]");
        list("Bin", "[{\"item_code\":\"SKU-1\",\"actual_qty\":10,\"reserved_qty\":0}]");
        ERPNEXT.stubFor(get(urlEqualTo("/api/resource/Sales%20Order/SAL-ORD-2026-00031"))
                .willReturn(data("{\"name\":\"SAL-ORD-2026-00031\",\"docstatus\":0,\"grand_total\":" + grandTotal + "}")));
    }

    private static void bins(int green, int red, int black) {
        list("Bin", "[{\"item_code\":\"IPOD2008GREEN\",\"actual_qty\":" + green + ",\"reserved_qty\":0},"
                + "{\"item_code\":\"IPOD2008RED\",\"actual_qty\":" + (red + 2) + ",\"reserved_qty\":2},"
                + "{\"item_code\":\"IPOD2008BLACK\",\"actual_qty\":" + black + ",\"reserved_qty\":0}]");
    }

    private static void list(String doctype, String rows) {
        ERPNEXT.stubFor(get(urlPathEqualTo("/api/resource/" + doctype)).willReturn(data(rows)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder data(String data) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"data\":" + data + "}");
    }
}
