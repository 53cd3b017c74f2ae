package io.orderflow.notify;

import java.time.Duration;
import java.util.Map;

import io.orderflow.broker.BrokerAddresses;
import io.orderflow.broker.LastValueStore;
import io.orderflow.broker.LegacyStateMigration;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.core.JmsTemplate;

/**
 * The idempotent repository of the notify stage (route notify, EIP idempotentConsumer, eager false): which
 * notifications have been handed to their provider, as "sent" markers on the broker, so it survives restarts with no
 * database. One marker per notification and medium on the last-value queues orderflow.notify.sent.000 .. .127, keyed by the
 * {@code notificationKey} property; read by browsing (never consumed).
 *
 * <p>{@link #add} is called when the medium's block completed, i.e. right after SMTP or Twilio accepted the message,
 * and commits the marker at once in its own session, NOT in the consumer's transaction: if a later step of the same
 * request fails (the SMS after the e-mail went out) and the request is redelivered, the e-mail is not sent again.
 * What remains is the gap between the provider's acceptance and this commit (a crash in those milliseconds sends
 * that one message again on redelivery): SMTP and Twilio take no idempotency key, so at-least-once within that gap is
 * the best any sender can do (docs/notifications.md, "Exactly once").
 */
public class SentMarkers extends ServiceSupport implements IdempotentRepository {

    private static final Logger LOG = LoggerFactory.getLogger(SentMarkers.class);
    public static final String KEY_PROPERTY = "notificationKey";

    private final ConnectionFactory connectionFactory;
    private final LastValueStore store;
    private final Duration retention;

    public SentMarkers(ConnectionFactory connectionFactory, JmsTemplate jms, Duration retention,
            LegacyStateMigration migration) {
        this.connectionFactory = connectionFactory;
        this.store = migration.adopt(new LastValueStore(jms, BrokerAddresses.stateQueues(BrokerAddresses.NOTIFY_SENT),
                KEY_PROPERTY), BrokerAddresses.NOTIFY_SENT);
        this.retention = retention;
    }

    @Override
    public boolean contains(String key) {
        return store.contains(key);
    }

    /** Records the key as sent, committed at once (own session). Always true: the caller checked contains first. */
    @Override
    public boolean add(String key) {
        try (Connection connection = connectionFactory.createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            store.send(session, key, key, Map.of("sentAt", System.currentTimeMillis()), retention);
        } catch (JMSException e) {
            // The provider has the message already; failing here would roll back and send it again.
            LOG.error("Notification {} was sent but its marker could not be written (a redelivery would send it again): {}",
                    key, e.getMessage());
        }
        return true;
    }

    /** The queue a notification's marker is on. */
    public String queueOf(String key) {
        return store.queueOf(key);
    }

    /** Markers are not taken back: a sent message cannot be unsent. */
    @Override
    public boolean remove(String key) {
        return false;
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("sent markers are cleared on the broker (orderflow.notify.sent), not here");
    }
}
