package io.orderflow.shop.shopify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.review.UnprocessableEventException;
import io.orderflow.shop.ShopPlatform.Shipment;
import io.orderflow.shop.ShopPlatform.ShippedLine;

/**
 * The fulfilment write-back over the GraphQL Admin API (fulfillment-orders model): the order's fulfillments and
 * fulfillment orders in one query, the package's lines matched to the open fulfillment order line items, and the
 * {@code fulfillmentCreate} input. Pure functions of Shopify's answers; {@link ShopifyPlatform} makes the calls.
 */
final class ShopifyFulfilment {

    /** The order's fulfillments (with their tracking) and fulfillment orders (with what is left to fulfil). */
    static final String STATE_QUERY = "query FulfilmentStateForOrderflow($id: ID!) { order(id: $id) { id"
            + " fulfillments(first: 250) { id status trackingInfo(first: 10) { company number url } }"
            + " fulfillmentOrders(first: 50) { nodes { id status supportedActions { action }"
            + " lineItems(first: 250) { nodes { id remainingQuantity lineItem { id sku } } } } } } }";

    static final String CREATE = "mutation FulfilmentForOrderflow($fulfillment: FulfillmentInput!) {"
            + " fulfillmentCreate(fulfillment: $fulfillment) {"
            + " fulfillment { id status trackingInfo(first: 10) { company number url } }"
            + " userErrors { field message } } }";

    /** Fulfillments in these states do not count as the package being there (cancelled or failed ones). */
    private static final Set<String> NOT_COUNTING = Set.of("CANCELLED", "ERROR", "FAILURE");
    /** Fulfillment orders a fulfillment can be created on. */
    private static final Set<String> OPEN = Set.of("OPEN", "IN_PROGRESS");

    private ShopifyFulfilment() {
    }

    /** The id of a fulfillment of the order that carries this tracking number already, or null. */
    static String existing(JsonNode order, String trackingNumber) {
        for (JsonNode fulfillment : order.path("fulfillments")) {
            if (NOT_COUNTING.contains(fulfillment.path("status").asText())) {
                continue;
            }
            for (JsonNode tracking : fulfillment.path("trackingInfo")) {
                if (trackingNumber.equalsIgnoreCase(tracking.path("number").asText())) {
                    return fulfillment.path("id").asText();
                }
            }
        }
        return null;
    }

    /**
     * The {@code FulfillmentInput} for the package: each line matched by its shop line item id (else its SKU) to the
     * line items of the open fulfillment orders that support CREATE_FULFILLMENT, its quantity spread over them by
     * what remains; no Shopify e-mail ({@code notifyCustomer: false}: orderflow tells the customer).
     *
     * @throws UnprocessableEventException naming the line, when a line is on no open fulfillment order or the
     *                                     package ships more of it than remains open
     */
    static ObjectNode input(JsonNode order, Shipment shipment, ObjectMapper mapper) {
        List<JsonNode> open = new ArrayList<>();
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode fo : order.at("/fulfillmentOrders/nodes")) {
            all.add(fo);
            boolean canCreate = false;
            for (JsonNode action : fo.path("supportedActions")) {
                canCreate |= "CREATE_FULFILLMENT".equals(action.path("action").asText());
            }
            if (canCreate && OPEN.contains(fo.path("status").asText())) {
                open.add(fo);
            }
        }
        if (open.isEmpty()) {
            throw new UnprocessableEventException("package " + shipment.packageId() + " of order " + shipment.orderId()
                    + ": the order has no open fulfillment order that allows creating a fulfillment (fulfillment orders: "
                    + describe(all) + ")");
        }
        // fulfillment order id -> (fulfillment order line item id -> quantity), in Shopify's order
        Map<String, Map<String, Long>> take = new LinkedHashMap<>();
        Map<String, Long> taken = new LinkedHashMap<>();
        for (ShippedLine line : shipment.lines()) {
            long left = line.quantity();
            long openQuantity = 0;
            boolean onOrder = false;
            for (JsonNode fo : all) {
                for (JsonNode item : fo.at("/lineItems/nodes")) {
                    if (!matches(item, line)) {
                        continue;
                    }
                    onOrder = true;
                    if (!open.contains(fo)) {
                        continue;
                    }
                    String itemId = item.path("id").asText();
                    long remaining = item.path("remainingQuantity").asLong() - taken.getOrDefault(itemId, 0L);
                    openQuantity += Math.max(0, remaining);
                    long now = Math.min(left, Math.max(0, remaining));
                    if (now > 0) {
                        take.computeIfAbsent(fo.path("id").asText(), k -> new LinkedHashMap<>()).merge(itemId, now, Long::sum);
                        taken.merge(itemId, now, Long::sum);
                        left -= now;
                    }
                }
            }
            if (!onOrder) {
                throw new UnprocessableEventException("package " + shipment.packageId() + " of order " + shipment.orderId()
                        + ": line " + describe(line) + " is not on any fulfillment order of the order");
            }
            if (left > 0) {
                throw new UnprocessableEventException("package " + shipment.packageId() + " of order " + shipment.orderId()
                        + ": over-fulfilment of line " + describe(line) + ": the package ships " + line.quantity()
                        + " but only " + openQuantity + " remain open to fulfil");
            }
        }
        ObjectNode input = mapper.createObjectNode().put("notifyCustomer", false);
        ObjectNode tracking = input.putObject("trackingInfo");
        if (shipment.carrier() != null && !shipment.carrier().isBlank()) {
            tracking.put("company", shipment.carrier());
        }
        tracking.put("number", shipment.trackingNumber());
        if (shipment.trackingUrl() != null && !shipment.trackingUrl().isBlank()) {
            tracking.put("url", shipment.trackingUrl());
        }
        ArrayNode byOrder = input.putArray("lineItemsByFulfillmentOrder");
        take.forEach((foId, items) -> {
            ObjectNode entry = byOrder.addObject().put("fulfillmentOrderId", foId);
            ArrayNode lineItems = entry.putArray("fulfillmentOrderLineItems");
            items.forEach((itemId, quantity) -> lineItems.addObject().put("id", itemId).put("quantity", quantity));
        });
        return input;
    }

    private static boolean matches(JsonNode item, ShippedLine line) {
        if (line.lineId() != null && !line.lineId().isBlank()) {
            return numericId(item.at("/lineItem/id").asText()).equals(numericId(line.lineId()));
        }
        return line.sku() != null && line.sku().equals(item.at("/lineItem/sku").asText(null));
    }

    private static String numericId(String id) {
        return id.substring(id.lastIndexOf('/') + 1);
    }

    private static String describe(ShippedLine line) {
        return (line.lineId() != null && !line.lineId().isBlank() ? line.lineId() : "")
                + (line.sku() != null ? " (SKU " + line.sku() + ")" : "");
    }

    private static String describe(List<JsonNode> fulfillmentOrders) {
        if (fulfillmentOrders.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode fo : fulfillmentOrders) {
            parts.add(numericId(fo.path("id").asText()) + " " + fo.path("status").asText().toLowerCase(Locale.ROOT));
        }
        return String.join(", ", parts);
    }
}
