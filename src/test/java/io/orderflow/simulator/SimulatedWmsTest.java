package io.orderflow.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.wms.FulfilmentStateStore;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * The README's try-it, end to end in the sim profile: an order placed in the simulated Shopify shop and paid through
 * the simulated Stripe goes through the simulated ERPNext to the simulated warehouse (generic REST WMS contract),
 * which ships it and reports the carrier's progress by signed webhooks; the outbox shows the shipped, out-for-delivery
 * and delivered messages, and the fulfilment state ends "delivered".
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
        properties = {"orderflow.data-dir=target/test-data/sim-wms-${random.uuid}", "spring.artemis.embedded.server-id=63",
                "orderflow.stock.sync-interval=0"})
@ActiveProfiles("sim")
class SimulatedWmsTest {

    static final int PORT = SimulatedShopTest.freePort();
    static final int SMTP_PORT = SimulatedShopTest.freePort();

    @org.springframework.test.context.DynamicPropertySource
    static void port(org.springframework.test.context.DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        registry.add("orderflow.simulator.smtp-port", () -> SMTP_PORT);
    }

    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();
    @Autowired
    JmsTemplate jms;
    @Autowired
    FulfilmentStateStore states;

    @Test
    void anOrderIsShippedTrackedAndDeliveredAndTheCustomerIsToldAtEachStep() throws Exception {
        JsonNode placed = json.readTree(post("/sim/shop/demo-shopify/orders").body());
        String orderKey = placed.get("orderKey").asText();
        String number = placed.get("orderNumber").asText();
        assertThat(post("/sim/payment/stripe/payments?orderKey=" + orderKey + "&amount=49.90&currency=EUR").statusCode())
                .isEqualTo(200);

        await().atMost(Duration.ofSeconds(90)).until(() -> states.load(orderKey) != null
                && "delivered".equals(states.load(orderKey).path("status").asText()));
        JsonNode state = states.load(orderKey);
        assertThat(state.get("wmsFulfilmentId").asText()).startsWith("FO-SIM-");
        assertThat(state.get("packages")).hasSize(1);
        assertThat(state.at("/lines/0/shipped").asText()).isEqualTo(state.at("/lines/0/ordered").asText());

        await().atMost(Duration.ofSeconds(30)).until(() -> subjects(number).size() >= 4);
        assertThat(subjects(number)).contains("Demo Shop: order #" + number + " confirmed",
                "Demo Shop: order #" + number + " has shipped",
                "Demo Shop: your package of order #" + number + " arrives today",
                "Demo Shop: your package of order #" + number + " has been delivered");
        // Written back once: the simulated Shopify shows the fulfillment with its tracking, the simulated ERPNext a
        // submitted Delivery Note with the tracking number.
        String tracking = state.at("/packages/0/trackingNumber").asText();
        assertThat(tracking).startsWith("1ZSIM");
        String orderId = orderKey.substring(orderKey.indexOf(':') + 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> shopifyOrder(orderId).at("/data/order/fulfillments").size() == 1
                && deliveryNotes(tracking).size() == 1);
        JsonNode shopify = shopifyOrder(orderId);
        assertThat(shopify.at("/data/order/fulfillments/0/trackingInfo/0/number").asText()).isEqualTo(tracking);
        assertThat(shopify.at("/data/order/fulfillments/0/trackingInfo/0/url").asText())
                .startsWith("https://www.ups.com/track?tracknum=1ZSIM");
        assertThat(deliveryNotes(tracking).get(0).path("docstatus").asInt()).isEqualTo(1);
        assertThat(io.orderflow.support.Queues.browse(jms, "orderflow.review", orderKey)).isEmpty();

        // The order status API tells the whole way, each stage once, ending delivered.
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("admin:change-me".getBytes());
        await().atMost(Duration.ofSeconds(30)).until(() -> "delivered".equals(json.readTree(send(HttpRequest.newBuilder(
                uri("/api/orders/" + orderKey)).header("Authorization", basic)).body()).path("stage").asText()));
        JsonNode status = json.readTree(send(HttpRequest.newBuilder(uri("/api/orders/" + orderKey)).header("Authorization", basic)).body());
        List<String> stages = new ArrayList<>();
        status.path("timeline").forEach(e -> stages.add(e.path("stage").asText()));
        assertThat(stages).containsSubsequence("received", "released", "allocated", "fulfilment-requested", "shipped",
                "out-for-delivery", "delivered");
        assertThat(stages.stream().filter("delivered"::equals)).hasSize(1);
        assertThat(stages.stream().filter("fulfilment-requested"::equals)).hasSize(1);
    }

    JsonNode shopifyOrder(String orderId) throws IOException, InterruptedException {
        return json.readTree(send(HttpRequest.newBuilder(uri("/sim/shopify/demo-shopify/admin/api/2025-10/graphql.json"))
                .header("X-Shopify-Access-Token", "shpat_demo_token").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"query FulfilmentStateForOrderflow($id: ID!) { order(id: $id) { id } }\","
                        + "\"variables\":{\"id\":\"gid://shopify/Order/" + orderId + "\"}}"))).body());
    }

    JsonNode deliveryNotes(String tracking) throws IOException, InterruptedException {
        String filters = java.net.URLEncoder.encode("[[\"lr_no\",\"=\",\"" + tracking + "\"]]", java.nio.charset.StandardCharsets.UTF_8);
        return json.readTree(send(HttpRequest.newBuilder(uri("/sim/erpnext/api/resource/Delivery%20Note?filters=" + filters))
                .header("Authorization", "token demo-key:demo-secret")).body()).path("data");
    }

    List<String> subjects(String number) throws IOException, InterruptedException {
        List<String> subjects = new ArrayList<>();
        for (JsonNode m : json.readTree(send(HttpRequest.newBuilder(uri("/sim/outbox/messages"))).body())) {
            if (m.path("medium").asText().equals("email") && m.path("subject").asText().contains("#" + number + " ")
                    || m.path("subject").asText().endsWith("#" + number)) {
                subjects.add(m.path("subject").asText());
            }
        }
        return subjects;
    }

    HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    URI uri(String path) {
        return URI.create("http://localhost:" + PORT + path);
    }
}
