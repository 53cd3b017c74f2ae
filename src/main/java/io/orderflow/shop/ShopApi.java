package io.orderflow.shop;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.config.OrderflowProperties.Channel;
import io.orderflow.review.UnprocessableEventException;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The shops' order APIs as the routes {@code fetch-shop-order} and {@code cancel-shop-order} call them: the order
 * named by the {@code orderKey} header ({@code <channel>:<shop order id>}) goes to the channel's
 * {@link ShopPlatform}, which knows the calls, credentials and shapes. Nothing of orderflow's internal headers
 * reaches the shop.
 */
@Component("shopApi")
public class ShopApi {

    private final OrderflowProperties properties;
    private final ShopPlatforms platforms;
    private final ObjectMapper mapper;

    public ShopApi(OrderflowProperties properties, ShopPlatforms platforms, ObjectMapper mapper) {
        this.properties = properties;
        this.platforms = platforms;
        this.mapper = mapper;
    }

    /**
     * Fetches the order as the shop has it now. The body becomes the envelope the shop mappings read, as an
     * "updated" event of the order, or empty when the shop does not know the order. Sets the variables
     * {@code channel} and {@code channelType} (the platform, which picks the mapping).
     */
    public void fetchOrder(Exchange exchange) throws IOException, InterruptedException {
        String channelId = channelIdOf(exchange);
        Channel settings = properties.getChannels().get(channelId);
        if (settings != null && !hasApi(settings)) {
            // A channel without api.base-url cannot be asked: the order is "not known yet" and the gate waits for its
            // webhook (a payment that overtook its order, e.g. redelivered first after a restart), re-checking until
            // the unpaid deadline, as when the shop itself does not know the order yet (docs/payment-gate.md).
            exchange.setVariable("channel", channelId);
            exchange.setVariable("channelType", platforms.forType(settings.getType()).name());
            exchange.getMessage().setBody("");
            return;
        }
        ShopChannel channel = channelOf(exchange);
        ShopPlatform platform = platforms.forType(channel.settings().getType());
        exchange.setVariable("channel", channel.id());
        exchange.setVariable("channelType", platform.name());
        Optional<JsonNode> order;
        try {
            order = platform.fetchOrder(channel, orderId(exchange));
        } catch (IOException e) {
            throw ShopUnavailableException.of(channel, e);
        }
        if (order.isEmpty()) {
            exchange.getMessage().setBody("");
            return;
        }
        if (!order.get().isObject()) {
            throw new UnprocessableEventException("the shop API answered without an order");
        }
        ObjectNode envelope = mapper.createObjectNode()
                .put("channel", channel.id())
                .put("topic", platform.fetchedOrderTopic())
                .put("receivedAt", Instant.now().toString());
        envelope.set("payload", order.get());
        exchange.getMessage().setBody(envelope.toString());
    }

    /** Cancels the order named by the orderKey header in its shop (unpaid past the deadline). */
    public void cancelOrder(Exchange exchange) throws IOException, InterruptedException {
        ShopChannel channel = channelOf(exchange);
        try {
            platforms.forType(channel.settings().getType()).cancelOrder(channel, orderId(exchange));
        } catch (IOException e) {
            throw ShopUnavailableException.of(channel, e);
        }
    }

    private static boolean hasApi(Channel channel) {
        return channel.getApi().getBaseUrl() != null && !channel.getApi().getBaseUrl().isBlank();
    }

    private static String channelIdOf(Exchange exchange) {
        String orderKey = exchange.getMessage().getHeader("orderKey", String.class);
        return orderKey.substring(0, orderKey.indexOf(':'));
    }

    private ShopChannel channelOf(Exchange exchange) {
        String channelId = channelIdOf(exchange);
        Channel channel = properties.getChannels().get(channelId);
        if (channel == null) {
            throw new UnprocessableEventException("no channel " + channelId + " is configured");
        }
        if (!hasApi(channel)) {
            throw new UnprocessableEventException("orderflow.channels." + channelId + ".api.base-url is not configured");
        }
        return new ShopChannel(channelId, channel);
    }

    private static String orderId(Exchange exchange) {
        String orderKey = exchange.getMessage().getHeader("orderKey", String.class);
        return orderKey.substring(orderKey.indexOf(':') + 1);
    }
}
