package io.orderflow.intake;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.config.OrderflowProperties.WmsKind;
import io.orderflow.shop.WebhookRequest;
import io.orderflow.wms.rest.RestWms;
import io.orderflow.wms.shipstation.ShipStationWms;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * Verifies a WMS webhook (route {@code intake-wms-webhook}, POST /webhooks/wms/{id}); throws
 * {@link WebhookRejectedException} for anything that must not be enqueued.
 * <ul>
 * <li>{@code id} must be the configured WMS (orderflow.wms.id, kind not none): else 404;</li>
 * <li>kind rest: header {@value RestWms#SIGNATURE_HEADER} = base64 HMAC-SHA256 of the raw body under one of
 * orderflow.wms.webhook-secrets (401 missing or wrong); a JSON object with an orderKey (400);</li>
 * <li>kind shipstation (its webhooks are unsigned): the target URL's {@code ?secret=} must be one of the webhook
 * secrets (401); the body {resource_url, resource_type}: resource_url must be on the configured API host (400, so
 * orderflow never fetches from another host); resource types other than SHIP_NOTIFY / ITEM_SHIP_NOTIFY are
 * answered "ignored".</li>
 * </ul>
 * Sets orderflowIntake, orderflowSource (the WMS id), orderflowWms, orderflowWmsKind, orderflowTopic,
 * orderflowReceivedAt, orderKey/JMSXGroupID when the body names the order, and orderflowDeliveryId = wms:&lt;id&gt;:
 * SHA-256 of the body: the same webhook delivered again is stored once.
 */
@Component("wmsWebhookVerifier")
public class WmsWebhookVerifier {

    private final OrderflowProperties.Wms wms;
    private final ObjectMapper mapper;

    public WmsWebhookVerifier(OrderflowProperties properties, ObjectMapper mapper) {
        this.wms = properties.getWms();
        this.mapper = mapper;
    }

    public void verify(Exchange exchange) {
        Message in = exchange.getIn();
        String id = in.getHeader("id", String.class);
        // The ERP's own warehouse (kind erp) is polled: it has no webhooks.
        if (!wms.isEnabled() || wms.getKind() == WmsKind.erp || id == null || !id.equals(wms.getId())) {
            throw new WebhookRejectedException(404, "unknown WMS");
        }
        byte[] body = in.getBody(byte[].class);
        if (body == null) {
            body = new byte[0];
        }
        List<String> secrets = wms.getWebhookSecrets().stream().filter(s -> s != null && !s.isBlank()).toList();
        String topic;
        if (wms.getKind() == WmsKind.rest) {
            String signature = in.getHeader(RestWms.SIGNATURE_HEADER, String.class);
            if (signature == null || signature.isBlank()) {
                throw new WebhookRejectedException(401, "missing signature");
            }
            if (!HmacSignatures.matchesBase64(body, signature, secrets)) {
                throw new WebhookRejectedException(401, "invalid signature");
            }
            JsonNode json = object(body);
            String orderKey = json.path("orderKey").asText("");
            if (!orderKey.matches("[a-z0-9][a-z0-9-]*:[A-Za-z0-9_.-]+")) {
                throw new WebhookRejectedException(400, "no orderKey");
            }
            in.setHeader("orderKey", orderKey);
            in.setHeader("JMSXGroupID", orderKey);
            topic = json.path("type").asText("shipment");
            if (!WebhookRequest.SAFE_TOKEN.matcher(topic).matches()) {
                topic = "shipment";
            }
            in.setHeader("orderflowIntake", "event");
        } else {
            String secret = in.getHeader("secret", String.class);
            if (secret == null || secret.isBlank()) {
                throw new WebhookRejectedException(401, "missing secret");
            }
            boolean matched = false;
            for (String candidate : secrets) {
                matched |= MessageDigest.isEqual(candidate.getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8));
            }
            if (!matched) {
                throw new WebhookRejectedException(401, "invalid secret");
            }
            JsonNode json = object(body);
            topic = json.path("resource_type").asText("");
            if (!WebhookRequest.SAFE_TOKEN.matcher(topic).matches()) {
                throw new WebhookRejectedException(400, "missing or malformed resource_type");
            }
            boolean shipments = topic.equals("SHIP_NOTIFY") || topic.equals("ITEM_SHIP_NOTIFY");
            if (shipments && !ShipStationWms.onApiHost(URI.create(wms.getUrl().trim()), json.path("resource_url").asText(""))) {
                throw new WebhookRejectedException(400, "resource_url is not on the configured ShipStation API host");
            }
            in.setHeader("orderflowIntake", shipments ? "event" : "ignored");
        }
        in.setHeader("orderflowSource", "wms:" + wms.getId());
        in.setHeader("orderflowWms", wms.getId());
        in.setHeader("orderflowWmsKind", wms.getKind().name());
        in.setHeader("orderflowTopic", topic);
        in.setHeader("orderflowReceivedAt", Instant.now().toString());
        in.setHeader("orderflowDeliveryId", "wms:" + wms.getId() + ":" + sha256(body));
        in.setBody(body);
    }

    private JsonNode object(byte[] body) {
        JsonNode json;
        try {
            json = mapper.readTree(body);
        } catch (IOException | RuntimeException e) {
            throw new WebhookRejectedException(400, "body is not valid JSON");
        }
        if (json == null || !json.isObject()) {
            throw new WebhookRejectedException(400, "body is not a JSON object");
        }
        return json;
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
