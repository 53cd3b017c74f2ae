package io.orderflow.stock;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.orderflow.stock.ShopStubs.last;
import static io.orderflow.stock.ShopStubs.shopifyQuantities;
import static io.orderflow.stock.ShopStubs.wooQuantities;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.orderflow.OrderflowApplication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Stock changed in the ERP itself (goods received, a correction: nothing orderflow did) reaches both shops through the
 * periodic sync, which asks ERPNext for Bins modified since its watermark. The watermark lives on the broker: after a
 * restart the next run asks from it (minus the overlap), not from the beginning.
 */
class PeriodicStockSyncTest {

    static final String CHANGES = "/api/resource/Bin";
    final WireMockServer shop = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    final WireMockServer erp = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    @TempDir
    Path dataDir;

    @Test
    void aStockChangeMadeInTheErpReachesBothShopsAndTheWatermarkSurvivesARestart() throws Exception {
        shop.start();
        erp.start();
        ShopStubs.woo(shop, Map.of("SYNC-1", 61));
        ShopStubs.shopify(shop, Map.of("SYNC-1", 901L));
        // What the warehouse looks like before orderflow first runs: the first run is a full pass.
        erpnext("2026-11-28 10:00:00.000000", 20);

        try (ConfigurableApplicationContext first = start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(20).equals(last(wooQuantities(shop, 61)))
                    && Long.valueOf(20).equals(last(shopifyQuantities(shop, 901))));
            assertThat(changeQueries().get(0)).as("first run: every Bin of the warehouse")
                    .isEqualTo("[[\"warehouse\",\"=\",\"Stores - DS\"]]");
            // Later runs ask from the watermark minus the overlap; the unchanged quantity is not pushed again.
            await().atMost(Duration.ofSeconds(30)).until(() -> changeQueries().stream()
                    .anyMatch(f -> f.contains("[\"modified\",\">=\",\"2026-11-28 09:59:00.000000\"]")));

            // Goods received in the ERP.
            erpnext("2026-11-28 10:05:00.000000", 42);
            await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(42).equals(last(wooQuantities(shop, 61)))
                    && Long.valueOf(42).equals(last(shopifyQuantities(shop, 901))));
            await().atMost(Duration.ofSeconds(30)).until(() -> changeQueries().stream()
                    .anyMatch(f -> f.contains("[\"modified\",\">=\",\"2026-11-28 10:04:00.000000\"]")));
        }
        assertThat(wooQuantities(shop, 61)).containsExactly(20L, 42L);
        assertThat(shopifyQuantities(shop, 901)).containsExactly(20L, 42L);

        // A correction in the ERP while orderflow is down.
        erpnext("2026-11-28 10:10:00.000000", 41);
        erp.resetRequests();
        try (ConfigurableApplicationContext second = start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(41).equals(last(wooQuantities(shop, 61)))
                    && Long.valueOf(41).equals(last(shopifyQuantities(shop, 901))));
            List<String> queries = changeQueries();
            assertThat(queries.get(0)).as("first run after the restart: from the watermark on the broker")
                    .isEqualTo("[[\"warehouse\",\"=\",\"Stores - DS\"],[\"modified\",\">=\",\"2026-11-28 10:04:00.000000\"]]");
            assertThat(queries).allMatch(f -> f.contains("\"modified\""), "never a full pass again");
        }
        assertThat(wooQuantities(shop, 61)).containsExactly(20L, 42L, 41L);
        assertThat(shopifyQuantities(shop, 901)).containsExactly(20L, 42L, 41L);
    }

    /** ERPNext with one item whose Bin was last modified at {@code modified} and holds {@code free} units. */
    private void erpnext(String modified, int free) {
        erp.stubFor(get(urlPathEqualTo(CHANGES)).withQueryParam("order_by", equalTo("modified asc"))
                .willReturn(data("[{\"item_code\":\"SYNC-1\",\"modified\":\"" + modified + "\"}]")));
        erp.stubFor(get(urlPathEqualTo("/api/resource/Item")).willReturn(data("[{\"item_code\":\"SYNC-1\"}]")));
        erp.stubFor(get(urlPathEqualTo(CHANGES)).withQueryParam("filters", containing("item_code"))
                .willReturn(data("[{\"item_code\":\"SYNC-1\",\"actual_qty\":" + (free + 3) + ",\"reserved_qty\":3}]")));
    }

    /** The filters of every "Bins changed since" query ERPNext received, oldest first. */
    private List<String> changeQueries() {
        return erp.findAll(getRequestedFor(urlPathEqualTo(CHANGES)).withQueryParam("order_by", equalTo("modified asc")))
                .stream().sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate))
                .map(r -> normalise(r.queryParameter("filters").firstValue())).toList();
    }

    private static String normalise(String json) {
        try {
            JsonNode node = ShopStubs.JSON.readTree(json);
            return node.toString();
        } catch (Exception e) {
            return json;
        }
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(OrderflowApplication.class).profiles("test").run(
                "--server.port=0", "--orderflow.data-dir=" + dataDir, "--spring.artemis.embedded.server-id=16",
                "--orderflow.erp.kind=erpnext", "--orderflow.erp.url=" + erp.baseUrl(),
                "--orderflow.erp.erpnext.api-key=erp-key", "--orderflow.erp.erpnext.api-secret=erp-secret",
                "--orderflow.erp.erpnext.warehouse=Stores - DS",
                "--orderflow.stock.sync-interval=1s", "--orderflow.stock.sync-initial-delay=0s",
                "--orderflow.stock.sync-overlap=1m",
                "--orderflow.channels.test-shopify.api.base-url=" + shop.baseUrl(),
                "--orderflow.channels.test-shopify.api.access-token=shpat_test_token",
                "--orderflow.channels.test-shopify.api.location-id=655441491",
                "--orderflow.channels.test-woo.api.base-url=" + shop.baseUrl() + "/woo",
                "--orderflow.channels.test-woo.api.consumer-key=ck_test",
                "--orderflow.channels.test-woo.api.consumer-secret=cs_test");
    }

    @AfterEach
    void stopServers() {
        shop.stop();
        erp.stop();
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder data(String data) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"data\":" + data + "}");
    }
}
