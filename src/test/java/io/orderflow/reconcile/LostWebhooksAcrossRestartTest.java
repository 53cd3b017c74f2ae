package io.orderflow.reconcile;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.orderflow.support.Webhooks.fixture;
import static io.orderflow.support.Webhooks.hmacBase64;
import static io.orderflow.support.Webhooks.post;
import static io.orderflow.support.Webhooks.wooHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.orderflow.OrderflowApplication;
import io.orderflow.reliability.ErpNextState;
import io.orderflow.support.Broker;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 12, suite 5 across a restart, counted at the ERP. A WooCommerce shop (WireMock, REST v3 listing) has four paid
 * orders; one arrives by webhook, three are lost. The poll finds them while the normaliser is stopped (they wait on
 * the broker), and the connector stops. A new connector on the same data directory: every order becomes exactly one
 * ERPNext sales order, created and submitted once (WireMock ERPNext that remembers its orders, ErpNextState). Then
 * the poll runs again with the same listing — from the watermark the first connector left on the broker — and stores
 * nothing; a lost order's webhook that the merchant re-sends late makes no second ERP order. The broker's duplicate
 * cache and the watermark survive the restart; the effects are counted at the far end.
 */
class LostWebhooksAcrossRestartTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ORDERS = "/wp-json/wc/v3/orders";
    static final String TOTAL = "29.35";   // the fixture's total; the ERP answers it as its grand total

    @TempDir
    Path dataDir;
    WireMockServer shop;
    WireMockServer erp;

    @BeforeEach
    void servers() {
        shop = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        erp = new WireMockServer(WireMockConfiguration.options().dynamicPort()
                .extensions(new ErpNextState(Map.of("test-woo-", new BigDecimal(TOTAL)))));
        shop.start();
        erp.start();
        erp.stubFor(any(urlPathMatching("/api/resource/Sales%20Order.*")).willReturn(aResponse()
                .withTransformers(ErpNextState.NAME)));
        erp.stubFor(get(urlPathEqualTo("/api/resource/Customer")).willReturn(data("[{\"name\":\"John Doe\"}]")));
        erp.stubFor(get(urlPathEqualTo("/api/resource/Item")).willReturn(data(
                "[{\"item_code\":\"WOO-ALBUM\"},{\"item_code\":\"Bar3\"}]")));
        erp.stubFor(get(urlPathEqualTo("/api/resource/Bin")).willReturn(data(
                "[{\"item_code\":\"WOO-ALBUM\",\"actual_qty\":100000,\"reserved_qty\":0},"
                        + "{\"item_code\":\"Bar3\",\"actual_qty\":100000,\"reserved_qty\":0}]")));
    }

    @AfterEach
    void stopServers() {
        shop.stop();
        erp.stop();
    }

    @Test
    void lostOrdersFoundBeforeARestartReachTheErpOnceAndNeitherARepollNorALateWebhookDoublesThem() throws Exception {
        long first = 9_400_000 + System.currentTimeMillis() / 1000 % 10_000 * 10;
        Instant base = Instant.now().minus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        List<ObjectNode> orders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            orders.add(wooOrder(first + i, base.plusSeconds(60L * i)));
        }
        Instant newest = base.plusSeconds(180);
        answerListing(orders);

        try (ConfigurableApplicationContext before = start()) {
            before.getBean(CamelContext.class).getRouteController().stopRoute("normalise-shop-order");
            Broker broker = new Broker(before.getBean(EmbeddedActiveMQ.class));
            assertThat(webhook(before, orders.get(0))).isEqualTo(200);
            poll(before);
            // The webhook's delivery and the four versions the poll read (one is the webhook's order again)
            assertThat(broker.depth("orderflow.intake.shop")).isEqualTo(5);
            assertThat(before.getBean(ReconcileStateStore.class).watermark("test-woo")).isEqualTo(newest);
        }
        assertThat(erp.findAll(postRequestedFor(urlEqualTo("/api/resource/Sales%20Order")))).isEmpty();

        try (ConfigurableApplicationContext after = start()) {
            Broker broker = new Broker(after.getBean(EmbeddedActiveMQ.class));
            awaitErpOrders(orders.size());
            assertOnceEach(orders);

            // The same listing again: asked from the watermark the first connector stored, nothing stored
            long intake = broker.added("orderflow.intake.shop");
            assertThat(after.getBean(ReconcileStateStore.class).watermark("test-woo")).isEqualTo(newest);
            shop.resetRequests();
            poll(after);
            assertThat(broker.added("orderflow.intake.shop")).isEqualTo(intake);
            assertThat(shop.findAll(getRequestedFor(urlPathEqualTo(ORDERS)).withQueryParam("page", equalTo("1")))
                    .get(0).queryParameter("modified_after").firstValue())
                    .isEqualTo(LocalDateTime.ofInstant(newest.minus(5, ChronoUnit.MINUTES), ZoneOffset.UTC).toString());

            // The merchant re-sends a lost order's webhook (a delivery id never seen): stored, no second ERP order
            assertThat(webhook(after, orders.get(2))).isEqualTo(200);
            assertThat(broker.added("orderflow.intake.shop")).isEqualTo(intake + 1);
            awaitDrained(broker);
            Thread.sleep(2000);   // a double would reach the ERP now
            assertOnceEach(orders);
            assertThat(broker.depth("orderflow.dead-letter")).isZero();
            assertThat(broker.depth("orderflow.review")).isZero();
        }
    }

    private void assertOnceEach(List<ObjectNode> orders) throws Exception {
        Map<String, Integer> created = byReference(erp.findAll(postRequestedFor(urlEqualTo("/api/resource/Sales%20Order"))));
        Map<String, Integer> submitted = byReference(erp.findAll(putRequestedFor(urlPathMatching("/api/resource/Sales%20Order/.*"))));
        Map<String, Integer> expected = new TreeMap<>();
        for (ObjectNode order : orders) {
            expected.put("test-woo-" + order.get("number").asText(), 1);
        }
        assertThat(created).as("ERP sales orders created per order").isEqualTo(expected);
        assertThat(submitted).as("ERP sales orders submitted per order").isEqualTo(expected);
    }

    /** Requests per ERP reference: the po_no of a create, the SO-<po_no> name of a submit (ErpNextState's naming). */
    private static Map<String, Integer> byReference(List<LoggedRequest> requests) throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        for (LoggedRequest request : requests) {
            String reference = request.getMethod().getName().equals("POST")
                    ? JSON.readTree(request.getBodyAsString()).path("po_no").asText()
                    : java.net.URLDecoder.decode(request.getUrl().substring(request.getUrl().indexOf("/SO-") + 4),
                            java.nio.charset.StandardCharsets.UTF_8);
            counts.merge(reference, 1, Integer::sum);
        }
        return counts;
    }

    private void awaitErpOrders(int count) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (byReference(erp.findAll(putRequestedFor(urlPathMatching("/api/resource/Sales%20Order/.*")))).size() < count) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not every order reached the ERP within 60 s: " + byReference(
                        erp.findAll(putRequestedFor(urlPathMatching("/api/resource/Sales%20Order/.*")))));
            }
            Thread.sleep(200);
        }
    }

    private static void awaitDrained(Broker broker) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (broker.depth("orderflow.intake.shop") == 0 && broker.depth("orderflow.order.events") == 0
                    && broker.depth("orderflow.release") == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the pipeline did not drain in 30 s");
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(OrderflowApplication.class).profiles("test").run(
                "--server.port=0", "--orderflow.data-dir=" + dataDir, "--spring.artemis.embedded.server-id=290",
                "--orderflow.reconcile.overlap=5m", "--orderflow.reconcile.initial-lookback=1h",
                "--orderflow.channels.test-woo.api.base-url=" + shop.baseUrl(),
                "--orderflow.channels.test-woo.api.consumer-key=ck_test",
                "--orderflow.channels.test-woo.api.consumer-secret=cs_test", "--orderflow.channels.test-woo.stock.source=none",
                "--orderflow.erp.kind=erpnext", "--orderflow.erp.url=" + erp.baseUrl(),
                "--orderflow.erp.erpnext.api-key=erp-key", "--orderflow.erp.erpnext.api-secret=erp-secret",
                "--orderflow.erp.erpnext.company=Demo Shop Ltd", "--orderflow.erp.erpnext.warehouse=Stores - DS",
                "--orderflow.erp.erpnext.tax-accounts[7.5]=VAT 7.5% - DS", "--orderflow.erp.charges.shipping-account=Freight - DS");
    }

    private static int webhook(ConfigurableApplicationContext context, ObjectNode order) throws Exception {
        byte[] body = JSON.writeValueAsBytes(order);
        int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
        return post(port, "/webhooks/shop/test-woo", body, wooHeaders("order.created", UUID.randomUUID().toString(),
                hmacBase64("wc_test_webhook_secret", body))).statusCode();
    }

    private static void poll(ConfigurableApplicationContext context) {
        context.getBean(ProducerTemplate.class).requestBody("direct:shop-order-reconcile", (Object) null);
    }

    /** The fixture order, paid by card (released by the gate), with SKUs the ERP knows, and this id and change time. */
    private static ObjectNode wooOrder(long id, Instant modified) throws Exception {
        ObjectNode order = (ObjectNode) JSON.readTree(fixture("woocommerce-order-created.json"));
        String gmt = LocalDateTime.ofInstant(modified, ZoneOffset.UTC).toString();
        for (JsonNode line : order.withArray("line_items")) {
            if (line.path("sku").asText().isEmpty()) {
                ((ObjectNode) line).put("sku", "WOO-ALBUM");
            }
        }
        return order.put("id", id).put("number", String.valueOf(id)).put("status", "processing")
                .put("payment_method", "stripe").put("date_modified_gmt", gmt).put("date_modified", gmt);
    }

    /** All orders on one page, oldest change first (X-WP-TotalPages: 1). */
    private void answerListing(List<ObjectNode> orders) {
        ArrayNode page = JSON.createArrayNode();
        orders.forEach(page::add);
        shop.stubFor(get(urlPathEqualTo(ORDERS)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withHeader("X-WP-Total", String.valueOf(orders.size()))
                .withHeader("X-WP-TotalPages", "1").withBody(page.toString())));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder data(String data) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"data\":" + data + "}");
    }
}
