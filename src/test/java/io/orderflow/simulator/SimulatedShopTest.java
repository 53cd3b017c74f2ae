package io.orderflow.simulator;

import static io.orderflow.support.Webhooks.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.TextMessage;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * The run-without-accounts mode: the simulated shops place orders through signed webhooks and serve their API; the
 * simulated Stripe pays them with signed events; the payment gate holds unpaid orders and releases paid ones; the
 * simulated ERPNext receives the sales orders and the shops receive the new stock.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
        properties = {"orderflow.data-dir=target/test-data/sim-${random.uuid}", "spring.artemis.embedded.server-id=4",
                "orderflow.stock.sync-interval=2s", "orderflow.stock.sync-initial-delay=0s",
                // This test reads the allocated orders off their queue: no warehouse takes them (SimulatedWmsTest
                // follows an order on through the simulated warehouse to delivered).
                "orderflow.wms.kind=none"})
@ActiveProfiles("sim")
class SimulatedShopTest {

    /** The sim profile points the connector at its own simulators through server.port, so the port is fixed here. */
    static final int PORT = freePort();

    @org.springframework.test.context.DynamicPropertySource
    static void port(org.springframework.test.context.DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        registry.add("orderflow.simulator.smtp-port", () -> SMTP_PORT);
    }

    static final int SMTP_PORT = freePort();

    static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    final HttpClient http = HttpClient.newHttpClient();
    @LocalServerPort
    int port;
    @Autowired
    JmsTemplate jms;

    @Autowired
    org.apache.camel.ProducerTemplate camel;

    @Test
    void ordersWhoseWebhookWasLostArriveByTheReconciliationPollOnce() throws Exception {
        java.util.List<String> keys = new java.util.ArrayList<>();
        for (String channel : java.util.List.of("demo-woo", "demo-shopify")) {
            JsonNode placed = json(send(HttpRequest.newBuilder(uri("/sim/shop/" + channel + "/orders?paid=true&webhook=false"))
                    .POST(HttpRequest.BodyPublishers.noBody())).body());
            assertThat(placed.get("webhookStatus").asInt()).isZero();
            keys.add(placed.get("orderKey").asText());
        }
        assertThat(io.orderflow.support.GateStates.state(jms, keys.get(0))).isNull();
        for (int run = 0; run < 2; run++) {
            camel.requestBody("direct:shop-order-reconcile", (Object) null);
        }
        for (String key : keys) {
            JsonNode released = io.orderflow.support.GateStates.awaitState(jms, key, st -> st.path("released").asBoolean());
            assertThat(released.get("released").asBoolean()).isTrue();
            assertThat(io.orderflow.support.Queues.await(jms, "orderflow.allocated", key)).hasSize(1);
        }
    }

    @Test
    void aSimulatedShopifyCheckoutFlowsIntoACanonicalOrderAndTheOrderApiServesIt() throws Exception {
        JsonNode placed = json(send(HttpRequest.newBuilder(uri("/sim/shop/demo-shopify/orders"))
                .POST(HttpRequest.BodyPublishers.noBody())).body());
        assertThat(placed.get("webhookStatus").asInt()).isEqualTo(200);

        // Unpaid: the payment gate holds it.
        String orderKey = placed.get("orderKey").asText();
        JsonNode state = io.orderflow.support.GateStates.awaitState(jms, orderKey, st -> true);
        assertThat(state.get("lastDecision").asText()).isEqualTo("wait");
        assertThat(state.at("/order/currency").asText()).isEqualTo("EUR");
        assertThat(state.at("/order/lines/0/sku").asText()).isEqualTo("SKU-1");

        // The simulated Stripe takes the payment and sends its signed event: the order is released.
        JsonNode paid = json(send(HttpRequest.newBuilder(uri("/sim/payment/stripe/payments?orderKey=" + orderKey
                + "&amount=49.90&currency=EUR")).POST(HttpRequest.BodyPublishers.noBody())).body());
        assertThat(paid.get("webhookStatus").asInt()).isEqualTo(200);
        JsonNode released = io.orderflow.support.GateStates.awaitState(jms, orderKey, st -> st.path("released").asBoolean());
        assertThat(released.get("releaseReason").asText()).contains("gateway (49.90 EUR)");

        // The simulated ERPNext got the sales order, submitted, and the shop got the new stock.
        JsonNode allocated = json(io.orderflow.support.Queues.await(jms, "orderflow.allocated", orderKey).get(0).getText());
        assertThat(allocated.get("erpOrderId").asText()).startsWith("SAL-ORD-SIM-");
        JsonNode salesOrders = json(send(HttpRequest.newBuilder(uri("/sim/erpnext/api/resource/Sales%20Order"))
                .header("Authorization", "token demo-key:demo-secret")).body());
        assertThat(salesOrders.get("data").findValuesAsText("po_no")).contains("demo-shopify-" + placed.get("orderNumber").asText());
        // One line at 25.00 including 19 % tax, 5.00 off, DHL Paket 4.90: the ERP's total is what the customer paid.
        assertThat(erpGrandTotal(allocated.get("erpOrderId").asText())).isEqualByComparingTo("49.90");
        // (The periodic sync's first run may have set the untouched 100 first: wait for the order's quantity.)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(shopStock("demo-shopify", "SKU-1")).isNotNull().isLessThan(100));

        // The customer's confirmation, by e-mail (over SMTP) and SMS (Twilio API), in the simulator's outbox.
        String number = placed.get("orderNumber").asText();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                json(send(HttpRequest.newBuilder(uri("/sim/outbox/messages"))).body()).findValuesAsText("text").stream()
                        .filter(t -> t.contains("order #" + number + " ") || t.contains("order " + number + " ")).count() == 2);
        JsonNode outbox = json(send(HttpRequest.newBuilder(uri("/sim/outbox/messages"))).body());
        JsonNode mail = null;
        for (JsonNode m : outbox) {
            if (m.path("medium").asText().equals("email") && m.path("subject").asText().endsWith(number + " confirmed")) {
                mail = m;
            }
        }
        assertThat(mail).as("confirmation e-mail in the outbox: " + outbox).isNotNull();
        assertThat(mail.get("to").asText()).isEqualTo("bob.norman@hostmail.com");
        assertThat(mail.get("from").asText()).isEqualTo("Demo Shop <orders@demo-shop.example>");
        assertThat(mail.get("html").asText()).contains("<strong>49.90 EUR</strong>");
        HttpResponse<String> page = send(HttpRequest.newBuilder(uri("/sim/outbox")));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Demo Shop: order").contains("confirmed").contains("SMS");

        // The simulated shop's GraphQL Admin API: the order in GraphQL's shape, 401 without the token, null for an
        // order it does not know.
        String path = "/sim/shopify/demo-shopify/admin/api/2025-10/graphql.json";
        String orderId = placed.get("orderId").asText();
        java.util.function.Function<String, HttpRequest.Builder> orderQuery = id -> HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"query\":\"query($id: ID!) { order(id: $id) { id legacyResourceId } }\","
                                + "\"variables\":{\"id\":\"gid://shopify/Order/" + id + "\"}}"));
        HttpResponse<String> api = send(orderQuery.apply(orderId).header("X-Shopify-Access-Token", "shpat_demo_token"));
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(json(api.body()).at("/data/order/id").asText()).isEqualTo("gid://shopify/Order/" + orderId);
        assertThat(json(api.body()).at("/data/order/legacyResourceId").asText()).isEqualTo(orderId);
        assertThat(send(orderQuery.apply(orderId)).statusCode()).isEqualTo(401);
        HttpResponse<String> unknown = send(orderQuery.apply("1").header("X-Shopify-Access-Token", "shpat_demo_token"));
        assertThat(unknown.statusCode()).isEqualTo(200);
        assertThat(json(unknown.body()).at("/data/order").isNull()).isTrue();
    }

    @Test
    void aSimulatedWoocommerceCheckoutIsPaidAndServedWithBasicAuth() throws Exception {
        JsonNode placed = json(send(HttpRequest.newBuilder(uri("/sim/shop/demo-woo/orders?paid=true"))
                .POST(HttpRequest.BodyPublishers.noBody())).body());
        assertThat(placed.get("webhookStatus").asInt()).isEqualTo(200);

        JsonNode released = io.orderflow.support.GateStates.awaitState(jms, placed.get("orderKey").asText(),
                st -> st.path("released").asBoolean());
        assertThat(released.at("/order/payment/status").asText()).isEqualTo("paid");
        JsonNode allocated = json(io.orderflow.support.Queues.await(jms, "orderflow.allocated",
                placed.get("orderKey").asText()).get(0).getText());
        // Two lines without tax plus 19 %, DHL Paket 4.90 plus tax: 59.98 paid, 59.98 in the ERP.
        assertThat(erpGrandTotal(allocated.get("erpOrderId").asText())).isEqualByComparingTo("59.98");

        String auth = "Basic " + Base64.getEncoder().encodeToString("ck_demo:cs_demo".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> api = send(HttpRequest.newBuilder(uri("/sim/woocommerce/demo-woo/wp-json/wc/v3/orders/"
                + placed.get("orderId").asText())).header("Authorization", auth));
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(json(api.body()).get("status").asText()).isEqualTo("processing");
    }

    @Test
    void bothSimulatedShopsShowTheErpsStockAfterAnOrderInOneAndAfterAChangeMadeInTheErp() throws Exception {
        JsonNode placed = json(send(HttpRequest.newBuilder(uri("/sim/shop/demo-woo/orders?paid=true"))
                .POST(HttpRequest.BodyPublishers.noBody())).body());
        io.orderflow.support.Queues.await(jms, "orderflow.allocated", placed.get("orderKey").asText());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).untilAsserted(() -> {
            long free = erpFree("SKU-1");
            assertThat(free).isLessThan(100);
            assertThat(shopStock("demo-woo", "SKU-1")).as("the ordering shop").isEqualTo(free);
            assertThat(shopStock("demo-shopify", "SKU-1")).as("the other shop").isEqualTo(free);
        });

        // Goods received in the ERP: the periodic sync brings the new quantity to both shops.
        JsonNode changed = json(send(HttpRequest.newBuilder(uri("/sim/erpnext/stock?sku=SKU-2&qty=50"))
                .POST(HttpRequest.BodyPublishers.noBody())).body());
        long free = changed.get("free").asLong();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(shopStock("demo-woo", "SKU-2")).isEqualTo(free);
            assertThat(shopStock("demo-shopify", "SKU-2")).isEqualTo(free);
        });
    }

    private java.math.BigDecimal erpGrandTotal(String salesOrder) throws Exception {
        return json(send(HttpRequest.newBuilder(uri("/sim/erpnext/api/resource/Sales%20Order/" + salesOrder))
                .header("Authorization", "token demo-key:demo-secret")).body()).at("/data/grand_total").decimalValue();
    }

    private long erpFree(String sku) throws Exception {
        JsonNode bins = json(send(HttpRequest.newBuilder(uri("/sim/erpnext/api/resource/Bin"))
                .header("Authorization", "token demo-key:demo-secret")).body()).get("data");
        for (JsonNode bin : bins) {
            if (bin.get("item_code").asText().equals(sku)) {
                return bin.get("actual_qty").decimalValue().subtract(bin.get("reserved_qty").decimalValue()).longValue();
            }
        }
        throw new AssertionError("no Bin for " + sku);
    }

    private Long shopStock(String channel, String sku) throws Exception {
        JsonNode stock = json(send(HttpRequest.newBuilder(uri("/sim/shop/" + channel + "/stock"))).body());
        return stock.has(sku) ? stock.get(sku).asLong() : null;
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
