package io.orderflow.intake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.config.OrderflowProperties.Channel;
import io.orderflow.config.OrderflowProperties.ChannelType;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * Verifies a shop webhook (route {@code intake-shop-webhook}) and describes it in message headers; throws
 * {@link WebhookRejectedException} for anything that must not be enqueued.
 *
 * <p>Checks, in order: the channel is configured (404); WooCommerce's unsigned creation ping is recognised; the
 * signature header is present and is the base64 HMAC-SHA256 of the raw body under one of the channel's secrets
 * (401); the body is a JSON object with an {@code id} (400). Then it sets:
 * <ul>
 * <li>{@code orderflowIntake}: {@code event} (enqueue), {@code ping} or {@code ignored} (a topic we do not handle);</li>
 * <li>{@code orderflowChannel}, {@code orderflowChannelType}, {@code orderflowTopic}, {@code orderflowReceivedAt};</li>
 * <li>{@code orderKey} ({@code <channel>:<shop order id>}) and {@code JMSXGroupID} (the same, so one order's events
 * are consumed in order);</li>
 * <li>{@code orderflowDeliveryId} and {@code _AMQ_DUPL_ID}: the delivery's identity, so the broker keeps one copy of a repeated delivery, also after a
 * restart (Shopify: channel + topic + X-Shopify-Event-Id; WooCommerce: channel + X-WC-Webhook-Delivery-ID).</li>
 * </ul>
 * Header names are matched case-insensitively (Camel headers are case-insensitive; HTTP/2 lower-cases them).
 */
@Component("shopWebhookVerifier")
public class ShopWebhookVerifier {

    static final Set<String> SHOPIFY_TOPICS = Set.of("orders/create", "orders/paid", "orders/updated", "orders/cancelled");
    static final Set<String> WOOCOMMERCE_TOPICS = Set.of("order.created", "order.updated", "order.deleted");

    private static final Pattern WOO_PING = Pattern.compile("webhook_id=\\d+");
    private static final Pattern SAFE_TOKEN = Pattern.compile("[A-Za-z0-9_./:-]{1,128}");

    private final Map<String, Channel> channels;
    private final ObjectMapper mapper;

    public ShopWebhookVerifier(OrderflowProperties properties, ObjectMapper mapper) {
        this.channels = properties.getChannels();
        this.mapper = mapper;
    }

    public void verify(Exchange exchange) {
        Message in = exchange.getIn();
        String channelId = in.getHeader("channel", String.class);
        Channel channel = channelId == null ? null : channels.get(channelId);
        if (channel == null) {
            throw new WebhookRejectedException(404, "unknown channel");
        }
        byte[] body = in.getBody(byte[].class);
        if (body == null) {
            body = new byte[0];
        }
        boolean shopify = channel.getType() == ChannelType.shopify;
        String signature = in.getHeader(shopify ? "X-Shopify-Hmac-Sha256" : "X-WC-Webhook-Signature", String.class);

        if (!shopify && (signature == null || signature.isBlank()) && isWooPing(in, body)) {
            describe(in, channelId, channel, "webhook.ping", "ping");
            return;
        }
        if (signature == null || signature.isBlank()) {
            throw new WebhookRejectedException(401, "missing signature");
        }
        if (!HmacSignatures.matchesBase64(body, signature, channel.getWebhookSecrets())) {
            throw new WebhookRejectedException(401, "invalid signature");
        }

        String topic = in.getHeader(shopify ? "X-Shopify-Topic" : "X-WC-Webhook-Topic", String.class);
        if (topic == null || !SAFE_TOKEN.matcher(topic).matches()) {
            throw new WebhookRejectedException(400, "missing or malformed topic header");
        }
        JsonNode json;
        try {
            json = mapper.readTree(body);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new WebhookRejectedException(400, "body is not valid JSON");
        } catch (java.io.IOException e) {
            throw new WebhookRejectedException(400, "body is not valid JSON");
        }
        if (json == null || !json.isObject()) {
            throw new WebhookRejectedException(400, "body is not a JSON object");
        }
        JsonNode id = json.get("id");
        if (id == null || !(id.isIntegralNumber() || id.isTextual()) || !SAFE_TOKEN.matcher(id.asText()).matches()) {
            throw new WebhookRejectedException(400, "order has no id");
        }

        boolean handled = (shopify ? SHOPIFY_TOPICS : WOOCOMMERCE_TOPICS).contains(topic);
        describe(in, channelId, channel, topic, handled ? "event" : "ignored");
        String orderKey = channelId + ":" + id.asText();
        in.setHeader("orderKey", orderKey);
        in.setHeader("JMSXGroupID", orderKey);
        String deliveryId = deliveryIdentity(in, channelId, shopify, topic, body);
        in.setHeader("orderflowDeliveryId", deliveryId);
        in.setHeader("_AMQ_DUPL_ID", deliveryId);
        in.setBody(body);
    }

    private static void describe(Message in, String channelId, Channel channel, String topic, String outcome) {
        in.setHeader("orderflowIntake", outcome);
        in.setHeader("orderflowSource", channelId);
        in.setHeader("orderflowChannel", channelId);
        in.setHeader("orderflowChannelType", channel.getType().name());
        in.setHeader("orderflowTopic", topic);
        in.setHeader("orderflowReceivedAt", Instant.now().toString());
    }

    /**
     * WooCommerce's creation ping: an unsigned form post {@code webhook_id=<n>}. The HTTP layer may already have
     * parsed the form into a header, so both places are looked at.
     */
    private static boolean isWooPing(Message in, byte[] body) {
        if (body.length > 0) {
            return body.length < 64 && WOO_PING.matcher(new String(body, StandardCharsets.US_ASCII).trim()).matches();
        }
        String contentType = in.getHeader("Content-Type", String.class);
        String webhookId = in.getHeader("webhook_id", String.class);
        return contentType != null && contentType.startsWith("application/x-www-form-urlencoded")
                && webhookId != null && webhookId.matches("\\d{1,19}");
    }

    /** The broker duplicate ID of this delivery: the same delivery repeated gets the same ID. */
    static String deliveryIdentity(Message in, String channelId, boolean shopify, String topic, byte[] body) {
        if (shopify) {
            String eventId = firstSafe(in, "X-Shopify-Event-Id", "X-Shopify-Webhook-Id");
            return "shopify:" + channelId + ":" + topic + ":" + (eventId != null ? eventId : "sha256-" + sha256(body));
        }
        String deliveryId = firstSafe(in, "X-WC-Webhook-Delivery-ID", "X-WC-Delivery-ID");
        return "woocommerce:" + channelId + ":" + (deliveryId != null ? deliveryId : topic + ":sha256-" + sha256(body));
    }

    private static String firstSafe(Message in, String... headers) {
        for (String header : headers) {
            String value = in.getHeader(header, String.class);
            if (value != null && SAFE_TOKEN.matcher(value).matches()) {
                return value;
            }
        }
        return null;
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
