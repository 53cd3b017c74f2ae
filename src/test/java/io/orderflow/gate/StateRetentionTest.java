package io.orderflow.gate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.orderflow.gate.GateTestSupport.assertOk;
import static io.orderflow.gate.GateTestSupport.shopifyOrder;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.orderflow.broker.BrokerAddresses;
import io.orderflow.broker.LastValueStore;
import io.orderflow.broker.LegacyStateMigration;
import io.orderflow.notify.SentMarkers;
import io.orderflow.support.Broker;
import io.orderflow.wms.FulfilmentStateStore;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Per-order state on the broker expires (orderflow.state.retention, here 3 s instead of 30 days) and the broker drops
 * it; what a late duplicate webhook does then; a state written by another connection (another connector instance on
 * the same broker) is what the next event of that order sees; states of the single queue of earlier versions are
 * taken over into the bucket queues. Over real HTTP with Shopify's signatures, effects read off the broker.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "orderflow.data-dir=target/test-data/state-retention-${random.uuid}", "spring.artemis.embedded.server-id=330",
        "orderflow.state.retention=3s", "orderflow.state.active-retention=6s", "orderflow.state.allow-short-retention=true",
        "orderflow.gate.recheck-interval=1h",
        "orderflow.channels.test-shopify.api.access-token=shpat_test_token"})
@ActiveProfiles("test")
class StateRetentionTest {

    static final WireMockServer SHOP = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final AtomicLong IDS = new AtomicLong(7_330_000_000_000L);

    static {
        SHOP.start();
    }

    @DynamicPropertySource
    static void shopApi(DynamicPropertyRegistry registry) {
        registry.add("orderflow.channels.test-shopify.api.base-url", SHOP::baseUrl);
    }

    @AfterAll
    static void stopShop() {
        SHOP.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    JmsTemplate jms;
    @Autowired
    EmbeddedActiveMQ embeddedBroker;
    @Autowired
    GateStateStore gateStates;
    @Autowired
    FulfilmentStateStore fulfilmentStates;
    @Autowired
    SentMarkers sentMarkers;
    @Autowired
    LegacyStateMigration migration;
    @Autowired
    CamelContext camel;
    @Autowired
    ConnectionFactory connectionFactory;
    @Autowired
    io.orderflow.config.OrderflowProperties properties;
    GateTestSupport gate;

    @BeforeEach
    void setUp() {
        gate = new GateTestSupport(port, jms, new Broker(embeddedBroker));
        SHOP.stubFor(post(urlEqualTo(GateTestSupport.SHOPIFY_GRAPHQL)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(GateTestSupport.shopifyOrderAnswer(null))));
    }

    @Test
    void aReleasedOrdersStateExpiresIsDroppedAndALateResendIsReleasedAgainForTheErpToRecognise() throws Exception {
        String key = "test-shopify:" + IDS.incrementAndGet();
        String id = key.substring(key.indexOf(':') + 1);
        ObjectNode order = shopifyOrder(id, "paid", "2026-11-28T10:00:00Z", 1, "20.00", "20.00");
        String webhookId = "late-" + id;

        assertOk(gate.postShopify(order, "orders/paid", webhookId));
        gate.awaitQuiet();
        assertThat(gate.browse("orderflow.release", key)).hasSize(1);
        // Within the retention: another delivery of the same order and Shopify's retry of the first change nothing.
        assertOk(gate.postShopify(order, "orders/updated"));
        assertOk(gate.postShopify(order, "orders/paid", webhookId));
        gate.awaitQuiet();
        assertThat(gate.browse("orderflow.release", key)).hasSize(1);
        List<TextMessage> stored = gate.browse(gateStates.queueOf(key), key);
        assertThat(stored).hasSize(1);
        // Released: finished, so it expires after orderflow.state.retention (3 s), counted from its last change.
        long ttl = stored.get(0).getJMSExpiration() - stored.get(0).getJMSTimestamp();
        assertThat(ttl).isBetween(2_500L, 3_500L);

        // The retention passes: the state is gone (a lookup no longer finds it) ...
        long deadline = System.currentTimeMillis() + 20_000;
        while (gateStates.json(key) != null && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertThat(gateStates.json(key)).as("gate state after the retention").isNull();
        // ... and dropped by the broker, not moved to orderflow.expired (the state queues have no expiry address).
        var bucket = new Broker(embeddedBroker).queue(gateStates.queueOf(key));
        deadline = System.currentTimeMillis() + 45_000;   // Artemis's expiry scan runs every 30 s
        while (bucket.getMessagesExpired() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
        }
        assertThat(bucket.getMessagesExpired()).isPositive();
        assertThat(gate.browse(gateStates.queueOf(key), key)).isEmpty();
        assertThat(gate.browse(BrokerAddresses.EXPIRED, key)).isEmpty();

        // Shopify's retry of a delivery seen before: the intake's duplicate-ID cache (persisted, counted in entries,
        // not time) still drops it, so the gate never hears of it.
        long intakeBefore = new Broker(embeddedBroker).added("orderflow.intake.shop");
        assertOk(gate.postShopify(order, "orders/paid", webhookId));
        gate.awaitQuiet();
        assertThat(new Broker(embeddedBroker).added("orderflow.intake.shop")).isEqualTo(intakeBefore);
        assertThat(gate.browse("orderflow.release", key)).hasSize(1);

        // A new delivery of the same order after the retention (a resend, an operator's replay): the gate has no
        // memory of it and releases it again. This is the documented window (docs/payment-gate.md, "State
        // retention"): the ERP stage looks the order's reference up before it creates one, so no second ERP order.
        assertOk(gate.postShopify(order, "orders/updated"));
        gate.awaitQuiet();
        assertThat(gate.browse("orderflow.release", key)).hasSize(2);
        assertThat(gateStates.json(key)).contains("\"released\":true");
    }

    @Test
    void aStateWrittenByAnotherInstanceIsWhatTheNextEventOfTheOrderSees() throws Exception {
        String first = "test-shopify:" + IDS.incrementAndGet();
        String key = "test-shopify:" + IDS.incrementAndGet();
        String id = key.substring(key.indexOf(':') + 1);
        // An order like this one, released here: its state is what a release of this order looks like.
        assertOk(gate.postShopify(shopifyOrder(first.substring(first.indexOf(':') + 1), "paid", "2026-11-28T10:00:00Z", 1,
                "20.00", "20.00"), "orders/paid"));
        gate.awaitQuiet();
        assertThat(gate.browse("orderflow.release", first)).hasSize(1);
        ObjectNode released = (ObjectNode) GateTestSupport.JSON.readTree(gateStates.json(first));
        released.put("orderKey", key).put("releaseReason", "released by another instance");

        // Another connector instance on the same broker released this order: its own connection, its own commit,
        // straight onto the order's bucket queue. Nothing in this instance knows of it.
        ConnectionFactory other = new ActiveMQConnectionFactory("vm://330");
        try (Connection connection = other.createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            MessageProducer producer = session.createProducer(session.createQueue(BrokerAddresses.stateQueueOf(
                    BrokerAddresses.GATE_STATE, key)));
            TextMessage message = session.createTextMessage(released.toString());
            message.setStringProperty("orderKey", key);
            producer.send(message);
            session.commit();
        }

        // This instance gets the order's next event: it sees the other instance's state and does not release again
        // (no per-instance cache to go stale: every lookup reads the broker).
        assertOk(gate.postShopify(shopifyOrder(id, "paid", "2026-11-28T10:00:00Z", 1, "20.00", "20.00"), "orders/paid"));
        gate.awaitQuiet();
        assertThat(gate.browse("orderflow.release", key)).isEmpty();
        assertThat(gateStates.json(key)).contains("released by another instance");
    }

    @Test
    void fulfilmentStatesAndSentMarkersExpireFinishedFulfilmentsFirst() throws Exception {
        String delivered = "test-shopify:" + IDS.incrementAndGet();
        String shipping = "test-shopify:" + IDS.incrementAndGet();
        save(delivered, "{\"orderKey\":\"" + delivered + "\",\"status\":\"delivered\"}");
        save(shipping, "{\"orderKey\":\"" + shipping + "\",\"status\":\"partially_shipped\"}");
        assertThat(ttl(fulfilmentStates.queueOf(delivered), "orderKey", delivered)).isBetween(2_500L, 3_500L);
        assertThat(ttl(fulfilmentStates.queueOf(shipping), "orderKey", shipping)).isBetween(5_500L, 6_500L);

        String marker = "order-confirmed:" + delivered + ":email";
        sentMarkers.add(marker);
        assertThat(sentMarkers.contains(marker)).isTrue();
        // Markers outlive a released order's gate state (active-retention, not retention): see docs/payment-gate.md.
        assertThat(ttl(sentMarkers.queueOf(marker), SentMarkers.KEY_PROPERTY, marker)).isBetween(5_500L, 6_500L);

        long deadline = System.currentTimeMillis() + 20_000;
        while (fulfilmentStates.json(delivered) != null && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertThat(fulfilmentStates.json(delivered)).isNull();
        // The unfinished one and the marker outlive the finished one: still there now, gone after active-retention.
        assertThat(fulfilmentStates.json(shipping)).contains("partially_shipped");
        assertThat(sentMarkers.contains(marker)).isTrue();
        deadline = System.currentTimeMillis() + 20_000;
        while ((fulfilmentStates.json(shipping) != null || sentMarkers.contains(marker))
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertThat(fulfilmentStates.json(shipping)).isNull();
        assertThat(sentMarkers.contains(marker)).isFalse();
    }

    @Test
    void statesOfTheSingleQueueOfEarlierVersionsAreTakenOverIntoTheBucketsOnce() throws Exception {
        String key = "test-shopify:" + IDS.incrementAndGet();
        jms.send(BrokerAddresses.GATE_STATE, session -> {
            Message message = session.createTextMessage("{\"orderKey\":\"" + key + "\",\"released\":true}");
            message.setStringProperty("orderKey", key);
            return message;
        });
        assertThat(gate.browse(BrokerAddresses.GATE_STATE, key)).hasSize(1);

        LastValueStore store = migration.adopt(new LastValueStore(jms,
                BrokerAddresses.stateQueues(BrokerAddresses.GATE_STATE), "orderKey"), BrokerAddresses.GATE_STATE);

        assertThat(store.latest(key)).contains("\"released\":true");
        assertThat(gateStates.json(key)).contains("\"released\":true");
        assertThat(gate.browse(BrokerAddresses.GATE_STATE, key)).isEmpty();
        assertThat(new Broker(embeddedBroker).depth(BrokerAddresses.GATE_STATE)).isZero();
        // Taken over with an expiry (active-retention, 6 s here): it does not stay for ever either.
        assertThat(ttl(store.queueOf(key), "orderKey", key)).isBetween(5_000L, 6_500L);
        // A second start finds nothing left to take over and changes nothing.
        migration.adopt(new LastValueStore(jms, BrokerAddresses.stateQueues(BrokerAddresses.GATE_STATE), "orderKey"),
                BrokerAddresses.GATE_STATE);
        assertThat(gate.browse(store.queueOf(key), key)).hasSize(1);
    }

    @Test
    void withAnExternalBrokerTheOldQueueIsReadForKeysNotInTheirBucketAndNothingIsMoved() throws Exception {
        String old = "test-shopify:" + IDS.incrementAndGet();
        String moved = "test-shopify:" + IDS.incrementAndGet();
        for (String key : List.of(old, moved)) {
            jms.send(BrokerAddresses.FULFILMENT_STATE, session -> {
                Message message = session.createTextMessage("{\"orderKey\":\"" + key + "\",\"status\":\"requested\"}");
                message.setStringProperty("orderKey", key);
                return message;
            });
        }
        // As with an external broker: no embedded broker in reach, another instance may be running.
        LegacyStateMigration external = new LegacyStateMigration(connectionFactory,
                new org.springframework.beans.factory.support.StaticListableBeanFactory().getBeanProvider(EmbeddedActiveMQ.class),
                properties);
        LastValueStore store = external.adopt(new LastValueStore(jms,
                BrokerAddresses.stateQueues(BrokerAddresses.FULFILMENT_STATE), "orderKey"), BrokerAddresses.FULFILMENT_STATE);
        assertThat(store.legacyQueue()).isEqualTo(BrokerAddresses.FULFILMENT_STATE);
        assertThat(store.latest(old)).contains("requested");
        assertThat(store.contains(old)).isTrue();
        // A newer state in the key's bucket wins over the old queue's.
        store.write(moved, "{\"orderKey\":\"" + moved + "\",\"status\":\"shipped\"}", java.util.Map.of(), null);
        assertThat(store.latest(moved)).contains("shipped");
        assertThat(store.latestOf(List.of(old, moved), 10)).containsOnlyKeys(old, moved)
                .hasEntrySatisfying(moved, json -> assertThat(json).contains("shipped"));
        // Nothing was moved or removed from the old queue.
        assertThat(gate.browse(BrokerAddresses.FULFILMENT_STATE, old)).hasSize(1);
        assertThat(gate.browse(store.queueOf(old), old)).isEmpty();
    }

    @Test
    void aStateWrittenInAConsumersTransactionIsRolledBackWithIt() throws Exception {
        String key = "test-shopify:" + IDS.incrementAndGet();
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        // A transacted consumer like every stage's: it writes the order's state, then fails.
        camel.addRoutes(new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("jms:queue:orderflow.test.state-rollback?transacted=true").routeId("state-rollback-probe")
                        .process(exchange -> {
                            exchange.getMessage().setHeader("orderKey", key);
                            exchange.setVariable("fulfilmentState", "{\"orderKey\":\"" + key + "\",\"status\":\"requested\"}");
                            fulfilmentStates.save(exchange);
                            attempts.incrementAndGet();
                            throw new IllegalStateException("a later step fails");
                        });
            }
        });
        try {
            jms.send("orderflow.test.state-rollback", session -> session.createTextMessage("probe"));
            long deadline = System.currentTimeMillis() + 20_000;
            while (attempts.get() < 2 && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            // Delivered twice (the first rolled back, redelivered after the back-off): the state was never committed.
            assertThat(attempts.get()).isGreaterThanOrEqualTo(2);
            assertThat(fulfilmentStates.json(key)).isNull();
            assertThat(gate.browse(fulfilmentStates.queueOf(key), key)).isEmpty();
        } finally {
            camel.getRouteController().stopRoute("state-rollback-probe");
            camel.removeRoute("state-rollback-probe");
        }
    }

    private void save(String orderKey, String json) throws Exception {
        var exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader("orderKey", orderKey);
        exchange.setVariable("fulfilmentState", json);
        fulfilmentStates.save(exchange);
    }

    private long ttl(String queue, String property, String key) {
        return jms.browseSelected(queue, property + " = '" + key + "'", (session, browser) -> {
            var e = browser.getEnumeration();
            assertThat(e.hasMoreElements()).as(key + " on " + queue).isTrue();
            Message m = (Message) e.nextElement();
            return m.getJMSExpiration() - m.getJMSTimestamp();
        });
    }
}
