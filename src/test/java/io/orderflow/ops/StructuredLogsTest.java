package io.orderflow.ops;

import static io.orderflow.support.Webhooks.fixture;
import static io.orderflow.support.Webhooks.post;
import static io.orderflow.support.Webhooks.shopifyHeaders;
import static io.orderflow.support.Webhooks.vector;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * JSON logs for a log aggregator (LOGGING_STRUCTURED_FORMAT_CONSOLE=logstash): one JSON event per line, and the
 * lines a stage writes while it handles an order carry that order's key, its channel and the route (camel-mdc), so
 * an aggregator can show one order's history. The customer's e-mail address in the webhook appears in no line.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"orderflow.data-dir=target/test-data/structured-logs-${random.uuid}",
                "spring.artemis.embedded.server-id=41",
                "logging.structured.format.console=logstash"})
@ActiveProfiles("test")
class StructuredLogsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Test
    void aStageLineIsOneJsonEventWithTheOrderKeyChannelAndRoute(CapturedOutput output) {
        byte[] body = fixture("shopify-orders-create.json");
        var response = post(port, "/webhooks/shop/test-shopify", body,
                shopifyHeaders("orders/create", UUID.randomUUID().toString(), vector("shopify-orders-create.json")
                        .get("value").asText()));
        assertThat(response.statusCode()).isEqualTo(200);

        JsonNode normalised = Awaitility.await().atMost(Duration.ofSeconds(30)).until(
                () -> events(output).stream()
                        .filter(e -> e.path("message").asText().contains("normalised from")).findFirst().orElse(null),
                e -> e != null);

        assertThat(normalised.path("orderKey").asText()).isEqualTo("test-shopify:450789469");
        assertThat(normalised.path("orderflowChannel").asText()).isEqualTo("test-shopify");
        assertThat(normalised.path("camel.routeId").asText()).isEqualTo("normalise-shop-order");
        assertThat(normalised.path("level").asText()).isEqualTo("INFO");
        assertThat(output.getOut()).doesNotContain("bob.norman@hostmail.com");
    }

    /** Every stdout line that is a JSON object (the application's log events). */
    private static List<JsonNode> events(CapturedOutput output) {
        return output.getOut().lines().filter(line -> line.startsWith("{")).map(line -> {
            try {
                return JSON.readTree(line);
            } catch (Exception e) {
                throw new AssertionError("a log line that is not one JSON event: " + line, e);
            }
        }).toList();
    }
}
