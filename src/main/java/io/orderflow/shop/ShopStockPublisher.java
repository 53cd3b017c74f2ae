package io.orderflow.shop;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.config.OrderflowProperties.Channel;
import io.orderflow.stock.StockStateStore;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Pushes the ERP's free quantity of one SKU to one shop (route {@code stock-push}), as an absolute value, so a
 * repeat changes nothing: the channel's {@link ShopPlatform#setStock} knows the shop's calls.
 * The shop's rate limit is respected ({@link ShopHttp}: at most api.max-requests-per-second per shop; a 429 or the
 * platform's own throttling signal pauses the shop's calls for as long as it asks and rolls the push back, and the
 * broker's redelivery waits out the rest of the pause before calling again). A SKU the shop does not sell is skipped quietly (one debug line).
 */
@Component("shopStockPublisher")
public class ShopStockPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(ShopStockPublisher.class);

    private final OrderflowProperties properties;
    private final ShopPlatforms platforms;
    private final ObjectMapper mapper;
    private final StockStateStore state;

    public ShopStockPublisher(OrderflowProperties properties, ShopPlatforms platforms, ObjectMapper mapper,
            StockStateStore state) {
        this.properties = properties;
        this.platforms = platforms;
        this.mapper = mapper;
        this.state = state;
    }

    /**
     * Route {@code stock-push}: one pending push {@code {"channel","sku","quantity","readAt"}} from the last-value
     * queue orderflow.stock.push. Skipped when a different quantity has been queued for that shop and SKU since
     * (orderflow.stock.state): that newer push follows, so an older value never lands last (e.g. a push rolled back
     * and redelivered after a newer one).
     */
    public void push(Exchange exchange) throws IOException, InterruptedException {
        JsonNode push = mapper.readTree(exchange.getMessage().getBody(String.class));
        String channelId = push.path("channel").asText();
        String sku = push.path("sku").asText();
        String quantityText = push.path("quantity").asText();
        JsonNode latest = state.read(StockStateStore.levelKey(channelId, sku));
        if (latest != null && !quantityText.equals(latest.path("quantity").asText())) {
            LOG.debug("Stock {} of {} for shop {} superseded by {} (read at {}): not pushed", quantityText, sku, channelId,
                    latest.path("quantity").asText(), latest.path("readAt").asText());
            return;
        }
        Channel channel = properties.getChannels().get(channelId);
        if (channel == null || channel.getApi().getBaseUrl() == null) {
            LOG.debug("Stock of {} for channel {} not pushed: no shop API configured", sku, channelId);
            return;
        }
        long quantity = new java.math.BigDecimal(quantityText).longValue();
        if (platforms.forType(channel.getType()).setStock(new ShopChannel(channelId, channel), sku, quantity)) {
            LOG.info("Stock of {} in shop {} set to {}", sku, channelId, quantity);
        }
    }
}
