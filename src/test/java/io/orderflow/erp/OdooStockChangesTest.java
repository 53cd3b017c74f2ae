package io.orderflow.erp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.orderflow.config.OrderflowProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The periodic stock sync's question to Odoo over JSON-RPC (WireMock in Odoo's shapes): quants and moves written since
 * the watermark minus the overlap, then free_qty of their products; without a watermark a full pass.
 */
class OdooStockChangesTest {

    final WireMockServer odoo = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    OdooClient client;

    @BeforeEach
    void odoo() {
        odoo.start();
        OrderflowProperties.Erp settings = new OrderflowProperties.Erp();
        settings.setKind(OrderflowProperties.ErpKind.odoo);
        settings.setUrl(odoo.baseUrl());
        settings.getOdoo().setDatabase("shop");
        settings.getOdoo().setUsername("bot@example.com");
        settings.getOdoo().setApiKey("odoo-key");
        client = new OdooClient(settings, new ErpHttp(settings), new ObjectMapper(), null);
        odoo.stubFor(post(urlEqualTo("/jsonrpc")).withRequestBody(matchingJsonPath("$.params.service", equalTo("common")))
                .willReturn(result("2")));
    }

    @AfterEach
    void stop() {
        odoo.stop();
    }

    @Test
    void quantsAndMovesWrittenSinceTheWatermarkGiveTheirProductsFreeQuantities() {
        stub("stock.quant", "[{\"id\":31,\"product_id\":[7,\"[SKU-1] Shirt\"],\"write_date\":\"2026-11-28 10:05:00\"}]");
        stub("stock.move", "[{\"id\":90,\"product_id\":[8,\"[SKU-2] Cap\"],\"write_date\":\"2026-11-28 10:06:30\"}]");
        stub("product.product", "[{\"id\":7,\"default_code\":\"SKU-1\",\"free_qty\":12.0},"
                + "{\"id\":8,\"default_code\":\"SKU-2\",\"free_qty\":0.0}]");

        ErpClient.StockChanges changes = client.stockChangedSince("2026-11-28 10:00:00", Duration.ofMinutes(1));

        assertThat(changes.free()).isEqualTo(Map.of("SKU-1", new BigDecimal("12.0"), "SKU-2", new BigDecimal("0.0")));
        assertThat(changes.watermark()).isEqualTo("2026-11-28 10:06:30");
        for (String model : new String[] {"stock.quant", "stock.move"}) {
            odoo.verify(1, call(model).withRequestBody(matchingJsonPath("$.params.args[6].domain",
                    equalToJson("[[\"write_date\",\">=\",\"2026-11-28 09:59:00\"]]"))));
        }
        odoo.verify(1, call("product.product").withRequestBody(matchingJsonPath("$.params.args[6].domain",
                equalToJson("[[\"id\",\"in\",[7,8]],[\"default_code\",\"!=\",false],[\"type\",\"!=\",\"service\"]]")))
                .withRequestBody(matchingJsonPath("$.params.args[6].fields", equalToJson("[\"id\",\"default_code\",\"free_qty\"]"))));
    }

    @Test
    void withoutAWatermarkEveryProductWithASkuIsReadAndTheNewestWriteBecomesTheWatermark() {
        stub("stock.quant", "[{\"id\":31,\"write_date\":\"2026-11-28 09:00:00\"}]");
        stub("stock.move", "[{\"id\":90,\"write_date\":\"2026-11-28 09:30:00\"}]");
        stub("product.product", "[{\"id\":7,\"default_code\":\"SKU-1\",\"free_qty\":40.0}]");

        ErpClient.StockChanges changes = client.stockChangedSince(null, Duration.ofMinutes(1));

        assertThat(changes.free()).containsOnlyKeys("SKU-1");
        assertThat(changes.watermark()).isEqualTo("2026-11-28 09:30:00");
        odoo.verify(1, call("stock.quant").withRequestBody(matchingJsonPath("$.params.args[6].order", equalTo("write_date desc")))
                .withRequestBody(matchingJsonPath("$.params.args[6].limit", equalTo("1"))));
        odoo.verify(1, call("product.product").withRequestBody(matchingJsonPath("$.params.args[6].domain",
                equalToJson("[[\"default_code\",\"!=\",false],[\"type\",\"!=\",\"service\"]]"))));
    }

    @Test
    void nothingWrittenSinceTheWatermarkKeepsIt() {
        stub("stock.quant", "[]");
        stub("stock.move", "[]");

        ErpClient.StockChanges changes = client.stockChangedSince("2026-11-28 10:00:00", Duration.ofMinutes(1));

        assertThat(changes.free()).isEmpty();
        assertThat(changes.watermark()).isEqualTo("2026-11-28 10:00:00");
        odoo.verify(0, call("product.product"));
    }

    private void stub(String model, String result) {
        odoo.stubFor(post(urlEqualTo("/jsonrpc")).withRequestBody(matchingJsonPath("$.params.args[3]", equalTo(model)))
                .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo("search_read"))).willReturn(result(result)));
    }

    private static com.github.tomakehurst.wiremock.matching.RequestPatternBuilder call(String model) {
        return postRequestedFor(urlEqualTo("/jsonrpc")).withRequestBody(matchingJsonPath("$.params.method", equalTo("execute_kw")))
                .withRequestBody(matchingJsonPath("$.params.args[3]", equalTo(model)))
                .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo("search_read")));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder result(String result) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + result + "}");
    }
}
