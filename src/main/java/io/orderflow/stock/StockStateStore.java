package io.orderflow.stock;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.broker.BrokerAddresses;
import io.orderflow.broker.LastValueStore;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * Reads the stock sync's memory from the last-value queue orderflow.stock.state (browsing, so it stays there), keyed
 * by the {@code stockKey} property:
 * <ul>
 * <li>{@code level:<channel>:<sku>}: the latest ERP reading queued for that shop and SKU,
 * {@code {"channel","sku","quantity","readAt"}};</li>
 * <li>{@code watermark:<source>}: where the periodic sync's next run starts, {@code {"source","watermark","readAt"}}.</li>
 * </ul>
 * A {@link LastValueStore}; writing ({@link #save}, {@link #send}) joins the writer's transaction. Entries do not
 * expire: there is one per shop and SKU (and one watermark per source), so they do not grow with the orders.
 */
@Component("stockStateStore")
public class StockStateStore {

    static final String KEY = "stockKey";
    private static final int KEYS_PER_BROWSE = 100;

    private final LastValueStore store;
    private final ObjectMapper mapper;

    public StockStateStore(JmsTemplate jms, ObjectMapper mapper) {
        this.store = new LastValueStore(jms, BrokerAddresses.STOCK_STATE, KEY);
        this.mapper = mapper;
    }

    public static String levelKey(String channel, String sku) {
        return "level:" + channel + ":" + sku;
    }

    public static String watermarkKey(String source) {
        return "watermark:" + source;
    }

    /** The stored entries for these keys (absent keys are missing from the map). */
    public Map<String, JsonNode> read(Collection<String> keys) {
        Map<String, JsonNode> found = new HashMap<>();
        store.latestOf(keys, KEYS_PER_BROWSE).forEach((key, json) -> {
            try {
                found.put(key, mapper.readTree(json));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("unreadable stock state " + key, e);
            }
        });
        return found;
    }

    /** Route step to-stock-state (a split element {@code {stockKey, json}}): written in the consumer's transaction. */
    public void save(Map<String, String> entry) {
        store.write(entry.get("stockKey"), entry.get("json"), Map.of(), null);
    }

    /** Writes an entry on the caller's session (committed with it). */
    public void send(Session session, String key, String json) throws JMSException {
        store.send(session, key, json, Map.of(), null);
    }

    public JsonNode read(String key) {
        return read(List.of(key)).get(key);
    }

    /** The periodic sync's watermark for this stock source, or null before its first run. */
    public String watermark(String source) {
        JsonNode entry = read(watermarkKey(source));
        return entry == null ? null : entry.path("watermark").asText(null);
    }
}
