package io.orderflow.gate;

import static io.orderflow.gate.GateTestSupport.assertOk;
import static io.orderflow.gate.GateTestSupport.shopifyOrder;
import static io.orderflow.gate.GateTestSupport.stripeEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.support.Broker;
import io.orderflow.support.GateStates;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * A payment that overtakes its order on a channel without shop API settings (no api.base-url: the gate cannot ask the
 * shop). It waits for the order's webhook instead of being parked — the race is ordinary: the order and the payment
 * arrive on different intake queues, and after a restart either may be normalised first (seen in the crash suite,
 * where such payments were parked with "api.base-url is not configured"). When the order arrives it is released
 * once; nothing is parked; the webhook again changes nothing.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "orderflow.data-dir=target/test-data/gate-no-api-${random.uuid}", "spring.artemis.embedded.server-id=291",
        "orderflow.gate.recheck-interval=1s", "orderflow.gate.unpaid-deadline=1h"})
@ActiveProfiles("test")
class PaymentBeforeOrderWithoutShopApiTest {

    @LocalServerPort
    int port;
    @Autowired
    JmsTemplate jms;
    @Autowired
    EmbeddedActiveMQ embeddedBroker;

    @Test
    void aPaymentBeforeItsOrderWaitsForTheOrderWebhookAndIsReleasedOnce() throws Exception {
        GateTestSupport gate = new GateTestSupport(port, jms, new Broker(embeddedBroker));
        String id = String.valueOf(7_200_000_000_000L + System.currentTimeMillis() % 1_000_000);
        String key = "test-shopify:" + id;

        assertOk(gate.postStripe(stripeEvent("payment_intent.succeeded", id, "pi_" + id, 1550, "USD",
                System.currentTimeMillis() / 1000)));
        gate.awaitQuiet();
        Thread.sleep(2500);   // two re-checks come and go (recheck-interval 1 s): the shop cannot be asked, it waits
        gate.awaitQuiet();
        assertThat(gate.browse("orderflow.review", key)).as("not parked").isEmpty();
        assertThat(gate.browse("orderflow.release", key)).isEmpty();
        var waiting = GateStates.awaitState(jms, key, state -> state.path("transactions").size() == 1);
        assertThat(waiting.path("order").isNull() || waiting.path("order").isMissingNode())
                .as("the payment is kept, the order is not known yet: " + waiting).isTrue();
        assertThat(waiting.path("lastDecision").asText()).isEqualTo("wait");

        for (int twice = 0; twice < 2; twice++) {
            assertOk(gate.postShopify(shopifyOrder(id, "pending", "2026-11-29T10:00:00Z", 1, "15.50", "15.50"),
                    "orders/create"));
            gate.awaitQuiet();
            assertThat(gate.browse("orderflow.release", key)).as("released once").hasSize(1);
            assertThat(gate.browse("orderflow.review", key)).isEmpty();
        }
        assertThat(gate.browse("orderflow.release", key).get(0).getStringProperty("orderflowReleaseReason"))
                .contains("15.50 USD");
    }
}
