package io.orderflow.shop.shopify;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * The GraphQL Admin API order query, and its answer turned into the shape of Shopify's order webhooks (the REST
 * Order resource), so that {@code mappings/shopify-order-to-canonical.jsonata} maps a fetched order exactly as it
 * maps a webhook. Only the fields that mapping reads are asked for and written; money stays the decimal strings
 * Shopify sends, ids stay strings (the numeric part of the gid: all digits, also beyond 2^53).
 */
final class ShopifyOrderQuery {

    private static final String MONEY = "{ shopMoney { amount currencyCode } }";
    private static final String ALLOCATIONS = "discountAllocations { allocatedAmountSet " + MONEY
            + " discountApplication { index } }";
    private static final String TAX_LINES = "taxLines { title rate priceSet " + MONEY + " }";
    private static final String ADDRESS = "{ name firstName lastName company address1 address2 city province provinceCode"
            + " zip country countryCodeV2 phone }";

    static final String QUERY = "query OrderForOrderflow($id: ID!) { order(id: $id) {"
            + " id legacyResourceId name number email phone createdAt updatedAt cancelledAt cancelReason"
            + " currencyCode taxesIncluded displayFinancialStatus paymentGatewayNames"
            + " subtotalPriceSet " + MONEY + " totalDiscountsSet " + MONEY + " totalShippingPriceSet " + MONEY
            + " totalTaxSet " + MONEY + " totalPriceSet " + MONEY
            + " customer { firstName lastName email phone numberOfOrders }"
            + " billingAddress " + ADDRESS + " shippingAddress " + ADDRESS
            + " discountApplications(first: 50) { nodes { index"
            + " ... on DiscountCodeApplication { code }"
            + " ... on ManualDiscountApplication { title }"
            + " ... on AutomaticDiscountApplication { title }"
            + " ... on ScriptDiscountApplication { title } } }"
            + " lineItems(first: 250) { nodes { id sku name title quantity originalUnitPriceSet " + MONEY + " "
            + ALLOCATIONS + " " + TAX_LINES + " } }"
            + " shippingLines(first: 50) { nodes { title code originalPriceSet " + MONEY + " " + ALLOCATIONS + " "
            + TAX_LINES + " } }"
            + " } }";

    /** Orders per page of the reconciliation listing. Only ids and change times: a cheap query (cost about 102). */
    static final int LIST_PAGE_SIZE = 100;

    /**
     * The reconciliation listing: the orders changed after a time, oldest change first, cursor-paged. Each listed
     * order is then read whole with {@link #QUERY} (a page of whole orders with their line items would exceed
     * GraphQL's maximum query cost).
     */
    static final String CHANGED_QUERY = "query OrdersChangedForOrderflow($query: String!, $after: String) {"
            + " orders(first: " + LIST_PAGE_SIZE + ", after: $after, query: $query, sortKey: UPDATED_AT) {"
            + " pageInfo { hasNextPage endCursor } nodes { id legacyResourceId updatedAt } } }";

    /** The search filter of {@link #CHANGED_QUERY}: {@code updated_at:>'2026-11-29T10:00:00Z'}. */
    static String updatedAfter(java.time.Instant since) {
        return "updated_at:>'" + since.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "'";
    }

    private ShopifyOrderQuery() {
    }

    static String gid(String orderId) {
        return orderId.startsWith("gid://") ? orderId : "gid://shopify/Order/" + orderId;
    }

    /** The GraphQL {@code order} object as the REST/webhook Order resource (the fields the mapping reads). */
    static ObjectNode toWebhookShape(JsonNode o, ObjectMapper mapper) {
        ObjectNode r = mapper.createObjectNode();
        r.put("id", numericId(o.path("legacyResourceId").asText(o.path("id").asText())));
        text(r, "name", o.path("name"));
        if (o.path("number").canConvertToLong()) {
            r.put("order_number", o.path("number").asLong());
        }
        text(r, "email", o.path("email"));
        text(r, "phone", o.path("phone"));
        text(r, "created_at", o.path("createdAt"));
        text(r, "updated_at", o.path("updatedAt"));
        text(r, "cancelled_at", o.path("cancelledAt"));
        if (o.hasNonNull("cancelReason")) {
            r.put("cancel_reason", o.get("cancelReason").asText().toLowerCase(Locale.ROOT));
        }
        text(r, "currency", o.path("currencyCode"));
        r.put("taxes_included", o.path("taxesIncluded").asBoolean(false));
        if (o.hasNonNull("displayFinancialStatus")) {
            r.put("financial_status", o.get("displayFinancialStatus").asText().toLowerCase(Locale.ROOT));
        }
        ArrayNode gateways = r.putArray("payment_gateway_names");
        o.path("paymentGatewayNames").forEach(gateways::add);
        text(r, "subtotal_price", money(o.path("subtotalPriceSet")));
        text(r, "total_discounts", money(o.path("totalDiscountsSet")));
        text(r, "total_tax", money(o.path("totalTaxSet")));
        text(r, "total_price", money(o.path("totalPriceSet")));
        if (!money(o.path("totalShippingPriceSet")).isMissingNode()) {
            r.putObject("total_shipping_price_set").putObject("shop_money")
                    .put("amount", money(o.path("totalShippingPriceSet")).asText())
                    .put("currency_code", o.at("/totalShippingPriceSet/shopMoney/currencyCode").asText());
        }
        JsonNode customer = o.path("customer");
        if (customer.isObject()) {
            ObjectNode c = r.putObject("customer");
            text(c, "first_name", customer.path("firstName"));
            text(c, "last_name", customer.path("lastName"));
            text(c, "email", customer.path("email"));
            text(c, "phone", customer.path("phone"));
            // numberOfOrders is an UnsignedInt64, sent as a string: the webhook's orders_count (a number).
            if (customer.path("numberOfOrders").canConvertToLong() || customer.path("numberOfOrders").asText("").matches("\\d+")) {
                c.put("orders_count", Long.parseLong(customer.path("numberOfOrders").asText()));
            }
        }
        address(r, "billing_address", o.path("billingAddress"));
        address(r, "shipping_address", o.path("shippingAddress"));

        // REST lists the discount applications in order; a line's allocation names one by its index.
        ArrayNode applications = r.putArray("discount_applications");
        for (JsonNode application : o.at("/discountApplications/nodes")) {
            int index = application.path("index").asInt();
            while (applications.size() <= index) {
                applications.addObject();
            }
            ObjectNode a = (ObjectNode) applications.get(index);
            text(a, "code", application.path("code"));
            text(a, "title", application.path("title"));
        }
        ArrayNode lines = r.putArray("line_items");
        for (JsonNode line : o.at("/lineItems/nodes")) {
            ObjectNode l = lines.addObject();
            l.put("id", numericId(line.path("id").asText()));
            text(l, "sku", line.path("sku"));
            text(l, "name", line.path("name"));
            text(l, "title", line.path("title"));
            l.put("quantity", line.path("quantity").asLong());
            text(l, "price", money(line.path("originalUnitPriceSet")));
            allocationsAndTaxes(l, line);
        }
        ArrayNode shippingLines = r.putArray("shipping_lines");
        for (JsonNode line : o.at("/shippingLines/nodes")) {
            ObjectNode s = shippingLines.addObject();
            text(s, "title", line.path("title"));
            text(s, "code", line.path("code"));
            text(s, "price", money(line.path("originalPriceSet")));
            allocationsAndTaxes(s, line);
        }
        return r;
    }

    private static void allocationsAndTaxes(ObjectNode target, JsonNode line) {
        ArrayNode allocations = target.putArray("discount_allocations");
        for (JsonNode allocation : line.path("discountAllocations")) {
            ObjectNode a = allocations.addObject();
            text(a, "amount", money(allocation.path("allocatedAmountSet")));
            a.put("discount_application_index", allocation.at("/discountApplication/index").asInt());
        }
        ArrayNode taxes = target.putArray("tax_lines");
        for (JsonNode tax : line.path("taxLines")) {
            ObjectNode t = taxes.addObject();
            text(t, "title", tax.path("title"));
            text(t, "price", money(tax.path("priceSet")));
            if (tax.path("rate").isNumber()) {
                t.set("rate", tax.get("rate"));
            }
        }
    }

    private static void address(ObjectNode target, String field, JsonNode a) {
        if (!a.isObject()) {
            return;
        }
        ObjectNode r = target.putObject(field);
        text(r, "name", a.path("name"));
        text(r, "first_name", a.path("firstName"));
        text(r, "last_name", a.path("lastName"));
        text(r, "company", a.path("company"));
        text(r, "address1", a.path("address1"));
        text(r, "address2", a.path("address2"));
        text(r, "city", a.path("city"));
        text(r, "province", a.path("province"));
        text(r, "province_code", a.path("provinceCode"));
        text(r, "zip", a.path("zip"));
        text(r, "country", a.path("country"));
        text(r, "country_code", a.path("countryCodeV2"));
        text(r, "phone", a.path("phone"));
    }

    /**
     * The amount of a MoneyBag as the webhooks write it: GraphQL's Decimal drops trailing zeros ("15.5"), the
     * webhooks write two places ("15.50"); the payment gate compares a released order with later versions of it
     * as text, so a fetched order must read exactly like the webhook of the same order.
     */
    private static JsonNode money(JsonNode set) {
        JsonNode amount = set.path("shopMoney").path("amount");
        if (!amount.isTextual() && !amount.isNumber()) {
            return amount;
        }
        BigDecimal value = new BigDecimal(amount.asText());
        return TextNode.valueOf((value.scale() < 2 ? value.setScale(2) : value).toPlainString());
    }

    /** Copies a text value (null stays null, absent stays absent). */
    private static void text(ObjectNode target, String field, JsonNode value) {
        if (value.isNull()) {
            target.putNull(field);
        } else if (!value.isMissingNode()) {
            target.put(field, value.asText());
        }
    }

    /** "gid://shopify/Order/450789469" -> 450789469 as an exact integer (Jackson writes every digit). */
    private static BigInteger numericId(String id) {
        return new BigInteger(id.substring(id.lastIndexOf('/') + 1).replaceAll("\\?.*$", ""));
    }
}
