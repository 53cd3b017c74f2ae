package io.orderflow.tryton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.orderflow.stock.ShopStubsAccess;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Against the real Tryton 6.0 (../shared/tryton/setup.sh): stock changed in Tryton itself (a stock inventory, as a
 * warehouse clerk would enter goods received) reaches both WireMock shops through the periodic sync, which asks
 * Tryton for stock moves created or written since its watermark. It uses its own product SKU-SYNC (created once), so
 * the reservable quantities of SKU-1 and SKU-2 that TrytonEndToEndTest reads are never touched.
 */
@CamelSpringBootTest
@SpringBootTest(properties = {"orderflow.data-dir=target/test-data/tryton-stock-${random.uuid}",
        "spring.artemis.embedded.server-id=17", "orderflow.erp.kind=tryton", "orderflow.erp.tryton.database=orderflow",
        "orderflow.erp.tryton.username=admin", "orderflow.erp.tryton.password=admin", "orderflow.erp.url=${TRYTON_URL:http://127.0.0.1:8000}",
        "orderflow.stock.sync-interval=1s", "orderflow.stock.sync-initial-delay=0s",
        "orderflow.channels.test-shopify.api.access-token=shpat_test_token",
        "orderflow.channels.test-shopify.api.location-id=655441491",
        "orderflow.channels.test-woo.api.consumer-key=ck_test", "orderflow.channels.test-woo.api.consumer-secret=cs_test"})
@ActiveProfiles("test")
// Closed after the class: its consumers (and, in the Tryton test, the 1-s periodic sync) must not outlive the
// WireMock servers or keep polling the shared ERP while other test classes run.
@org.springframework.test.annotation.DirtiesContext
class TrytonStockSyncTest {

    static final String SKU = "SKU-SYNC";
    static final WireMockServer SHOP = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    final Tryton tryton = new Tryton();

    static {
        SHOP.start();
    }

    @DynamicPropertySource
    static void shops(DynamicPropertyRegistry registry) {
        registry.add("orderflow.channels.test-shopify.api.base-url", SHOP::baseUrl);
        registry.add("orderflow.channels.test-woo.api.base-url", () -> SHOP.baseUrl() + "/woo");
    }

    @BeforeAll
    static void trytonIsThere() throws Exception {
        if (!Tryton.reachable()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError("Tryton is not running at " + Tryton.URL + ": .ci/run starts it with ../shared/tryton/setup.sh");
            }
            Assumptions.abort("SKIPPED: no Tryton at " + Tryton.URL + " (../shared/tryton/setup.sh " + Tryton.WORK + ")");
        }
        ShopStubsAccess.woo(SHOP, Map.of(SKU, 71));
        ShopStubsAccess.shopify(SHOP, Map.of(SKU, 911L));
        // Before the connector starts (its first sync, a full pass, runs at once): on a fresh database the probe
        // product must exist by then, or that pass misses it and nothing later moves its stock.
        productId(new Tryton());
    }

    @AfterAll
    static void stop() {
        SHOP.stop();
    }

    @Test
    void goodsReceivedInTrytonReachBothShops() throws Exception {
        long product = productId(tryton);
        long before = Math.round(tryton.reservable(SKU));
        // The first run is a full pass: both shops get what Tryton has now.
        await().atMost(Duration.ofSeconds(60)).until(() -> Long.valueOf(before).equals(ShopStubsAccess.lastWoo(SHOP, 71))
                && Long.valueOf(before).equals(ShopStubsAccess.lastShopify(SHOP, 911)));

        // Goods received, entered in Tryton as a stock inventory of the storage location: 7 more on hand.
        long sto = tryton.call("model.stock.location.search", "[[[\"code\",\"=\",\"STO\"]],0,1,null,$CTX]").get(0).asLong();
        long onHand = Math.round(tryton.call("model.product.product.read", "[[" + product + "],[\"quantity\"],"
                + "{\"company\":" + tryton.context.path("company").asText() + ",\"language\":\"en\",\"locations\":[" + sto + "]}]")
                .get(0).get("quantity").asDouble());
        JsonNode inventory = tryton.call("model.stock.inventory.create", "[[{\"location\":" + sto + ",\"lines\":[[\"create\",[{"
                + "\"product\":" + product + ",\"quantity\":" + (onHand + 7) + "}]]]}],$CTX]");
        tryton.call("model.stock.inventory.confirm", "[" + inventory + ",$CTX]");
        assertThat(Math.round(tryton.reservable(SKU))).isEqualTo(before + 7);

        await().atMost(Duration.ofSeconds(60)).until(() -> Long.valueOf(before + 7).equals(ShopStubsAccess.lastWoo(SHOP, 71))
                && Long.valueOf(before + 7).equals(ShopStubsAccess.lastShopify(SHOP, 911)));
    }

    /** SKU-SYNC, a storable product of its own, created the first time this test runs on a database. */
    private static long productId(Tryton tryton) throws Exception {
        JsonNode found = tryton.call("model.product.product.search", "[[[\"code\",\"=\",\"" + SKU + "\"]],0,1,null,$CTX]");
        if (!found.isEmpty()) {
            return found.get(0).asLong();
        }
        long unit = tryton.call("model.product.uom.search", "[[[\"symbol\",\"=\",\"u\"]],0,1,null,$CTX]").get(0).asLong();
        tryton.call("model.product.template.create", "[[{\"name\":\"Stock sync probe\",\"type\":\"goods\",\"default_uom\":"
                + unit + ",\"code\":\"" + SKU + "\",\"list_price\":{\"__class__\":\"Decimal\",\"decimal\":\"1.00\"},"
                + "\"products\":[[\"create\",[{}]]]}],$CTX]");
        return tryton.call("model.product.product.search", "[[[\"code\",\"=\",\"" + SKU + "\"]],0,1,null,$CTX]").get(0).asLong();
    }
}
