package io.orderflow.shop;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import io.orderflow.config.OrderflowProperties.Channel;
import io.orderflow.config.OrderflowProperties.ChannelType;

/** How a shop's API is addressed and authenticated, shared by every call orderflow makes to a shop. */
final class ShopCredentials {

    private ShopCredentials() {
    }

    /** The channel's API base URL without a trailing slash. */
    static String baseUrl(Channel channel) {
        String base = channel.getApi().getBaseUrl();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** Shopify: X-Shopify-Access-Token; WooCommerce: HTTP Basic consumer key and secret. */
    static Map.Entry<String, String> authorization(Channel channel) {
        if (channel.getType() == ChannelType.shopify) {
            return Map.entry("X-Shopify-Access-Token", String.valueOf(channel.getApi().getAccessToken()));
        }
        String credentials = channel.getApi().getConsumerKey() + ":" + channel.getApi().getConsumerSecret();
        return Map.entry("Authorization", "Basic "
                + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
}
