package io.orderflow.shop;

import io.orderflow.config.OrderflowProperties.Api;
import io.orderflow.config.OrderflowProperties.Channel;
import io.orderflow.review.UnprocessableEventException;

/** One configured shop channel as a platform sees it: its id (part of every order key) and its settings. */
public record ShopChannel(String id, Channel settings) {

    public Api api() {
        return settings.getApi();
    }

    /** The channel's API base URL without a trailing slash. */
    public String baseUrl() {
        String base = settings.getApi().getBaseUrl();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** A credential the platform needs for an API call; missing, the event is parked for review with this reason. */
    public static String credential(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new UnprocessableEventException("shop API credential " + name + " is not configured");
        }
        return value;
    }
}
