package io.orderflow.shop;

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
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
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
 * Stock levels from the ERP stage reach the shops: WooCommerce's products API and Shopify's GraphQL Admin API,
 * answered by WireMock in their shapes, including Shopify's 429 with Retry-After.
 */
@CamelSpringBootTest
@SpringBootTest(properties = {"orderflow.data-dir=target/test-data/stock-${random.uuid}",
        "spring.artemis.embedded.server-id=12",
        "orderflow.channels.test-shopify.api.access-token=shpat_test_token",
        "orderflow.channels.test-shopify.api.location-id=655441491",
        "orderflow.channels.test-woo.api.consumer-key=ck_test", "orderflow.channels.test-woo.api.consumer-secret=cs_test"})
@ActiveProfiles("test")
class ShopStockSyncTest {

    static final WireMockServer SHOP = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        SHOP.start();
    }

    @DynamicPropertySource
    static void shops(DynamicPropertyRegistry registry) {
        registry.add("orderflow.channels.test-shopify.api.base-url", SHOP::baseUrl);
        registry.add("orderflow.channels.test-woo.api.base-url", () -> SHOP.baseUrl() + "/woo");
    }

    @AfterAll
    static void stop() {
        SHOP.stop();
    }

    @Autowired
    JmsTemplate jms;
    @Autowired
    CamelContext camel;

    @BeforeEach
    void reset() {
        SHOP.resetAll();
    }

    @Test
    void woocommerceGetsTheNewStockQuantityOfEachSku() throws Exception {
        SHOP.stubFor(get(urlPathEqualTo("/woo/wp-json/wc/v3/products")).withQueryParam("sku", equalTo("SKU-1"))
                .willReturn(json("[{\"id\":93,\"sku\":\"SKU-1\",\"parent_id\":0,\"stock_quantity\":10}]")));
        SHOP.stubFor(get(urlPathEqualTo("/woo/wp-json/wc/v3/products")).withQueryParam("sku", equalTo("SKU-2"))
                .willReturn(json("[{\"id\":23,\"sku\":\"SKU-2\",\"parent_id\":22,\"stock_quantity\":3}]")));
        SHOP.stubFor(put(urlEqualTo("/woo/wp-json/wc/v3/products/93")).willReturn(json("{\"id\":93}")));
        SHOP.stubFor(put(urlEqualTo("/woo/wp-json/wc/v3/products/22/variations/23")).willReturn(json("{\"id\":23}")));

        send("{\"channel\":\"test-woo\",\"available\":{\"SKU-1\":\"7\",\"SKU-2\":\"0\"}}");

        await(() -> SHOP.findAll(putRequestedFor(urlEqualTo("/woo/wp-json/wc/v3/products/22/variations/23"))).size() == 1);
        SHOP.verify(1, putRequestedFor(urlEqualTo("/woo/wp-json/wc/v3/products/93"))
                .withHeader("Authorization", equalTo("Basic Y2tfdGVzdDpjc190ZXN0"))
                .withRequestBody(equalToJson("{\"manage_stock\":true,\"stock_quantity\":7}")));
        SHOP.verify(1, putRequestedFor(urlEqualTo("/woo/wp-json/wc/v3/products/22/variations/23"))
                .withRequestBody(equalToJson("{\"manage_stock\":true,\"stock_quantity\":0}")));
    }

    @Test
    void shopifyGetsTheAvailableQuantityAtItsLocationAndA429IsWaitedOut() throws Exception {
        String graphql = "/admin/api/2025-10/graphql.json";
        SHOP.stubFor(post(urlEqualTo(graphql)).withRequestBody(matchingJsonPath("$.variables.q", equalTo("sku:SKU-1")))
                .willReturn(json("{\"data\":{\"productVariants\":{\"nodes\":[{\"inventoryItem\":"
                        + "{\"id\":\"gid://shopify/InventoryItem/808950810\"}}]}}}")));
        // The mutation is throttled once (leaky bucket full), then accepted.
        SHOP.stubFor(post(urlEqualTo(graphql)).inScenario("bucket").whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(matchingJsonPath("$.variables.input.name", equalTo("available")))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1.0")
                        .withBody("{\"errors\":\"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.\"}"))
                .willSetStateTo("drained"));
        SHOP.stubFor(post(urlEqualTo(graphql)).inScenario("bucket").whenScenarioStateIs("drained")
                .withRequestBody(matchingJsonPath("$.variables.input.name", equalTo("available")))
                .willReturn(json("{\"data\":{\"inventorySetQuantities\":{\"userErrors\":[]}}}")));

        NotifyBuilder pushed = new NotifyBuilder(camel).fromRoute("stock-push").whenCompleted(1).create();
        NotifyBuilder rolledBack = new NotifyBuilder(camel).fromRoute("stock-push").whenFailed(1).create();
        send("{\"channel\":\"test-shopify\",\"available\":{\"SKU-1\":\"12\"}}");

        await(() -> SHOP.findAll(postRequestedFor(urlEqualTo(graphql))
                .withRequestBody(matchingJsonPath("$.variables.input.name", equalTo("available")))).size() == 2);
        SHOP.verify(2, postRequestedFor(urlEqualTo(graphql))
                .withHeader("X-Shopify-Access-Token", equalTo("shpat_test_token"))
                .withRequestBody(matchingJsonPath("$.variables.input.quantities[0].inventoryItemId",
                        equalTo("gid://shopify/InventoryItem/808950810")))
                .withRequestBody(matchingJsonPath("$.variables.input.quantities[0].locationId",
                        equalTo("gid://shopify/Location/655441491")))
                .withRequestBody(matchingJsonPath("$.variables.input.quantities[0].quantity", equalTo("12"))));
        SHOP.verify(0, getRequestedFor(urlPathEqualTo("/woo/wp-json/wc/v3/products")));
        assertRetryAfterHonoured(pushed, rolledBack, graphql, 1_000);
    }

    @Test
    void aGraphqlThrottledAnswerIsWaitedOutForAsLongAsTheBucketNeeds() throws Exception {
        String graphql = "/admin/api/2025-10/graphql.json";
        SHOP.stubFor(post(urlEqualTo(graphql)).withRequestBody(matchingJsonPath("$.variables.q", equalTo("sku:SKU-9")))
                .willReturn(json("{\"data\":{\"productVariants\":{\"nodes\":[{\"inventoryItem\":"
                        + "{\"id\":\"gid://shopify/InventoryItem/808950819\"}}]}}}")));
        // Throttled once: the bucket needs 10 points, has 0 and restores 20 a second, so 500 ms.
        SHOP.stubFor(post(urlEqualTo(graphql)).inScenario("throttled").whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(matchingJsonPath("$.variables.input.name", equalTo("available")))
                .willReturn(json("{\"errors\":[{\"message\":\"Throttled\",\"extensions\":{\"code\":\"THROTTLED\"}}],"
                        + "\"extensions\":{\"cost\":{\"requestedQueryCost\":10,\"actualQueryCost\":null,"
                        + "\"throttleStatus\":{\"maximumAvailable\":2000.0,\"currentlyAvailable\":0,\"restoreRate\":20.0}}}}"))
                .willSetStateTo("restored"));
        SHOP.stubFor(post(urlEqualTo(graphql)).inScenario("throttled").whenScenarioStateIs("restored")
                .withRequestBody(matchingJsonPath("$.variables.input.name", equalTo("available")))
                .willReturn(json("{\"data\":{\"inventorySetQuantities\":{\"userErrors\":[]}}}")));

        NotifyBuilder pushed = new NotifyBuilder(camel).fromRoute("stock-push").whenCompleted(1).create();
        NotifyBuilder rolledBack = new NotifyBuilder(camel).fromRoute("stock-push").whenFailed(1).create();
        send("{\"channel\":\"test-shopify\",\"available\":{\"SKU-9\":\"4\"}}");

        await(() -> SHOP.findAll(postRequestedFor(urlEqualTo(graphql))
                .withRequestBody(matchingJsonPath("$.variables.input.name", equalTo("available")))).size() == 2);
        SHOP.verify(2, postRequestedFor(urlEqualTo(graphql))
                .withRequestBody(matchingJsonPath("$.variables.input.quantities[0].quantity", equalTo("4"))));
        assertRetryAfterHonoured(pushed, rolledBack, graphql, 500);
    }

    /** The push was rolled back once and then completed with two stock calls, the second no sooner than the pause the shop asked for after the first. */
    private static void assertRetryAfterHonoured(NotifyBuilder pushed, NotifyBuilder rolledBack, String graphql,
            long pauseMillis) {
        // The push completed (committed): it is not redelivered, so no third call can follow.
        assertThat(pushed.matches(15, java.util.concurrent.TimeUnit.SECONDS)).as("push completed").isTrue();
        // The throttled attempt failed and was rolled back (the broker redelivered it): no retry inside the consumer.
        assertThat(rolledBack.matches()).as("the throttled attempt rolled back").isTrue();
        var calls = SHOP.findAll(postRequestedFor(urlEqualTo(graphql))
                .withRequestBody(matchingJsonPath("$.variables.input.name", equalTo("available"))));
        assertThat(calls).hasSize(2);
        long gap = calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime();
        assertThat(gap).as("ms between the throttled call and the next").isGreaterThanOrEqualTo(pauseMillis);
    }

    private void send(String levels) {
        jms.send("orderflow.stock.levels", session -> session.createTextMessage(levels));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 300 && !condition.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as("within 15 s").isTrue();
    }
}
