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
        JsonNode writeback = json.readTree(io.orderflow.support.Queues.await(jms, "orderflow.writeback.requests", orderKey)
                .get(0).getText());
        assertThat(writeback.get("orderComplete").asBoolean()).isTrue();
        assertThat(writeback.get("trackingUrl").asText()).startsWith("https://www.ups.com/track?tracknum=1ZSIM");
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
