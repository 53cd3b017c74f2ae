package io.orderflow.review;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.broker.BrokerAddresses;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
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
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * What is parked on orderflow.review and orderflow.dead-letter, read by browsing (nothing is consumed), and the
 * discard of one parked message: moved, in one broker transaction, to orderflow.review.discarded with the reason, who
 * discarded it and when (never dropped). Replays go through {@link ReviewReplayer}.
 */
@Component
public class ParkedMessages {

    private static final Logger LOG = LoggerFactory.getLogger(ParkedMessages.class);

    /** The queues an operator acts on, by the short name the API uses. */
    public static final Map<String, String> QUEUES = Map.of(
            "review", BrokerAddresses.REVIEW,
            "dead-letter", BrokerAddresses.DEAD_LETTER,
            "discarded", BrokerAddresses.REVIEW_DISCARDED);

    /** Most messages looked at per queue by one listing or one replay-by-reason. */
    static final int SCAN_LIMIT = 10_000;

    private final ReviewReplayer replayer;
    private final ObjectProvider<MeterRegistry> meters;
    private final ReviewProperties properties;

    public ParkedMessages(ReviewReplayer replayer, ObjectProvider<MeterRegistry> meters, ReviewProperties properties) {
        this.replayer = replayer;
        this.meters = meters;
        this.properties = properties;
    }

    /** One parked message as the API shows it. */
    public record Parked(String queue, String messageId, String orderKey, String reason, String stage,
            String replayQueue, Integer attempts, String firstFailedAt, String lastFailedAt, int replays,
            String reviewRule, String discardReason, String discardedBy, String discardedAt, String discardedFrom,
            int payloadLength, boolean payloadTruncated, String payload) {
    }

    /** A filter on the listing: reason substring and order key, both optional (case-insensitive). */
    public record Filter(String reason, String orderKey) {
        boolean matches(Parked p) {
            return contains(p.reason(), reason) && (orderKey == null || orderKey.isBlank()
                    || orderKey.equalsIgnoreCase(p.orderKey()));
        }

        private static boolean contains(String value, String part) {
            return part == null || part.isBlank() || (value != null
                    && value.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT)));
        }
    }

    /** The parked messages of these queues (API names) that match, oldest first per queue, at most {@code limit}. */
    public List<Parked> list(List<String> queues, Filter filter, int limit) throws JMSException {
        List<Parked> result = new ArrayList<>();
        try (Connection connection = replayer.connectionFactory().createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            for (String name : queues) {
                String queue = QUEUES.get(name);
                try (QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
                    int seen = 0;
                    for (var e = browser.getEnumeration(); e.hasMoreElements() && result.size() < limit
                            && seen < SCAN_LIMIT; seen++) {
                        Parked parked = view(name, (Message) e.nextElement());
                        if (filter.matches(parked)) {
                            result.add(parked);
                        }
                    }
                }
            }
        }
        return result;
    }

    /** The parked message with this id on review or dead-letter (then discarded, to tell "gone" apart). */
    public Optional<Parked> find(String messageId) throws JMSException {
        try (Connection connection = replayer.connectionFactory().createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            for (String name : List.of("review", "dead-letter")) {
                Message message = browseOne(session, QUEUES.get(name), ReviewReplayer.idSelector(messageId));
                if (message != null) {
                    return Optional.of(view(name, message));
                }
            }
            Message discarded = browseOne(session, BrokerAddresses.REVIEW_DISCARDED,
                    "orderflowDiscardOf = '" + messageId.replace("'", "''") + "'");
            return discarded == null ? Optional.empty() : Optional.of(view("discarded", discarded));
        }
    }

    /** The ids of the parked messages (review and dead-letter) whose reason contains {@code reason}. */
    public List<Parked> withReason(String reason) throws JMSException {
        return list(List.of("review", "dead-letter"), new Filter(reason, null), SCAN_LIMIT);
    }

    /** Replays one parked message by id, wherever it is parked. */
    public ReviewReplayer.Outcome replay(String messageId) throws JMSException {
        Optional<Parked> parked = find(messageId);
        if (parked.isEmpty() || parked.get().queue().equals("discarded")) {
            return ReviewReplayer.Outcome.NOT_FOUND;
        }
        return replayer.replayFrom(QUEUES.get(parked.get().queue()), messageId);
    }

    public enum DiscardOutcome { DISCARDED, NOT_FOUND, ALREADY_DISCARDED }

    /**
     * Moves one parked message (review or dead-letter) to orderflow.review.discarded with the reason, who and when,
     * in one transaction: it leaves the parking queue only if the record is written. Logged and counted.
     */
    public DiscardOutcome discard(String messageId, String reason, String by) throws JMSException {
        Optional<Parked> parked = find(messageId);
        if (parked.isEmpty()) {
            return DiscardOutcome.NOT_FOUND;
        }
        if (parked.get().queue().equals("discarded")) {
            return DiscardOutcome.ALREADY_DISCARDED;
        }
        String queue = QUEUES.get(parked.get().queue());
        try (Connection connection = replayer.connectionFactory().createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            connection.start();
            try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue),
                    ReviewReplayer.idSelector(messageId))) {
                Message message = consumer.receive(2000);
                if (message == null) {
                    return DiscardOutcome.NOT_FOUND; // replayed or discarded meanwhile
                }
                Message record = copy(session, message);
                for (String name : Collections.list((java.util.Enumeration<String>) message.getPropertyNames())) {
                    if (!name.startsWith("JMS") && !name.startsWith("_AMQ")) {
                        record.setObjectProperty(name, message.getObjectProperty(name));
                    }
                }
                String group = message.getStringProperty("JMSXGroupID");
                if (group != null) {
                    record.setStringProperty("orderflowGroup", group);
                }
                record.setStringProperty("orderflowDiscardOf", message.getJMSMessageID());
                record.setStringProperty("orderflowDiscardedFrom", queue);
                record.setStringProperty("orderflowDiscardReason", reason);
                record.setStringProperty("orderflowDiscardedBy", by);
                record.setStringProperty("orderflowDiscardedAt", iso(Instant.now()));
                try (MessageProducer producer = session.createProducer(
                        session.createQueue(BrokerAddresses.REVIEW_DISCARDED))) {
                    producer.send(record);
                }
                session.commit();
                LOG.warn("Discarded parked message {} of order {} from {} by {}: {} (kept on {})", messageId,
                        message.getStringProperty("orderKey"), queue, by, oneLine(reason),
                        BrokerAddresses.REVIEW_DISCARDED);
                MeterRegistry registry = meters.getIfAvailable();
                if (registry != null) {
                    registry.counter("orderflow.review.discarded", "queue", queue).increment();
                }
                return DiscardOutcome.DISCARDED;
            }
        }
    }

    private static Message copy(Session session, Message message) throws JMSException {
        if (message instanceof TextMessage text) {
            return session.createTextMessage(text.getText());
        }
        if (message instanceof BytesMessage bytes) {
            byte[] body = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(body);
            var copy = session.createBytesMessage();
            copy.writeBytes(body);
            return copy;
        }
        return session.createMessage(); // no body of a type orderflow writes: properties only
    }

    private static Message browseOne(Session session, String queue, String selector) throws JMSException {
        try (QueueBrowser browser = session.createBrowser(session.createQueue(queue), selector)) {
            var e = browser.getEnumeration();
            return e.hasMoreElements() ? (Message) e.nextElement() : null;
        }
    }

    private Parked view(String queue, Message m) throws JMSException {
        String payload = payload(m);
        int max = properties.getMaxPayloadChars();
        boolean truncated = payload != null && payload.length() > max;
        String parkedAt = m.getStringProperty("orderflowParkedAt");
        String fallback = m.getJMSTimestamp() > 0 ? iso(Instant.ofEpochMilli(m.getJMSTimestamp())) : null;
        String last = firstOf(m.getStringProperty("orderflowLastFailedAt"), parkedAt, fallback);
        String reason = m.getStringProperty("orderflowReason");
        if (reason == null && m.getStringProperty("_AMQ_ORIG_QUEUE") != null) {
            reason = "dead-lettered by the broker from " + m.getStringProperty("_AMQ_ORIG_QUEUE");
        }
        return new Parked(queue,
                "discarded".equals(queue) ? m.getStringProperty("orderflowDiscardOf") : m.getJMSMessageID(),
                m.getStringProperty("orderKey"), reason, m.getStringProperty("orderflowFailedRoute"),
                ReviewReplayer.origin(m), integer(m.getObjectProperty("orderflowAttempts")),
                firstOf(m.getStringProperty("orderflowFirstFailedAt"), last), last, ReviewReplayer.replays(m),
                m.getStringProperty("orderflowReviewRule"), m.getStringProperty("orderflowDiscardReason"),
                m.getStringProperty("orderflowDiscardedBy"), m.getStringProperty("orderflowDiscardedAt"),
                m.getStringProperty("orderflowDiscardedFrom"), payload == null ? 0 : payload.length(), truncated,
                payload == null ? null : truncated ? payload.substring(0, max) : payload);
    }

    private static String payload(Message m) throws JMSException {
        if (m instanceof TextMessage text) {
            return text.getText();
        }
        if (m instanceof BytesMessage bytes) {
            return "(" + bytes.getBodyLength() + " bytes, not text)";
        }
        return null;
    }

    private static Integer integer(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value.toString());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String firstOf(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    static String iso(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    static String oneLine(String text) {
        return text == null ? null : text.replaceAll("[\\r\\n\\t]+", " ");
    }

    /** The listing as JSON-ready maps (null fields left out). */
    static Map<String, Object> json(Parked p) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "queue", p.queue());
        put(m, "messageId", p.messageId());
        put(m, "orderKey", p.orderKey());
        put(m, "reason", p.reason());
        put(m, "stage", p.stage());
        put(m, "replayQueue", p.replayQueue());
        put(m, "attempts", p.attempts());
        put(m, "firstFailedAt", p.firstFailedAt());
        put(m, "lastFailedAt", p.lastFailedAt());
        m.put("replays", p.replays());
        put(m, "reviewRule", p.reviewRule());
        put(m, "discardReason", p.discardReason());
        put(m, "discardedBy", p.discardedBy());
        put(m, "discardedAt", p.discardedAt());
        put(m, "discardedFrom", p.discardedFrom());
        m.put("payloadLength", p.payloadLength());
        m.put("payloadTruncated", p.payloadTruncated());
        put(m, "payload", p.payload());
        return m;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
