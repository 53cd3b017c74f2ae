package io.orderflow.review;

import java.util.Collections;
import java.util.UUID;

import io.orderflow.broker.BrokerAddresses;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
        this.connectionFactory = connectionFactory;
    }

    /**
     * Replays the parked message with this JMS message id, or every parked message (up to {@code limit}) when it is
     * null. Returns how many were replayed.
     */
    public int replay(String messageId, int limit) throws JMSException {
        String selector = messageId == null || messageId.isBlank() ? null
                : "JMSMessageID = '" + messageId.replace("'", "''") + "'";
        int replayed = 0;
        try (Connection connection = connectionFactory.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            // Only what is parked now: an event that fails again and is parked anew waits for the next call.
            int parkedNow = 0;
            try (jakarta.jms.QueueBrowser browser = session.createBrowser(session.createQueue(BrokerAddresses.REVIEW), selector)) {
                for (var e = browser.getEnumeration(); e.hasMoreElements() && parkedNow < limit; e.nextElement()) {
                    parkedNow++;
                }
            }
            MessageConsumer consumer = session.createConsumer(session.createQueue(BrokerAddresses.REVIEW), selector);
            while (replayed < parkedNow) {
                Message parked = consumer.receive(500);
                if (parked == null) {
                    break;
                }
                String origin = parked.getStringProperty("orderflowReplayQueue");
                if (origin == null || !(parked instanceof TextMessage text)) {
                    session.rollback();
                    throw new IllegalStateException("parked message " + parked.getJMSMessageID()
                            + " has no orderflowReplayQueue or is not text; move it by hand");
                }
                TextMessage copy = session.createTextMessage(text.getText());
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
        return replayed;
    }
}
