package io.orderflow.simulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import io.orderflow.config.OrderflowProperties.Channel;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * HTTP face of {@link SimulatedShop} (profile sim):
 * <ul>
 * <li>{@code POST /sim/shop/{channel}/orders[?paid=true]}: a customer checks out; the shop sends its signed webhook;</li>
 * <li>{@code POST /sim/shopify/{channel}/admin/api/{version}/graphql.json} with {@code X-Shopify-Access-Token}:
 * Shopify's GraphQL Admin API ({@code order(id:)}, {@code orderCancel}, and the stock calls below);</li>
 * <li>{@code GET /sim/woocommerce/{channel}/wp-json/wc/v3/orders/{id}} with Basic consumer key/secret: the
 * WooCommerce REST order.</li>
 * </ul>
 * <li>stock, as orderflow pushes it: WooCommerce {@code GET .../products?sku=} and {@code PUT .../products/{id}};
 * Shopify {@code productVariants} by SKU and {@code inventorySetQuantities};
 * {@code GET /sim/shop/{channel}/stock} shows what arrived.</li>
 * Authentication and error shapes follow the real APIs (401 without credentials, 404 unknown order).
 */
@RestController
@Profile(Simulators.PROFILE)
@ConditionalOnProperty(name = "orderflow.simulator.enabled", havingValue = "true")
public class SimulatedShopController {

    private final SimulatedShop shop;

    public SimulatedShopController(SimulatedShop shop) {
        this.shop = shop;
    }

    @PostMapping(path = "/sim/shop/{channel}/orders", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> placeOrder(@PathVariable String channel,
            @RequestParam(defaultValue = "false") boolean paid,
            @RequestParam(defaultValue = "true") boolean webhook) throws IOException, InterruptedException {
        return shop.placeOrder(channel, paid, webhook);
    }

    @GetMapping(path = "/sim/shop/{channel}/stock", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Long> stock(@PathVariable String channel) {
        return shop.stock(channel);
    }

    @GetMapping(path = "/sim/woocommerce/{channel}/wp-json/wc/v3/products", produces = MediaType.APPLICATION_JSON_VALUE)
    public String wooProductsBySku(@PathVariable String channel, @RequestParam String sku) {
        String id = String.valueOf(Math.abs(sku.hashCode() % 100000));
        return "[{\"id\":" + id + ",\"sku\":\"" + sku.replace("\"", "") + "\",\"parent_id\":0,\"stock_quantity\":"
                + shop.stock(channel).getOrDefault(sku, 0L) + "}]";
    }

    @org.springframework.web.bind.annotation.PutMapping(path = "/sim/woocommerce/{channel}/wp-json/wc/v3/products/{id}",
            produces = MediaType.APPLICATION_JSON_VALUE)
    public String wooUpdateProduct(@PathVariable String channel, @PathVariable String id,
            @org.springframework.web.bind.annotation.RequestBody com.fasterxml.jackson.databind.JsonNode body) {
        for (String sku : java.util.List.of("SKU-1", "SKU-2")) {
            if (String.valueOf(Math.abs(sku.hashCode() % 100000)).equals(id)) {
                shop.setStock(channel, sku, body.path("stock_quantity").asLong());
            }
        }
        return "{\"id\":" + id + "}";
    }

    /**
     * Shopify's GraphQL Admin API, the calls orderflow makes: {@code order(id:)} (the order in GraphQL's shape, or
     * {@code null}), {@code orderCancel} (a job; the order is marked cancelled), {@code productVariants} by SKU and
     * {@code inventorySetQuantities} (stock). 401 without the channel's access token, as Shopify answers.
     */
    @PostMapping(path = "/sim/shopify/{channel}/admin/api/{version}/graphql.json", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> shopifyGraphql(@PathVariable String channel,
            @RequestHeader(name = "X-Shopify-Access-Token", required = false) String token,
            @org.springframework.web.bind.annotation.RequestBody com.fasterxml.jackson.databind.JsonNode body) {
        Channel settings = shop.channel(channel);
        if (token == null || !token.equals(settings.getApi().getAccessToken())) {
            return ResponseEntity.status(401).body("{\"errors\":\"[API] Invalid API key or access token (unrecognized login or wrong password)\"}");
        }
        String query = body.path("query").asText();
        com.fasterxml.jackson.databind.JsonNode variables = body.path("variables");
        if (query.contains("orderCancel(")) {
            String id = variables.path("orderId").asText().replace("gid://shopify/Order/", "");
            if (!shop.cancel(channel, id)) {
                return ResponseEntity.ok("{\"data\":{\"orderCancel\":{\"job\":null,\"orderCancelUserErrors\":"
                        + "[{\"field\":[\"orderId\"],\"message\":\"Order does not exist\",\"code\":\"NOT_FOUND\"}]}}}");
            }
            return ResponseEntity.ok(SimulatedShopifyGraphql.cancelAnswer(shop.mapper()).toString());
        }
        if (query.contains("FulfilmentStateForOrderflow") || query.contains("fulfillmentCreate(")) {
            String id = (query.contains("fulfillmentCreate(")
                    ? variables.at("/fulfillment/lineItemsByFulfillmentOrder/0/fulfillmentOrderId").asText()
                    : variables.path("id").asText()).replaceAll("^gid://shopify/\\w+/", "");
            com.fasterxml.jackson.databind.JsonNode order = shop.order(channel, id).map(shop::read).orElse(null);
            synchronized (shop) {
                var written = shop.fulfillments(channel, id);
                return ResponseEntity.ok((query.contains("fulfillmentCreate(")
                        ? SimulatedShopifyGraphql.fulfillmentCreate(order, written, variables.path("fulfillment"), shop.mapper())
                        : SimulatedShopifyGraphql.fulfilmentStateAnswer(order, written, shop.mapper())).toString());
            }
        }
        if (query.contains("orders(first:")) {
            // The reconciliation listing: one page, ids and change times
            java.time.Instant after = java.time.Instant.parse(variables.path("query").asText()
                    .replaceFirst("^updated_at:>'", "").replaceFirst("'$", ""));
            com.fasterxml.jackson.databind.node.ObjectNode answer = shop.mapper().createObjectNode();
            com.fasterxml.jackson.databind.node.ObjectNode connection = answer.putObject("data").putObject("orders");
            connection.putObject("pageInfo").put("hasNextPage", false).putNull("endCursor");
            com.fasterxml.jackson.databind.node.ArrayNode nodes = connection.putArray("nodes");
            for (var order : shop.changedSince(channel, after)) {
                nodes.addObject().put("id", "gid://shopify/Order/" + order.path("id").asText())
                        .put("legacyResourceId", order.path("id").asText())
                        .put("updatedAt", SimulatedShop.changedAt(order).toString());
            }
            return ResponseEntity.ok(answer.toString());
        }
        if (query.contains("order(id:")) {
            String id = variables.path("id").asText().replace("gid://shopify/Order/", "");
            return ResponseEntity.ok(SimulatedShopifyGraphql.orderAnswer(shop.order(channel, id)
                    .map(shop::read).orElse(null), shop.mapper()).toString());
        }
        if (variables.has("q")) {
            String sku = variables.path("q").asText().replaceFirst("^sku:", "");
            return ResponseEntity.ok("{\"data\":{\"productVariants\":{\"nodes\":[{\"inventoryItem\":{\"id\":\"gid://shopify/InventoryItem/"
                    + sku.replace("\"", "") + "\"}}]}}}");
        }
        for (com.fasterxml.jackson.databind.JsonNode q : variables.path("input").path("quantities")) {
            shop.setStock(channel, q.path("inventoryItemId").asText().replace("gid://shopify/InventoryItem/", ""),
                    q.path("quantity").asLong());
        }
        return ResponseEntity.ok("{\"data\":{\"inventorySetQuantities\":{\"userErrors\":[]}}}");
    }

    /** The write-back's order notes: listed (newest first) and added, as WooCommerce REST v3 answers them. */
    @GetMapping(path = "/sim/woocommerce/{channel}/wp-json/wc/v3/orders/{id}/notes", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> wooNotes(@PathVariable String channel, @PathVariable String id,
            @RequestHeader(name = "Authorization", required = false) String authorization) {
        if (!wooAuthorized(channel, authorization)) {
            return ResponseEntity.status(401).body("{\"code\":\"woocommerce_rest_cannot_view\",\"message\":\"Sorry, you cannot list resources.\",\"data\":{\"status\":401}}");
        }
        if (shop.order(channel, id).isEmpty()) {
            return ResponseEntity.status(404).body("{\"code\":\"woocommerce_rest_order_invalid_id\",\"message\":\"Invalid order ID.\",\"data\":{\"status\":404}}");
        }
        synchronized (shop) {
            var list = shop.mapper().createArrayNode();
            var notes = shop.notes(channel, id);
            for (int i = notes.size() - 1; i >= 0; i--) {
                list.add(notes.get(i));
            }
            return ResponseEntity.ok(list.toString());
        }
    }

    @PostMapping(path = "/sim/woocommerce/{channel}/wp-json/wc/v3/orders/{id}/notes", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> wooAddNote(@PathVariable String channel, @PathVariable String id,
            @RequestHeader(name = "Authorization", required = false) String authorization,
            @org.springframework.web.bind.annotation.RequestBody com.fasterxml.jackson.databind.JsonNode body) {
        if (!wooAuthorized(channel, authorization)) {
            return ResponseEntity.status(401).body("{\"code\":\"woocommerce_rest_cannot_create\",\"message\":\"Sorry, you are not allowed to create resources.\",\"data\":{\"status\":401}}");
        }
        if (shop.order(channel, id).isEmpty()) {
            return ResponseEntity.status(404).body("{\"code\":\"woocommerce_rest_order_invalid_id\",\"message\":\"Invalid order ID.\",\"data\":{\"status\":404}}");
        }
        synchronized (shop) {
            var notes = shop.notes(channel, id);
            var note = shop.mapper().createObjectNode().put("id", Long.parseLong(id) * 100 + notes.size() + 1)
                    .put("author", "system").put("date_created", java.time.LocalDateTime.now().withNano(0).toString())
                    .put("note", body.path("note").asText()).put("customer_note", body.path("customer_note").asBoolean(false));
            notes.add(note);
            return ResponseEntity.status(201).body(note.toString());
        }
    }

    /** PUT an order: {"status": "completed"} (the write-back) or "cancelled". */
    @org.springframework.web.bind.annotation.PutMapping(path = "/sim/woocommerce/{channel}/wp-json/wc/v3/orders/{id}",
            produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> wooUpdateOrder(@PathVariable String channel, @PathVariable String id,
            @RequestHeader(name = "Authorization", required = false) String authorization,
            @org.springframework.web.bind.annotation.RequestBody com.fasterxml.jackson.databind.JsonNode body) {
        if (!wooAuthorized(channel, authorization)) {
            return ResponseEntity.status(401).body("{\"code\":\"woocommerce_rest_cannot_edit\",\"message\":\"Sorry, you are not allowed to edit this resource.\",\"data\":{\"status\":401}}");
        }
        String status = body.path("status").asText();
        boolean known = "cancelled".equals(status) ? shop.cancel(channel, id) : shop.setStatus(channel, id, status);
        if (!known) {
            return ResponseEntity.status(404).body("{\"code\":\"woocommerce_rest_shop_order_invalid_id\",\"message\":\"Invalid ID.\",\"data\":{\"status\":404}}");
        }
        return ResponseEntity.ok(shop.order(channel, id).orElseThrow());
    }

    private boolean wooAuthorized(String channel, String authorization) {
        Channel settings = shop.channel(channel);
        String expected = "Basic " + Base64.getEncoder().encodeToString((settings.getApi().getConsumerKey() + ":"
                + settings.getApi().getConsumerSecret()).getBytes(StandardCharsets.UTF_8));
        return expected.equals(authorization);
    }

    /** The reconciliation listing as WooCommerce REST v3 answers it: modified_after (GMT), paged, X-WP-Total(Pages). */
    @GetMapping(path = "/sim/woocommerce/{channel}/wp-json/wc/v3/orders", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> wooOrders(@PathVariable String channel,
            @RequestHeader(name = "Authorization", required = false) String authorization,
            @RequestParam(name = "modified_after") String modifiedAfter,
            @RequestParam(name = "per_page", defaultValue = "10") int perPage,
            @RequestParam(defaultValue = "1") int page) {
        if (!wooAuthorized(channel, authorization)) {
            return ResponseEntity.status(401).body("{\"code\":\"woocommerce_rest_cannot_view\",\"message\":\"Sorry, you cannot list resources.\",\"data\":{\"status\":401}}");
        }
        var found = shop.changedSince(channel, java.time.LocalDateTime.parse(modifiedAfter).toInstant(java.time.ZoneOffset.UTC));
        int size = Math.max(1, Math.min(100, perPage));
        int pages = (found.size() + size - 1) / size;
        var list = shop.mapper().createArrayNode();
        found.stream().skip((long) (Math.max(1, page) - 1) * size).limit(size).forEach(list::add);
        return ResponseEntity.ok().header("X-WP-Total", String.valueOf(found.size()))
                .header("X-WP-TotalPages", String.valueOf(pages)).body(list.toString());
    }

    @GetMapping(path = "/sim/woocommerce/{channel}/wp-json/wc/v3/orders/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> wooOrder(@PathVariable String channel, @PathVariable String id,
            @RequestHeader(name = "Authorization", required = false) String authorization) {
        Channel settings = shop.channel(channel);
        String expected = "Basic " + Base64.getEncoder().encodeToString((settings.getApi().getConsumerKey() + ":"
                + settings.getApi().getConsumerSecret()).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(authorization)) {
            return ResponseEntity.status(401).body("{\"code\":\"woocommerce_rest_cannot_view\",\"message\":\"Sorry, you cannot view this resource.\",\"data\":{\"status\":401}}");
        }
        return shop.order(channel, id).map(ResponseEntity::ok)
                .orElse(ResponseEntity.status(404).body("{\"code\":\"woocommerce_rest_shop_order_invalid_id\",\"message\":\"Invalid ID.\",\"data\":{\"status\":404}}"));
    }
}
