package io.orderflow.broker;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import io.orderflow.config.OrderflowProperties;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Moves states written before a store was spread over buckets (the single queues orderflow.gate.state,
 * orderflow.fulfilment.state, orderflow.notify.sent of earlier versions) into the store's buckets, once, when the
 * store is created: before any route runs, so no stage reads or writes a state meanwhile.
 *
 * <p>Embedded broker: every state is copied to its bucket (in transactions of 500, expiring after
 * orderflow.state.active-retention: older states carry no expiry), then the old queue is emptied. External broker:
 * nothing is copied (another instance may be running); if the old queue still holds states the store reads it for
 * keys not in their bucket (a WARN says so) until an operator empties it, which is safe once
 * orderflow.state.active-retention has passed since the upgrade (docs/operations.md, "State stores").
 */
@Component
public class LegacyStateMigration {

    private static final Logger LOG = LoggerFactory.getLogger(LegacyStateMigration.class);
    private static final int BATCH = 500;

    private final ConnectionFactory connectionFactory;
    private final ObjectProvider<EmbeddedActiveMQ> embedded;
    private final Duration ttl;

    public LegacyStateMigration(ConnectionFactory connectionFactory, ObjectProvider<EmbeddedActiveMQ> embedded,
            OrderflowProperties properties) {
        this.connectionFactory = connectionFactory;
        this.embedded = embedded;
        this.ttl = properties.getState().getActiveRetention();
    }

    /** Takes over the states of the old single queue into the store's buckets (or reads it, external broker). */
    public LastValueStore adopt(LastValueStore store, String legacyQueue) {
        EmbeddedActiveMQ broker = embedded.getIfAvailable();
        try {
            if (broker != null && broker.getActiveMQServer() != null) {
                Queue queue = broker.getActiveMQServer().locateQueue(SimpleString.of(legacyQueue));
                // A browse, not the queue's message count (a last-value queue's count can lag a committed send).
                if (queue == null || !holdsMessages(legacyQueue)) {
                    return store;
                }
                int moved = copy(store, legacyQueue);
                queue.deleteAllReferences();
                LOG.info("State store {}: {} state(s) moved from {} into its {} bucket queues", store.keyProperty(),
                        moved, legacyQueue, store.queues().size());
            } else if (holdsMessages(legacyQueue)) {
                store.readAlso(legacyQueue);
                LOG.warn("State store: {} (before the bucket queues {}.NNN) still holds states; they are read for keys not"
                        + " in their bucket. Empty it once orderflow.state.active-retention has passed since the upgrade"
                        + " (docs/operations.md, \"State stores\").", legacyQueue, legacyQueue);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not take over the states of " + legacyQueue, e);
        }
        return store;
    }

    private int copy(LastValueStore store, String legacyQueue) throws JMSException {
        int moved = 0;
        try (Connection connection = connectionFactory.createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            connection.start();
            QueueBrowser browser = session.createBrowser(session.createQueue(legacyQueue));
            for (Object element : Collections.list(browser.getEnumeration())) {
                Message message = (Message) element;
                String key = message.getStringProperty(store.keyProperty());
                if (key == null || !(message instanceof TextMessage text)) {
                    continue;
                }
                Map<String, Object> properties = new LinkedHashMap<>();
                for (Object name : Collections.list(message.getPropertyNames())) {
                    String property = (String) name;
                    if (!property.equals(store.keyProperty()) && !property.startsWith("JMS") && !property.startsWith("_")) {
                        properties.put(property, message.getObjectProperty(property));
                    }
                }
                store.send(session, key, text.getText(), properties, ttl);
                if (++moved % BATCH == 0) {
                    session.commit();
                }
            }
            browser.close();
            session.commit();
        }
        return moved;
    }

    private boolean holdsMessages(String legacyQueue) throws JMSException {
        try (Connection connection = connectionFactory.createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            connection.start();
            QueueBrowser browser = session.createBrowser(session.createQueue(legacyQueue));
            boolean any = browser.getEnumeration().hasMoreElements();
            browser.close();
            return any;
        }
    }
}
