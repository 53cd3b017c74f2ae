package io.orderflow.intake;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.config.OrderflowProperties.Channel;
import io.orderflow.shop.ShopPlatform;
import io.orderflow.shop.ShopPlatforms;
import io.orderflow.shop.WebhookRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * Verifies a shop webhook (route {@code intake-shop-webhook}) and describes it in message headers; throws
 * {@link WebhookRejectedException} for anything that must not be enqueued. What differs between shops (signature
 * header and scheme, topics, ping, delivery identity) is asked of the channel's {@link ShopPlatform}.
 *
 * <p>Checks, in order: the channel is configured (404); an unsigned request the platform calls a ping is answered;
 * the signature header is present and signs the raw body under one of the channel's secrets (401); the topic header
 * is present (400); the body is a JSON object with an {@code id} (400). Then it sets:
 * <ul>
 * <li>{@code orderflowIntake}: {@code event} (enqueue), {@code ping} or {@code ignored} (a topic we do not handle);</li>
 * <li>{@code orderflowChannel}, {@code orderflowChannelType} (the platform's name), {@code orderflowTopic},
 * {@code orderflowReceivedAt};</li>
 * <li>{@code orderKey} ({@code <channel>:<shop order id>}) and {@code JMSXGroupID} (the same, so one order's events
 * are consumed in order);</li>
 * <li>{@code orderflowDeliveryId}: the delivery's identity ({@link ShopPlatform#deliveryId}); the route sends the
 * event through {@code direct:durable-send} with it as the broker duplicate id, so the broker keeps one copy of a
 * repeated delivery, also after a restart.</li>
 * </ul>
 * Header names are matched case-insensitively (Camel headers are case-insensitive; HTTP/2 lower-cases them).
 */
@Component("shopWebhookVerifier")
public class ShopWebhookVerifier {

    private final Map<String, Channel> channels;
    private final ShopPlatforms platforms;
    private final ObjectMapper mapper;

    public ShopWebhookVerifier(OrderflowProperties properties, ShopPlatforms platforms, ObjectMapper mapper) {
        this.channels = properties.getChannels();
        this.platforms = platforms;
        this.mapper = mapper;
    }

    public void verify(Exchange exchange) {
        Message in = exchange.getIn();
        String channelId = in.getHeader("channel", String.class);
        Channel channel = channelId == null ? null : channels.get(channelId);
        if (channel == null) {
            throw new WebhookRejectedException(404, "unknown channel");
        }
        ShopPlatform platform = platforms.forType(channel.getType());
        byte[] body = in.getBody(byte[].class);
        if (body == null) {
            body = new byte[0];
        }
        WebhookRequest request = new WebhookRequest(body, name -> in.getHeader(name, String.class));
        String signature = request.header(platform.signatureHeader());

        if ((signature == null || signature.isBlank()) && platform.isPing(request)) {
            describe(in, channelId, platform, "webhook.ping", "ping");
            return;
        }
        if (signature == null || signature.isBlank()) {
            throw new WebhookRejectedException(401, "missing signature");
        }
        if (!platform.signatureMatches(body, signature, channel.getWebhookSecrets())) {
            throw new WebhookRejectedException(401, "invalid signature");
        }

        String topic = request.header(platform.topicHeader());
        if (topic == null || !WebhookRequest.SAFE_TOKEN.matcher(topic).matches()) {
            throw new WebhookRejectedException(400, "missing or malformed topic header");
        }
        if (body.length >= 3 && body[0] == (byte) 0xEF && body[1] == (byte) 0xBB && body[2] == (byte) 0xBF) {
            // JSON text has no byte order mark (RFC 8259); the mappings would not read it: refused, not parked later
            throw new WebhookRejectedException(400, "body is not valid JSON");
        }
        JsonNode json;
        try {
            json = mapper.reader().with(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(body);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new WebhookRejectedException(400, "body is not valid JSON");
        } catch (java.io.IOException e) {
            throw new WebhookRejectedException(400, "body is not valid JSON");
        }
        if (json == null || !json.isObject()) {
            throw new WebhookRejectedException(400, "body is not a JSON object");
        }
        JsonNode id = json.get("id");
        if (id == null || !(id.isIntegralNumber() || id.isTextual())) {
            throw new WebhookRejectedException(400, "order has no id");
        }
        if (!ORDER_ID.matcher(id.asText()).matches()) {
            // It becomes part of the order key, admin URLs and the ERP reference: no slashes, no "..", nothing else
            throw new WebhookRejectedException(400, "order id is not a plain identifier");
        }

        boolean handled = platform.topicKind(topic) == ShopPlatform.TopicKind.ORDER_EVENT;
        describe(in, channelId, platform, topic, handled ? "event" : "ignored");
        String orderKey = channelId + ":" + id.asText();
        in.setHeader("orderKey", orderKey);
        in.setHeader("JMSXGroupID", orderKey);
        String deliveryId = platform.deliveryId(request, channelId, topic);
        in.setHeader("orderflowDeliveryId", deliveryId);
        in.setBody(body);
    }

    /** Shop order ids: Shopify and WooCommerce use numbers; a letter/digit first, then letters, digits, _ . - (no ".."). */
    static final java.util.regex.Pattern ORDER_ID = java.util.regex.Pattern.compile("(?!.*\\.\\.)[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");

    private static void describe(Message in, String channelId, ShopPlatform platform, String topic, String outcome) {
        in.setHeader("orderflowIntake", outcome);
        in.setHeader("orderflowSource", channelId);
        in.setHeader("orderflowChannel", channelId);
        in.setHeader("orderflowChannelType", platform.name());
        in.setHeader("orderflowTopic", topic);
        in.setHeader("orderflowReceivedAt", Instant.now().toString());
    }
}
