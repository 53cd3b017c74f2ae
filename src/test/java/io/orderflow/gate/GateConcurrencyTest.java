package io.orderflow.gate;

import static io.orderflow.gate.GateTestSupport.body;
import static io.orderflow.gate.GateTestSupport.bytes;
import static io.orderflow.gate.GateTestSupport.shopifyOrder;
import static io.orderflow.gate.GateTestSupport.stripeEvent;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.support.Broker;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * The payment gate with several consumers (orderflow.gate.concurrent-consumers): 48 orders, each an order webhook,
 * an edit and a Stripe payment, all 144 posted at once from 8 threads in a shuffled order (so an order's payment
 * often overtakes its order). Different orders are decided in parallel, but one order's events one at a time, each
 * reading the state the previous one committed: every order is released exactly once, in its latest version, with its
 * payment recorded; nothing is parked. Then every payment again (Stripe's retry of the same event, or a new event for
 * the same PaymentIntent): nothing more is released.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "orderflow.data-dir=target/test-data/gate-concurrency-${random.uuid}", "spring.artemis.embedded.server-id=293",
        "orderflow.gate.concurrent-consumers=4", "orderflow.gate.recheck-interval=1h"})
@ActiveProfiles("test")
class GateConcurrencyTest {

    static final int ORDERS = 48;

    @LocalServerPort
    int port;
    @Autowired
    JmsTemplate jms;
    @Autowired
    EmbeddedActiveMQ embeddedBroker;

    @Test
    void manyOrdersDecidedInParallelAreEachReleasedOnceWithTheirPaymentAndARepeatChangesNothing() throws Exception {
        GateTestSupport gate = new GateTestSupport(port, jms, new Broker(embeddedBroker));
        // The listener container opens its 4 consumers from its own threads, shortly after the context has started.
        long consumersBy = System.currentTimeMillis() + 10_000;
        while (gate.broker.queue("orderflow.order.events").getConsumerCount() < 4 && System.currentTimeMillis() < consumersBy) {
            Thread.sleep(50);
        }
        assertThat(gate.broker.queue("orderflow.order.events").getConsumerCount()).isEqualTo(4);
        long base = 7_300_000_000_000L + (System.currentTimeMillis() % 1_000_000) * 100;
        long now = System.currentTimeMillis() / 1000;
        List<Callable<Integer>> posts = new ArrayList<>();
        List<ObjectNode> payments = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            String id = String.valueOf(base + i);
            int quantity = 1 + i % 3;
            String total = String.format("%d.50", 12 * quantity + quantity / 2);
            String price = new java.math.BigDecimal(total).divide(java.math.BigDecimal.valueOf(quantity)).toPlainString();
            long minor = new java.math.BigDecimal(total).movePointRight(2).longValueExact();
            ObjectNode created = shopifyOrder(id, "pending", "2026-11-30T10:00:00Z", quantity, price, total);
            ObjectNode edited = shopifyOrder(id, "pending", "2026-11-30T10:05:00Z", quantity, price, total);
            edited.put("note", "leave at the back door");
            ObjectNode payment = stripeEvent("payment_intent.succeeded", id, "pi_" + id, minor, "USD", now);
            payments.add(payment);
            posts.add(() -> gate.postShopify(created, "orders/create"));
            posts.add(() -> gate.postShopify(edited, "orders/updated"));
            posts.add(() -> gate.postStripe(payment));
        }
        Collections.shuffle(posts, new Random(20261130L));
        postAll(posts);
        gate.awaitQuiet();

        for (int i = 0; i < ORDERS; i++) {
            String id = String.valueOf(base + i);
            String key = "test-shopify:" + id;
            List<TextMessage> released = gate.browse("orderflow.release", key);
            assertThat(released).as("released once: %s", key).hasSize(1);
            JsonNode order = body(released.get(0));
            int quantity = 1 + i % 3;
            assertThat(order.at("/lines/0/quantity").asInt()).as(key).isEqualTo(quantity);
            assertThat(order.at("/totals/total").asText()).as(key)
                    .isEqualTo(String.format("%d.50", 12 * quantity + quantity / 2));
            JsonNode state = gate.state(key);
            assertThat(state.path("released").asBoolean()).as(key).isTrue();
            assertThat(state.path("transactions").has("pi_" + id)).as("payment recorded: %s", state).isTrue();
            assertThat(gate.browse("orderflow.review", key)).as("nothing parked: %s", key).isEmpty();
        }

        // The payments again: half as Stripe's retry of the same event, half as a new event of the same PaymentIntent.
        List<Callable<Integer>> repeats = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            ObjectNode payment = payments.get(i);
            ObjectNode again = i % 2 == 0 ? payment
                    : (ObjectNode) GateTestSupport.read(bytes(payment)).deepCopy();
            if (i % 2 == 1) {
                again.put("id", payment.get("id").asText() + "b");
            }
            repeats.add(() -> gate.postStripe(again));
        }
        postAll(repeats);
        gate.awaitQuiet();
        for (int i = 0; i < ORDERS; i++) {
            String key = "test-shopify:" + (base + i);
            assertThat(gate.browse("orderflow.release", key)).as("still once: %s", key).hasSize(1);
            assertThat(gate.browse("orderflow.review", key)).as(key).isEmpty();
        }
    }

    private static void postAll(List<Callable<Integer>> posts) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            for (Future<Integer> answer : clients.invokeAll(posts)) {
                assertThat(answer.get()).isEqualTo(200);
            }
        } finally {
            clients.shutdownNow();
        }
    }
}
