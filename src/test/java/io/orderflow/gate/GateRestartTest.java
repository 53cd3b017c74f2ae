package io.orderflow.gate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.orderflow.gate.GateTestSupport.shopifyOrder;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.orderflow.OrderflowApplication;
import io.orderflow.support.Broker;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jms.core.JmsTemplate;

/**
 * Invariant 4: nothing waits in memory. An order waiting for payment is stopped with the connector; while it is
 * down the customer pays in the shop; after the restart the re-check scheduled on the broker fires, the shop API says
 * paid, and the order is released once.
 */
class GateRestartTest {

    final WireMockServer shop = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    @TempDir
    Path dataDir;

    @Test
    void anOrderWaitingForPaymentIsReCheckedAndReleasedOnceAfterARestart() throws Exception {
        shop.start();
        String id = "7200000000001";
        shop.stubFor(GateTestSupport.shopifyOrderStub(id, shopifyOrder(id, "pending", "2026-11-28T10:00:00Z", 1, "20.00", "20.00")));

        try (ConfigurableApplicationContext first = start()) {
            GateTestSupport gate = support(first);
            assertThat(gate.postShopify(shopifyOrder(id, "pending", "2026-11-28T10:00:00Z", 1, "20.00", "20.00"),
                    "orders/create")).isEqualTo(200);
            gate.awaitState("test-shopify:" + id, s -> "wait".equals(s.path("lastDecision").asText()));
            assertThat(gate.broker.queue("orderflow.order.events").getScheduledCount()).isEqualTo(1);
        }

        // Paid in the shop while orderflow was down (no webhook reached it).
        shop.stubFor(GateTestSupport.shopifyOrderStub(id, shopifyOrder(id, "paid", "2026-11-28T10:20:00Z", 1, "20.00", "20.00")));

        try (ConfigurableApplicationContext second = start()) {
            GateTestSupport gate = support(second);
            gate.awaitState("test-shopify:" + id, s -> s.path("released").asBoolean());
            Thread.sleep(3_000); // a further re-check interval: nothing else may happen
            gate.awaitQuiet();
            assertThat(gate.browse("orderflow.release", "test-shopify:" + id)).hasSize(1);
            assertThat(gate.broker.queue("orderflow.order.events").getScheduledCount()).isZero();
            shop.verify(GateTestSupport.orderQueryFor(id));
        }
    }

    @AfterEach
    void stopShop() {
        shop.stop();
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(OrderflowApplication.class).profiles("test").run(
                "--server.port=0", "--orderflow.data-dir=" + dataDir, "--spring.artemis.embedded.server-id=7",
                "--orderflow.gate.recheck-interval=2s",
                "--orderflow.channels.test-shopify.api.base-url=" + shop.baseUrl(),
                "--orderflow.channels.test-shopify.api.access-token=shpat_test_token");
    }

    private static GateTestSupport support(ConfigurableApplicationContext context) {
        return new GateTestSupport(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")),
                context.getBean(JmsTemplate.class), new Broker(context.getBean(EmbeddedActiveMQ.class)));
    }
}
