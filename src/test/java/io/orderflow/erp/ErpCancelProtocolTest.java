package io.orderflow.erp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.erp.ErpClient.CancelOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ErpClient.cancelOrder of each ERP against WireMock answering in the ERP's shapes: which calls, with which arguments,
 * for an order to cancel, one cancelled already, one that has shipped (refused: the return case), and the ERP's own
 * special cases (Odoo's cancel wizard, ERPNext's draft, Tryton's processing sale). The real Tryton:
 * io.orderflow.tryton.TrytonCancellationTest.
 */
class ErpCancelProtocolTest {

    final WireMockServer erp = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    final OrderflowProperties.Erp settings = new OrderflowProperties.Erp();

    @BeforeEach
    void start() {
        erp.start();
        settings.setUrl(erp.baseUrl());
    }

    @AfterEach
    void stop() {
        erp.stop();
    }

    // --- Odoo (JSON-RPC execute_kw) ---

    OdooClient odoo() {
        settings.getOdoo().setDatabase("shop");
        settings.getOdoo().setUsername("api@shop.example");
        settings.getOdoo().setApiKey("odoo-key");
        erp.stubFor(post(urlEqualTo("/jsonrpc")).withRequestBody(matchingJsonPath("$.params.service", equalTo("common")))
                .willReturn(rpcResult("2")));
        return new OdooClient(settings, new ErpHttp(settings), new ObjectMapper(), null);
    }

    void odooAnswers(String model, String method, String result) {
        erp.stubFor(post(urlEqualTo("/jsonrpc")).withRequestBody(matchingJsonPath("$.params.args[3]", equalTo(model)))
                .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo(method))).willReturn(rpcResult(result)));
    }

    RequestPatternBuilder odooCall(String model, String method) {
        return postRequestedFor(urlEqualTo("/jsonrpc")).withRequestBody(matchingJsonPath("$.params.args[3]", equalTo(model)))
                .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo(method)));
    }

    @Test
    void odooCancelsAConfirmedOrderWithoutTheCancelWizard() {
        OdooClient client = odoo();
        odooAnswers("sale.order", "search_read", "[{\"id\":42,\"name\":\"S00042\",\"state\":\"sale\",\"picking_ids\":[7]}]");
        odooAnswers("stock.picking", "search_read", "[]");
        odooAnswers("sale.order", "action_cancel", "true");

        assertThat(client.cancelOrder("shop-1001")).isEqualTo(new ErpClient.CancelResult("S00042", CancelOutcome.CANCELLED, null));
        erp.verify(1, odooCall("sale.order", "search_read")
                .withRequestBody(matchingJsonPath("$.params.args[6].domain", equalToJson("[[\"client_order_ref\",\"=\",\"shop-1001\"]]"))));
        erp.verify(1, odooCall("stock.picking", "search_read")
                .withRequestBody(matchingJsonPath("$.params.args[6].domain", equalToJson(
                        "[[\"id\",\"in\",[7]],[\"picking_type_code\",\"=\",\"outgoing\"],[\"state\",\"=\",\"done\"]]"))));
        erp.verify(1, odooCall("sale.order", "action_cancel")
                .withRequestBody(matchingJsonPath("$.params.args[5]", equalToJson("[[42]]")))
                .withRequestBody(matchingJsonPath("$.params.args[6]", equalToJson("{\"context\":{\"disable_cancel_warning\":true}}"))));
    }

    @Test
    void odooAlreadyCancelledOrUnknownChangesNothing() {
        OdooClient client = odoo();
        odooAnswers("sale.order", "search_read", "[{\"id\":42,\"name\":\"S00042\",\"state\":\"cancel\",\"picking_ids\":[]}]");
        assertThat(client.cancelOrder("shop-1001").outcome()).isEqualTo(CancelOutcome.ALREADY_CANCELLED);
        odooAnswers("sale.order", "search_read", "[]");
        assertThat(client.cancelOrder("shop-1002").outcome()).isEqualTo(CancelOutcome.NOT_FOUND);
        erp.verify(0, odooCall("sale.order", "action_cancel"));
    }

    @Test
    void odooRefusesAShippedOrderAndAWizardAnswer() {
        OdooClient client = odoo();
        odooAnswers("sale.order", "search_read", "[{\"id\":42,\"name\":\"S00042\",\"state\":\"sale\",\"picking_ids\":[7]}]");
        odooAnswers("stock.picking", "search_read", "[{\"id\":7,\"name\":\"WH/OUT/00007\"}]");
        assertThatThrownBy(() -> client.cancelOrder("shop-1001")).isInstanceOf(ErpRejectedException.class)
                .hasMessageContaining("done delivery WH/OUT/00007");
        erp.verify(0, odooCall("sale.order", "action_cancel"));

        odooAnswers("stock.picking", "search_read", "[]");
        odooAnswers("sale.order", "action_cancel", "{\"type\":\"ir.actions.act_window\",\"res_model\":\"sale.order.cancel\"}");
        assertThatThrownBy(() -> client.cancelOrder("shop-1001")).isInstanceOf(ErpRejectedException.class)
                .hasMessageContaining("wizard sale.order.cancel");
    }

    // --- ERPNext (Frappe REST) ---

    ErpNextClient erpnext(String salesOrders) {
        settings.getErpnext().setApiKey("erp-key");
        settings.getErpnext().setApiSecret("erp-secret");
        erp.stubFor(get(urlPathEqualTo("/api/resource/Sales%20Order")).willReturn(json("{\"data\":" + salesOrders + "}")));
        erp.stubFor(post(urlEqualTo("/api/method/frappe.client.cancel")).willReturn(json("{\"message\":{\"docstatus\":2}}")));
        return new ErpNextClient(settings, new ErpHttp(settings), new ObjectMapper(), null);
    }

    @Test
    void erpnextCancelsTheSubmittedSalesOrder() {
        ErpNextClient client = erpnext("[{\"name\":\"SAL-ORD-1\",\"docstatus\":2,\"per_delivered\":0},"
                + "{\"name\":\"SAL-ORD-2\",\"docstatus\":1,\"per_delivered\":0}]");
        assertThat(client.cancelOrder("shop-1001")).isEqualTo(new ErpClient.CancelResult("SAL-ORD-2", CancelOutcome.CANCELLED, null));
        erp.verify(1, postRequestedFor(urlEqualTo("/api/method/frappe.client.cancel"))
                .withHeader("Authorization", equalTo("token erp-key:erp-secret"))
                .withRequestBody(equalToJson("{\"doctype\":\"Sales Order\",\"name\":\"SAL-ORD-2\"}")));
    }

    @Test
    void erpnextLeavesCancelledDraftAndShippedOrdersAlone() {
        assertThat(erpnext("[{\"name\":\"SAL-ORD-1\",\"docstatus\":2,\"per_delivered\":0}]").cancelOrder("shop-1001").outcome())
                .isEqualTo(CancelOutcome.ALREADY_CANCELLED);
        assertThat(erpnext("[]").cancelOrder("shop-1001").outcome()).isEqualTo(CancelOutcome.NOT_FOUND);
        ErpClient.CancelResult draft = erpnext("[{\"name\":\"SAL-ORD-3\",\"docstatus\":0,\"per_delivered\":0}]").cancelOrder("shop-1001");
        assertThat(draft.outcome()).isEqualTo(CancelOutcome.LEFT_AS_DRAFT);
        assertThat(draft.note()).contains("SAL-ORD-3");
        ErpNextClient shipped = erpnext("[{\"name\":\"SAL-ORD-4\",\"docstatus\":1,\"per_delivered\":50}]");
        assertThatThrownBy(() -> shipped.cancelOrder("shop-1001")).isInstanceOf(ErpRejectedException.class)
                .hasMessageContaining("50% delivered");
        erp.verify(0, postRequestedFor(urlEqualTo("/api/method/frappe.client.cancel")));
    }

    // --- Tryton 6.0 (JSON-RPC) ---

    TrytonClient tryton(String sales) {
        settings.getTryton().setDatabase("orderflow");
        settings.getTryton().setUsername("admin");
        settings.getTryton().setPassword("admin");
        trytonAnswers("common.db.login", "[1,\"session-one\"]");
        trytonAnswers("model.res.user.get_preferences", "{\"company\":1,\"language\":\"en\"}");
        trytonAnswers("model.sale.sale.search_read", sales);
        for (String method : new String[] {"model.sale.sale.cancel", "model.sale.sale.draft", "model.stock.shipment.out.cancel"}) {
            trytonAnswers(method, "null");
        }
        return new TrytonClient(settings, new ErpHttp(settings), new ObjectMapper(), null);
    }

    void trytonAnswers(String method, String result) {
        erp.stubFor(post(urlEqualTo("/orderflow/")).withRequestBody(matchingJsonPath("$.method", equalTo(method)))
                .willReturn(json("{\"id\":1,\"result\":" + result + "}")));
    }

    RequestPatternBuilder trytonCall(String method) {
        return postRequestedFor(urlEqualTo("/orderflow/")).withRequestBody(matchingJsonPath("$.method", equalTo(method)));
    }

    @Test
    void trytonCancelsTheShipmentsOfAProcessingSaleAndSaysWhatIsLeft() {
        TrytonClient client = tryton("[{\"id\":12,\"number\":\"SO12\",\"state\":\"processing\",\"shipments\":[30,31]}]");
        trytonAnswers("model.stock.shipment.out.read", "[{\"id\":30,\"number\":\"CS30\",\"state\":\"assigned\"},"
                + "{\"id\":31,\"number\":\"CS31\",\"state\":\"cancelled\"}]");

        ErpClient.CancelResult result = client.cancelOrder("shop-1001");
        assertThat(result.outcome()).isEqualTo(CancelOutcome.CANCELLED);
        assertThat(result.note()).contains("SO12 stays processing");
        erp.verify(1, trytonCall("model.stock.shipment.out.cancel").withRequestBody(matchingJsonPath("$.params[0]", equalToJson("[30]"))));
        erp.verify(0, trytonCall("model.sale.sale.cancel"));
    }

    @Test
    void trytonCancelsAQuotationAndTakesAConfirmedSaleBackToDraftFirst() {
        assertThat(tryton("[{\"id\":12,\"number\":\"SO12\",\"state\":\"quotation\",\"shipments\":[]}]").cancelOrder("shop-1001").outcome())
                .isEqualTo(CancelOutcome.CANCELLED);
        erp.verify(1, trytonCall("model.sale.sale.cancel").withRequestBody(matchingJsonPath("$.params[0]", equalToJson("[12]"))));
        erp.verify(0, trytonCall("model.sale.sale.draft"));

        erp.resetRequests();
        assertThat(tryton("[{\"id\":13,\"number\":\"SO13\",\"state\":\"confirmed\",\"shipments\":[]}]").cancelOrder("shop-1002").outcome())
                .isEqualTo(CancelOutcome.CANCELLED);
        erp.verify(1, trytonCall("model.sale.sale.draft").withRequestBody(matchingJsonPath("$.params[0]", equalToJson("[13]"))));
        erp.verify(1, trytonCall("model.sale.sale.cancel").withRequestBody(matchingJsonPath("$.params[0]", equalToJson("[13]"))));
    }

    @Test
    void trytonLeavesACancelledSaleAloneAndRefusesAShippedOne() {
        assertThat(tryton("[{\"id\":12,\"number\":\"SO12\",\"state\":\"cancelled\",\"shipments\":[]}]").cancelOrder("shop-1001").outcome())
                .isEqualTo(CancelOutcome.ALREADY_CANCELLED);
        TrytonClient shipped = tryton("[{\"id\":14,\"number\":\"SO14\",\"state\":\"processing\",\"shipments\":[40]}]");
        trytonAnswers("model.stock.shipment.out.read", "[{\"id\":40,\"number\":\"CS40\",\"state\":\"done\"}]");
        assertThatThrownBy(() -> shipped.cancelOrder("shop-1003")).isInstanceOf(ErpRejectedException.class)
                .hasMessageContaining("done customer shipment CS40");
        erp.verify(0, trytonCall("model.sale.sale.cancel"));
        erp.verify(0, trytonCall("model.stock.shipment.out.cancel"));
    }

    static ResponseDefinitionBuilder rpcResult(String result) {
        return json("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + result + "}");
    }

    static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }
}
