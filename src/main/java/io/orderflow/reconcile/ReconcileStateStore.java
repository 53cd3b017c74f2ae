package io.orderflow.reconcile;

import java.time.Instant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.broker.BrokerAddresses;
import io.orderflow.broker.LastValueStore;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * The reconciliation poll's memory on the last-value queue orderflow.reconcile.state, keyed by the
 * {@code reconcileKey} property: {@code watermark:<channel>} = {@code {"channel","watermark","readAt"}}, the newest
 * order change read from that shop. A {@link LastValueStore}: read by browsing (it stays there); a write replaces the
 * previous value. No expiry: one entry per channel.
 */
@Component("reconcileStateStore")
public class ReconcileStateStore {

    static final String KEY = "reconcileKey";

    private final LastValueStore store;
    private final ObjectMapper mapper;

    public ReconcileStateStore(JmsTemplate jms, ObjectMapper mapper) {
        this.store = new LastValueStore(jms, BrokerAddresses.RECONCILE_STATE, KEY);
        this.mapper = mapper;
    }

    public static String watermarkKey(String channel) {
        return "watermark:" + channel;
    }

    /** The channel's watermark, or null before its first run that found an order. */
    public Instant watermark(String channel) {
        String json = store.latest(watermarkKey(channel));
        if (json == null) {
            return null;
        }
        try {
            return Instant.parse(mapper.readTree(json).path("watermark").asText());
        } catch (java.io.IOException | java.time.format.DateTimeParseException e) {
            throw new IllegalStateException("unreadable reconciliation watermark of channel " + channel, e);
        }
    }

    /** Records the channel's new watermark (replacing the previous one). */
    public void save(String channel, Instant watermark, Instant readAt) {
        ObjectNode value = mapper.createObjectNode().put("channel", channel).put("watermark", watermark.toString())
                .put("readAt", readAt.toString());
        store.write(watermarkKey(channel), value.toString(), java.util.Map.of(), null);
    }
}
