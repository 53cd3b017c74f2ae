package io.orderflow.reconcile;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.orderflow.support.Webhooks.fixture;
import static io.orderflow.support.Webhooks.hmacBase64;
import static io.orderflow.support.Webhooks.post;
import static io.orderflow.support.Webhooks.wooHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.orderflow.support.Broker;
import io.orderflow.support.Queues;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 12, suite 5 (lost webhooks): a WooCommerce shop answered by WireMock in the REST v3 shape (the order list,
 * X-WP-Total / X-WP-TotalPages, paging by page=N). Five paid orders; two are delivered by signed webhook, three are
 * "lost" (never posted). One run of the reconciliation poll (direct:shop-order-reconcile, what the timer calls) brings
 * all five to orderflow.release exactly once; a second run stores nothing; an order changed after the watermark is
 * fetched again and handled as an update (stored once more, still released once); a shop API that is down leaves one
 * log line, stores nothing and does not move the watermark, and the next run catches up.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "orderflow.data-dir=target/test-data/reconcile-${random.uuid}", "spring.artemis.embedded.server-id=76",
        "orderflow.reconcile.overlap=5m", "orderflow.reconcile.initial-lookback=1h",
        "orderflow.channels.test-woo.api.consumer-key=ck_test", "orderflow.channels.test-woo.api.consumer-secret=cs_test",
        "orderflow.channels.test-shopify.api.access-token=shpat_test_token"})
@ActiveProfiles("test")
@ExtendWith(OutputCaptureExtension.class)
class LostWebhooksReconcileTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final WireMockServer SHOP = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final String ORDERS = "/wp-json/wc/v3/orders";

    static {
        SHOP.start();
    }

    @DynamicPropertySource
    static void shopApi(DynamicPropertyRegistry registry) {
        registry.add("orderflow.channels.test-woo.api.base-url", SHOP::baseUrl);
        registry.add("orderflow.channels.test-shopify.api.base-url", SHOP::baseUrl);
    }

    @AfterAll
    static void stopShop() {
        SHOP.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    JmsTemplate jms;
    @Autowired
    EmbeddedActiveMQ embeddedBroker;
    @Autowired
    ProducerTemplate camel;
    @Autowired
    ReconcileStateStore state;

    @Test
    void lostOrdersArriveOnceARepollChangesNothingAnUpdateIsFetchedAndAnOutageMovesNothing(CapturedOutput output)
            throws Exception {
        Broker broker = new Broker(embeddedBroker);
        SHOP.resetAll();
        Instant base = Instant.now().minus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        List<ObjectNode> orders = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            orders.add(wooOrder(String.valueOf(9_300_000 + i), base.plusSeconds(60L * i)));
        }
        // Two arrive by webhook (each delivered twice, as WooCommerce's own retries of a timed-out delivery would)
        for (int i = 0; i < 2; i++) {
            byte[] body = JSON.writeValueAsBytes(orders.get(i));
            String delivery = UUID.randomUUID().toString();
            for (int twice = 0; twice < 2; twice++) {
                assertThat(post(port, "/webhooks/shop/test-woo", body,
                        wooHeaders("order.created", delivery, hmacBase64("wc_test_webhook_secret", body))).statusCode())
                        .isEqualTo(200);
            }
        }
        awaitQuiet(broker);
        assertThat(releasedCount()).isEqualTo(2);
        assertThat(state.watermark("test-woo")).isNull();
        long intake = broker.added("orderflow.intake.shop");

        // Run 1: the shop lists all five, on two pages (the last three webhooks were lost)
        answerListing(orders);
        poll();
        awaitQuiet(broker);
        for (ObjectNode order : orders) {
            assertThat(Queues.browse(jms, "orderflow.release", key(order))).as("released once: " + key(order)).hasSize(1);
            assertThat(Queues.browse(jms, "orderflow.review", key(order))).isEmpty();
        }
        assertThat(releasedCount()).isEqualTo(5);
        assertThat(broker.added("orderflow.intake.shop")).isEqualTo(intake + 5);
        Instant newest = base.plusSeconds(240);
        assertThat(state.watermark("test-woo")).isEqualTo(newest);
        // The first run asked from initial-lookback (1h) ago, GMT, oldest change first, 100 a page, both pages
        SHOP.verify(1, getRequestedFor(urlPathEqualTo(ORDERS)).withQueryParam("page", equalTo("1"))
                .withQueryParam("orderby", equalTo("modified")).withQueryParam("order", equalTo("asc"))
                .withQueryParam("per_page", equalTo("100")).withQueryParam("dates_are_gmt", equalTo("true"))
                .withHeader("Authorization", equalTo("Basic Y2tfdGVzdDpjc190ZXN0")));
        SHOP.verify(1, getRequestedFor(urlPathEqualTo(ORDERS)).withQueryParam("page", equalTo("2")));
        String firstAfter = SHOP.findAll(getRequestedFor(urlPathEqualTo(ORDERS)).withQueryParam("page", equalTo("1")))
                .get(0).queryParameter("modified_after").firstValue();
        assertThat(LocalDateTime.parse(firstAfter).toInstant(ZoneOffset.UTC))
                .isBetween(Instant.now().minus(61, ChronoUnit.MINUTES), Instant.now().minus(59, ChronoUnit.MINUTES));

        // Run 2: the shop lists the same five again (within the overlap): nothing is stored, nothing moves
        SHOP.resetRequests();
        poll();
        awaitQuiet(broker);
        assertThat(broker.added("orderflow.intake.shop")).isEqualTo(intake + 5);
        assertThat(releasedCount()).isEqualTo(5);
        assertThat(state.watermark("test-woo")).isEqualTo(newest);
        assertThat(SHOP.findAll(getRequestedFor(urlPathEqualTo(ORDERS)).withQueryParam("page", equalTo("1")))
                .get(0).queryParameter("modified_after").firstValue())
                .isEqualTo(LocalDateTime.ofInstant(newest.minus(5, ChronoUnit.MINUTES), ZoneOffset.UTC).toString());

        // Run 3: one of the webhook orders gets a note in the shop after the watermark: fetched again, one update
        Instant changed = newest.plusSeconds(120);
        orders.get(1).put("date_modified_gmt", LocalDateTime.ofInstant(changed, ZoneOffset.UTC).toString())
                .put("customer_note", "Please ring twice");
        answerListing(orders);
        poll();
        awaitQuiet(broker);
        assertThat(broker.added("orderflow.intake.shop")).isEqualTo(intake + 6);
        assertThat(state.watermark("test-woo")).isEqualTo(changed);
        assertThat(Queues.browse(jms, "orderflow.release", key(orders.get(1)))).hasSize(1);
        assertThat(Queues.browse(jms, "orderflow.review", key(orders.get(1)))).isEmpty();
        assertThat(releasedCount()).isEqualTo(5);

        // Run 4: the shop API is down: one line, nothing stored, the watermark stays
        SHOP.resetAll();
        SHOP.stubFor(get(urlPathEqualTo(ORDERS)).willReturn(aResponse().withStatus(503).withBody("maintenance")));
        ObjectNode lost = wooOrder("9300009", changed.plusSeconds(60));
        orders.add(lost);
        poll();
        assertThat(output.getOut().lines().filter(l -> l.contains("Reconciliation poll of channel test-woo: the shop API failed")))
                .hasSize(1);
        assertThat(broker.added("orderflow.intake.shop")).isEqualTo(intake + 6);
        assertThat(state.watermark("test-woo")).isEqualTo(changed);

        // Run 5: the shop is back: the next run asks from the same watermark and the order placed meanwhile arrives
        SHOP.resetAll();
        answerListing(orders);
        poll();
        awaitQuiet(broker);
        assertThat(Queues.browse(jms, "orderflow.release", key(lost))).hasSize(1);
        assertThat(broker.added("orderflow.intake.shop")).isEqualTo(intake + 7);
        assertThat(state.watermark("test-woo")).isEqualTo(changed.plusSeconds(60));
        assertThat(releasedCount()).isEqualTo(6);
    }

    @Test
    void anEmptyListingStoresNothingAndWritesNoWatermark() throws Exception {
        Broker broker = new Broker(embeddedBroker);
        long intake = broker.added("orderflow.intake.shop");
        Instant before = state.watermark("test-woo");
        SHOP.resetAll();
        SHOP.stubFor(get(urlPathEqualTo(ORDERS)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withHeader("X-WP-Total", "0")
                .withHeader("X-WP-TotalPages", "0").withBody("[]")));
        poll();
        assertThat(broker.added("orderflow.intake.shop")).isEqualTo(intake);
        assertThat(state.watermark("test-woo")).isEqualTo(before);
        SHOP.verify(1, getRequestedFor(urlPathEqualTo(ORDERS)));
    }

    static final String SHOPIFY_GRAPHQL = "/admin/api/2025-10/graphql.json";

    @Test
    void shopifyLostOrdersAreListedByCursorReadWholeAndReleasedOnce() throws Exception {
        Broker broker = new Broker(embeddedBroker);
        SHOP.resetAll();
        Instant base = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        List<ObjectNode> orders = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ObjectNode order = (ObjectNode) JSON.readTree(fixture("shopify-orders-create.json"));
            order.put("id", 7_300_000_000_000L + i).put("financial_status", "paid")
                    .put("updated_at", base.plusSeconds(30L * i).toString());
            orders.add(order);
            SHOP.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo(SHOPIFY_GRAPHQL))
                    .withRequestBody(matchingJsonPath("$.query", containing("order(id:")))
                    .withRequestBody(matchingJsonPath("$.variables.id", equalTo("gid://shopify/Order/" + order.get("id").asText())))
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(
                            io.orderflow.simulator.SimulatedShopifyGraphql.orderAnswer(order, JSON).toString())));
        }
        // The first arrives by webhook; the other two are lost
        byte[] body = JSON.writeValueAsBytes(orders.get(0));
        assertThat(post(port, "/webhooks/shop/test-shopify", body, io.orderflow.support.Webhooks.shopifyHeaders(
                "orders/create", UUID.randomUUID().toString(), hmacBase64("shpss_test_client_secret", body))).statusCode())
                .isEqualTo(200);
        awaitQuiet(broker);
        long intake = broker.added("orderflow.intake.shop");

        // The listing, two pages by cursor: ids and change times only
        SHOP.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo(SHOPIFY_GRAPHQL))
                .withRequestBody(matchingJsonPath("$.query", containing("orders(first: 100")))
                .withRequestBody(matchingJsonPath("$.variables.after", absent()))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(listing("c2", true, orders.get(0), orders.get(1)))));
        SHOP.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo(SHOPIFY_GRAPHQL))
                .withRequestBody(matchingJsonPath("$.query", containing("orders(first: 100")))
                .withRequestBody(matchingJsonPath("$.variables.after", equalTo("c2")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(listing("c3", false, orders.get(2)))));
        for (int run = 0; run < 2; run++) {
            poll();
            awaitQuiet(broker);
            for (ObjectNode order : orders) {
                String key = "test-shopify:" + order.get("id").asText();
                assertThat(Queues.browse(jms, "orderflow.release", key)).as("released once: " + key).hasSize(1);
                assertThat(Queues.browse(jms, "orderflow.review", key)).isEmpty();
            }
            // Run 1 stores the three versions once; run 2 (the same listing) nothing
            assertThat(broker.added("orderflow.intake.shop")).isEqualTo(intake + 3);
            assertThat(state.watermark("test-shopify")).isEqualTo(base.plusSeconds(60));
        }
        String filter = SHOP.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlPathEqualTo(SHOPIFY_GRAPHQL))
                .withRequestBody(matchingJsonPath("$.query", containing("orders(first: 100")))).get(2).getBodyAsString();
        assertThat(JSON.readTree(filter).at("/variables/query").asText())
                .isEqualTo("updated_at:>'" + base.plusSeconds(60).minus(5, ChronoUnit.MINUTES) + "'");
    }

    /** Shopify's answer to the orders listing: the nodes' gid, legacyResourceId and updatedAt, and the page info. */
    private static String listing(String endCursor, boolean hasNextPage, ObjectNode... orders) {
        ObjectNode answer = JSON.createObjectNode();
        ObjectNode connection = answer.putObject("data").putObject("orders");
        connection.putObject("pageInfo").put("hasNextPage", hasNextPage).put("endCursor", endCursor);
        ArrayNode nodes = connection.putArray("nodes");
        for (ObjectNode order : orders) {
            nodes.addObject().put("id", "gid://shopify/Order/" + order.get("id").asText())
                    .put("legacyResourceId", order.get("id").asText()).put("updatedAt", order.get("updated_at").asText());
        }
        return answer.toString();
    }

    /** The shop's order list, oldest change first: three on page 1, the rest on page 2 (X-WP-TotalPages: 2). */
    private static void answerListing(List<ObjectNode> orders) {
        List<ObjectNode> sorted = new ArrayList<>(orders);
        sorted.sort(java.util.Comparator.comparing(o -> o.get("date_modified_gmt").asText()));
        ArrayNode page1 = JSON.createArrayNode();
        ArrayNode page2 = JSON.createArrayNode();
        for (int i = 0; i < sorted.size(); i++) {
            (i < 3 ? page1 : page2).add(sorted.get(i));
        }
        for (int page = 1; page <= 2; page++) {
            SHOP.stubFor(get(urlPathEqualTo(ORDERS)).withQueryParam("page", equalTo(String.valueOf(page)))
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withHeader("X-WP-Total", String.valueOf(sorted.size())).withHeader("X-WP-TotalPages", "2")
                            .withBody((page == 1 ? page1 : page2).toString())));
        }
    }

    private void poll() {
        camel.requestBody("direct:shop-order-reconcile", (Object) null);
    }

    private static ObjectNode wooOrder(String id, Instant modified) throws Exception {
        ObjectNode order = (ObjectNode) JSON.readTree(fixture("woocommerce-order-created.json"));
        String gmt = LocalDateTime.ofInstant(modified, ZoneOffset.UTC).toString();
        return order.put("id", Long.parseLong(id)).put("status", "processing").put("payment_method", "stripe")
                .put("date_modified_gmt", gmt).put("date_modified", gmt);
    }

    private static String key(ObjectNode order) {
        return "test-woo:" + order.get("id").asText();
    }

    private long releasedCount() {
        return jms.browse("orderflow.release", (session, browser) -> {
            long n = 0;
            var e = browser.getEnumeration();
            while (e.hasMoreElements()) {
                jakarta.jms.Message m = (jakarta.jms.Message) e.nextElement();
                if (String.valueOf(m.getStringProperty("orderKey")).startsWith("test-woo:93")) {
                    n++;
                }
            }
            return n;
        });
    }

    private static void awaitQuiet(Broker broker) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (pending(broker, "orderflow.intake.shop") == 0 && pending(broker, "orderflow.order.events") == 0) {
                Thread.sleep(100);
                if (pending(broker, "orderflow.intake.shop") == 0 && pending(broker, "orderflow.order.events") == 0) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the pipeline did not settle in 15 s");
    }

    private static long pending(Broker broker, String queue) {
        var q = broker.queue(queue);
        return q.getMessageCount() - q.getScheduledCount();
    }
}
