package io.orderflow.web;

import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * Header filter of every platform-http endpoint (webhooks and the admin API). Inbound it is Camel's usual HTTP filter;
 * outbound (Camel message headers -> HTTP response headers) it lets through only the few headers an answer of ours
 * may carry. Without it platform-http sends back every header still on the message: the request's own headers
 * included ({@code Authorization} with the operator's password, {@code Cookie}, anything custom) wherever a route does
 * not remove them (issue 12).
 */
public class ResponseHeaderAllowlist extends HttpHeaderFilterStrategy {

    static final Set<String> ALLOWED = Set.of("content-type", "retry-after", "location", "allow", "www-authenticate",
            "cache-control");

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return headerName == null || !ALLOWED.contains(headerName.toLowerCase(java.util.Locale.ROOT));
    }
}
