package io.orderflow.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.orderflow.support.Webhooks.fixture;
import static io.orderflow.support.Webhooks.hmacBase64;
import static io.orderflow.support.Webhooks.post;
import static io.orderflow.support.Webhooks.wooHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.http.CircuitBreakerRoutePolicy;
import io.orderflow.support.Broker;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 12, suite 2 (outage), the shop's API: a WooCommerce shop (REST v3, WooCommerceState: orders, notes and status
 * with memory) answers 503 for a while, then slower than channels.test-woo.api.timeout (doing the work and answering
 * too late), then is not there (connection refused), then comes back on the same port. Two stages call it during the
 * outage:
 * <ul>
 * <li>the payment gate's re-check: WooCommerce orders that arrived by webhook "on-hold" (unpaid: the gate waits and
 * re-checks the shop every orderflow.gate.recheck-interval) are paid in the shop when the outage begins; their
 * re-checks fail and are redelivered by the broker (the gate has no circuit breaker; its attempts are within the
 * budget), and after recovery each is released once and becomes one ERPNext sales order;</li>
 * <li>the write-back: one request per shipped package (as the tracking stage puts them) arrives during each phase; the
 * write-back's circuit breaker (writebackCircuitBreaker, gauge orderflow.circuit.state{system="write-back (shop or
 * ERP)"}) opens and closes; after recovery each package is one customer note naming its tracking number and its order
 * is set completed once, also when the shop wrote the note during the slow phase and answered too late, and when
 * each request is delivered a second time after recovery.</li>
 * </ul>
 * Nothing reaches orderflow.dead-letter or orderflow.review.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"orderflow.data-dir=target/test-data/outage-shop-api-${random.uuid}",
                "spring.artemis.embedded.server-id=311",
                "orderflow.erp.kind=erpnext", "orderflow.erp.erpnext.api-key=erp-key",
                "orderflow.erp.erpnext.api-secret=erp-secret", "orderflow.erp.erpnext.company=Demo Shop Ltd",
                "orderflow.erp.erpnext.warehouse=Stores - DS", "orderflow.erp.charges.shipping-account=Freight - DS",
                // the write-back's circuit breaker takes the orderflow.erp.circuit-* settings
                "orderflow.erp.circuit-failure-threshold=3", "orderflow.erp.circuit-failure-window=1m",
                "orderflow.erp.circuit-half-open-after=3s", "orderflow.erp.erpnext.tax-accounts[7.5]=Sales Tax 7.5% - DS",
                "orderflow.writeback.shop=true", "orderflow.writeback.erp=false",
                "orderflow.channels.test-woo.api.consumer-key=ck_test", "orderflow.channels.test-woo.api.consumer-secret=cs_test",
                "orderflow.channels.test-woo.api.timeout=1s", "orderflow.channels.test-woo.api.max-requests-per-second=50",
                // the production default attempt count; back-off scaled down: 0.2 s doubling to 4 s (about 22 s)
                "orderflow.broker.max-delivery-attempts=10", "orderflow.broker.redelivery-delay-ms=200",
                "orderflow.broker.max-redelivery-delay-ms=4000"})
@ActiveProfiles("test")
class ShopApiOutageSuiteTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String WOO_SECRET = "wc_test_webhook_secret";
    static final String WRITEBACK_SYSTEM = "write-back (shop or ERP)";
    static final long PHASE_MS = 4000;
    static final long FIRST = 6_000_000 + System.currentTimeMillis() / 1000 % 100_000 * 100;
    static final int SHOP_PORT = RestartablePorts.free();
    static final WooCommerceState SHOP_STATE = new WooCommerceState();
    static final WireMockServer ERP = new WireMockServer(WireMockConfiguration.options().dynamicPort()
            .extensions(new ErpNextState(Map.of("test-woo-", new BigDecimal("29.35")))));
    static WireMockServer shop = shopUp();

    static {
        ERP.start();
        ERP.stubFor(any(urlPathMatching("/api/resource/Sales%20Order.*")).willReturn(aResponse()
                .withTransformers(ErpNextState.NAME)));
        ERP.stubFor(get(urlPathEqualTo("/api/resource/Customer")).willReturn(data("[{\"name\":\"John Doe\"}]")));
        ERP.stubFor(get(urlPathEqualTo("/api/resource/Item")).willReturn(data(
                "[{\"item_code\":\"IPOD2008GREEN\"},{\"item_code\":\"IPOD2008RED\"}]")));
        ERP.stubFor(get(urlPathEqualTo("/api/resource/Bin")).willReturn(data(
                "[{\"item_code\":\"IPOD2008GREEN\",\"actual_qty\":100000,\"reserved_qty\":0},"
                        + "{\"item_code\":\"IPOD2008RED\",\"actual_qty\":100000,\"reserved_qty\":0}]")));
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("orderflow.erp.url", ERP::baseUrl);
        registry.add("orderflow.channels.test-woo.api.base-url", () -> "http://127.0.0.1:" + SHOP_PORT + "/woo");
    }

    @AfterAll
    static void stop() {
        ERP.stop();
        shop.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    EmbeddedActiveMQ embedded;
    @Autowired
    JmsTemplate jms;
    @Autowired
    MeterRegistry meters;
    @Autowired
    @Qualifier("writebackCircuitBreaker")
    CircuitBreakerRoutePolicy writebackCircuitBreaker;
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aShopApiOutageOf503sTimeoutsAndRefusalsParksNothingAndGateRechecksAndWriteBacksDrainOnce() throws Exception {
        Broker broker = new Broker(embedded);
        long deadBefore = broker.added("orderflow.dead-letter");
        long reviewBefore = broker.added("orderflow.review");
        // Unpaid orders by webhook: the gate knows them and waits, re-checking the shop.
        List<Long> unpaid = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            long id = FIRST + i;
            unpaid.add(id);
            ObjectNode order = wooOrder(id, "on-hold");
            SHOP_STATE.put(order);
            byte[] body = JSON.writeValueAsBytes(order);
            assertThat(post(port, "/webhooks/shop/test-woo", body, wooHeaders("order.created", "outage-" + id,
                    hmacBase64(WOO_SECRET, body))).statusCode()).isEqualTo(200);
        }
        for (long id : unpaid) {
            awaitKnown("test-woo:" + id);
        }
        // Shipped orders whose packages are written back during the outage.
        List<Long> shipped = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            long id = FIRST + 50 + i;
            shipped.add(id);
            SHOP_STATE.put(wooOrder(id, "processing"));
        }
        Set<String> states = new LinkedHashSet<>();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                states.add(writebackCircuitBreaker.getStateAsString() + "/gauge " + (int) gauge());
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();

        long deadDuringOutage;
        long reviewDuringOutage;
        try {
            // 1. 503; meanwhile the customers pay (the shop's webhooks for that are lost: only the re-check sees it)
            var down = shop.stubFor(any(urlPathMatching("/woo/.*")).atPriority(1).willReturn(aResponse().withStatus(503)
                    .withHeader("Content-Type", "text/html").withBody("<html><body>503 Service Unavailable</body></html>")));
            for (long id : unpaid) {
                SHOP_STATE.put(wooOrder(id, "processing"));
            }
            writeBack(shipped.get(0));
            writeBack(shipped.get(1));
            Thread.sleep(PHASE_MS);
            // 2. slower than the shop API timeout (1 s): the shop does the work and answers after 2.5 s
            shop.removeStub(down);
            SHOP_STATE.slowMs = 2500;
            writeBack(shipped.get(2));
            Thread.sleep(PHASE_MS);
            // 3. not there: connection refused
            shop.stop();
            SHOP_STATE.slowMs = 0;
            writeBack(shipped.get(3));
            Thread.sleep(PHASE_MS);
            deadDuringOutage = broker.added("orderflow.dead-letter") - deadBefore;
            reviewDuringOutage = broker.added("orderflow.review") - reviewBefore;
        } finally {
            SHOP_STATE.slowMs = 0;
            // 4. back on the same port
            if (shop.isRunning()) {
                shop.stop();
            }
            shop = shopUp();
        }
        // every write-back request once more after recovery (a redelivery or replay of the tracking stage's request)
        for (long id : shipped) {
            writeBack(id);
        }
        Map<Long, Integer> erpOrders = new HashMap<>();
        Map<Long, Integer> notes = new HashMap<>();
        Map<Long, Integer> completions = new HashMap<>();
        long deadline = System.currentTimeMillis() + 90_000;
        do {
            Thread.sleep(500);
            count(unpaid, shipped, erpOrders, notes, completions);
        } while ((erpOrders.containsValue(0) || notes.containsValue(0) || completions.containsValue(0)
                || broker.depth("orderflow.writeback.requests") > 0) && System.currentTimeMillis() < deadline);
        Thread.sleep(2500);
        count(unpaid, shipped, erpOrders, notes, completions);
        sampler.interrupt();

        long lost = erpOrders.values().stream().filter(n -> n == 0).count() + notes.values().stream().filter(n -> n == 0).count();
        long doubled = erpOrders.values().stream().mapToInt(n -> Math.max(0, n - 1)).sum()
                + notes.values().stream().mapToInt(n -> Math.max(0, n - 1)).sum()
                + completions.values().stream().mapToInt(n -> Math.max(0, n - 1)).sum();
        System.out.println("OUTAGE SUITE FIGURES (shop API) gateRechecks=" + unpaid.size() + " writeBackRequests="
                + shipped.size() + " (each twice) phases=503,slow,refused circuitStates(write-back)=" + states
                + " deadLettered=" + (broker.added("orderflow.dead-letter") - deadBefore) + " review="
                + (broker.added("orderflow.review") - reviewBefore) + " erpOrders=" + sum(erpOrders) + " notes=" + sum(notes)
                + " completions=" + sum(completions) + " lost=" + lost + " doubled=" + doubled);
        assertThat(deadDuringOutage).as("dead-lettered during the shop API outage").isZero();
        assertThat(reviewDuringOutage).as("parked for review during the shop API outage").isZero();
        assertThat(erpOrders).as("ERPNext sales orders of the orders paid during the outage")
                .allSatisfy((id, n) -> assertThat(n).as("order " + id).isEqualTo(1));
        assertThat(notes).as("customer notes per package").allSatisfy((id, n) -> assertThat(n).as("order " + id).isEqualTo(1));
        assertThat(completions).as("orders set completed").allSatisfy((id, n) -> assertThat(n).as("order " + id).isEqualTo(1));
        assertThat(broker.added("orderflow.dead-letter") - deadBefore).isZero();
        assertThat(broker.added("orderflow.review") - reviewBefore).isZero();
        assertThat(states).as("the write-back circuit opened").anyMatch(s -> s.startsWith("opened/gauge 2"));
        assertThat(states).as("and closed").anyMatch(s -> s.startsWith("closed/gauge 0"));
        assertThat(writebackCircuitBreaker.getStateAsString()).as("closed at the end").isEqualTo("closed");
        assertThat(gauge()).isZero();
    }

    private void count(List<Long> unpaid, List<Long> shipped, Map<Long, Integer> erpOrders, Map<Long, Integer> notes,
            Map<Long, Integer> completions) throws IOException {
        Map<String, Integer> posted = new HashMap<>();
        for (var request : ERP.findAll(postRequestedFor(urlEqualTo("/api/resource/Sales%20Order")))) {
            posted.merge(JSON.readTree(request.getBodyAsString()).path("po_no").asText(), 1, Integer::sum);
        }
        for (long id : unpaid) {
            erpOrders.put(id, posted.getOrDefault("test-woo-" + id, 0));
        }
        for (long id : shipped) {
            notes.put(id, SHOP_STATE.notesNaming(String.valueOf(id), "1ZOUT" + id));
            completions.put(id, SHOP_STATE.completions(String.valueOf(id)));
        }
    }

    /** The WooCommerce fixture order as {@code id}, in this status (processing = paid), SKUs the ERP knows. */
    static ObjectNode wooOrder(long id, String status) throws IOException {
        ObjectNode order = (ObjectNode) JSON.readTree(new String(fixture("woocommerce-order-created.json"), StandardCharsets.UTF_8));
        order.put("id", id).put("number", String.valueOf(id)).put("status", status);
        ((ObjectNode) order.at("/line_items/0")).put("sku", "IPOD2008GREEN");
        ((ObjectNode) order.at("/line_items/1")).put("sku", "IPOD2008RED");
        if (status.equals("processing")) {
            order.put("date_paid", "2026-11-29T10:05:00").put("date_paid_gmt", "2026-11-29T10:05:00")
                    .put("date_modified", "2026-11-29T10:05:00").put("date_modified_gmt", "2026-11-29T10:05:00");
        } else {
            order.putNull("date_paid").putNull("date_paid_gmt");
            order.put("date_modified", "2026-11-29T10:00:00").put("date_modified_gmt", "2026-11-29T10:00:00");
        }
        return order;
    }

    /** A write-back request for the order's one package, both lines, as the tracking stage puts it. */
    private void writeBack(long id) {
        ObjectNode request = JSON.createObjectNode().put("orderKey", "test-woo:" + id).put("channel", "test-woo")
                .put("shopOrderId", String.valueOf(id)).put("wms", "rest-main").put("wmsFulfilmentId", "FO-" + id)
                .put("packageId", "PKG-" + id).put("status", "shipped").put("carrier", "UPS").put("service", "Ground")
                .put("trackingNumber", "1ZOUT" + id).put("trackingUrl", "https://www.ups.com/track?tracknum=1ZOUT" + id)
                .put("occurredAt", "2026-11-29T11:00:00Z").put("orderComplete", true);
        ArrayNode lines = request.putArray("lines");
        lines.addObject().put("sku", "IPOD2008GREEN").put("quantity", "2").put("shopLineId", "315");
        lines.addObject().put("sku", "IPOD2008RED").put("quantity", "1").put("shopLineId", "316");
        request.set("shippedLines", lines.deepCopy());
        jms.send("orderflow.writeback.requests", session -> {
            var message = session.createTextMessage(request.toString());
            message.setStringProperty("orderKey", "test-woo:" + id);
            message.setStringProperty("JMSXGroupID", "test-woo:" + id);
            return message;
        });
    }

    private void awaitKnown(String orderKey) throws Exception {
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/admin/orders/" + orderKey)).header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString("admin:test-admin-password".getBytes(StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(orderKey + " never reached the gate");
    }

    private double gauge() {
        Gauge gauge = meters.find("orderflow.circuit.state").tag("system", WRITEBACK_SYSTEM).gauge();
        return gauge == null ? -1 : gauge.value();
    }

    static int sum(Map<Long, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** A (new) shop on the same port; what it remembers (SHOP_STATE) survives its restarts. */
    private static WireMockServer shopUp() {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options().port(SHOP_PORT).bindAddress("127.0.0.1").extensions(SHOP_STATE));
        server.start();
        server.stubFor(any(urlPathMatching("/woo/.*")).willReturn(aResponse().withTransformers(WooCommerceState.NAME)));
        return server;
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder data(String data) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"data\":" + data + "}");
    }
}
