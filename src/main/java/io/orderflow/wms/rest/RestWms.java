package io.orderflow.wms.rest;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.wms.WmsAdapter;
import io.orderflow.wms.WmsHttp;
import io.orderflow.wms.WmsRejectedException;
import io.orderflow.wms.WmsUnavailableException;

/**
 * orderflow's generic REST WMS contract (docs/wms-rest-api.yaml), for a WMS or 3PL that implements it:
 * <ul>
 * <li>create: {@code POST {url}/fulfilment-orders} with {@code Authorization: Bearer <orderflow.wms.api-key>} and
 * {@code Idempotency-Key: <orderKey>}, body from mappings/wms-rest-fulfilment-order.jsonata; 201 {"id": ...} is new,
 * 409 {"id": ...} is the fulfilment order that exists for this key (nothing changes);</li>
 * <li>cancel: {@code POST {url}/fulfilment-orders/{id}/cancel} (Idempotency-Key {@code cancel:<orderKey>});
 * 200/202 cancelled, 409 already cancelled;</li>
 * <li>shipments: the WMS posts them to /webhooks/wms/{id}, signed (header X-Orderflow-Hmac-Sha256, base64
 * HMAC-SHA256 of the raw body under orderflow.wms.webhook-secrets); mapped by wms-rest-shipment-to-canonical.jsonata.</li>
 * </ul>
 * Any other 4xx is the WMS refusing the order as it is: {@link WmsRejectedException} with its answer.
 */
public class RestWms implements WmsAdapter {

    public static final String SIGNATURE_HEADER = "X-Orderflow-Hmac-Sha256";

    private final WmsHttp http;
    private final String apiKey;
    private final ObjectMapper mapper;

    public RestWms(OrderflowProperties.Wms settings, WmsHttp http, ObjectMapper mapper) {
        this.http = http;
        this.apiKey = settings.getApiKey();
        this.mapper = mapper;
    }

    @Override
    public String orderMapping() {
        return "wms-rest-fulfilment-order.jsonata";
    }

    @Override
    public String shipmentMapping() {
        return "wms-rest-shipment-to-canonical.jsonata";
    }

    @Override
    public FulfilmentOrder create(String orderKey, JsonNode request) {
        HttpResponse<String> response = http.send(post("fulfilment-orders", orderKey, request.toString()));
        int status = response.statusCode();
        if (status == 200 || status == 201 || status == 409) {
            String id = id(response);
            if (id == null) {
                if (status == 409) {
                    throw new WmsRejectedException("WMS answered 409 for " + orderKey + " without the existing fulfilment order's id: "
                            + WmsHttp.excerpt(response.body()));
                }
                throw new WmsUnavailableException("WMS answered " + status + " without an id");
            }
            return new FulfilmentOrder(id, status == 409);
        }
        throw new WmsRejectedException("WMS refused the fulfilment order (HTTP " + status + "): " + WmsHttp.excerpt(response.body()));
    }

    @Override
    public void cancel(String orderKey, String wmsFulfilmentId, JsonNode request) {
        String path = "fulfilment-orders/" + URLEncoder.encode(wmsFulfilmentId, StandardCharsets.UTF_8) + "/cancel";
        HttpResponse<String> response = http.send(post(path, "cancel:" + orderKey, "{\"orderKey\":" + quote(orderKey) + "}"));
        int status = response.statusCode();
        if (status == 200 || status == 202 || status == 204) {
            return;
        }
        throw new WmsRejectedException("WMS refused to cancel fulfilment order " + wmsFulfilmentId + " (HTTP " + status + "): "
                + WmsHttp.excerpt(response.body()));
    }

    @Override
    public String shipmentPayload(String body) {
        return body;
    }

    private HttpRequest.Builder post(String path, String idempotencyKey, String body) {
        return HttpRequest.newBuilder(http.resolve(path))
                .header("Authorization", "Bearer " + apiKey)
                .header("Idempotency-Key", idempotencyKey)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }

    private String id(HttpResponse<String> response) {
        try {
            JsonNode json = mapper.readTree(response.body());
            JsonNode id = json == null ? null : json.get("id");
            return id == null || id.isNull() || id.asText().isBlank() ? null : id.asText();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private String quote(String text) {
        try {
            return mapper.writeValueAsString(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
