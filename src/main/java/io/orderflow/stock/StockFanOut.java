package io.orderflow.stock;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.config.OrderflowProperties.Channel;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Route {@code stock-sync}: turns one reading of the ERP's free quantities ({@code {"source", "readAt",
 * "available": {sku: qty}}} on orderflow.stock.levels) into one pending push per shop and SKU, for EVERY channel whose
 * {@code stock.source} is that source and whose shop API is configured.
 * <p>
 * Ordering and coalescing, against the latest reading queued per shop and SKU (orderflow.stock.state):
 * <ul>
 * <li>a reading older ({@code readAt}) than the one already queued for that shop and SKU is dropped: a newer ERP
 * reading is never overwritten by an older one (e.g. an order's reading committed after a periodic sync's);</li>
 * <li>the same quantity as queued: only the reading time is recorded, no push;</li>
 * <li>otherwise the reading is recorded and a push is queued on the last-value queue orderflow.stock.push
 * ({@code _AMQ_LVQ_NAME = <channel>:<sku>}), replacing a push of that shop and SKU still waiting there.</li>
 * </ul>
 * Sets the variables {@code stockStates} and {@code stockPushes} (lists the route sends, in this transaction) and
 * {@code stockSummary} (for the log).
 * A message of the earlier per-channel shape ({@code {"channel", "available"}}) still reaches that channel.
 */
@Component("stockFanOut")
public class StockFanOut {

    private static final Logger LOG = LoggerFactory.getLogger(StockFanOut.class);

    private final OrderflowProperties properties;
    private final StockStateStore store;
    private final ObjectMapper mapper;

    public StockFanOut(OrderflowProperties properties, StockStateStore store, ObjectMapper mapper) {
        this.properties = properties;
        this.store = store;
        this.mapper = mapper;
    }

    public void plan(Exchange exchange) throws Exception {
        JsonNode levels = mapper.readTree(exchange.getMessage().getBody(String.class));
        String source = levels.path("source").asText(OrderflowProperties.ERP_STOCK);
        Instant readAt = readAt(levels, exchange);
        String messageId = exchange.getMessage().getHeader("JMSMessageID", exchange.getExchangeId(), String.class);

        List<String> channels = new ArrayList<>();
        if (levels.hasNonNull("channel") && !levels.has("source")) {
            channels.add(levels.get("channel").asText());   // the earlier, per-channel shape
        } else {
            properties.getChannels().forEach((id, channel) -> {
                if (source.equals(channel.getStock().getSource())) {
                    channels.add(id);
                }
            });
        }
        channels.removeIf(id -> {
            Channel channel = properties.getChannels().get(id);
            boolean unusable = channel == null || channel.getApi().getBaseUrl() == null;
            if (unusable) {
                LOG.debug("Stock for channel {} not pushed: no shop API configured (channels.{}.api.base-url)", id, id);
            }
            return unusable;
        });

        Map<String, String> quantities = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = levels.path("available").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> level = it.next();
            BigDecimal quantity = new BigDecimal(level.getValue().asText()).max(BigDecimal.ZERO);
            quantities.put(level.getKey(), quantity.stripTrailingZeros().toPlainString());
        }
        List<String> keys = new ArrayList<>();
        channels.forEach(channel -> quantities.keySet().forEach(sku -> keys.add(StockStateStore.levelKey(channel, sku))));
        Map<String, JsonNode> queued = keys.isEmpty() ? Map.of() : store.read(keys);

        List<Map<String, String>> states = new ArrayList<>();
        List<Map<String, String>> pushes = new ArrayList<>();
        int older = 0;
        int unchanged = 0;
        for (String channel : channels) {
            for (Map.Entry<String, String> level : quantities.entrySet()) {
                String sku = level.getKey();
                String key = StockStateStore.levelKey(channel, sku);
                JsonNode before = queued.get(key);
                if (before != null && Instant.parse(before.path("readAt").asText()).isAfter(readAt)) {
                    older++;
                    continue;
                }
                String json = mapper.createObjectNode().put("channel", channel).put("sku", sku)
                        .put("quantity", level.getValue()).put("readAt", readAt.toString()).toString();
                states.add(Map.of("stockKey", key, "json", json));
                if (before != null && level.getValue().equals(before.path("quantity").asText())) {
                    unchanged++;
                    continue;
                }
                pushes.add(Map.of("lvqName", channel + ":" + sku, "json", json,
                        "duplicateId", "stock:" + messageId + ":" + channel + ":" + sku));
            }
        }
        exchange.setVariable("stockStates", states);
        exchange.setVariable("stockPushes", pushes);
        exchange.setVariable("stockSummary", quantities.size() + " SKU(s) read at " + readAt + " for " + channels.size()
                + " shop(s): " + pushes.size() + " push(es) queued, " + unchanged + " unchanged, " + older
                + " older than a reading already queued");
    }

    private static Instant readAt(JsonNode levels, Exchange exchange) {
        if (levels.hasNonNull("readAt")) {
            return Instant.parse(levels.get("readAt").asText());
        }
        Long sent = exchange.getMessage().getHeader("JMSTimestamp", Long.class);
        return sent != null && sent > 0 ? Instant.ofEpochMilli(sent) : Instant.now();
    }
}
