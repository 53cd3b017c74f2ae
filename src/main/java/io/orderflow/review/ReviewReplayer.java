package io.orderflow.review;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
 * Sends parked events from orderflow.review back to the queue they failed on (header {@code orderflowReplayQueue}),
 * once the cause is fixed (a mapping corrected, a product created). Each move is one broker transaction: the message
 * leaves the review queue only if its copy is on the origin queue.
 *
 * <p>A replayed copy gets a fresh broker duplicate ID (the broker would otherwise drop it as a duplicate of the first
 * delivery). Effects stay single through the natural keys at the far side (ERP reference lookup, WMS upsert).
 */
@Component("reviewReplayer")
public class ReviewReplayer {

    private static final Logger LOG = LoggerFactory.getLogger(ReviewReplayer.class);

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

    /**
     * Replays the parked message with this JMS message id, or every parked message (up to {@code limit}) when it is
     * null. Returns how many were replayed. A parked message that names no origin queue (or is not text) is left
     * where it is and logged: it has to be moved by hand.
     */
    public int replay(String messageId, int limit) throws JMSException {
        String selector = messageId == null || messageId.isBlank() ? null
                : "JMSMessageID = '" + messageId.replace("'", "''") + "'";
        int replayed = 0;
        // A connection of its own, really closed at the end, with its session and every consumer: nothing of a
        // replay stays attached to orderflow.review afterwards.
        try (Connection connection = connectionFactory.createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            connection.start();
            Queue review = session.createQueue(BrokerAddresses.REVIEW);
            // Only what is parked now: an event that fails again and is parked anew waits for the next call.
            List<String> replayable = new ArrayList<>();
            try (QueueBrowser browser = session.createBrowser(review, selector)) {
                for (var e = browser.getEnumeration(); e.hasMoreElements() && replayable.size() < limit; ) {
                    Message parked = (Message) e.nextElement();
                    if (parked.getStringProperty("orderflowReplayQueue") == null || !(parked instanceof TextMessage)) {
                        LOG.warn("Parked message {} has no orderflowReplayQueue or is not text; move it by hand",
                                parked.getJMSMessageID());
                        continue;
                    }
                    replayable.add(parked.getJMSMessageID());
                }
            }
            for (String id : replayable) {
                // One consumer per message, selected by its id and closed before the next: a consumer never holds
                // (prefetches) a parked message it does not move.
                try (MessageConsumer consumer = session.createConsumer(review,
                        "JMSMessageID = '" + id.replace("'", "''") + "'")) {
                    Message parked = consumer.receive(2000);
                    if (parked == null) {
                        continue; // replayed or removed meanwhile
                    }
                    String origin = parked.getStringProperty("orderflowReplayQueue");
                    TextMessage copy = session.createTextMessage(((TextMessage) parked).getText());
                    for (String name : Collections.list((java.util.Enumeration<String>) parked.getPropertyNames())) {
                        if (!name.startsWith("JMS") && !name.startsWith("_AMQ") && !name.startsWith("orderflowReason")) {
                            copy.setObjectProperty(name, parked.getObjectProperty(name));
                        }
                    }
                    String deliveryId = parked.getStringProperty("orderflowDeliveryId") + "#replay-" + UUID.randomUUID();
                    copy.setStringProperty("orderflowDeliveryId", deliveryId);
                    copy.setStringProperty("_AMQ_DUPL_ID", deliveryId);
                    copy.setStringProperty("orderflowReplayOf", parked.getJMSMessageID());
                    String group = parked.getStringProperty("JMSXGroupID");
                    if (group != null) {
                        copy.setStringProperty("JMSXGroupID", group);
                    }
                    try (MessageProducer producer = session.createProducer(session.createQueue(origin))) {
                        producer.send(copy);
                    }
                    session.commit();
                    replayed++;
                    LOG.info("Replayed parked event {} of order {} to {}", parked.getJMSMessageID(),
                            parked.getStringProperty("orderKey"), origin);
                }
            }
        }
        return replayed;
    }
}
