package io.orderflow.shop.woocommerce;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.shop.ShopChannel;
import io.orderflow.shop.ShopHttp;
import io.orderflow.shop.ShopPlatform;
import io.orderflow.shop.WebhookRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * WooCommerce (channel type {@code woocommerce}; mapping {@code mappings/woocommerce-order-to-canonical.jsonata}).
 * <ul>
 * <li>Webhooks: {@code X-WC-Webhook-Signature} = base64 HMAC-SHA256 of the raw body under the webhook secret;
 * topic in {@code X-WC-Webhook-Topic}; order topics {@code order.created}, {@code order.updated},
 * {@code order.deleted}; the unsigned creation ping is a form post {@code webhook_id=<n>}; the delivery's identity
 * is {@code woocommerce:<channel>:<X-WC-Webhook-Delivery-ID>} (older docs: {@code X-WC-Delivery-ID}).</li>
 * <li>Order API (REST v3, HTTP Basic consumer key/secret, settings {@code api.consumer-key},
 * {@code api.consumer-secret}): {@code GET {base}/wp-json/wc/v3/orders/{id}}; cancel = {@code PUT} the same with
 * {@code {"status":"cancelled"}} (WooCommerce restocks and, with orderflow's notify stage, e-mails nothing itself
 * unless the shop's own "Cancelled order" e-mail is on).</li>
 * <li>Reconciliation (orders whose webhook never arrived): {@code GET /wp-json/wc/v3/orders?modified_after=...
 * &orderby=modified&order=asc&per_page=100&page=N}, paged by {@code X-WP-TotalPages} ({@link #ordersChangedSince}).</li>
 * <li>Stock: {@code GET /wp-json/wc/v3/products?sku=} then {@code PUT /products/{id}} (a variation:
 * {@code /products/{parent}/variations/{id}}) with {@code {"manage_stock":true,"stock_quantity":N}}.</li>
 * <li>Fulfilment write-back, once per package: {@code GET /orders/{id}/notes} first; a note that names the
 * package's tracking number means an earlier delivery wrote it. Else {@code POST /orders/{id}/notes} with
 * {@code customer_note: true} and the carrier, tracking number and link (WooCommerce shows it to the customer on
 * their order page and sends its "customer note" e-mail, if the shop has that e-mail on). When the package completes
 * the order, the order is set {@code completed} ({@code PUT /orders/{id}}) unless it already is (read first).</li>
 * </ul>
 */
@Component(WooCommercePlatform.NAME)
public class WooCommercePlatform implements ShopPlatform {

    public static final String NAME = "woocommerce";
    static final Set<String> ORDER_TOPICS = Set.of("order.created", "order.updated", "order.deleted");
    private static final Logger LOG = LoggerFactory.getLogger(WooCommercePlatform.class);
    private static final Pattern PING = Pattern.compile("webhook_id=\\d+");

    private final ShopHttp http;
    private final ObjectMapper mapper;

    public WooCommercePlatform(ShopHttp http, ObjectMapper mapper) {
        this.http = http;
        this.mapper = mapper;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String signatureHeader() {
        return "X-WC-Webhook-Signature";
    }

    /**
     * WooCommerce's creation ping: an unsigned form post {@code webhook_id=<n>}. The HTTP layer may already have
     * parsed the form into a header, so both places are looked at.
     */
    @Override
    public boolean isPing(WebhookRequest request) {
        byte[] body = request.body();
        if (body.length > 0) {
            return body.length < 64 && PING.matcher(new String(body, StandardCharsets.US_ASCII).trim()).matches();
        }
        String contentType = request.header("Content-Type");
        String webhookId = request.header("webhook_id");
        return contentType != null && contentType.startsWith("application/x-www-form-urlencoded")
                && webhookId != null && webhookId.matches("\\d{1,19}");
    }

    @Override
    public String topicHeader() {
        return "X-WC-Webhook-Topic";
    }

    @Override
    public TopicKind topicKind(String topic) {
        return ORDER_TOPICS.contains(topic) ? TopicKind.ORDER_EVENT : TopicKind.IGNORED;
    }

    @Override
    public String deliveryId(WebhookRequest request, String channelId, String topic) {
        String deliveryId = request.firstSafeHeader("X-WC-Webhook-Delivery-ID", "X-WC-Delivery-ID");
        return NAME + ":" + channelId + ":" + (deliveryId != null ? deliveryId : topic + ":sha256-" + request.bodySha256());
    }

    @Override
    public Optional<JsonNode> fetchOrder(ShopChannel channel, String orderId) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(channel, authorized(channel,
                HttpRequest.newBuilder(URI.create(channel.baseUrl() + "/wp-json/wc/v3/orders/" + orderId))
                        .header("Accept", "application/json").GET()));
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        ShopHttp.checkOrderApiAnswer(channel, response.statusCode());
        return Optional.of(mapper.readTree(response.body()));
    }

    @Override
    public String fetchedOrderTopic() {
        return "order.updated";
    }

    /** Orders per page of the reconciliation listing (WooCommerce's maximum). */
    static final int PER_PAGE = 100;

    @Override
    public boolean supportsReconciliation() {
        return true;
    }

    /**
     * {@code GET /wp-json/wc/v3/orders?modified_after=<since, GMT>&dates_are_gmt=true&orderby=modified&order=asc
     * &per_page=100&page=N} (WooCommerce 5.8+). Each listed order is the same REST order its webhooks carry. The
     * next page is asked while {@code N < X-WP-TotalPages}. An order's version time is its {@code date_modified_gmt}.
     */
    @Override
    public ChangedOrdersPage ordersChangedSince(ShopChannel channel, java.time.Instant since, String page)
            throws IOException, InterruptedException {
        int number = page == null ? 1 : Integer.parseInt(page);
        String after = java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                since.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).atOffset(java.time.ZoneOffset.UTC).toLocalDateTime());
        HttpResponse<String> response = http.send(channel, authorized(channel, HttpRequest.newBuilder(URI.create(
                channel.baseUrl() + "/wp-json/wc/v3/orders?modified_after=" + URLEncoder.encode(after, StandardCharsets.UTF_8)
                        + "&dates_are_gmt=true&orderby=modified&order=asc&per_page=" + PER_PAGE + "&page=" + number))
                .header("Accept", "application/json").GET()));
        ShopHttp.checkOrderApiAnswer(channel, response.statusCode());
        JsonNode list = mapper.readTree(response.body());
        if (list == null || !list.isArray()) {
            throw new IOException("shop " + channel.id() + " answered the order listing without a list");
        }
        java.util.List<ChangedOrder> orders = new java.util.ArrayList<>();
        for (JsonNode order : list) {
            String modified = order.path("date_modified_gmt").asText("");
            if (!order.path("id").canConvertToLong() || modified.isBlank()) {
                LOG.warn("Shop {} listed an order without id or date_modified_gmt: skipped", channel.id());
                continue;
            }
            orders.add(new ChangedOrder(order.path("id").asText(), parseGmt(modified), order));
        }
        int totalPages = response.headers().firstValue("X-WP-TotalPages").map(v -> {
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        }).orElse(0);
        return new ChangedOrdersPage(orders, number < totalPages && !list.isEmpty() ? String.valueOf(number + 1) : null);
    }

    /** WooCommerce's GMT timestamps have no zone ("2017-03-22T19:28:08"); some installations add one. */
    static java.time.Instant parseGmt(String value) {
        try {
            return java.time.LocalDateTime.parse(value).toInstant(java.time.ZoneOffset.UTC);
        } catch (java.time.format.DateTimeParseException e) {
            return java.time.OffsetDateTime.parse(value).toInstant();
        }
    }

    @Override
    public void cancelOrder(ShopChannel channel, String orderId) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(channel, authorized(channel,
                HttpRequest.newBuilder(URI.create(channel.baseUrl() + "/wp-json/wc/v3/orders/" + orderId))
                        .header("Content-Type", "application/json").header("Accept", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"status\":\"cancelled\"}"))));
        if (response.statusCode() >= 400) {
            throw new IOException("shop " + channel.id() + " answered HTTP " + response.statusCode() + " to the cancellation");
        }
    }

    @Override
    public boolean setStock(ShopChannel channel, String sku, long quantity) throws IOException, InterruptedException {
        JsonNode found = mapper.readTree(http.sendPaced(channel, basicAuth(channel, HttpRequest.newBuilder(URI.create(
                channel.baseUrl() + "/wp-json/wc/v3/products?sku=" + URLEncoder.encode(sku, StandardCharsets.UTF_8))).GET()))
                .body());
        if (!found.isArray() || found.isEmpty()) {
            LOG.debug("SKU {} is not sold in shop {}: skipped", sku, channel.id());
            return false;
        }
        JsonNode product = found.get(0);
        long parent = product.path("parent_id").asLong(0);
        String path = parent > 0 ? "/wp-json/wc/v3/products/" + parent + "/variations/" + product.path("id").asText()
                : "/wp-json/wc/v3/products/" + product.path("id").asText();
        ObjectNode body = mapper.createObjectNode().put("manage_stock", true).put("stock_quantity", quantity);
        http.sendPaced(channel, basicAuth(channel, HttpRequest.newBuilder(URI.create(channel.baseUrl() + path))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body.toString()))));
        return true;
    }

    @Override
    public boolean supportsFulfilment() {
        return true;
    }

    @Override
    public ShopFulfilment writeFulfilment(ShopChannel channel, Shipment shipment) throws IOException, InterruptedException {
        if (shipment.trackingNumber() == null || shipment.trackingNumber().isBlank()) {
            throw new io.orderflow.review.UnprocessableEventException("package " + shipment.packageId()
                    + " has no tracking number: the WooCommerce order note is written once per package by its tracking number");
        }
        String order = channel.baseUrl() + "/wp-json/wc/v3/orders/" + URLEncoder.encode(shipment.orderId(), StandardCharsets.UTF_8);
        JsonNode notes = orderCall(channel, HttpRequest.newBuilder(URI.create(order + "/notes?type=customer"))
                .header("Accept", "application/json").GET(), "listing the order notes");
        String noteId = null;
        for (JsonNode note : notes) {
            if (note.path("note").asText("").contains(shipment.trackingNumber())) {
                noteId = note.path("id").asText();
            }
        }
        boolean alreadyThere = noteId != null;
        if (!alreadyThere) {
            ObjectNode body = mapper.createObjectNode().put("note", noteText(shipment)).put("customer_note", true);
            noteId = orderCall(channel, HttpRequest.newBuilder(URI.create(order + "/notes"))
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())), "adding the tracking note").path("id").asText();
        }
        if (shipment.orderComplete()) {
            JsonNode current = orderCall(channel, HttpRequest.newBuilder(URI.create(order)).header("Accept", "application/json")
                    .GET(), "reading the order");
            if (!"completed".equals(current.path("status").asText())) {
                orderCall(channel, HttpRequest.newBuilder(URI.create(order))
                        .header("Content-Type", "application/json").header("Accept", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"status\":\"completed\"}")), "completing the order");
                alreadyThere = false;
            }
        }
        return new ShopFulfilment(noteId, alreadyThere);
    }

    /** "Shipped with UPS (Ground), tracking number 1Z...: https://..." (the customer reads it on their order). */
    static String noteText(Shipment shipment) {
        StringBuilder text = new StringBuilder("Shipped");
        if (shipment.carrier() != null && !shipment.carrier().isBlank()) {
            text.append(" with ").append(shipment.carrier());
            if (shipment.service() != null && !shipment.service().isBlank()) {
                text.append(" (").append(shipment.service()).append(")");
            }
        }
        text.append(", tracking number ").append(shipment.trackingNumber());
        if (shipment.trackingUrl() != null && !shipment.trackingUrl().isBlank()) {
            text.append(": ").append(shipment.trackingUrl());
        }
        return text.toString();
    }

    /** An order API call for the write-back: 401/403 park for review, 404 too (no such order), other failures retry. */
    private JsonNode orderCall(ShopChannel channel, HttpRequest.Builder request, String what)
            throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(channel, authorized(channel, request));
        if (response.statusCode() == 404) {
            throw new io.orderflow.review.UnprocessableEventException("shop " + channel.id() + " answered 404 " + what
                    + ": no such order");
        }
        ShopHttp.checkOrderApiAnswer(channel, response.statusCode());
        return mapper.readTree(response.body());
    }

    /** HTTP Basic with the consumer key and secret; the order API parks an event when they are not configured. */
    private static HttpRequest.Builder authorized(ShopChannel channel, HttpRequest.Builder request) {
        ShopChannel.credential(channel.api().getConsumerKey(), "consumer-key");
        ShopChannel.credential(channel.api().getConsumerSecret(), "consumer-secret");
        return basicAuth(channel, request);
    }

    /** HTTP Basic with the consumer key and secret (stock pushes: a missing one gets the shop's 401, retried). */
    private static HttpRequest.Builder basicAuth(ShopChannel channel, HttpRequest.Builder request) {
        String credentials = channel.api().getConsumerKey() + ":" + channel.api().getConsumerSecret();
        return request.setHeader("Authorization", "Basic "
                + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
}
