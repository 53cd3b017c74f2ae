package io.orderflow.stock;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

/** {@link ShopStubs} for tests in other packages (the real-Tryton stock test). */
public final class ShopStubsAccess {

    private ShopStubsAccess() {
    }

    public static void woo(WireMockServer shop, Map<String, Integer> products) {
        ShopStubs.woo(shop, products);
    }

    public static void shopify(WireMockServer shop, Map<String, Long> inventoryItems) {
        ShopStubs.shopify(shop, inventoryItems);
    }

    public static Long lastWoo(WireMockServer shop, int productId) {
        return ShopStubs.last(ShopStubs.wooQuantities(shop, productId));
    }

    public static Long lastShopify(WireMockServer shop, long inventoryItem) {
        return ShopStubs.last(ShopStubs.shopifyQuantities(shop, inventoryItem));
    }
}
