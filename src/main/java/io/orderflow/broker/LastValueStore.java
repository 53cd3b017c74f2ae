package io.orderflow.broker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.CRC32;

import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.springframework.jms.connection.ConnectionFactoryUtils;
import org.springframework.jms.core.JmsTemplate;

/**
 * "The latest state by key" on Artemis last-value queues: what every per-order (and per-SKU, per-channel) store of
 * orderflow keeps on the broker instead of a database (GateStateStore, FulfilmentStateStore, OrderStatusStore,
 * SentMarkers, StockStateStore, ReconcileStateStore). One store = one or more non-destructive last-value queues
 * keyed by one message property ({@link #keyProperty()}); a key lives on the queue it hashes to ({@link #queueOf}).
 *
 * <p>Reading ({@link #latest}, {@link #contains}, {@link #latestOf}, {@link #select}) browses the key's queue with a
 * selector on the key property, so the state stays there. Writing ({@link #write}) sends the new state as a
 * persistent text message with the key property, through the JmsTemplate: inside a transacted consumer that is the
 * consumer's own session (application.yml, {@code expose-listener-session}), so the state commits with the event that
 * changed it and the stage's other outputs, or not at all. {@link #send} writes on a session the caller holds
 * (e.g. one committed at once).
 *
 * <p>Retention: a state written with a time-to-live expires on the broker that much later; the state queues have no
 * expiry address (EmbeddedBrokerCustomizer, docker/artemis/broker.properties), so Artemis drops it and the store
 * reads the key as never seen (docs/architecture.md, "State stores").
 *
 * <p>What a lookup costs: Artemis has no get-by-key on a last-value queue; a browse with a selector evaluates it
 * against every message of the queue. Spreading a store over N queues divides that by N; the retention keeps the
 * queues from growing with every order ever seen (docs/performance.md, "State lookups"; measured by
 * {@code scripts/bench-state}).
 */
public class LastValueStore {

    private final JmsTemplate jms;
    private final List<String> queues;
    private final String keyProperty;
    /**
     * The single queue this store used before it was spread over buckets, still holding states (an external broker
     * upgraded in place, LegacyStateMigration): read when a key is not in its bucket. Null when there is none.
     */
    private volatile String legacyQueue;

    /** A store on one last-value queue. */
    public LastValueStore(JmsTemplate jms, String queue, String keyProperty) {
        this(jms, List.of(queue), keyProperty);
    }

    /** A store spread over several last-value queues, a key on the one its CRC-32 picks ({@link #queueOf}). */
    public LastValueStore(JmsTemplate jms, List<String> queues, String keyProperty) {
        if (queues.isEmpty()) {
            throw new IllegalArgumentException("a state store needs at least one queue");
        }
        this.jms = jms;
        this.queues = List.copyOf(queues);
        this.keyProperty = keyProperty;
    }

    public String keyProperty() {
        return keyProperty;
    }

    public List<String> queues() {
        return queues;
    }

    /** Also read this queue (states written before the store was spread over buckets) for keys not in a bucket. */
    public void readAlso(String legacy) {
        this.legacyQueue = legacy;
    }

    public String legacyQueue() {
        return legacyQueue;
    }

    /**
     * The queue a key's state is on: with one queue, that one; else number CRC-32(key as UTF-8) modulo the number of
     * queues (stable across versions and JVMs; String.hashCode spreads sequential order numbers over few queues).
     */
    public String queueOf(String key) {
        return queues.size() == 1 ? queues.get(0) : queues.get(bucket(key, queues.size()));
    }

    /** CRC-32 of the key's UTF-8 bytes modulo buckets. */
    public static int bucket(String key, int buckets) {
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % buckets);
    }

    /** The key's latest state (message text), or null when none is stored (never written, or expired). */
    public String latest(String key) {
        String found = latestOn(queueOf(key), key);
        String legacy = legacyQueue;
        return found != null || legacy == null ? found : latestOn(legacy, key);
    }

    private String latestOn(String queue, String key) {
        return jms.browseSelected(queue, selectorFor(key), (session, browser) -> {
            var messages = browser.getEnumeration();
            String last = null;
            // A last-value queue holds one message per key; while a newer one replaces an older one a browse may
            // see both, the newer last.
            while (messages.hasMoreElements()) {
                last = ((TextMessage) messages.nextElement()).getText();
            }
            return last;
        });
    }

    /** Whether a state is stored for the key (the browse stops at the first match). */
    public boolean contains(String key) {
        String legacy = legacyQueue;
        return containsOn(queueOf(key), key) || (legacy != null && containsOn(legacy, key));
    }

    private boolean containsOn(String queue, String key) {
        Boolean found = jms.browseSelected(queue, selectorFor(key),
                (session, browser) -> browser.getEnumeration().hasMoreElements());
        return Boolean.TRUE.equals(found);
    }

    /** The latest states of these keys (absent keys are missing), at most {@code perBrowse} keys per selector. */
    public Map<String, String> latestOf(Collection<String> keys, int perBrowse) {
        Map<String, List<String>> byQueue = new LinkedHashMap<>();
        for (String key : keys) {
            byQueue.computeIfAbsent(queueOf(key), q -> new ArrayList<>()).add(key);
        }
        String legacy = legacyQueue;
        if (legacy != null) {
            byQueue.put(legacy, new ArrayList<>(keys));
        }
        Map<String, String> found = new HashMap<>();
        byQueue.forEach((queue, queueKeys) -> {
            for (int i = 0; i < queueKeys.size(); i += perBrowse) {
                String selector = keyProperty + " IN (" + queueKeys.subList(i, Math.min(queueKeys.size(), i + perBrowse))
                        .stream().map(LastValueStore::literal).collect(Collectors.joining(",")) + ")";
                jms.browseSelected(queue, selector, (session, browser) -> {
                    var messages = browser.getEnumeration();
                    while (messages.hasMoreElements()) {
                        TextMessage message = (TextMessage) messages.nextElement();
                        if (queue.equals(legacy)) {
                            found.putIfAbsent(message.getStringProperty(keyProperty), message.getText());
                        } else {
                            found.put(message.getStringProperty(keyProperty), message.getText());
                        }
                    }
                    return null;
                });
            }
        });
        return found;
    }

    /** States matching a selector (null: all) over every queue of the store, at most max. */
    public List<String> select(String selector, int max) {
        List<String> found = new ArrayList<>();
        List<String> all = new ArrayList<>(queues);
        String legacy = legacyQueue;
        if (legacy != null) {
            all.add(legacy);
        }
        for (String queue : all) {
            if (found.size() >= max) {
                break;
            }
            found.addAll(jms.browseSelected(queue, selector, (session, browser) -> {
                var messages = browser.getEnumeration();
                List<String> texts = new ArrayList<>();
                while (messages.hasMoreElements() && found.size() + texts.size() < max) {
                    texts.add(((TextMessage) messages.nextElement()).getText());
                }
                return texts;
            }));
        }
        return found;
    }

    /**
     * Writes the key's new state through the JmsTemplate: in a transacted consumer's thread on that consumer's
     * session (committed with it), elsewhere on a session of its own, committed at once.
     *
     * @param properties further message properties (selectable by {@link #select}), may be empty
     * @param timeToLive how long the broker keeps it (null or zero: until a newer state replaces it)
     */
    public void write(String key, String state, Map<String, ?> properties, Duration timeToLive) {
        jms.execute(session -> {
            send(session, key, state, properties, timeToLive);
            // A session of the template's own (no consumer's transaction on this thread) that is transacted commits
            // here, as JmsTemplate.send would; the consumer's session commits with the consumer.
            if (session.getTransacted()
                    && !ConnectionFactoryUtils.isSessionTransactional(session, jms.getConnectionFactory())) {
                session.commit();
            }
            return null;
        }, false);
    }

    /** Writes the key's new state on the caller's session (committed when the caller commits it). */
    public void send(Session session, String key, String state, Map<String, ?> properties, Duration timeToLive)
            throws JMSException {
        TextMessage message = session.createTextMessage(state);
        message.setStringProperty(keyProperty, key);
        for (Map.Entry<String, ?> property : properties.entrySet()) {
            if (property.getValue() != null) {
                message.setObjectProperty(property.getKey(), property.getValue());
            }
        }
        MessageProducer producer = session.createProducer(session.createQueue(queueOf(key)));
        try {
            long ttl = timeToLive == null ? Message.DEFAULT_TIME_TO_LIVE : timeToLive.toMillis();
            producer.send(message, DeliveryMode.PERSISTENT, Message.DEFAULT_PRIORITY, ttl);
        } finally {
            producer.close();
        }
    }

    private String selectorFor(String key) {
        return keyProperty + " = " + literal(key);
    }

    /** A JMS selector string literal. */
    public static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
