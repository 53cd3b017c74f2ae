package io.orderflow.shop.shopify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.review.UnprocessableEventException;
import io.orderflow.shop.ShopChannel;
import io.orderflow.shop.ShopHttp;
import io.orderflow.shop.ShopPlatform;
import io.orderflow.shop.WebhookRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Shopify (channel type {@code shopify}; mapping {@code mappings/shopify-order-to-canonical.jsonata}).
 * <ul>
 * <li>Webhooks: {@code X-Shopify-Hmac-Sha256} = base64 HMAC-SHA256 of the raw body under the app's client secret;
 * topic in {@code X-Shopify-Topic}; order topics {@code orders/create}, {@code orders/paid}, {@code orders/updated},
 * {@code orders/cancelled}; the delivery's identity is {@code shopify:<channel>:<topic>:<X-Shopify-Event-Id>}
 * (topic included: one merchant action fires several topics with one event id; then {@code X-Shopify-Webhook-Id},
 * then the body's SHA-256).</li>
 * <li>Every API call is the GraphQL Admin API ({@code POST {base}/admin/api/{api.version}/graphql.json}, header
 * {@code X-Shopify-Access-Token} = {@code api.access-token}; REST is legacy for new apps):
 * <ul>
 * <li>the order: {@code order(id: "gid://shopify/Order/<id>")}, turned into the webhook's shape
 * ({@link ShopifyOrderQuery}); {@code null} = the shop does not know it;</li>
 * <li>cancel: {@code orderCancel(orderId, reason: DECLINED, refundMethod: {originalPaymentMethodsRefund: true},
 * restock: true, notifyCustomer: false, staffNote)}: an asynchronous job; {@code orderCancelUserErrors} park the
 * event for review with Shopify's message (e.g. already cancelled);</li>
 * <li>reconciliation (orders whose webhook never arrived): {@code orders(first: 100, query: "updated_at:>'...'",
 * sortKey: UPDATED_AT)} for ids and change times, cursor-paged, then each order read as above
 * ({@link #ordersChangedSince});</li>
 * <li>stock: {@code productVariants(query: "sku:...")} for the inventory item, then {@code inventorySetQuantities}
 * ("available" at {@code api.location-id}).</li>
 * </ul></li>
 * <li>Rate limits: every call is within the channel's rate limit ({@link ShopHttp}). HTTP 429 (its Retry-After) and
 * GraphQL {@code THROTTLED} (HTTP 200 with {@code errors[].extensions.code}; the pause from {@code extensions.cost})
 * pause the channel's calls and fail the call with an IOException: the consumer rolls back, the broker redelivers
 * with back-off, and the redelivered call waits out what remains of the pause. No call retries in a loop. HTTP 401/403 and {@code ACCESS_DENIED} park
 * the event for review (credentials or scopes).</li>
 * <li>Fulfilment write-back, once per package ({@link ShopifyFulfilment}): one query for the order's
 * {@code fulfillments} (with their {@code trackingInfo}) and {@code fulfillmentOrders} (status, supported actions,
 * line items with {@code remainingQuantity}); a fulfillment (not cancelled or failed) with the package's tracking
 * number means an earlier delivery wrote it: nothing is written. Else the package's lines are matched by line item
 * id (or SKU) to the open fulfillment orders supporting CREATE_FULFILLMENT and {@code fulfillmentCreate} is called
 * with {@code trackingInfo {company number url}}, {@code notifyCustomer: false} and
 * {@code lineItemsByFulfillmentOrder} with quantities. A line on no fulfillment order, more than remains open, no
 * open fulfillment order, or {@code userErrors} park the request for review with the reason.</li>
 * </ul>
 */
@Component(ShopifyPlatform.NAME)
public class ShopifyPlatform implements ShopPlatform {

    public static final String NAME = "shopify";
    static final Set<String> ORDER_TOPICS = Set.of("orders/create", "orders/paid", "orders/updated", "orders/cancelled");
    private static final Logger LOG = LoggerFactory.getLogger(ShopifyPlatform.class);

    static final String VARIANT_QUERY =
            "query($q: String!) { productVariants(first: 1, query: $q) { nodes { inventoryItem { id } } } }";
    static final String SET_QUANTITIES = "mutation($input: InventorySetQuantitiesInput!) { "
            + "inventorySetQuantities(input: $input) { userErrors { field message } } }";
    static final String CANCEL = "mutation OrderCancel($orderId: ID!, $reason: OrderCancelReason!, "
            + "$refundMethod: OrderCancelRefundMethodInput!, $restock: Boolean!, $notifyCustomer: Boolean, $staffNote: String) { "
            + "orderCancel(orderId: $orderId, reason: $reason, refundMethod: $refundMethod, restock: $restock, "
            + "notifyCustomer: $notifyCustomer, staffNote: $staffNote) { "
            + "job { id done } orderCancelUserErrors { field message code } } }";

    private final ShopHttp http;
    private final ObjectMapper mapper;

    public ShopifyPlatform(ShopHttp http, ObjectMapper mapper) {
        this.http = http;
        this.mapper = mapper;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String signatureHeader() {
        return "X-Shopify-Hmac-Sha256";
    }

    @Override
    public String topicHeader() {
        return "X-Shopify-Topic";
    }

    @Override
    public TopicKind topicKind(String topic) {
        return ORDER_TOPICS.contains(topic) ? TopicKind.ORDER_EVENT : TopicKind.IGNORED;
    }

    @Override
    public String deliveryId(WebhookRequest request, String channelId, String topic) {
        String eventId = request.firstSafeHeader("X-Shopify-Event-Id", "X-Shopify-Webhook-Id");
        return NAME + ":" + channelId + ":" + topic + ":" + (eventId != null ? eventId : "sha256-" + request.bodySha256());
    }

    @Override
    public Optional<JsonNode> fetchOrder(ShopChannel channel, String orderId) throws IOException, InterruptedException {
        ObjectNode request = mapper.createObjectNode().put("query", ShopifyOrderQuery.QUERY);
        request.putObject("variables").put("id", ShopifyOrderQuery.gid(orderId));
        JsonNode order = orderApi(channel, request).at("/data/order");
        if (!order.isObject()) {
            return Optional.empty();
        }
        return Optional.of(ShopifyOrderQuery.toWebhookShape(order, mapper));
    }

    @Override
    public boolean supportsReconciliation() {
        return true;
    }

    /**
     * GraphQL {@code orders(first: 100, after: <cursor>, query: "updated_at:>'<since>'", sortKey: UPDATED_AT)} for
     * the ids and change times, then each order read whole ({@link #fetchOrder}: the webhook shape). The next page is
     * the listing's {@code endCursor} while {@code hasNextPage}. An order's version time is its {@code updatedAt}.
     */
    @Override
    public ChangedOrdersPage ordersChangedSince(ShopChannel channel, java.time.Instant since, String page)
            throws IOException, InterruptedException {
        ObjectNode request = mapper.createObjectNode().put("query", ShopifyOrderQuery.CHANGED_QUERY);
        ObjectNode variables = request.putObject("variables").put("query", ShopifyOrderQuery.updatedAfter(since));
        if (page != null) {
            variables.put("after", page);
        } else {
            variables.putNull("after");
        }
        JsonNode orders = orderApi(channel, request).at("/data/orders");
        if (!orders.path("nodes").isArray()) {
            throw new IOException("shop " + channel.id() + " answered the order listing without orders");
        }
        List<ChangedOrder> changed = new ArrayList<>();
        for (JsonNode node : orders.path("nodes")) {
            String id = node.path("legacyResourceId").asText(null);
            java.time.Instant updatedAt;
            try {
                updatedAt = java.time.OffsetDateTime.parse(node.path("updatedAt").asText()).toInstant();
            } catch (java.time.format.DateTimeParseException e) {
                LOG.warn("Shop {} listed an order without a readable updatedAt: skipped", channel.id());
                continue;
            }
            if (id == null || !id.matches("\\d{1,30}")) {
                LOG.warn("Shop {} listed an order without a numeric id: skipped", channel.id());
                continue;
            }
            Optional<JsonNode> order = fetchOrder(channel, id);
            if (order.isEmpty()) {
                continue;   // deleted between the listing and the read
            }
            changed.add(new ChangedOrder(id, updatedAt, order.get()));
        }
        boolean more = orders.at("/pageInfo/hasNextPage").asBoolean(false);
        String cursor = orders.at("/pageInfo/endCursor").asText(null);
        return new ChangedOrdersPage(changed, more && cursor != null ? cursor : null);
    }

    @Override
    public String fetchedOrderTopic() {
        return "orders/updated";
    }

    @Override
    public void cancelOrder(ShopChannel channel, String orderId) throws IOException, InterruptedException {
        ObjectNode request = mapper.createObjectNode().put("query", CANCEL);
        ObjectNode variables = request.putObject("variables").put("orderId", ShopifyOrderQuery.gid(orderId))
                .put("reason", "DECLINED").put("restock", true)
                // orderflow tells the customer itself (notify stage), so Shopify's own e-mail is off.
                .put("notifyCustomer", false)
                .put("staffNote", "Cancelled by orderflow: unpaid past the payment deadline");
        // Nothing is captured on an unpaid order; should anything be, it goes back where it came from.
        variables.putObject("refundMethod").put("originalPaymentMethodsRefund", true);
        JsonNode answer = orderApi(channel, request);
        JsonNode userErrors = answer.at("/data/orderCancel/orderCancelUserErrors");
        if (userErrors.isArray() && !userErrors.isEmpty()) {
            throw new UnprocessableEventException("the shop refused to cancel the order: " + userErrors);
        }
        if (!answer.at("/data/orderCancel").isObject()) {
            throw new IOException("the shop answered the cancellation without a result; retrying later");
        }
    }

    @Override
    public boolean setStock(ShopChannel channel, String sku, long quantity) throws IOException, InterruptedException {
        ObjectNode lookup = mapper.createObjectNode().put("query", VARIANT_QUERY);
        lookup.putObject("variables").put("q", "sku:" + sku);
        JsonNode variant = pacedGraphql(channel, lookup);
        String inventoryItem = variant.at("/data/productVariants/nodes/0/inventoryItem/id").asText(null);
        if (inventoryItem == null) {
            LOG.debug("SKU {} is not sold in shop {}: skipped", sku, channel.id());
            return false;
        }
        String location = channel.api().getLocationId();
        if (location == null || location.isBlank()) {
            LOG.warn("Shop {} has no api.location-id: stock of {} not pushed", channel.id(), sku);
            return false;
        }
        ObjectNode set = mapper.createObjectNode().put("query", SET_QUANTITIES);
        ObjectNode input = set.putObject("variables").putObject("input")
                .put("name", "available").put("reason", "correction").put("ignoreCompareQuantity", true);
        input.putArray("quantities").addObject().put("inventoryItemId", inventoryItem)
                .put("locationId", location.startsWith("gid://") ? location : "gid://shopify/Location/" + location)
                .put("quantity", quantity);
        JsonNode answer = pacedGraphql(channel, set);
        JsonNode userErrors = answer.at("/data/inventorySetQuantities/userErrors");
        if (userErrors.isArray() && !userErrors.isEmpty()) {
            LOG.warn("Shop {} refused the stock of {}: {}", channel.id(), sku, userErrors);
            return false;
        }
        return true;
    }

    @Override
    public boolean supportsFulfilment() {
        return true;
    }

    @Override
    public ShopFulfilment writeFulfilment(ShopChannel channel, Shipment shipment) throws IOException, InterruptedException {
        if (shipment.trackingNumber() == null || shipment.trackingNumber().isBlank()) {
            throw new UnprocessableEventException("package " + shipment.packageId() + " has no tracking number: Shopify's"
                    + " fulfillment is written once per package by its tracking number");
        }
        ObjectNode query = mapper.createObjectNode().put("query", ShopifyFulfilment.STATE_QUERY);
        query.putObject("variables").put("id", ShopifyOrderQuery.gid(shipment.orderId()));
        JsonNode order = orderApi(channel, query).at("/data/order");
        if (!order.isObject()) {
            throw new UnprocessableEventException("shop " + channel.id() + " does not know order " + shipment.orderId());
        }
        String existing = ShopifyFulfilment.existing(order, shipment.trackingNumber());
        if (existing != null) {
            return new ShopFulfilment(existing, true);
        }
        ObjectNode create = mapper.createObjectNode().put("query", ShopifyFulfilment.CREATE);
        create.putObject("variables").set("fulfillment", ShopifyFulfilment.input(order, shipment, mapper));
        JsonNode answer = orderApi(channel, create);
        JsonNode userErrors = answer.at("/data/fulfillmentCreate/userErrors");
        if (userErrors.isArray() && !userErrors.isEmpty()) {
            List<String> messages = new ArrayList<>();
            userErrors.forEach(error -> messages.add(error.path("message").asText()
                    + (error.path("field").isArray() ? " (" + String.join(".", textList(error.path("field"))) + ")" : "")));
            throw new UnprocessableEventException("the shop refused the fulfillment of package " + shipment.packageId()
                    + ": " + String.join("; ", messages));
        }
        String id = answer.at("/data/fulfillmentCreate/fulfillment/id").asText(null);
        if (id == null) {
            throw new IOException("the shop answered fulfillmentCreate without a fulfillment; retrying later");
        }
        return new ShopFulfilment(id, false);
    }

    private static List<String> textList(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    private HttpRequest.Builder graphqlRequest(ShopChannel channel, JsonNode body) {
        return HttpRequest.newBuilder(URI.create(channel.baseUrl() + "/admin/api/" + channel.api().getVersion() + "/graphql.json"))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .header("X-Shopify-Access-Token", String.valueOf(channel.api().getAccessToken()))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    }

    /** An order API call (payment gate): no waiting; throttled or failed = IOException, refused = review. */
    private JsonNode orderApi(ShopChannel channel, JsonNode body) throws IOException, InterruptedException {
        ShopChannel.credential(channel.api().getAccessToken(), "access-token");
        HttpResponse<String> response = http.send(channel, graphqlRequest(channel, body));
        ShopHttp.checkOrderApiAnswer(channel, response.statusCode());
        JsonNode answer = mapper.readTree(response.body());
        for (JsonNode error : answer.path("errors")) {
            String code = error.at("/extensions/code").asText();
            if ("THROTTLED".equals(code)) {
                throw http.throttled(channel, throttlePause(answer), "GraphQL THROTTLED");
            }
            if ("ACCESS_DENIED".equals(code)) {
                throw new UnprocessableEventException("the shop API refused orderflow's access: "
                        + error.path("message").asText());
            }
        }
        if (answer.path("errors").isArray() && !answer.path("errors").isEmpty() && answer.path("data").isMissingNode()) {
            throw new IOException("the shop API answered with errors: " + answer.path("errors"));
        }
        return answer;
    }

    /**
     * A stock call, within the shop's rate limit. THROTTLED pauses the shop's calls (until the leaky bucket has
     * room again) and fails: the broker redelivers the push with its back-off, and the redelivered call waits out
     * the rest of the pause.
     */
    private JsonNode pacedGraphql(ShopChannel channel, JsonNode body) throws IOException, InterruptedException {
        JsonNode answer = mapper.readTree(http.sendPaced(channel, graphqlRequest(channel, body)).body());
        for (JsonNode error : answer.path("errors")) {
            if ("THROTTLED".equals(error.at("/extensions/code").asText())) {
                throw http.throttled(channel, throttlePause(answer), "GraphQL THROTTLED");
            }
        }
        return answer;
    }

    /**
     * How long until the bucket holds the query's cost again, from Shopify's {@code extensions.cost}
     * (requestedQueryCost, throttleStatus.currentlyAvailable, throttleStatus.restoreRate); 1 s when not given.
     */
    static java.time.Duration throttlePause(JsonNode answer) {
        JsonNode cost = answer.at("/extensions/cost");
        double requested = cost.path("requestedQueryCost").asDouble(0);
        double available = cost.at("/throttleStatus/currentlyAvailable").asDouble(0);
        double restoreRate = cost.at("/throttleStatus/restoreRate").asDouble(0);
        if (restoreRate <= 0 || requested <= available) {
            return java.time.Duration.ofSeconds(1);
        }
        return java.time.Duration.ofMillis((long) Math.ceil((requested - available) / restoreRate * 1000));
    }
}
