package io.orderflow.simulator;

import java.math.BigDecimal;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The simulated Shopify's GraphQL Admin API view of an order it holds in its webhook (REST) shape: the answer to
 * {@code order(id: "gid://shopify/Order/<id>")} as Shopify writes it (gids, camelCase, MoneyBags whose Decimal
 * amounts drop trailing zeros, upper-case enums). Written from Shopify's documented shapes, apart from orderflow's
 * own conversion, so the tests that use it check that conversion rather than repeat it.
 */
public final class SimulatedShopifyGraphql {

    private SimulatedShopifyGraphql() {
    }

    /** {@code {"data":{"order":{...}}}} for a REST-shaped order, or {@code {"data":{"order":null}}} for none. */
    public static ObjectNode orderAnswer(JsonNode rest, ObjectMapper mapper) {
        ObjectNode answer = mapper.createObjectNode();
        ObjectNode data = answer.putObject("data");
        if (rest == null) {
            data.putNull("order");
        } else {
            data.set("order", order(rest, mapper));
        }
        answer.putObject("extensions").putObject("cost").put("requestedQueryCost", 42).put("actualQueryCost", 12)
                .putObject("throttleStatus").put("maximumAvailable", 2000.0).put("currentlyAvailable", 1988)
                .put("restoreRate", 100.0);
        return answer;
    }

    /** The successful answer to {@code orderCancel}: an asynchronous job, no user errors. */
    public static ObjectNode cancelAnswer(ObjectMapper mapper) {
        ObjectNode answer = mapper.createObjectNode();
        ObjectNode cancel = answer.putObject("data").putObject("orderCancel");
        cancel.putObject("job").put("id", "gid://shopify/Job/" + java.util.UUID.randomUUID()).put("done", false);
        cancel.putArray("orderCancelUserErrors");
        return answer;
    }

    public static ObjectNode order(JsonNode r, ObjectMapper mapper) {
        ObjectNode o = mapper.createObjectNode();
        String id = r.path("id").asText();
        o.put("id", "gid://shopify/Order/" + id).put("legacyResourceId", id);
        copy(o, "name", r.path("name"));
        if (r.path("order_number").canConvertToLong()) {
            o.put("number", r.path("order_number").asLong());
        }
        copy(o, "email", r.path("email"));
        copy(o, "phone", r.path("phone"));
        copy(o, "createdAt", r.path("created_at"));
        copy(o, "updatedAt", r.path("updated_at").isMissingNode() ? r.path("created_at") : r.path("updated_at"));
        copy(o, "cancelledAt", r.path("cancelled_at"));
        o.put("cancelReason", r.hasNonNull("cancel_reason") ? r.get("cancel_reason").asText().toUpperCase(Locale.ROOT) : null);
        String currency = r.path("currency").asText();
        o.put("currencyCode", currency);
        o.put("taxesIncluded", r.path("taxes_included").asBoolean(false));
        o.put("displayFinancialStatus", r.hasNonNull("financial_status")
                ? r.get("financial_status").asText().toUpperCase(Locale.ROOT) : null);
        ArrayNode gateways = o.putArray("paymentGatewayNames");
        if (r.path("payment_gateway_names").isArray()) {
            r.path("payment_gateway_names").forEach(gateways::add);
        } else if (r.hasNonNull("gateway")) {
            gateways.add(r.get("gateway").asText());
        }
        o.set("subtotalPriceSet", money(r.path("subtotal_price"), currency, mapper));
        o.set("totalDiscountsSet", money(r.path("total_discounts"), currency, mapper));
        o.set("totalTaxSet", money(r.path("total_tax"), currency, mapper));
        o.set("totalPriceSet", money(r.path("total_price"), currency, mapper));
        JsonNode shipping = r.at("/total_shipping_price_set/shop_money/amount");
        if (shipping.isMissingNode()) {
            BigDecimal sum = BigDecimal.ZERO;
            for (JsonNode line : r.path("shipping_lines")) {
                sum = sum.add(new BigDecimal(line.path("price").asText("0")));
            }
            shipping = mapper.getNodeFactory().textNode(sum.toPlainString());
        }
        o.set("totalShippingPriceSet", money(shipping, currency, mapper));
        JsonNode customer = r.path("customer");
        if (customer.isObject()) {
            ObjectNode c = o.putObject("customer");
            copy(c, "firstName", customer.path("first_name"));
            copy(c, "lastName", customer.path("last_name"));
            if (customer.path("orders_count").canConvertToLong()) {
                c.put("numberOfOrders", customer.path("orders_count").asText());   // UnsignedInt64: a string
            }
            copy(c, "email", customer.path("email"));
            copy(c, "phone", customer.path("phone"));
        } else {
            o.putNull("customer");
        }
        o.set("billingAddress", address(r.path("billing_address"), mapper));
        o.set("shippingAddress", address(r.path("shipping_address"), mapper));
        ArrayNode applications = o.putObject("discountApplications").putArray("nodes");
        int index = 0;
        for (JsonNode application : r.path("discount_applications")) {
            ObjectNode a = applications.addObject().put("index", index++);
            if (application.hasNonNull("code")) {
                a.put("__typename", "DiscountCodeApplication").put("code", application.get("code").asText());
            } else {
                a.put("__typename", "ManualDiscountApplication");
                copy(a, "title", application.path("title"));
            }
        }
        ArrayNode lines = o.putObject("lineItems").putArray("nodes");
        for (JsonNode line : r.path("line_items")) {
            ObjectNode l = lines.addObject().put("id", "gid://shopify/LineItem/" + line.path("id").asText());
            copy(l, "sku", line.path("sku"));
            copy(l, "name", line.path("name").isMissingNode() ? line.path("title") : line.path("name"));
            copy(l, "title", line.path("title"));
            l.put("quantity", line.path("quantity").asInt());
            l.set("originalUnitPriceSet", money(line.path("price"), currency, mapper));
            allocationsAndTaxes(l, line, currency, mapper);
        }
        ArrayNode shippingLines = o.putObject("shippingLines").putArray("nodes");
        for (JsonNode line : r.path("shipping_lines")) {
            ObjectNode s = shippingLines.addObject();
            copy(s, "title", line.path("title"));
            copy(s, "code", line.path("code"));
            s.set("originalPriceSet", money(line.path("price"), currency, mapper));
            allocationsAndTaxes(s, line, currency, mapper);
        }
        return o;
    }

    private static void allocationsAndTaxes(ObjectNode target, JsonNode line, String currency, ObjectMapper mapper) {
        ArrayNode allocations = target.putArray("discountAllocations");
        for (JsonNode allocation : line.path("discount_allocations")) {
            ObjectNode a = allocations.addObject();
            a.set("allocatedAmountSet", money(allocation.path("amount"), currency, mapper));
            a.putObject("discountApplication").put("index", allocation.path("discount_application_index").asInt());
        }
        ArrayNode taxes = target.putArray("taxLines");
        for (JsonNode tax : line.path("tax_lines")) {
            ObjectNode t = taxes.addObject();
            copy(t, "title", tax.path("title"));
            if (tax.path("rate").isNumber()) {
                t.put("rate", tax.path("rate").asDouble());
            }
            t.set("priceSet", money(tax.path("price"), currency, mapper));
        }
    }

    private static JsonNode address(JsonNode a, ObjectMapper mapper) {
        if (!a.isObject()) {
            return mapper.nullNode();
        }
        ObjectNode o = mapper.createObjectNode();
        copy(o, "name", a.path("name"));
        copy(o, "firstName", a.path("first_name"));
        copy(o, "lastName", a.path("last_name"));
        copy(o, "company", a.path("company"));
        copy(o, "address1", a.path("address1"));
        copy(o, "address2", a.path("address2"));
        copy(o, "city", a.path("city"));
        copy(o, "province", a.path("province"));
        copy(o, "provinceCode", a.path("province_code"));
        copy(o, "zip", a.path("zip"));
        copy(o, "country", a.path("country"));
        copy(o, "countryCodeV2", a.path("country_code"));
        copy(o, "phone", a.path("phone"));
        return o;
    }

    /** A MoneyBag; Shopify's Decimal scalar is a string without trailing zeros ("15.50" -> "15.5", "0.00" -> "0.0"). */
    private static JsonNode money(JsonNode amount, String currency, ObjectMapper mapper) {
        if (amount.isMissingNode() || amount.isNull()) {
            return mapper.nullNode();
        }
        BigDecimal value = new BigDecimal(amount.asText()).stripTrailingZeros();
        String text = value.scale() <= 0 ? value.setScale(1).toPlainString() : value.toPlainString();
        ObjectNode bag = mapper.createObjectNode();
        bag.putObject("shopMoney").put("amount", text).put("currencyCode", currency);
        bag.putObject("presentmentMoney").put("amount", text).put("currencyCode", currency);
        return bag;
    }

    private static void copy(ObjectNode target, String field, JsonNode value) {
        if (value.isMissingNode() || value.isNull()) {
            target.putNull(field);
        } else {
            target.set(field, value.isTextual() || value.isNumber() || value.isBoolean() ? value : value.deepCopy());
        }
    }

    /**
     * The answer to the write-back's fulfilment state query for an order (REST shape) and the fulfillments written
     * so far: one fulfillment order (gid .../FulfillmentOrder/{order id}) with every line, its remainingQuantity the
     * ordered quantity minus what was fulfilled; OPEN with CREATE_FULFILLMENT while anything remains, else CLOSED.
     */
    public static ObjectNode fulfilmentStateAnswer(JsonNode rest, java.util.List<ObjectNode> fulfillments, ObjectMapper mapper) {
        ObjectNode answer = mapper.createObjectNode();
        ObjectNode data = answer.putObject("data");
        if (rest == null) {
            data.putNull("order");
            return answer;
        }
        String orderId = rest.path("id").asText();
        ObjectNode order = data.putObject("order").put("id", "gid://shopify/Order/" + orderId);
        ArrayNode list = order.putArray("fulfillments");
        java.util.Map<String, Long> fulfilled = new java.util.HashMap<>();
        for (ObjectNode f : fulfillments) {
            list.add(f.get("fulfillment"));
            f.path("lines").fields().forEachRemaining(e -> fulfilled.merge(e.getKey(), e.getValue().asLong(), Long::sum));
        }
        ObjectNode fo = order.putObject("fulfillmentOrders").putArray("nodes").addObject()
                .put("id", "gid://shopify/FulfillmentOrder/" + orderId);
        ArrayNode items = mapper.createArrayNode();
        boolean open = false;
        for (JsonNode line : rest.path("line_items")) {
            String lineId = line.path("id").asText();
            long remaining = line.path("quantity").asLong() - fulfilled.getOrDefault(lineId, 0L);
            open |= remaining > 0;
            ObjectNode item = items.addObject().put("id", "gid://shopify/FulfillmentOrderLineItem/" + lineId)
                    .put("remainingQuantity", remaining);
            item.putObject("lineItem").put("id", "gid://shopify/LineItem/" + lineId).put("sku", line.path("sku").asText());
        }
        fo.put("status", open ? "OPEN" : "CLOSED");
        ArrayNode actions = fo.putArray("supportedActions");
        if (open) {
            actions.addObject().put("action", "CREATE_FULFILLMENT");
        }
        fo.putObject("lineItems").set("nodes", items);
        return answer;
    }

    /**
     * fulfillmentCreate: records the fulfillment (what it fulfils per line, its tracking) and answers it; more than
     * remains of a line is a userError, as Shopify answers.
     */
    public static ObjectNode fulfillmentCreate(JsonNode rest, java.util.List<ObjectNode> fulfillments, JsonNode input,
            ObjectMapper mapper) {
        ObjectNode state = fulfilmentStateAnswer(rest, fulfillments, mapper);
        java.util.Map<String, Long> remaining = new java.util.HashMap<>();
        for (JsonNode item : state.at("/data/order/fulfillmentOrders/nodes/0/lineItems/nodes")) {
            remaining.put(item.path("id").asText(), item.path("remainingQuantity").asLong());
        }
        ObjectNode lines = mapper.createObjectNode();
        for (JsonNode byOrder : input.path("lineItemsByFulfillmentOrder")) {
            for (JsonNode item : byOrder.path("fulfillmentOrderLineItems")) {
                String id = item.path("id").asText();
                if (item.path("quantity").asLong() > remaining.getOrDefault(id, 0L)) {
                    ObjectNode refused = mapper.createObjectNode();
                    ObjectNode result = refused.putObject("data").putObject("fulfillmentCreate");
                    result.putNull("fulfillment");
                    result.putArray("userErrors").addObject().put("message", "Invalid fulfillment order line item quantity requested.")
                            .putArray("field").add("fulfillment").add("lineItemsByFulfillmentOrder");
                    return refused;
                }
                lines.put(id.substring(id.lastIndexOf('/') + 1), item.path("quantity").asLong());
            }
        }
        ObjectNode fulfillment = mapper.createObjectNode()
                .put("id", "gid://shopify/Fulfillment/" + (rest.path("id").asLong() * 10 + fulfillments.size() + 1))
                .put("status", "SUCCESS");
        ObjectNode tracking = fulfillment.putArray("trackingInfo").addObject();
        tracking.set("company", input.at("/trackingInfo/company"));
        tracking.set("number", input.at("/trackingInfo/number"));
        tracking.set("url", input.at("/trackingInfo/url"));
        ObjectNode record = mapper.createObjectNode();
        record.set("fulfillment", fulfillment);
        record.set("lines", lines);
        fulfillments.add(record);
        ObjectNode answer = mapper.createObjectNode();
        ObjectNode result = answer.putObject("data").putObject("fulfillmentCreate");
        result.set("fulfillment", fulfillment);
        result.putArray("userErrors");
        return answer;
    }
}
