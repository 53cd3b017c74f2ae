package io.orderflow.reconcile;

import java.time.Instant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.broker.BrokerAddresses;
import jakarta.jms.TextMessage;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * The reconciliation poll's memory on the last-value queue orderflow.reconcile.state, keyed by the
 * {@code reconcileKey} property: {@code watermark:<channel>} = {@code {"channel","watermark","readAt"}}, the newest
 * order change read from that shop. Read by browsing (it stays there); written by a plain send, which replaces the
 * previous value.
 */
@Component("reconcileStateStore")
public class ReconcileStateStore {

    static final String KEY = "reconcileKey";

    private final JmsTemplate jms;
    private final ObjectMapper mapper;

    public ReconcileStateStore(JmsTemplate jms, ObjectMapper mapper) {
        this.jms = jms;
        this.mapper = mapper;
    }

    public static String watermarkKey(String channel) {
        return "watermark:" + channel;
    }

    /** The channel's watermark, or null before its first run that found an order. */
    public Instant watermark(String channel) {
        String selector = KEY + " = '" + watermarkKey(channel).replace("'", "''") + "'";
        return jms.browseSelected(BrokerAddresses.RECONCILE_STATE, selector, (session, browser) -> {
            var messages = browser.getEnumeration();
            Instant found = null;
            while (messages.hasMoreElements()) {
                TextMessage message = (TextMessage) messages.nextElement();
                try {
                    found = Instant.parse(mapper.readTree(message.getText()).path("watermark").asText());
                } catch (java.io.IOException | java.time.format.DateTimeParseException e) {
                    throw new IllegalStateException("unreadable reconciliation watermark of channel " + channel, e);
                }
            }
            return found;
        });
    }

    /** Records the channel's new watermark (replacing the previous one). */
    public void save(String channel, Instant watermark, Instant readAt) {
        ObjectNode value = mapper.createObjectNode().put("channel", channel).put("watermark", watermark.toString())
                .put("readAt", readAt.toString());
        jms.send(BrokerAddresses.RECONCILE_STATE, session -> {
            TextMessage message = session.createTextMessage(value.toString());
            message.setStringProperty(KEY, watermarkKey(channel));
            return message;
        });
    }
}
