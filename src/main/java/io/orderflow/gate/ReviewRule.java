package io.orderflow.gate;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An integrator's rule (orderflow.gate.review-rules): an order that would be released automatically and matches
 * every condition set here is parked on orderflow.review with the rule's name, until an operator approves it.
 * Conditions left empty are not checked; a rule needs at least one.
 *
 * @param totalAbove         per currency (ISO code): the order's total is above this amount (exact decimal
 *                           comparison); an order in a currency not listed does not match
 * @param shipToCountryIn    the shipping address's country is one of these (ISO codes)
 * @param shipToCountryNotIn the order ships to a country not among these (an order without a shipping address
 *                           does not match)
 * @param skuIn              a line's SKU is one of these
 * @param firstOrder         true: the shop says this is the customer's first order (canonical customer.firstOrder,
 *                           from Shopify's customer.orders_count); an order whose shop does not say (WooCommerce,
 *                           guest checkouts) does not match
 */
public record ReviewRule(String name, Map<String, BigDecimal> totalAbove, Set<String> shipToCountryIn,
        Set<String> shipToCountryNotIn, Set<String> skuIn, Boolean firstOrder) {

    /** A rule without the first-order condition. */
    public ReviewRule(String name, Map<String, BigDecimal> totalAbove, Set<String> shipToCountryIn,
            Set<String> shipToCountryNotIn, Set<String> skuIn) {
        this(name, totalAbove, shipToCountryIn, shipToCountryNotIn, skuIn, null);
    }

    public ReviewRule {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("every orderflow.gate.review-rules entry needs a name");
        }
        Map<String, BigDecimal> totals = new LinkedHashMap<>();
        (totalAbove == null ? Map.<String, BigDecimal>of() : totalAbove)
                .forEach((currency, amount) -> totals.put(currency.toUpperCase(Locale.ROOT), amount));
        totalAbove = Map.copyOf(totals);
        shipToCountryIn = upper(shipToCountryIn);
        shipToCountryNotIn = upper(shipToCountryNotIn);
        skuIn = skuIn == null ? Set.of() : Set.copyOf(skuIn);
        if (totalAbove.isEmpty() && shipToCountryIn.isEmpty() && shipToCountryNotIn.isEmpty() && skuIn.isEmpty()
                && !Boolean.TRUE.equals(firstOrder)) {
            throw new IllegalArgumentException("review rule " + name + " has no condition (total-above, "
                    + "ship-to-country-in, ship-to-country-not-in, sku-in, first-order): it would park every order");
        }
    }

    public boolean matches(JsonNode order) {
        if (Boolean.TRUE.equals(firstOrder) && !order.path("customer").path("firstOrder").asBoolean(false)) {
            return false;
        }
        if (!totalAbove.isEmpty()) {
            BigDecimal threshold = totalAbove.get(order.path("currency").asText().toUpperCase(Locale.ROOT));
            BigDecimal total;
            try {
                total = new BigDecimal(order.path("totals").path("total").asText());
            } catch (NumberFormatException e) {
                return false;
            }
            if (threshold == null || total.compareTo(threshold) <= 0) {
                return false;
            }
        }
        String country = order.path("shippingAddress").path("country").asText("").toUpperCase(Locale.ROOT);
        if (!shipToCountryIn.isEmpty() && !shipToCountryIn.contains(country)) {
            return false;
        }
        if (!shipToCountryNotIn.isEmpty() && (country.isEmpty() || shipToCountryNotIn.contains(country))) {
            return false;
        }
        if (!skuIn.isEmpty()) {
            boolean any = false;
            for (JsonNode line : order.path("lines")) {
                any |= skuIn.contains(line.path("sku").asText());
            }
            return any;
        }
        return true;
    }

    private static Set<String> upper(Set<String> values) {
        return values == null ? Set.of()
                : values.stream().map(v -> v.trim().toUpperCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }
}
