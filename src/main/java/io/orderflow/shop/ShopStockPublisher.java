package io.orderflow.shop;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.config.OrderflowProperties.Channel;
import io.orderflow.config.OrderflowProperties.ChannelType;
import io.orderflow.stock.StockStateStore;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Pushes the ERP's free quantity of one SKU to one shop (route {@code stock-push}), as an absolute value, so a
 * repeat changes nothing:
 * <ul>
 * <li>WooCommerce REST v3: {@code GET /wp-json/wc/v3/products?sku=} then {@code PUT /products/{id}}
 * (a variation: {@code /products/{parent}/variations/{id}}) with {@code {"manage_stock":true,"stock_quantity":N}};</li>
 * <li>Shopify GraphQL Admin API: {@code productVariants(query:"sku:...")} for the inventory item, then
 * {@code inventorySetQuantities} ("available" at the channel's location-id).</li>
 * </ul>
 * The shop's rate limit is respected: at most api.max-requests-per-second per shop (Shopify standard: 2/s), and a 429
 * (or GraphQL THROTTLED) waits its Retry-After (up to 10 s) and tries again, three times, before the message is rolled
 * back for a later redelivery. A SKU the shop does not sell is skipped quietly (one debug line).
 */
@Component("shopStockPublisher")
public class ShopStockPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(ShopStockPublisher.class);
    private static final String VARIANT_QUERY =
            "query($q: String!) { productVariants(first: 1, query: $q) { nodes { inventoryItem { id } } } }";
    private static final String SET_QUANTITIES = "mutation($input: InventorySetQuantitiesInput!) { "
            + "inventorySetQuantities(input: $input) { userErrors { field message } } }";

    private final OrderflowProperties properties;
    private final ObjectMapper mapper;
    private final StockStateStore state;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();

    public ShopStockPublisher(OrderflowProperties properties, ObjectMapper mapper, StockStateStore state) {
        this.properties = properties;
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
        if (channel.getType() == ChannelType.woocommerce) {
            pushWoo(channelId, channel, sku, quantity);
        } else {
            pushShopify(channelId, channel, sku, quantity);
        }
    }

    private void pushWoo(String channelId, Channel channel, String sku, long quantity) throws IOException, InterruptedException {
        JsonNode found = mapper.readTree(send(channelId, channel, HttpRequest.newBuilder(URI.create(ShopCredentials.baseUrl(channel)
                + "/wp-json/wc/v3/products?sku=" + URLEncoder.encode(sku, StandardCharsets.UTF_8))).GET()).body());
        if (!found.isArray() || found.isEmpty()) {
            LOG.debug("SKU {} is not sold in shop {}: skipped", sku, channelId);
            return;
        }
        JsonNode product = found.get(0);
        long parent = product.path("parent_id").asLong(0);
        String path = parent > 0 ? "/wp-json/wc/v3/products/" + parent + "/variations/" + product.path("id").asText()
                : "/wp-json/wc/v3/products/" + product.path("id").asText();
        ObjectNode body = mapper.createObjectNode().put("manage_stock", true).put("stock_quantity", quantity);
        send(channelId, channel, HttpRequest.newBuilder(URI.create(ShopCredentials.baseUrl(channel) + path))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body.toString())));
        LOG.info("Stock of {} in shop {} set to {}", sku, channelId, quantity);
    }

    private void pushShopify(String channelId, Channel channel, String sku, long quantity) throws IOException, InterruptedException {
        ObjectNode lookup = mapper.createObjectNode().put("query", VARIANT_QUERY);
        lookup.putObject("variables").put("q", "sku:" + sku);
        JsonNode variant = graphql(channelId, channel, lookup);
        String inventoryItem = variant.at("/data/productVariants/nodes/0/inventoryItem/id").asText(null);
        if (inventoryItem == null) {
            LOG.debug("SKU {} is not sold in shop {}: skipped", sku, channelId);
            return;
        }
        String location = channel.getApi().getLocationId();
        if (location == null || location.isBlank()) {
            LOG.warn("Shop {} has no api.location-id: stock of {} not pushed", channelId, sku);
            return;
        }
        ObjectNode set = mapper.createObjectNode().put("query", SET_QUANTITIES);
        ObjectNode input = set.putObject("variables").putObject("input")
                .put("name", "available").put("reason", "correction").put("ignoreCompareQuantity", true);
        input.putArray("quantities").addObject().put("inventoryItemId", inventoryItem)
                .put("locationId", location.startsWith("gid://") ? location : "gid://shopify/Location/" + location)
                .put("quantity", quantity);
        JsonNode answer = graphql(channelId, channel, set);
        JsonNode userErrors = answer.at("/data/inventorySetQuantities/userErrors");
        if (userErrors.isArray() && !userErrors.isEmpty()) {
            LOG.warn("Shop {} refused the stock of {}: {}", channelId, sku, userErrors);
            return;
        }
        LOG.info("Stock of {} in shop {} set to {}", sku, channelId, quantity);
    }

    private JsonNode graphql(String channelId, Channel channel, JsonNode body) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response = send(channelId, channel, HttpRequest.newBuilder(URI.create(ShopCredentials.baseUrl(channel)
                    + "/admin/api/" + channel.getApi().getVersion() + "/graphql.json"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())));
            JsonNode answer = mapper.readTree(response.body());
            boolean throttled = false;
            for (JsonNode error : answer.path("errors")) {
                throttled |= "THROTTLED".equals(error.at("/extensions/code").asText());
            }
            if (!throttled) {
                return answer;
            }
            if (attempt >= 3) {
                throw new IOException("shop " + channelId + " keeps throttling (GraphQL THROTTLED)");
            }
            Thread.sleep(1_000L * attempt);
        }
    }

    private HttpResponse<String> send(String channelId, Channel channel, HttpRequest.Builder request)
            throws IOException, InterruptedException {
        Map.Entry<String, String> authorization = ShopCredentials.authorization(channel);
        request.setHeader(authorization.getKey(), authorization.getValue());
        RateLimiter limiter = limiters.computeIfAbsent(channelId, id -> RateLimiter.of("shop-" + id,
                RateLimiterConfig.custom().limitForPeriod(Math.max(1, channel.getApi().getMaxRequestsPerSecond()))
                        .limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ofSeconds(30)).build()));
        for (int attempt = 1; ; attempt++) {
            if (!limiter.acquirePermission()) {
                throw new IOException("shop " + channelId + " rate limit: no permit within 30 s");
            }
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 429 && attempt < 3) {
                double retryAfter = response.headers().firstValue("Retry-After").map(Double::parseDouble).orElse(2.0);
                LOG.info("Shop {} answered 429: waiting {} s", channelId, retryAfter);
                Thread.sleep((long) (Math.min(retryAfter, 10.0) * 1000));
                continue;
            }
            if (response.statusCode() >= 400) {
                throw new IOException("shop " + channelId + " answered HTTP " + response.statusCode() + " to "
                        + request.build().uri().getPath());
            }
            return response;
        }
    }

}
