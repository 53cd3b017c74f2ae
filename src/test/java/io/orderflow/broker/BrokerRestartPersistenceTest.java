package io.orderflow.broker;

import static io.orderflow.support.Webhooks.fixture;
import static io.orderflow.support.Webhooks.hmacBase64;
import static io.orderflow.support.Webhooks.post;
import static io.orderflow.support.Webhooks.shopifyHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.orderflow.OrderflowApplication;
import io.orderflow.support.Broker;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jms.core.JmsTemplate;

/**
 * Invariant 1 across a restart: a webhook answered 200 is on disk. The connector is started with its data directory,
 * the normalise consumer is stopped, a signed webhook is accepted, the connector is stopped; a second connector on
 * the same data directory consumes it. The broker's duplicate-ID cache survives too: the same delivery after the
 * restart is dropped.
 */
class BrokerRestartPersistenceTest {

    @TempDir
    Path dataDir;

    @Test
    void anAcceptedWebhookSurvivesARestartAndItsDuplicateIsStillRecognised() throws Exception {
        byte[] body = fixture("shopify-orders-create.json");
        Map<String, String> headers = shopifyHeaders("orders/create", "restart-event-1",
                hmacBase64("shpss_test_client_secret", body));

        try (ConfigurableApplicationContext first = start()) {
            first.getBean(CamelContext.class).getRouteController().stopRoute("normalise-shop-order");
            assertThat(post(port(first), "/webhooks/shop/test-shopify", body, headers).statusCode()).isEqualTo(200);
            assertThat(new Broker(first.getBean(EmbeddedActiveMQ.class)).depth("orderflow.intake.shop")).isEqualTo(1);
        }
        assertThat(Files.list(dataDir.resolve("broker/journal")).count()).isPositive();

        try (ConfigurableApplicationContext second = start()) {
            JmsTemplate jms = second.getBean(JmsTemplate.class);
            // Normalised and seen by the payment gate after the restart (the order is authorized only: it waits).
            var state = io.orderflow.support.GateStates.awaitState(jms, "test-shopify:450789469", st -> true);
            assertThat(state.at("/order/erpReference").asText()).isEqualTo("test-shopify-1001");

            Broker broker = new Broker(second.getBean(EmbeddedActiveMQ.class));
            long before = broker.added("orderflow.intake.shop");
            assertThat(post(port(second), "/webhooks/shop/test-shopify", body, headers).statusCode()).isEqualTo(200);
            assertThat(broker.added("orderflow.intake.shop")).isEqualTo(before);
        }
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(OrderflowApplication.class)
                .profiles("test")
                .run("--server.port=0", "--orderflow.data-dir=" + dataDir, "--spring.artemis.embedded.server-id=2");
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }
}
