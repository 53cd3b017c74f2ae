package io.orderflow.stock;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * Two shops on one WireMock server, answering in their real API shapes: a WooCommerce store under /woo (REST v3
 * products by SKU, PUT stock_quantity) and a Shopify store at the root (GraphQL Admin API productVariants by SKU,
 * inventorySetQuantities). Each sells the SKUs it is given; any other SKU is unknown to it.
 */
final class ShopStubs {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String GRAPHQL = "/admin/api/2025-10/graphql.json";

    private ShopStubs() {
    }

    /** WooCommerce: sku -> product id. */
    static void woo(WireMockServer shop, Map<String, Integer> products) {
        shop.stubFor(get(urlPathEqualTo("/woo/wp-json/wc/v3/products")).atPriority(10).willReturn(json("[]")));
        products.forEach((sku, id) -> shop.stubFor(get(urlPathEqualTo("/woo/wp-json/wc/v3/products"))
                .withQueryParam("sku", equalTo(sku)).atPriority(1)
                .willReturn(json("[{\"id\":" + id + ",\"sku\":\"" + sku + "\",\"parent_id\":0,\"manage_stock\":true,\"stock_quantity\":1}]"))));
        shop.stubFor(put(urlPathMatching("/woo/wp-json/wc/v3/products/[0-9]+")).willReturn(json("{\"id\":1}")));
    }

    /** Shopify: sku -> inventory item number. */
    static void shopify(WireMockServer shop, Map<String, Long> inventoryItems) {
        shop.stubFor(post(urlEqualTo(GRAPHQL)).atPriority(10).withRequestBody(matchingJsonPath("$.variables.q"))
                .willReturn(json("{\"data\":{\"productVariants\":{\"nodes\":[]}}}")));
        inventoryItems.forEach((sku, item) -> shop.stubFor(post(urlEqualTo(GRAPHQL)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.variables.q", equalTo("sku:" + sku)))
                .willReturn(json("{\"data\":{\"productVariants\":{\"nodes\":[{\"inventoryItem\":"
                        + "{\"id\":\"gid://shopify/InventoryItem/" + item + "\"}}]}}}"))));
        shop.stubFor(post(urlEqualTo(GRAPHQL)).withRequestBody(matchingJsonPath("$.variables.input.name", equalTo("available")))
                .willReturn(json("{\"data\":{\"inventorySetQuantities\":{\"inventoryAdjustmentGroup\":{\"reason\":\"correction\"},"
                        + "\"userErrors\":[]}}}")));
    }

    /** The stock_quantity values the Woo store received for a product, oldest first. */
    static List<Long> wooQuantities(WireMockServer shop, int productId) {
        return chronological(shop.findAll(putRequestedFor(urlEqualTo("/woo/wp-json/wc/v3/products/" + productId))))
                .stream().map(r -> body(r).path("stock_quantity").asLong()).toList();
    }

    /** The "available" quantities the Shopify store received for an inventory item, oldest first. */
    static List<Long> shopifyQuantities(WireMockServer shop, long inventoryItem) {
        return chronological(shop.findAll(postRequestedFor(urlEqualTo(GRAPHQL))
                .withRequestBody(matchingJsonPath("$.variables.input.quantities[0].inventoryItemId",
                        equalTo("gid://shopify/InventoryItem/" + inventoryItem)))))
                .stream().map(r -> body(r).at("/variables/input/quantities/0/quantity").asLong()).toList();
    }

    static Long last(List<Long> values) {
        return values.isEmpty() ? null : values.get(values.size() - 1);
    }

    static int wooLookups(WireMockServer shop, String sku) {
        return shop.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                urlPathEqualTo("/woo/wp-json/wc/v3/products")).withQueryParam("sku", equalTo(sku))).size();
    }

    static int shopifyLookups(WireMockServer shop, String sku) {
        return shop.findAll(postRequestedFor(urlEqualTo(GRAPHQL))
                .withRequestBody(matchingJsonPath("$.variables.q", equalTo("sku:" + sku)))).size();
    }

    private static List<LoggedRequest> chronological(List<LoggedRequest> requests) {
        return requests.stream().sorted(Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
    }

    private static JsonNode body(LoggedRequest request) {
        try {
            return JSON.readTree(request.getBodyAsString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }
}
