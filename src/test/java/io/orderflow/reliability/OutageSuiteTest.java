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
import static io.orderflow.support.Webhooks.shopifyHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.orderflow.support.Broker;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.throttling.ThrottlingExceptionRoutePolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 12, suite 2 (outage), the ERP: while paid orders arrive, the ERPNext stub answers 503 for a while, then
 * answers slower than orderflow.erp.timeout, then is not there at all (connection refused: the server is stopped),
 * then comes back. The ERP stage's circuit breaker opens (its consumer suspended, orders wait on the broker) and
 * closes again; nothing reaches the dead-letter queue although the outage lasts far longer than the broker's
 * redelivery back-off alone would ride out; after recovery every order becomes exactly one sales order.
 *
 * <p>The failure window is the production default (1 min): the first successful half-open trial closes the circuit
 * (CircuitBreakerRoutePolicy), so the backlog drains at once, not one order per half-open interval until the window
 * has passed (Camel's ThrottlingExceptionRoutePolicy alone did that).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"orderflow.data-dir=target/test-data/outage-${random.uuid}", "spring.artemis.embedded.server-id=50",
                "orderflow.erp.kind=erpnext", "orderflow.erp.erpnext.api-key=erp-key",
                "orderflow.erp.erpnext.api-secret=erp-secret", "orderflow.erp.erpnext.company=Demo Shop Ltd",
                "orderflow.erp.erpnext.warehouse=Stores - DS", "orderflow.erp.charges.shipping-account=Freight - DS",
                "orderflow.erp.timeout=1s", "orderflow.erp.circuit-failure-threshold=3",
                "orderflow.erp.circuit-failure-window=1m", "orderflow.erp.circuit-half-open-after=2s",
                // the production default budget (10 attempts); back-off short so the test is quick
                "orderflow.broker.max-delivery-attempts=10", "orderflow.broker.redelivery-delay-ms=100",
                "orderflow.broker.max-redelivery-delay-ms=400"})
@ActiveProfiles("test")
class OutageSuiteTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int ERP_PORT = RestartablePorts.free();   // restarted on this port: below the ephemeral range
    static final ErpNextState STATE = new ErpNextState(Map.of("test-shopify-", new BigDecimal("597.00")));
    static WireMockServer erp = erpUp();
    static final long FIRST = 9_000_000 + System.currentTimeMillis() / 1000 % 100_000 * 100;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("orderflow.erp.url", () -> "http://127.0.0.1:" + ERP_PORT);
    }

    @AfterAll
    static void stop() {
        erp.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    EmbeddedActiveMQ embedded;
    @Autowired
    @org.springframework.beans.factory.annotation.Qualifier("erpCircuitBreaker")
    ThrottlingExceptionRoutePolicy erpCircuitBreaker;

    @Test
    void anErpOutageOf503sTimeoutsAndRefusalsParksNothingAndDrainsOnceAfterRecovery() throws Exception {
        Broker broker = new Broker(embedded);
        long deadBefore = broker.added("orderflow.dead-letter");
        Set<String> states = new LinkedHashSet<>();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                states.add(erpCircuitBreaker.getStateAsString());
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();

        List<Long> orders = new ArrayList<>();
        // 1. 503
        erp.stubFor(any(urlPathMatching("/api/resource/.*")).atPriority(1).willReturn(aResponse().withStatus(503)
                .withBody("{\"exc_type\":\"ServiceUnavailable\"}")));
        postOrders(orders, 3);
        Thread.sleep(6000);
        // 2. slower than the ERP timeout (1 s)
        erp.stubFor(any(urlPathMatching("/api/resource/.*")).atPriority(1).willReturn(aResponse().withStatus(200)
                .withFixedDelay(2500).withBody("{\"data\":[]}")));
        postOrders(orders, 2);
        Thread.sleep(6000);
        // 3. not there: connection refused
        erp.stop();
        postOrders(orders, 2);
        Thread.sleep(6000);
        long deadDuringOutage = broker.added("orderflow.dead-letter") - deadBefore;
        // 4. back
        erp = erpUp();
        Map<Long, Integer> created = new HashMap<>();
        long deadline = System.currentTimeMillis() + 60_000;
        do {
            Thread.sleep(500);
            count(orders, created);
        } while (created.containsValue(0) && System.currentTimeMillis() < deadline);
        Thread.sleep(1500);
        count(orders, created);
        sampler.interrupt();

        System.out.println("OUTAGE SUITE FIGURES orders=" + orders.size() + " circuitStates=" + states
                + " deadLettered=" + (broker.added("orderflow.dead-letter") - deadBefore) + " erpOrders="
                + created.values().stream().mapToInt(Integer::intValue).sum());
        assertThat(deadDuringOutage).as("dead-lettered during an 18 s outage").isZero();
        assertThat(created).as("sales orders per order after recovery")
                .allSatisfy((id, n) -> assertThat(n).as("order " + id).isEqualTo(1));
        assertThat(broker.added("orderflow.dead-letter") - deadBefore).isZero();
        assertThat(states).as("the circuit opened and closed").anyMatch(s -> s.toLowerCase().contains("open"))
                .anyMatch(s -> s.toLowerCase().contains("closed"));
        assertThat(erpCircuitBreaker.getStateAsString().toLowerCase()).as("closed at the end").contains("closed");
    }

    private void postOrders(List<Long> orders, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            long id = FIRST + orders.size();
            orders.add(id);
            ObjectNode order = (ObjectNode) JSON.readTree(fixture("shopify-orders-create.json"));
            order.put("id", id).put("name", "#O" + id).put("order_number", id).put("financial_status", "paid").put("subtotal_price", "597.00")
                    .put("total_line_items_price", "597.00").put("total_tax", "0.00").put("total_price", "597.00")
                    .put("total_discounts", "0.00");
            order.set("tax_lines", JSON.createArrayNode());
            for (JsonNode line : order.withArray("line_items")) {
                ((ObjectNode) line).set("tax_lines", JSON.createArrayNode());
            }
            byte[] body = JSON.writeValueAsBytes(order);
            assertThat(post(port, "/webhooks/shop/test-shopify", body,
                    shopifyHeaders("orders/create", "outage-" + id, hmacBase64("shpss_test_client_secret", body)))
                    .statusCode()).isEqualTo(200);
        }
    }

    private void count(List<Long> orders, Map<Long, Integer> created) throws IOException {
        Map<String, Integer> posted = new HashMap<>();
        for (var request : erp.findAll(postRequestedFor(urlEqualTo("/api/resource/Sales%20Order")))) {
            posted.merge(JSON.readTree(request.getBodyAsString()).path("po_no").asText(), 1, Integer::sum);
        }
        for (long id : orders) {
            created.put(id, posted.getOrDefault("test-shopify-" + id, 0));
        }
    }

    /** A (new) ERPNext stub on the same port; the sales orders it remembers (STATE) survive its restarts. */
    private static WireMockServer erpUp() {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options().port(ERP_PORT).bindAddress("127.0.0.1").extensions(STATE));
        server.start();
        server.stubFor(any(urlPathMatching("/api/resource/Sales%20Order.*")).willReturn(aResponse()
                .withTransformers(ErpNextState.NAME)));
        server.stubFor(get(urlPathEqualTo("/api/resource/Customer")).willReturn(data("[{\"name\":\"Bob Norman\"}]")));
        server.stubFor(get(urlPathEqualTo("/api/resource/Item")).willReturn(data(
                "[{\"item_code\":\"IPOD2008GREEN\"},{\"item_code\":\"IPOD2008RED\"},{\"item_code\":\"IPOD2008BLACK\"}]")));
        server.stubFor(get(urlPathEqualTo("/api/resource/Bin")).willReturn(data(
                "[{\"item_code\":\"IPOD2008GREEN\",\"actual_qty\":100000,\"reserved_qty\":0},"
                        + "{\"item_code\":\"IPOD2008RED\",\"actual_qty\":100000,\"reserved_qty\":0},"
                        + "{\"item_code\":\"IPOD2008BLACK\",\"actual_qty\":100000,\"reserved_qty\":0}]")));
        return server;
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder data(String data) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"data\":" + data + "}");
    }
}
