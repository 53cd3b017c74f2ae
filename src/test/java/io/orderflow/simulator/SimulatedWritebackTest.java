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
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.support.Queues;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * The run-without-accounts mode serves the shipment write-back: a simulated shop's order, paid and in the simulated
 * ERPNext, then a write-back request for its one package (as the tracking stage sends it): the simulated Shopify
 * shows one fulfillment with the tracking number, the simulated WooCommerce one customer note and the order
 * completed, the simulated ERPNext one submitted Delivery Note; each once, the request being delivered twice.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
        properties = {"orderflow.data-dir=target/test-data/sim-writeback-${random.uuid}", "spring.artemis.embedded.server-id=65",
                "orderflow.stock.sync-interval=0"})
@ActiveProfiles("sim")
class SimulatedWritebackTest {

    static final int PORT = SimulatedShopTest.freePort();
    static final int SMTP_PORT = SimulatedShopTest.freePort();
    static final ObjectMapper JSON = new ObjectMapper();

    @org.springframework.test.context.DynamicPropertySource
    static void port(org.springframework.test.context.DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        registry.add("orderflow.simulator.smtp-port", () -> SMTP_PORT);
    }

    final HttpClient http = HttpClient.newHttpClient();
    @Autowired
    JmsTemplate jms;

    @Test
    void aWooCommerceOrderShippedInOnePackageGetsOneNoteIsCompletedAndDeliveredOnceInErpnext() throws Exception {
        JsonNode placed = json(send(HttpRequest.newBuilder(uri("/sim/shop/demo-woo/orders?paid=true"))
                .POST(HttpRequest.BodyPublishers.noBody())).body());
        String orderKey = placed.get("orderKey").asText();
        JsonNode allocated = json(Queues.await(jms, "orderflow.allocated", orderKey).get(0).getText());
        String tracking = "SIM-WOO-" + placed.get("orderNumber").asText();
        String request = packageOf(allocated, tracking);

        send(orderKey, request);
        send(orderKey, request);

        String orderId = orderKey.substring(orderKey.indexOf(':') + 1);
        String base = "/sim/woocommerce/demo-woo/wp-json/wc/v3/orders/" + orderId;
        String basic = "Basic " + Base64.getEncoder().encodeToString("ck_demo:cs_demo".getBytes(StandardCharsets.UTF_8));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> deliveryNotes(tracking).size() == 1
                && "completed".equals(json(send(HttpRequest.newBuilder(uri(base)).header("Authorization", basic)).body())
                        .path("status").asText()));
        Thread.sleep(2_000);   // the second copy of the request has been handled by now
        JsonNode notes = json(send(HttpRequest.newBuilder(uri(base + "/notes")).header("Authorization", basic)).body());
        assertThat(notes).hasSize(1);
        assertThat(notes.get(0).path("note").asText()).contains("SIM-WOO-").contains("DHL");
        assertThat(notes.get(0).path("customer_note").asBoolean()).isTrue();
        JsonNode note = deliveryNotes(tracking).get(0);
        assertThat(note.path("docstatus").asInt()).isEqualTo(1);
        assertThat(note.path("items").findValuesAsText("item_code")).isNotEmpty();
        assertThat(Queues.browse(jms, "orderflow.review", orderKey)).isEmpty();
    }

    @Test
    void aShopifyOrderShippedInOnePackageGetsOneFulfillmentWithItsTracking() throws Exception {
        JsonNode placed = json(send(HttpRequest.newBuilder(uri("/sim/shop/demo-shopify/orders"))
                .POST(HttpRequest.BodyPublishers.noBody())).body());
        String orderKey = placed.get("orderKey").asText();
        send(HttpRequest.newBuilder(uri("/sim/payment/stripe/payments?orderKey=" + orderKey + "&amount=49.90&currency=EUR"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        JsonNode allocated = json(Queues.await(jms, "orderflow.allocated", orderKey).get(0).getText());
        String tracking = "SIM-SHOPIFY-" + placed.get("orderNumber").asText();
        String request = packageOf(allocated, tracking);

        send(orderKey, request);
        send(orderKey, request);

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> deliveryNotes(tracking).size() == 1);
        Thread.sleep(2_000);
        String orderId = orderKey.substring(orderKey.indexOf(':') + 1);
        JsonNode state = json(send(HttpRequest.newBuilder(uri("/sim/shopify/demo-shopify/admin/api/2025-10/graphql.json"))
                .header("X-Shopify-Access-Token", "shpat_demo_token").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"query FulfilmentStateForOrderflow($id: ID!) { order(id: $id) { id } }\","
                        + "\"variables\":{\"id\":\"gid://shopify/Order/" + orderId + "\"}}"))).body());
        assertThat(state.at("/data/order/fulfillments")).hasSize(1);
        assertThat(state.at("/data/order/fulfillments/0/trackingInfo/0/number").asText()).isEqualTo(tracking);
        assertThat(state.at("/data/order/fulfillmentOrders/nodes/0/status").asText()).isEqualTo("CLOSED");
        assertThat(Queues.browse(jms, "orderflow.review", orderKey)).isEmpty();
    }

    /** The tracking stage's request for one package holding every line of the allocated order. */
    private static String packageOf(JsonNode allocated, String tracking) {
        JsonNode order = allocated.get("order");
        String orderKey = allocated.get("orderKey").asText();
        ObjectNode r = JSON.createObjectNode().put("orderKey", orderKey).put("channel", order.path("channel").asText())
                .put("shopOrderId", orderKey.substring(orderKey.indexOf(':') + 1)).put("wms", "sim").put("wmsFulfilmentId", "SIM-1")
                .put("packageId", "PKG-1").put("status", "shipped").put("carrier", "DHL").put("service", "Paket")
                .put("trackingNumber", tracking).put("trackingUrl", "https://www.dhl.de/track?piececode=" + tracking)
                .put("occurredAt", "2026-11-29T10:00:00Z").put("orderComplete", true);
        var lines = r.putArray("lines");
        for (JsonNode line : order.path("lines")) {
            lines.addObject().put("sku", line.path("sku").asText()).put("quantity", line.path("quantity").asText())
                    .put("shopLineId", line.path("lineId").asText());
        }
        r.set("shippedLines", lines.deepCopy());
        return r.toString();
    }

    /** The simulated ERPNext's Delivery Notes with this tracking number (lr_no). */
    private JsonNode deliveryNotes(String tracking) throws Exception {
        String filters = java.net.URLEncoder.encode("[[\"lr_no\",\"=\",\"" + tracking + "\"]]", StandardCharsets.UTF_8);
        return json(send(HttpRequest.newBuilder(uri("/sim/erpnext/api/resource/Delivery%20Note?filters=" + filters))
                .header("Authorization", "token demo-key:demo-secret")).body()).path("data");
    }

    private void send(String orderKey, String body) {
        jms.send("orderflow.writeback.requests", session -> {
            var message = session.createTextMessage(body);
            message.setStringProperty("orderKey", orderKey);
            message.setStringProperty("JMSXGroupID", orderKey);
            return message;
        });
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + PORT + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
