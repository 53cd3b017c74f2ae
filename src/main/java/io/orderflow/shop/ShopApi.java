package io.orderflow.shop;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.config.OrderflowProperties.Channel;
import io.orderflow.config.OrderflowProperties.ChannelType;
import io.orderflow.review.UnprocessableEventException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * The shops' REST APIs as the routes {@code fetch-shop-order} and {@code cancel-shop-order} call them (Camel HTTP does
 * the call; this class knows the paths, credentials and envelopes):
 * <ul>
 * <li>Shopify Admin REST: {@code GET {base}/admin/api/{version}/orders/{id}.json} → {@code {"order": {...}}};
 * {@code POST .../orders/{id}/cancel.json}; header {@code X-Shopify-Access-Token}.</li>
 * <li>WooCommerce REST v3: {@code GET {base}/wp-json/wc/v3/orders/{id}}; {@code PUT} the same with
 * {@code {"status":"cancelled"}}; HTTP Basic consumer key/secret.</li>
 * </ul>
 * The request carries only these headers: nothing of orderflow's internal headers reaches the shop.
 */
@Component("shopApi")
public class ShopApi {

    private final OrderflowProperties properties;
    private final ObjectMapper mapper;

    public ShopApi(OrderflowProperties properties, ObjectMapper mapper) {
        this.properties = properties;
        this.mapper = mapper;
    }

    /** Prepares the GET of the order named by the orderKey header; sets variables channel, channelType. */
    public void prepareOrderFetch(Exchange exchange) {
        Message in = exchange.getMessage();
        String orderKey = in.getHeader("orderKey", String.class);
        String channelId = orderKey.substring(0, orderKey.indexOf(':'));
        String orderId = orderKey.substring(orderKey.indexOf(':') + 1);
        Channel channel = channel(channelId);
        exchange.setVariable("channel", channelId);
        exchange.setVariable("channelType", channel.getType().name());
        in.getHeaders().clear();
        in.setBody(null);
        in.setHeader(Exchange.HTTP_METHOD, "GET");
        in.setHeader("Accept", "application/json");
        if (channel.getType() == ChannelType.shopify) {
            in.setHeader(Exchange.HTTP_URI, ShopCredentials.baseUrl(channel) + "/admin/api/" + channel.getApi().getVersion()
                    + "/orders/" + orderId + ".json");
        } else {
            in.setHeader(Exchange.HTTP_URI, ShopCredentials.baseUrl(channel) + "/wp-json/wc/v3/orders/" + orderId);
        }
        authorize(in, channel);
    }

    /** Wraps the shop's answer in the envelope the shop mappings read, as an "updated" event of the order. */
    public String toMappingEnvelope(Exchange exchange) throws IOException {
        JsonNode answer = mapper.readTree(exchange.getMessage().getBody(String.class));
        boolean shopify = "shopify".equals(exchange.getVariable("channelType", String.class));
        JsonNode order = shopify ? answer.path("order") : answer;
        if (!order.isObject()) {
            throw new UnprocessableEventException("the shop API answered without an order");
        }
        ObjectNode envelope = mapper.createObjectNode()
                .put("channel", exchange.getVariable("channel", String.class))
                .put("topic", shopify ? "orders/updated" : "order.updated")
                .put("receivedAt", Instant.now().toString());
        envelope.set("payload", order);
        return envelope.toString();
    }

    /** Prepares the cancellation of the order named by the orderKey header (unpaid past the deadline). */
    public void prepareCancel(Exchange exchange) throws IOException {
        Message in = exchange.getMessage();
        String orderKey = in.getHeader("orderKey", String.class);
        String channelId = orderKey.substring(0, orderKey.indexOf(':'));
        String orderId = orderKey.substring(orderKey.indexOf(':') + 1);
        Channel channel = channel(channelId);
        in.getHeaders().clear();
        in.setHeader("Content-Type", "application/json");
        in.setHeader("Accept", "application/json");
        if (channel.getType() == ChannelType.shopify) {
            in.setHeader(Exchange.HTTP_METHOD, "POST");
            in.setHeader(Exchange.HTTP_URI, ShopCredentials.baseUrl(channel) + "/admin/api/" + channel.getApi().getVersion()
                    + "/orders/" + orderId + "/cancel.json");
            // orderflow tells the customer itself (notify stage), so Shopify's own e-mail is off.
            in.setBody("{\"reason\":\"declined\",\"email\":false,\"restock\":true}");
        } else {
            in.setHeader(Exchange.HTTP_METHOD, "PUT");
            in.setHeader(Exchange.HTTP_URI, ShopCredentials.baseUrl(channel) + "/wp-json/wc/v3/orders/" + orderId);
            in.setBody("{\"status\":\"cancelled\"}");
        }
        authorize(in, channel);
    }

    private void authorize(Message in, Channel channel) {
        if (channel.getType() == ChannelType.shopify) {
            nonNull(channel.getApi().getAccessToken(), "access-token");
        } else {
            nonNull(channel.getApi().getConsumerKey(), "consumer-key");
            nonNull(channel.getApi().getConsumerSecret(), "consumer-secret");
        }
        Map.Entry<String, String> header = ShopCredentials.authorization(channel);
        in.setHeader(header.getKey(), header.getValue());
    }

    private Channel channel(String channelId) {
        Channel channel = properties.getChannels().get(channelId);
        if (channel == null) {
            throw new UnprocessableEventException("no channel " + channelId + " is configured");
        }
        if (channel.getApi().getBaseUrl() == null || channel.getApi().getBaseUrl().isBlank()) {
            throw new UnprocessableEventException("orderflow.channels." + channelId + ".api.base-url is not configured");
        }
        return channel;
    }

    private static String nonNull(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new UnprocessableEventException("shop API credential " + name + " is not configured");
        }
        return value;
    }
}
