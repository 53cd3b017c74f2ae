package io.orderflow.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.config.OrderflowProperties.Channel;
import io.orderflow.intake.HmacSignatures;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * A stand-in for the shops of the configured channels, for running orderflow with no accounts anywhere (profile
 * {@code sim}). It places orders the way a shop does (an order in its own store, then a signed webhook to orderflow,
 * with the real headers) and answers the shop order API for them. Orders live in memory: this is a simulated
 * external system, not orderflow's state.
 */
@Component
@Profile(Simulators.PROFILE)
@ConditionalOnProperty(name = "orderflow.simulator.enabled", havingValue = "true")
public class SimulatedShop {

    private final OrderflowProperties properties;
    private final Environment environment;
    private final ObjectMapper mapper;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, String> orders = new ConcurrentHashMap<>();
    /** channel -> SKU -> the stock quantity orderflow last pushed. */
    private final Map<String, Map<String, Long>> stock = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(System.currentTimeMillis() / 1000 * 1000);

    public SimulatedShop(OrderflowProperties properties, Environment environment, ObjectMapper mapper) {
        this.properties = properties;
        this.environment = environment;
        this.mapper = mapper;
    }

    /** Places a demo order in the channel's shop and delivers its creation webhook to orderflow. */
    public Map<String, Object> placeOrder(String channelId, boolean paid) throws IOException, InterruptedException {
        return placeOrder(channelId, paid, true);
    }

    /**
     * Places an order; with {@code webhook} false its webhook is "lost" (never sent): only the reconciliation poll
     * (the order listings below) brings it to orderflow.
     */
    public Map<String, Object> placeOrder(String channelId, boolean paid, boolean webhook) throws IOException, InterruptedException {
        Channel channel = channel(channelId);
        boolean shopify = "shopify".equals(channel.getType());
        long id = nextId.incrementAndGet();
        long number = id % 100_000;
        String now = OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        ObjectNode order = template(shopify ? "simulator/shopify-order.json" : "simulator/woocommerce-order.json");
        order.put("id", id);
        if (shopify) {
            order.put("order_number", number).put("number", number).put("name", "#" + number)
                    .put("created_at", now).put("updated_at", now)
                    .put("financial_status", paid ? "paid" : "pending");
        } else {
            String gmt = now.substring(0, 19);
            order.put("number", String.valueOf(number)).put("date_created", gmt).put("date_created_gmt", gmt)
                    .put("date_modified", gmt).put("date_modified_gmt", gmt)
                    .put("status", paid ? "processing" : "pending");
        }
        String body = mapper.writeValueAsString(order);
        orders.put(channelId + ":" + id, body);
        int status = webhook ? deliver(channelId, channel, shopify ? "orders/create" : "order.created", body) : 0;
        return Map.of("channel", channelId, "orderId", String.valueOf(id), "orderNumber", String.valueOf(number),
                "orderKey", channelId + ":" + id, "webhookStatus", status);
    }

    /** The shop API's view of an order, if this simulated shop placed it. */
    public Optional<String> order(String channelId, String id) {
        return Optional.ofNullable(orders.get(channelId + ":" + id));
    }

    /**
     * The orders this simulated shop placed that changed after {@code after}, oldest change first (its order
     * listing: WooCommerce's modified_after, Shopify's updated_at:>). The change time is date_modified_gmt (GMT, no
     * zone) or updated_at.
     */
    public java.util.List<ObjectNode> changedSince(String channelId, java.time.Instant after) {
        java.util.List<ObjectNode> found = new java.util.ArrayList<>();
        for (Map.Entry<String, String> e : orders.entrySet()) {
            if (e.getKey().startsWith(channelId + ":")) {
                ObjectNode order = (ObjectNode) read(e.getValue());
                if (changedAt(order).isAfter(after)) {
                    found.add(order);
                }
            }
        }
        found.sort(java.util.Comparator.comparing(SimulatedShop::changedAt));
        return found;
    }

    static java.time.Instant changedAt(ObjectNode order) {
        if (order.hasNonNull("date_modified_gmt")) {
            return java.time.LocalDateTime.parse(order.get("date_modified_gmt").asText()).toInstant(ZoneOffset.UTC);
        }
        return OffsetDateTime.parse(order.path("updated_at").asText()).toInstant();
    }

    /** Marks an order this simulated shop placed as cancelled (its order API answers so); false if unknown. */
    public boolean cancel(String channelId, String id) {
        String key = channelId + ":" + id;
        String order = orders.get(key);
        if (order == null) {
            return false;
        }
        ObjectNode node = (ObjectNode) read(order);
        String now = OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        if ("shopify".equals(channel(channelId).getType())) {
            node.put("cancelled_at", now).put("cancel_reason", "declined").put("updated_at", now);
        } else {
            node.put("status", "cancelled").put("date_modified_gmt", now.substring(0, 19));
        }
        orders.put(key, node.toString());
        return true;
    }

    /** Fulfillments written to a simulated Shopify order (the write-back), by channel:order. */
    private final Map<String, java.util.List<ObjectNode>> fulfillments = new ConcurrentHashMap<>();
    /** Order notes written to a simulated WooCommerce order, by channel:order. */
    private final Map<String, java.util.List<ObjectNode>> notes = new ConcurrentHashMap<>();

    public synchronized java.util.List<ObjectNode> fulfillments(String channelId, String id) {
        return fulfillments.computeIfAbsent(channelId + ":" + id, k -> new java.util.ArrayList<>());
    }

    public synchronized java.util.List<ObjectNode> notes(String channelId, String id) {
        return notes.computeIfAbsent(channelId + ":" + id, k -> new java.util.ArrayList<>());
    }

    /** Sets a simulated WooCommerce order's status (the write-back's "completed"); false if unknown. */
    public boolean setStatus(String channelId, String id, String status) {
        String key = channelId + ":" + id;
        String order = orders.get(key);
        if (order == null) {
            return false;
        }
        ObjectNode node = (ObjectNode) read(order);
        node.put("status", status).put("date_modified_gmt",
                OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME).substring(0, 19));
        orders.put(key, node.toString());
        return true;
    }

    public com.fasterxml.jackson.databind.JsonNode read(String json) {
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public void setStock(String channelId, String sku, long quantity) {
        stock.computeIfAbsent(channelId, c -> new ConcurrentHashMap<>()).put(sku, quantity);
    }

    public Map<String, Long> stock(String channelId) {
        return stock.getOrDefault(channelId, Map.of());
    }

    public Channel channel(String channelId) {
        Channel channel = properties.getChannels().get(channelId);
        if (channel == null) {
            throw new IllegalArgumentException("unknown channel " + channelId);
        }
        return channel;
    }

    private int deliver(String channelId, Channel channel, String topic, String body)
            throws IOException, InterruptedException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String signature = Base64.getEncoder().encodeToString(
                HmacSignatures.hmacSha256(channel.getWebhookSecrets().get(0), bytes));
        String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhooks/shop/" + channelId))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        String deliveryId = UUID.randomUUID().toString();
        if ("shopify".equals(channel.getType())) {
            request.header("X-Shopify-Topic", topic).header("X-Shopify-Hmac-Sha256", signature)
                    .header("X-Shopify-Shop-Domain", channelId + ".myshopify.com")
                    .header("X-Shopify-API-Version", "2026-04")
                    .header("X-Shopify-Webhook-Id", deliveryId).header("X-Shopify-Event-Id", deliveryId)
                    .header("X-Shopify-Triggered-At", OffsetDateTime.now(ZoneOffset.UTC).toString());
        } else {
            request.header("X-WC-Webhook-Topic", topic).header("X-WC-Webhook-Signature", signature)
                    .header("X-WC-Webhook-Source", "http://" + channelId + ".example/")
                    .header("X-WC-Webhook-Resource", "order").header("X-WC-Webhook-Event", topic.substring(6))
                    .header("X-WC-Webhook-ID", "1").header("X-WC-Webhook-Delivery-ID", deliveryId);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private ObjectNode template(String resource) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
            return (ObjectNode) mapper.readTree(in);
        }
    }
}
