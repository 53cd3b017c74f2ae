package io.orderflow.stock;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.orderflow.stock.ShopStubs.last;
import static io.orderflow.stock.ShopStubs.shopifyLookups;
import static io.orderflow.stock.ShopStubs.shopifyQuantities;
import static io.orderflow.stock.ShopStubs.wooLookups;
import static io.orderflow.stock.ShopStubs.wooQuantities;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.orderflow.support.Queues;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.support.builder.PredicateBuilder;
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
 * Issue 8: two shops selling the same SKUs from one ERP warehouse. An order in either shop goes through the ERP stage
 * (WireMock ERPNext), and BOTH shops (WireMock WooCommerce and Shopify, real API shapes) end at the ERP's new free
 * quantity; a burst of levels for one SKU is coalesced per shop; an older reading never lands last; a SKU a shop does
 * not sell is skipped without failure or retry.
 */
@CamelSpringBootTest
@SpringBootTest(properties = {"orderflow.data-dir=target/test-data/multishop-${random.uuid}",
        "spring.artemis.embedded.server-id=15", "orderflow.erp.kind=erpnext", "orderflow.erp.erpnext.api-key=erp-key",
        "orderflow.erp.erpnext.api-secret=erp-secret", "orderflow.erp.erpnext.company=Demo Shop Ltd",
        "orderflow.erp.erpnext.warehouse=Stores - DS",
        "orderflow.channels.test-shopify.api.access-token=shpat_test_token",
        "orderflow.channels.test-shopify.api.location-id=655441491",
        "orderflow.channels.test-woo.api.consumer-key=ck_test", "orderflow.channels.test-woo.api.consumer-secret=cs_test",
        // A third shop that sells from its own stock: orderflow never sets it.
        "orderflow.channels.own-stock.type=woocommerce", "orderflow.channels.own-stock.webhook-secrets[0]=own-secret",
        "orderflow.channels.own-stock.stock.source=none", "orderflow.channels.own-stock.api.consumer-key=ck_own",
        "orderflow.channels.own-stock.api.consumer-secret=cs_own"})
@ActiveProfiles("test")
// Closed after the class: its consumers (and, in the Tryton test, the 1-s periodic sync) must not outlive the
// WireMock servers or keep polling the shared ERP while other test classes run.
@org.springframework.test.annotation.DirtiesContext
class MultiShopStockTest {

    static final WireMockServer SHOP = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final WireMockServer ERP = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        SHOP.start();
        ERP.start();
    }

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry registry) {
        registry.add("orderflow.channels.test-shopify.api.base-url", SHOP::baseUrl);
        registry.add("orderflow.channels.test-woo.api.base-url", () -> SHOP.baseUrl() + "/woo");
        registry.add("orderflow.channels.own-stock.api.base-url", () -> SHOP.baseUrl() + "/own");
        registry.add("orderflow.erp.url", ERP::baseUrl);
    }

    @AfterAll
    static void stop() {
        SHOP.stop();
        ERP.stop();
    }

    @Autowired
    CamelContext camel;
    @Autowired
    JmsTemplate jms;

    @BeforeEach
    void shops() {
        SHOP.resetAll();
        // Woo sells GREEN and RED (not BLACK); Shopify sells GREEN and BLACK (not RED).
        ShopStubs.woo(SHOP, Map.of("IPOD2008GREEN", 93, "IPOD2008RED", 94, "BURST-1", 95, "MARK-1", 96, "OLD-1", 97));
        ShopStubs.shopify(SHOP, Map.of("IPOD2008GREEN", 801L, "IPOD2008BLACK", 803L, "BURST-1", 805L, "MARK-1", 806L,
                "OLD-1", 807L));
    }

    @Test
    void anOrderInEitherShopSetsTheNewQuantityInBothShops() throws Exception {
        erpnextWithStockFallingByOnePerOrder();
        NotifyBuilder pushFailed = new NotifyBuilder(camel).fromRoute("stock-push").whenFailed(1).create();
        NotifyBuilder notSoldPushesDone = new NotifyBuilder(camel)
                .fromRoute("stock-push").filter(push("test-woo", "IPOD2008BLACK")).whenCompleted(2)
                .and().fromRoute("stock-push").filter(push("test-shopify", "IPOD2008RED")).whenCompleted(2)
                .create();

        release(order("test-shopify", "8101"), "ms-8101");
        Queues.await(jms, "orderflow.allocated", "test-shopify:8101");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(last(wooQuantities(SHOP, 93))).as("Woo GREEN").isEqualTo(4L);
            assertThat(last(wooQuantities(SHOP, 94))).as("Woo RED").isEqualTo(4L);
            assertThat(last(shopifyQuantities(SHOP, 801))).as("Shopify GREEN").isEqualTo(4L);
            assertThat(last(shopifyQuantities(SHOP, 803))).as("Shopify BLACK").isEqualTo(4L);
        });

        // The second order comes from the other shop: again both shops, now at 3.
        release(order("test-woo", "8102"), "ms-8102");
        Queues.await(jms, "orderflow.allocated", "test-woo:8102");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(wooQuantities(SHOP, 93)).as("Woo GREEN").containsExactly(4L, 3L);
            assertThat(wooQuantities(SHOP, 94)).as("Woo RED").containsExactly(4L, 3L);
            assertThat(shopifyQuantities(SHOP, 801)).as("Shopify GREEN").containsExactly(4L, 3L);
            assertThat(shopifyQuantities(SHOP, 803)).as("Shopify BLACK").containsExactly(4L, 3L);
        });
        // The SKU a shop does not sell was looked up once per order and never set, and nothing failed.
        // Both pushes of each SKU a shop does not sell completed (committed: never redelivered), and no push failed.
        assertThat(notSoldPushesDone.matches(30, TimeUnit.SECONDS)).as("pushes of unsold SKUs done").isTrue();
        assertThat(pushFailed.matches()).as("a stock push failed (it would be retried)").isFalse();
        assertThat(wooLookups(SHOP, "IPOD2008BLACK")).isEqualTo(2);
        assertThat(shopifyLookups(SHOP, "IPOD2008RED")).isEqualTo(2);
        assertThat(browseAll("orderflow.dead-letter")).isZero();
        assertThat(browseAll("orderflow.review")).isZero();
        // The shop with stock.source=none was never asked.
        assertThat(SHOP.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                urlPathMatching("/own/.*")))).isEmpty();
    }

    @Test
    void aBurstOfLevelsForOneSkuEndsAtTheLatestQuantityWithFarFewerPushes() throws Exception {
        Instant start = Instant.now();
        for (int i = 1; i <= 20; i++) {
            sendLevels(start.plusMillis(i), Map.of("BURST-1", String.valueOf(100 - i)));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(last(wooQuantities(SHOP, 95))).isEqualTo(80L);
            assertThat(last(shopifyQuantities(SHOP, 805))).isEqualTo(80L);
        });
        // Settled: a marker SKU sent after the burst has been pushed to both shops, so nothing of the burst is left.
        sendLevels(Instant.now(), Map.of("MARK-1", "1"));
        await().atMost(Duration.ofSeconds(30)).until(() -> last(wooQuantities(SHOP, 96)) != null
                && last(shopifyQuantities(SHOP, 806)) != null);
        List<Long> woo = wooQuantities(SHOP, 95);
        List<Long> shopify = shopifyQuantities(SHOP, 805);
        assertThat(woo).as("Woo pushes of the burst").hasSizeLessThanOrEqualTo(5).last().isEqualTo(80L);
        assertThat(shopify).as("Shopify pushes of the burst").hasSizeLessThanOrEqualTo(5).last().isEqualTo(80L);
        assertThat(woo).as("never an older value after a newer one").isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(shopify).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    }

    @Test
    void anOlderReadingNeverReplacesANewerOne() throws Exception {
        Instant now = Instant.now();
        sendLevels(now, Map.of("OLD-1", "7"));
        await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(7).equals(last(wooQuantities(SHOP, 97)))
                && Long.valueOf(7).equals(last(shopifyQuantities(SHOP, 807))));

        // A reading taken before (e.g. an order's, committed after a periodic sync's), then a marker.
        sendLevels(now.minusSeconds(2), Map.of("OLD-1", "9"));
        sendLevels(Instant.now(), Map.of("MARK-1", "2"));
        await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(2).equals(last(wooQuantities(SHOP, 96)))
                && Long.valueOf(2).equals(last(shopifyQuantities(SHOP, 806))));
        assertThat(wooQuantities(SHOP, 97)).containsExactly(7L);
        assertThat(shopifyQuantities(SHOP, 807)).containsExactly(7L);
    }

    @Test
    void aSkuNeitherShopSellsIsSkippedWithoutFailureOrRetry() throws Exception {
        NotifyBuilder pushFailed = new NotifyBuilder(camel).fromRoute("stock-push").whenFailed(1).create();
        NotifyBuilder notSoldPushesDone = new NotifyBuilder(camel)
                .fromRoute("stock-push").filter(push("test-woo", "NOT-SOLD-1")).whenCompleted(1)
                .and().fromRoute("stock-push").filter(push("test-shopify", "NOT-SOLD-1")).whenCompleted(1)
                .create();
        sendLevels(Instant.now(), Map.of("NOT-SOLD-1", "12", "MARK-1", "3"));
        await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(3).equals(last(wooQuantities(SHOP, 96)))
                && Long.valueOf(3).equals(last(shopifyQuantities(SHOP, 806))));
        // The pushes of the unsold SKU completed (committed: never redelivered), and no push failed.
        assertThat(notSoldPushesDone.matches(30, TimeUnit.SECONDS)).as("pushes of the unsold SKU done").isTrue();
        assertThat(pushFailed.matches()).as("a stock push failed (it would be retried)").isFalse();
        assertThat(wooLookups(SHOP, "NOT-SOLD-1")).isEqualTo(1);
        assertThat(shopifyLookups(SHOP, "NOT-SOLD-1")).isEqualTo(1);
        SHOP.verify(0, putRequestedFor(urlPathMatching("/woo/wp-json/wc/v3/products/(?!96).*")));
        assertThat(browseAll("orderflow.dead-letter")).isZero();
    }

    /** A pending push (route stock-push's body, {"channel","sku","quantity","readAt"}) of this shop and SKU. */
    private static org.apache.camel.Predicate push(String channel, String sku) {
        return PredicateBuilder.and(
                org.apache.camel.builder.Builder.body().contains("\"channel\":\"" + channel + "\""),
                org.apache.camel.builder.Builder.body().contains("\"sku\":\"" + sku + "\""));
    }

    /** ERPNext: every SKU 5 free; each submitted Sales Order takes one of each (Bin reserved_qty). */
    private void erpnextWithStockFallingByOnePerOrder() {
        ERP.resetAll();
        ERP.stubFor(get(urlPathEqualTo("/api/resource/Sales%20Order")).willReturn(data("[]")));
        ERP.stubFor(get(urlPathEqualTo("/api/resource/Customer")).willReturn(data("[]")));
        ERP.stubFor(get(urlPathEqualTo("/api/resource/Item")).willReturn(data(
                "[{\"item_code\":\"IPOD2008GREEN\"},{\"item_code\":\"IPOD2008RED\"},{\"item_code\":\"IPOD2008BLACK\"}]")));
        ERP.stubFor(post(urlEqualTo("/api/resource/Customer")).willReturn(data("{\"name\":\"Bob Norman\"}")));
        ERP.stubFor(post(urlEqualTo("/api/resource/Address")).willReturn(data("{\"name\":\"Bob Norman-Billing\"}")));
        ERP.stubFor(post(urlEqualTo("/api/resource/Sales%20Order")).inScenario("orders").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(data("{\"name\":\"SAL-ORD-2026-00101\",\"docstatus\":0}")).willSetStateTo("second"));
        ERP.stubFor(post(urlEqualTo("/api/resource/Sales%20Order")).inScenario("orders").whenScenarioStateIs("second")
                .willReturn(data("{\"name\":\"SAL-ORD-2026-00102\",\"docstatus\":0}")));
        for (int n = 1; n <= 2; n++) {
            // The total check reads the draft back: ERPNext's grand total is the shop's.
            ERP.stubFor(get(urlEqualTo("/api/resource/Sales%20Order/SAL-ORD-2026-0010" + n))
                    .willReturn(data("{\"name\":\"SAL-ORD-2026-0010" + n + "\",\"docstatus\":0,\"grand_total\":597.0}")));
            ERP.stubFor(put(urlEqualTo("/api/resource/Sales%20Order/SAL-ORD-2026-0010" + n)).inScenario("stock")
                    .willReturn(data("{\"docstatus\":1}")).willSetStateTo("reserved-" + n));
        }
        bins(Scenario.STARTED, 0);
        bins("reserved-1", 1);
        bins("reserved-2", 2);
    }

    private static void bins(String state, int reserved) {
        StringBuilder rows = new StringBuilder("[");
        for (String sku : List.of("IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK")) {
            rows.append(rows.length() > 1 ? "," : "").append("{\"item_code\":\"").append(sku)
                    .append("\",\"actual_qty\":5,\"reserved_qty\":").append(reserved).append("}");
        }
        ERP.stubFor(get(urlPathEqualTo("/api/resource/Bin")).inScenario("stock").whenScenarioStateIs(state)
                .willReturn(data(rows.append("]").toString())));
    }

    private void sendLevels(Instant readAt, Map<String, String> available) {
        ObjectNode levels = ShopStubs.JSON.createObjectNode().put("source", "erp").put("readAt", readAt.toString())
                .put("origin", "test");
        available.forEach(levels.putObject("available")::put);
        jms.send("orderflow.stock.levels", session -> session.createTextMessage(levels.toString()));
    }

    /** The canonical Shopify order of the golden example (1 each of IPOD2008GREEN/RED/BLACK), as a shop's order. */
    private static ObjectNode order(String channel, String number) throws Exception {
        ObjectNode order = (ObjectNode) ShopStubs.JSON.readTree(Files.readString(
                Path.of("mappings/shopify-order-to-canonical.examples/orders-create.expected.json")));
        // Totals that add up (the documentation sample says 409.94 for three lines of 199.00, no line taxes).
        ((ObjectNode) order.get("totals")).put("subtotal", "597.00").put("tax", "0.00").put("total", "597.00");
        return order.put("channel", channel).put("orderKey", channel + ":" + number).put("externalId", number)
                .put("orderNumber", number).put("erpReference", channel + "-" + number);
    }

    /** Released the way the payment gate releases. */
    private void release(ObjectNode order, String deliveryId) {
        String orderKey = order.path("orderKey").asText();
        jms.send("orderflow.release", session -> {
            var message = session.createTextMessage(order.toString());
            message.setStringProperty("orderKey", orderKey);
            message.setStringProperty("JMSXGroupID", orderKey);
            message.setStringProperty("orderflowDeliveryId", deliveryId);
            return message;
        });
    }

    private int browseAll(String queue) {
        Integer count = jms.browse(queue, (session, browser) -> java.util.Collections.list(browser.getEnumeration()).size());
        return count == null ? 0 : count;
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder data(String data) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"data\":" + data + "}");
    }
}
