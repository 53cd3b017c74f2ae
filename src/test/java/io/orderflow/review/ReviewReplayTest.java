package io.orderflow.review;

import static io.orderflow.support.Webhooks.fixture;
import static io.orderflow.support.Webhooks.hmacBase64;
import static io.orderflow.support.Webhooks.json;
import static io.orderflow.support.Webhooks.post;
import static io.orderflow.support.Webhooks.shopifyHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import io.orderflow.support.Broker;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A broken mapping parks the order for review and changes nothing downstream; once the mapping is fixed (in the
 * file, no restart) the replay endpoint sends the parked event back and it comes out once.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"orderflow.data-dir=target/test-data/replay-${random.uuid}", "spring.artemis.embedded.server-id=3"})
@ActiveProfiles("test")
class ReviewReplayTest {

    static final Path MAPPINGS = copyOfMappings();
    static final Path SHOPIFY_MAPPING = MAPPINGS.resolve("shopify-order-to-canonical.jsonata");

    @DynamicPropertySource
    static void mappingsDir(DynamicPropertyRegistry registry) {
        registry.add("orderflow.mappings-dir", MAPPINGS::toString);
    }

    @LocalServerPort
    int port;
    @Autowired
    JmsTemplate jms;
    @Autowired
    EmbeddedActiveMQ embeddedBroker;

    @Autowired
    org.apache.camel.CamelContext camel;

    @Test
    void aParkedOrderIsReplayedOnceAfterTheMappingIsFixed() throws Exception {
        camel.getRouteController().stopRoute("payment-gate"); // the canonical order is read here, not by the gate
        String good = Files.readString(SHOPIFY_MAPPING);
        Files.writeString(SHOPIFY_MAPPING, good.replace("\"currency\": $o.currency,", "\"currency\": $lowercase($o.currency),"));
        Broker broker = new Broker(embeddedBroker);
        byte[] body = fixture("shopify-orders-create.json");

        assertThat(post(port, "/webhooks/shop/test-shopify", body, shopifyHeaders("orders/create", "replay-1",
                hmacBase64("shpss_test_client_secret", body))).statusCode()).isEqualTo(200);
        await(() -> broker.depth("orderflow.review") == 1);
        assertThat(broker.added("orderflow.order.events")).isZero();

        // Fixed in the file; the route reads the mapping on each use, so no restart is needed.
        Files.writeString(SHOPIFY_MAPPING, good);
        assertThat(replay(null).statusCode()).isEqualTo(401);
        var response = replay("admin:test-admin-password");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).get("replayed").asInt()).isEqualTo(1);

        jms.setReceiveTimeout(15_000);
        Message event = jms.receiveSelected("orderflow.order.events", "orderKey = 'test-shopify:450789469'");
        assertThat(event).isNotNull();
        assertThat(json(((TextMessage) event).getText()).get("currency").asText()).isEqualTo("USD");
        assertThat(event.getStringProperty("orderflowReplayOf")).startsWith("ID:");
        assertThat(broker.depth("orderflow.review")).isZero();
        assertThat(json(replay("admin:test-admin-password").body()).get("replayed").asInt()).isZero();
        assertThat(broker.added("orderflow.order.events")).isEqualTo(1);
    }

    /**
     * Issue 12: each replay left a JMS consumer open on orderflow.review (the caching connection factory's close()
     * does not close), which then held newly parked events "in delivery", so the next replay answered 0.
     */
    @Test
    void everyReplayReplaysWhatIsParkedAndLeavesNoConsumerBehind() throws Exception {
        Broker broker = new Broker(embeddedBroker);
        String origin = "orderflow.test.replay-target";
        long consumersBefore = broker.queue("orderflow.review").getConsumerCount();
        for (int round = 1; round <= 3; round++) {
            for (int i = 0; i < 4; i++) {
                String key = "test-shopify:replay-round-" + round + "-" + i;
                jms.send("orderflow.review", session -> {
                    TextMessage parked = session.createTextMessage("{\"id\":1}");
                    parked.setStringProperty("orderflowReplayQueue", origin);
                    parked.setStringProperty("orderflowDeliveryId", key);
                    parked.setStringProperty("orderKey", key);
                    parked.setStringProperty("orderflowReason", "test");
                    return parked;
                });
            }
            await(() -> broker.depth("orderflow.review") == 4);
            var response = replay("admin:test-admin-password");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response.body()).get("replayed").asInt()).as("round %d", round).isEqualTo(4);
            assertThat(broker.depth("orderflow.review")).isZero();
            await(() -> broker.queue("orderflow.review").getConsumerCount() == consumersBefore);
        }
        assertThat(broker.depth(origin)).isEqualTo(12);
    }

    private java.net.http.HttpResponse<String> replay(String credentials) {
        Map<String, String> headers = credentials == null ? Map.of() : Map.of("Authorization",
                "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        return post(port, "/admin/review/replay", new byte[0], headers);
    }

    private static void await(java.util.function.BooleanSupplier condition) {
        io.orderflow.support.MappingsCopy.await(condition);
    }

    private static Path copyOfMappings() {
        return io.orderflow.support.MappingsCopy.create();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        io.orderflow.support.MappingsCopy.delete(MAPPINGS);
    }
}
