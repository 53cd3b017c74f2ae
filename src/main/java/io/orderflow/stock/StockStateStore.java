package io.orderflow.stock;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.broker.BrokerAddresses;
import jakarta.jms.TextMessage;
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
 * Writing is a plain send to that queue with the stockKey property, inside the writer's transaction.
 */
@Component("stockStateStore")
public class StockStateStore {

    static final String KEY = "stockKey";
    private static final int KEYS_PER_BROWSE = 100;

    private final JmsTemplate jms;
    private final ObjectMapper mapper;

    public StockStateStore(JmsTemplate jms, ObjectMapper mapper) {
        this.jms = jms;
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
        List<String> all = new ArrayList<>(keys);
        for (int i = 0; i < all.size(); i += KEYS_PER_BROWSE) {
            String selector = KEY + " IN (" + all.subList(i, Math.min(all.size(), i + KEYS_PER_BROWSE)).stream()
                    .map(k -> "'" + k.replace("'", "''") + "'").collect(Collectors.joining(",")) + ")";
            jms.browseSelected(BrokerAddresses.STOCK_STATE, selector, (session, browser) -> {
                var messages = browser.getEnumeration();
                while (messages.hasMoreElements()) {
                    TextMessage message = (TextMessage) messages.nextElement();
                    try {
                        found.put(message.getStringProperty(KEY), mapper.readTree(message.getText()));
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException("unreadable stock state " + message.getStringProperty(KEY), e);
                    }
                }
                return null;
            });
        }
        return found;
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
