package io.orderflow.erp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.orderflow.config.OrderflowProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TrytonClient.deliver's calls (the shipment write-back), against a WireMock Tryton answering in Tryton 6.0's JSON-RPC
 * shapes: which buttons, in which order, with which values, for a full package, a partial one, and a package that
 * is there already. What Tryton then does with them is proven against the real Tryton by TrytonWritebackTest.
 */
class TrytonDeliveryProtocolTest {

    final WireMockServer tryton = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    TrytonClient client;

    @BeforeEach
    void start() {
        tryton.start();
        OrderflowProperties.Erp settings = new OrderflowProperties.Erp();
        settings.setUrl(tryton.baseUrl());
        settings.getTryton().setDatabase("orderflow");
        settings.getTryton().setUsername("admin");
        settings.getTryton().setPassword("admin");
        client = new TrytonClient(settings, new ErpHttp(settings), new ObjectMapper(), null);
        rpc("common.db.login", "[1,\"session-one\"]");
        rpc("model.res.user.get_preferences", "{\"company\":1,\"language\":\"en\"}");
        rpc("model.sale.sale.search_read", "[{\"id\":12,\"number\":\"SO12\",\"state\":\"processing\",\"shipments\":[30]}]");
        rpc("model.product.product.read", "[{\"id\":1,\"code\":\"SKU-1\"},{\"id\":2,\"code\":\"SKU-2\"}]");
        rpc("model.stock.shipment.out.write", "null");
        rpc("model.stock.move.write", "null");
        rpc("model.stock.shipment.out.wait", "null");
        rpc("model.stock.shipment.out.assign_try", "true");
        rpc("model.stock.shipment.out.pick", "null");
        rpc("model.stock.shipment.out.pack", "null");
        rpc("model.stock.shipment.out.done", "null");
        rpc("model.sale.sale.process", "null");
    }

    @AfterEach
    void stop() {
        tryton.stop();
    }

    @Test
    void aFullPackageOnAnAssignedShipmentIsPickedPackedAndDone() {
        shipmentRead("[{\"id\":30,\"number\":\"CS30\",\"state\":\"assigned\",\"reference\":null,\"inventory_moves\":[301,302],"
                + "\"outgoing_moves\":[311,312]}]");
        rpc("model.stock.move.read", "[{\"id\":301,\"product\":1,\"quantity\":2.0,\"state\":\"assigned\"},"
                + "{\"id\":302,\"product\":2,\"quantity\":1.0,\"state\":\"assigned\"}]");

        ErpClient.DeliveryResult result = client.deliver("shop-1001", delivery("1Z1", "SKU-1", "2", "SKU-2", "1"));

        assertThat(result).isEqualTo(new ErpClient.DeliveryResult("CS30", false));
        tryton.verify(1, call("model.stock.shipment.out.write")
                .withRequestBody(matchingJsonPath("$.params[0]", equalToJson("[30]")))
                .withRequestBody(matchingJsonPath("$.params[1]", equalToJson("{\"reference\":\"1Z1\"}"))));
        tryton.verify(0, call("model.stock.move.write"));
        tryton.verify(0, call("model.stock.shipment.out.assign_try"));
        tryton.verify(1, call("model.stock.shipment.out.pick"));
        tryton.verify(1, call("model.stock.shipment.out.pack"));
        tryton.verify(1, call("model.stock.shipment.out.done").withRequestBody(matchingJsonPath("$.params[0]", equalToJson("[30]"))));
        tryton.verify(1, call("model.sale.sale.process").withRequestBody(matchingJsonPath("$.params[0]", equalToJson("[12]"))));
        tryton.verify(1, call("model.sale.sale.search_read")
                .withRequestBody(matchingJsonPath("$.params[0]", equalToJson("[[\"reference\",\"=\",\"shop-1001\"],[\"state\",\"!=\",\"cancelled\"]]"))));
    }

    @Test
    void aPartialPackageSetsTheShipmentBackToWaitingAndReducesItsInventoryMoves() {
        shipmentRead("[{\"id\":30,\"number\":\"CS30\",\"state\":\"assigned\",\"reference\":null,\"inventory_moves\":[301,302],"
                + "\"outgoing_moves\":[311,312]}]");
        // After wait, Tryton recreates the inventory moves (new ids) as drafts.
        tryton.stubFor(post(urlEqualTo("/orderflow/")).withRequestBody(matchingJsonPath("$.method", equalTo("model.stock.shipment.out.read")))
                .withRequestBody(matchingJsonPath("$.params[1]", equalToJson("[\"inventory_moves\",\"outgoing_moves\"]")))
                .atPriority(1).willReturn(ok("[{\"id\":30,\"inventory_moves\":[401,402],\"outgoing_moves\":[311,312]}]")));
        rpcMoves("[301,302]", "[{\"id\":301,\"product\":1,\"quantity\":2.0,\"state\":\"assigned\"},"
                + "{\"id\":302,\"product\":2,\"quantity\":1.0,\"state\":\"assigned\"}]");
        rpcMoves("[401,402]", "[{\"id\":401,\"product\":1,\"quantity\":2.0,\"state\":\"draft\"},"
                + "{\"id\":402,\"product\":2,\"quantity\":1.0,\"state\":\"draft\"}]");

        client.deliver("shop-1001", delivery("1Z2", "SKU-1", "1"));

        tryton.verify(1, call("model.stock.shipment.out.wait"));
        tryton.verify(1, call("model.stock.move.write").withRequestBody(matchingJsonPath("$.params[0]", equalToJson("[401]")))
                .withRequestBody(matchingJsonPath("$.params[1]", equalToJson("{\"quantity\":1.0}"))));
        tryton.verify(1, call("model.stock.move.write").withRequestBody(matchingJsonPath("$.params[0]", equalToJson("[402]")))
                .withRequestBody(matchingJsonPath("$.params[1]", equalToJson("{\"quantity\":0.0}"))));
        tryton.verify(0, call("model.stock.move.write").withRequestBody(matchingJsonPath("$.params[0]", equalToJson("[301]"))));
        tryton.verify(1, call("model.stock.shipment.out.assign_try"));
        tryton.verify(1, call("model.stock.shipment.out.pick"));
        tryton.verify(1, call("model.stock.shipment.out.done"));
        tryton.verify(1, call("model.sale.sale.process"));
    }

    @Test
    void aShipmentDoneWithTheTrackingNumberIsThereAlready() {
        shipmentRead("[{\"id\":30,\"number\":\"CS30\",\"state\":\"done\",\"reference\":\"1Z3\",\"inventory_moves\":[],\"outgoing_moves\":[311]}]");

        assertThat(client.deliver("shop-1001", delivery("1Z3", "SKU-1", "2"))).isEqualTo(new ErpClient.DeliveryResult("CS30", true));
        tryton.verify(0, call("model.stock.shipment.out.write"));
        tryton.verify(0, call("model.stock.shipment.out.done"));
    }

    @Test
    void aSkuNotOnTheShipmentIsRefusedAndNothingIsWritten() {
        shipmentRead("[{\"id\":30,\"number\":\"CS30\",\"state\":\"assigned\",\"reference\":null,\"inventory_moves\":[301],\"outgoing_moves\":[311]}]");
        rpc("model.stock.move.read", "[{\"id\":301,\"product\":1,\"quantity\":2.0,\"state\":\"assigned\"}]");

        assertThatThrownBy(() -> client.deliver("shop-1001", delivery("1Z4", "SKU-9", "1")))
                .isInstanceOf(ErpRejectedException.class).hasMessageContaining("SKU SKU-9 is not on Tryton shipment CS30");
        tryton.verify(0, call("model.stock.shipment.out.done"));
    }

    private static ErpClient.Delivery delivery(String tracking, String... skuQuantity) {
        List<ErpClient.DeliveredLine> lines = new java.util.ArrayList<>();
        for (int i = 0; i < skuQuantity.length; i += 2) {
            lines.add(new ErpClient.DeliveredLine(skuQuantity[i], new BigDecimal(skuQuantity[i + 1])));
        }
        return new ErpClient.Delivery("PKG-" + tracking, tracking, "DHL", lines);
    }

    private void shipmentRead(String result) {
        tryton.stubFor(post(urlEqualTo("/orderflow/")).withRequestBody(matchingJsonPath("$.method", equalTo("model.stock.shipment.out.read")))
                .inScenario("state").whenScenarioStateIs(Scenario.STARTED).willReturn(ok(result)));
        // Read back after done.
        tryton.stubFor(post(urlEqualTo("/orderflow/")).withRequestBody(matchingJsonPath("$.method", equalTo("model.stock.shipment.out.read")))
                .withRequestBody(matchingJsonPath("$.params[1]", equalToJson("[\"state\"]"))).atPriority(1)
                .willReturn(ok("[{\"id\":30,\"state\":\"done\"}]")));
    }

    private void rpcMoves(String ids, String result) {
        tryton.stubFor(post(urlEqualTo("/orderflow/")).withRequestBody(matchingJsonPath("$.method", equalTo("model.stock.move.read")))
                .withRequestBody(matchingJsonPath("$.params[0]", equalToJson(ids))).willReturn(ok(result)));
    }

    private RequestPatternBuilder call(String method) {
        return postRequestedFor(urlEqualTo("/orderflow/")).withRequestBody(matchingJsonPath("$.method", equalTo(method)));
    }

    private void rpc(String method, String result) {
        tryton.stubFor(post(urlEqualTo("/orderflow/")).withRequestBody(matchingJsonPath("$.method", equalTo(method)))
                .willReturn(ok(result)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder ok(String result) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"id\":1,\"result\":" + result + "}");
    }
}
