package io.orderflow.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * The broker's memory for message groups does not grow with the orders (issue 13): with orderflow's address settings
 * an order's group is hashed into one of orderflow.broker.group-buckets buckets, so after 3,000 orders' messages went
 * through two long-lived consumers the queue remembers at most 1,024 group owners (without buckets: 3,000, one per
 * order, until the consumers close). A consumer that joins mid-stream takes buckets not bound yet, and every order's
 * messages still arrive one after another, in the order sent. (With Artemis's group rebalancing and
 * pause-dispatch on top, this test stalled: after the third consumer joined, 3,000 messages waited, none delivering,
 * dispatch never resumed; so rebalancing is not used.)
 */
@SpringBootTest(properties = {"orderflow.data-dir=target/test-data/group-buckets-${random.uuid}",
        "spring.artemis.embedded.server-id=292"})
@ActiveProfiles("test")
class MessageGroupBucketsTest {

    static final String QUEUE = "orderflow.test.group-buckets";
    static final int ORDERS = 3000;

    @Autowired
    ConnectionFactory connectionFactory;
    @Autowired
    EmbeddedActiveMQ embedded;

    @Test
    void groupOwnersStayBoundedAndAnOrdersMessagesStayInOrderWhenAConsumerJoins() throws Exception {
        Map<String, List<Integer>> received = new ConcurrentHashMap<>();
        List<String> overlaps = new CopyOnWriteArrayList<>();
        Map<String, String> busy = new ConcurrentHashMap<>();
        try (Connection connection = connectionFactory.createConnection()) {
            connection.start();
            List<Session> consumerSessions = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                consumerSessions.add(consume(connection, "c" + i, received, busy, overlaps));
            }
            Session producerSession = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = producerSession.createProducer(producerSession.createQueue(QUEUE));
            for (int seq = 0; seq < 2; seq++) {
                if (seq == 1) {   // a third consumer joins between an order's first and second message
                    consumerSessions.add(consume(connection, "c2", received, busy, overlaps));
                }
                for (int order = 0; order < ORDERS; order++) {
                    Message message = producerSession.createTextMessage("order-" + order + ":" + seq);
                    message.setStringProperty("JMSXGroupID", "shop:" + order);
                    message.setIntProperty("seq", seq);
                    producer.send(message);
                    if (order % 500 == 499) {
                        producerSession.commit();
                    }
                }
                producerSession.commit();
            }
            long deadline = System.currentTimeMillis() + 60_000;
            while (received.values().stream().mapToInt(List::size).sum() < 2 * ORDERS
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            Queue queue = embedded.getActiveMQServer().locateQueue(SimpleString.of(QUEUE));
            assertThat(received.values().stream().mapToInt(List::size).sum()).as("received: queue " + queue.getMessageCount()
                    + " waiting, " + queue.getDeliveringCount() + " delivering, consumers " + queue.getConsumerCount()
                    + ", paused " + queue.isPaused()).isEqualTo(2 * ORDERS);
            assertThat(queue.getGroupBuckets()).isEqualTo(1024);
            assertThat(queue.getGroupCount()).as("group owners remembered").isPositive().isLessThanOrEqualTo(1024);
            for (Session session : consumerSessions) {
                session.close();
            }
        }
        assertThat(received).hasSize(ORDERS);
        assertThat(received.values()).allSatisfy(seqs -> assertThat(seqs).containsExactly(0, 1));
        assertThat(overlaps).as("two messages of one order handled at the same time").isEmpty();
    }

    /** A transacted consumer that records each order's sequence numbers and any overlap within one order. */
    private static Session consume(Connection connection, String name, Map<String, List<Integer>> received,
            Map<String, String> busy, List<String> overlaps) throws Exception {
        Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer consumer = session.createConsumer(session.createQueue(QUEUE));
        consumer.setMessageListener(message -> {
            try {
                String group = message.getStringProperty("JMSXGroupID");
                if (busy.putIfAbsent(group, name) != null) {
                    overlaps.add(group);
                }
                received.computeIfAbsent(group, g -> new CopyOnWriteArrayList<>()).add(message.getIntProperty("seq"));
                busy.remove(group);
                session.commit();
            } catch (Exception e) {
                overlaps.add("failed: " + e);
            }
        });
        return session;
    }
}
