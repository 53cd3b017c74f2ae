package io.orderflow.review;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.orderflow.broker.BrokerAddresses;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.SingleConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Sends parked events from orderflow.review (or orderflow.dead-letter) back to the queue they failed on (header
 * {@code orderflowReplayQueue}; for a message the broker dead-lettered itself, {@code _AMQ_ORIG_QUEUE}), once the
 * cause is fixed (a mapping corrected, a product created). Each move is one broker transaction: the message leaves the
 * parking queue only if its copy is on the origin queue.
 *
 * <p>A replayed copy gets a fresh broker duplicate ID (the broker would otherwise drop it as a duplicate of the first
 * delivery). Effects stay single through the natural keys at the far side (ERP reference lookup, WMS upsert). A
 * message already replayed is no longer parked: replaying it again finds nothing and changes nothing.
 */
@Component("reviewReplayer")
public class ReviewReplayer {

    private static final Logger LOG = LoggerFactory.getLogger(ReviewReplayer.class);

    /** Queues a parked message is never "replayed" to. */
    private static final Set<String> NOT_ORIGINS = Set.of(BrokerAddresses.REVIEW, BrokerAddresses.DEAD_LETTER,
            BrokerAddresses.REVIEW_DISCARDED, BrokerAddresses.EXPIRED);

    /** What happened to one message asked to be replayed. */
    public enum Outcome {
        /** The copy is on its origin queue, the parked message is gone. */
        REPLAYED,
        /** No such message on the queue (never there, or already replayed or discarded). */
        NOT_FOUND,
        /** Parked, but names no origin queue (or is not text): left where it is, to be moved by hand. */
        NOT_REPLAYABLE
    }

    private final ConnectionFactory connectionFactory;

    public ReviewReplayer(ConnectionFactory connectionFactory) {
        this.connectionFactory = unwrap(connectionFactory);
    }

    /**
     * The replay needs a connection of its own that really closes: Spring Boot's default JMS connection factory is a
     * {@link SingleConnectionFactory} (caching) whose connections ignore {@code close()} and whose sessions and
     * consumers are cached. A consumer left open on orderflow.review would keep parked events "in delivery" to
     * itself, and the next replay would find nothing to receive (issue 12).
     */
    static ConnectionFactory unwrap(ConnectionFactory factory) {
        ConnectionFactory current = factory;
        while (current instanceof SingleConnectionFactory single && single.getTargetConnectionFactory() != null) {
            current = single.getTargetConnectionFactory();
        }
        return current;
    }

    ConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    static String idSelector(String messageId) {
        return "JMSMessageID = '" + messageId.replace("'", "''") + "'";
    }

    /** The queue a parked message goes back to, or null. */
    static String origin(Message parked) throws JMSException {
        String origin = parked.getStringProperty("orderflowReplayQueue");
        if (origin == null || origin.isBlank()) {
            origin = parked.getStringProperty("_AMQ_ORIG_QUEUE");
        }
        return origin == null || origin.isBlank() || NOT_ORIGINS.contains(origin) ? null : origin;
    }

    /**
     * Replays the parked message with this JMS message id from orderflow.review, or every parked message there (up to
     * {@code limit}) when it is null. Returns how many were replayed. A parked message that names no origin queue (or
     * is not text) is left where it is and logged: it has to be moved by hand. ({@code POST /admin/review/replay}.)
     */
    public int replay(String messageId, int limit) throws JMSException {
        String selector = messageId == null || messageId.isBlank() ? null : idSelector(messageId);
        List<String> replayable = new ArrayList<>();
        try (Connection connection = connectionFactory.createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            connection.start();
            Queue review = session.createQueue(BrokerAddresses.REVIEW);
            // Only what is parked now: an event that fails again and is parked anew waits for the next call.
            try (QueueBrowser browser = session.createBrowser(review, selector)) {
                for (var e = browser.getEnumeration(); e.hasMoreElements() && replayable.size() < limit; ) {
                    Message parked = (Message) e.nextElement();
                    if (origin(parked) == null || !(parked instanceof TextMessage)) {
                        LOG.warn("Parked message {} has no orderflowReplayQueue or is not text; move it by hand",
                                parked.getJMSMessageID());
                        continue;
                    }
                    replayable.add(parked.getJMSMessageID());
                }
            }
        }
        int replayed = 0;
        for (String id : replayable) {
            if (replayFrom(BrokerAddresses.REVIEW, id) == Outcome.REPLAYED) {
                replayed++;
            }
        }
        return replayed;
    }

    /**
     * Replays one parked message of {@code queue} (orderflow.review or orderflow.dead-letter) by its JMS message id,
     * in one transaction of its own (a connection of its own, really closed: nothing stays attached to the queue).
     */
    public Outcome replayFrom(String queue, String messageId) throws JMSException {
        try (Connection connection = connectionFactory.createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            connection.start();
            Queue parking = session.createQueue(queue);
            // Browse first: a message that is not there is answered at once, without waiting on a receive.
            // One that cannot be replayed is never received: a rollback would count as a failed delivery.
            try (QueueBrowser browser = session.createBrowser(parking, idSelector(messageId))) {
                var found = browser.getEnumeration();
                if (!found.hasMoreElements()) {
                    return Outcome.NOT_FOUND;
                }
                Message parked = (Message) found.nextElement();
                if (origin(parked) == null || !(parked instanceof TextMessage)) {
                    LOG.warn("Parked message {} on {} has no origin queue or is not text; move it by hand",
                            parked.getJMSMessageID(), queue);
                    return Outcome.NOT_REPLAYABLE;
                }
            }
            // One consumer selected by the id, closed at once: it never holds (prefetches) a message it does not move.
            try (MessageConsumer consumer = session.createConsumer(parking, idSelector(messageId))) {
                Message parked = consumer.receive(2000);
                if (parked == null) {
                    return Outcome.NOT_FOUND; // replayed or removed meanwhile
                }
                String origin = origin(parked);
                if (origin == null || !(parked instanceof TextMessage text)) {
                    session.rollback();
                    LOG.warn("Parked message {} on {} has no origin queue or is not text; move it by hand",
                            parked.getJMSMessageID(), queue);
                    return Outcome.NOT_REPLAYABLE;
                }
                TextMessage copy = session.createTextMessage(text.getText());
                for (String name : Collections.list((java.util.Enumeration<String>) parked.getPropertyNames())) {
                    if (!name.startsWith("JMS") && !name.startsWith("_AMQ") && !name.startsWith("orderflowReason")
                            && !name.startsWith("orderflowDiscard")) {
                        copy.setObjectProperty(name, parked.getObjectProperty(name));
                    }
                }
                String deliveryId = parked.getStringProperty("orderflowDeliveryId") + "#replay-" + UUID.randomUUID();
                copy.setStringProperty("orderflowDeliveryId", deliveryId);
                copy.setStringProperty("_AMQ_DUPL_ID", deliveryId);
                copy.setStringProperty("orderflowReplayOf", parked.getJMSMessageID());
                copy.setIntProperty("orderflowReplays", replays(parked) + 1);
                String group = parked.getStringProperty("JMSXGroupID");
                if (group != null) {
                    copy.setStringProperty("JMSXGroupID", group);
                }
                try (MessageProducer producer = session.createProducer(session.createQueue(origin))) {
                    producer.send(copy);
                }
                session.commit();
                LOG.info("Replayed parked event {} of order {} from {} to {}", parked.getJMSMessageID(),
                        parked.getStringProperty("orderKey"), queue, origin);
                return Outcome.REPLAYED;
            }
        }
    }

    static int replays(Message parked) throws JMSException {
        Object value = parked.getObjectProperty("orderflowReplays");
        if (value == null) {
            return 0;
        }
        try {
            return Integer.parseInt(value.toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
