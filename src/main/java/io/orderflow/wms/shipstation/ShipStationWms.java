package io.orderflow.wms.shipstation;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.review.UnprocessableEventException;
import io.orderflow.wms.WmsAdapter;
import io.orderflow.wms.WmsHttp;
import io.orderflow.wms.WmsRejectedException;
import io.orderflow.wms.WmsUnavailableException;

/**
 * ShipStation API v1 (https://ssapi.shipstation.com; PROTOCOLS.md section 6):
 * <ul>
 * <li>create = {@code POST /orders/createorder}, an upsert keyed by {@code orderKey} (our order key): the same order
 * sent again updates it with the same content, never a second order. HTTP Basic {@code apiKey:apiSecret}. Body from
 * mappings/shipstation-order.jsonata;</li>
 * <li>cancel = the same upsert with {@code orderStatus: cancelled};</li>
 * <li>shipments: SHIP_NOTIFY webhooks are unsigned and carry only a {@code resource_url}. The intake accepts one only
 * with the secret of the target URL (?secret=) and a resource_url on the configured API host
 * ({@link #onApiHost}); the normalise step then fetches it here with our credentials (the fetch is the
 * verification: a forged batch is not there), asking for the shipment items (includeShipmentItems=True, the lines
 * the accuracy check needs). Never a request to another host;</li>
 * <li>rate limit: 40 requests per minute per API key (orderflow.wms.max-requests-per-minute, spread evenly by
 * OutboundHttp); a 429 pauses calls for X-Rate-Limit-Reset seconds, and an answer saying X-Rate-Limit-Remaining 0
 * does the same before the next call.</li>
 * </ul>
 */
public class ShipStationWms implements WmsAdapter {

    private final WmsHttp http;
    private final String authorization;
    private final ObjectMapper mapper;

    public ShipStationWms(OrderflowProperties.Wms settings, WmsHttp http, ObjectMapper mapper) {
        this.http = http;
        this.mapper = mapper;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((settings.getShipstation().getApiKey() + ":"
                + settings.getShipstation().getApiSecret()).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String orderMapping() {
        return "shipstation-order.jsonata";
    }

    @Override
    public String shipmentMapping() {
        return "shipstation-shipments-to-canonical.jsonata";
    }

    @Override
    public FulfilmentOrder create(String orderKey, JsonNode request) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(http.resolve("orders/createorder"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.toString(), StandardCharsets.UTF_8)));
        if (response.statusCode() == 200 || response.statusCode() == 201) {
            try {
                JsonNode order = mapper.readTree(response.body());
                String id = order.path("orderId").asText("");
                if (!id.isBlank()) {
                    return new FulfilmentOrder(id, false);
                }
            } catch (IOException | RuntimeException e) {
                // fall through
            }
            throw new WmsUnavailableException("ShipStation answered " + response.statusCode() + " without an orderId");
        }
        throw new WmsRejectedException("ShipStation refused the order (HTTP " + response.statusCode() + "): "
                + WmsHttp.excerpt(response.body()));
    }

    @Override
    public void cancel(String orderKey, String wmsFulfilmentId, JsonNode request) {
        ObjectNode cancelled = request.deepCopy();
        cancelled.put("orderStatus", "cancelled");
        HttpResponse<String> response = send(HttpRequest.newBuilder(http.resolve("orders/createorder"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(cancelled.toString(), StandardCharsets.UTF_8)));
        if (response.statusCode() != 200 && response.statusCode() != 201) {
            throw new WmsRejectedException("ShipStation refused to cancel order " + wmsFulfilmentId + " (HTTP "
                    + response.statusCode() + "): " + WmsHttp.excerpt(response.body()));
        }
    }

    @Override
    public String shipmentPayload(String body) {
        JsonNode webhook;
        try {
            webhook = mapper.readTree(body);
        } catch (IOException e) {
            throw new UnprocessableEventException("ShipStation webhook is not JSON");
        }
        String resourceUrl = webhook.path("resource_url").asText("");
        if (!onApiHost(http.base(), resourceUrl)) {
            // The intake refuses these already; checked again so a replayed or injected event never makes us call another host.
            throw new UnprocessableEventException("resource_url is not on the configured ShipStation API host: not fetched");
        }
        URI uri = withShipmentItems(URI.create(resourceUrl));
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri).GET());
        if (response.statusCode() != 200) {
            throw new UnprocessableEventException("ShipStation answered HTTP " + response.statusCode()
                    + " for the webhook's resource_url (not a shipment batch of this account?)");
        }
        return response.body();
    }

    /**
     * True when {@code url} is an absolute URL on the same scheme, host and port as the configured API base (and has
     * no user info): the only URLs orderflow ever fetches for a ShipStation webhook.
     */
    public static boolean onApiHost(URI base, String url) {
        if (url == null || url.isBlank()) {
            return false;
        }
        try {
            URI uri = new URI(url.trim());
            return uri.isAbsolute() && uri.getRawUserInfo() == null && uri.getHost() != null
                    && base.getScheme().equalsIgnoreCase(uri.getScheme())
                    && base.getHost().toLowerCase(Locale.ROOT).equals(uri.getHost().toLowerCase(Locale.ROOT))
                    && port(base) == port(uri);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** The same URL asking for the shipment items (ShipStation leaves them out unless includeShipmentItems=True). */
    public static URI withShipmentItems(URI uri) {
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        String rewritten = query.replaceAll("(?i)(^|&)includeShipmentItems=[^&]*", "$1includeShipmentItems=True");
        if (!rewritten.toLowerCase(Locale.ROOT).contains("includeshipmentitems=")) {
            rewritten = rewritten.isEmpty() ? "includeShipmentItems=True" : rewritten + "&includeShipmentItems=True";
        }
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath())
                + "?" + rewritten);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        HttpResponse<String> response = http.send(request.header("Authorization", authorization).header("Accept", "application/json"));
        // ShipStation says how many calls are left in its window: none left -> hold the next call until it resets.
        String remaining = response.headers().firstValue("X-Rate-Limit-Remaining").orElse(null);
        String reset = response.headers().firstValue("X-Rate-Limit-Reset").orElse(null);
        if ("0".equals(remaining == null ? null : remaining.trim()) && reset != null) {
            try {
                http.outbound().holdOff(Duration.ofSeconds(Long.parseLong(reset.trim())));
            } catch (NumberFormatException ignored) {
                // a malformed header is not worth failing a call for
            }
        }
        return response;
    }
}
