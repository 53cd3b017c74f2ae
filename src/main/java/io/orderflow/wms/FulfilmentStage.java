package io.orderflow.wms;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.erp.ErpMappings;
import io.orderflow.review.UnprocessableEventException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The fulfilment stage's step (route {@code fulfilment}) for one allocated order:
 * <ol>
 * <li>an order whose fulfilment state (orderflow.fulfilment.state) already names its WMS fulfilment order, or says it
 * was cancelled before it got there, is not sent (a repeated or replayed allocated event changes nothing: variable
 * {@code fulfilmentExists});</li>
 * <li>otherwise the WMS request is mapped from the allocated order (the adapter's mapping in mappings/) and the
 * fulfilment order created, idempotent on the order key at the WMS too (REST: Idempotency-Key and 409; ShipStation:
 * upsert by orderKey), so a crash between the WMS's answer and our commit never makes a second one;</li>
 * <li>the new fulfilment state (variable {@code fulfilmentState}: ordered lines, nothing shipped, the WMS id) and the
 * fulfilment-requested event (variable {@code requestedBody}) are left for the route to send, in this transaction.</li>
 * </ol>
 */
@Component("fulfilmentStage")
public class FulfilmentStage {

    private static final Logger LOG = LoggerFactory.getLogger(FulfilmentStage.class);

    private final WmsAdapter wms;
    private final ErpMappings mappings;
    private final FulfilmentStateStore states;
    private final ObjectMapper mapper;
    private final OrderflowProperties.Wms settings;

    public FulfilmentStage(WmsAdapter wms, ErpMappings mappings, FulfilmentStateStore states, ObjectMapper mapper,
            OrderflowProperties properties) {
        this.wms = wms;
        this.mappings = mappings;
        this.states = states;
        this.mapper = mapper;
        this.settings = properties.getWms();
    }

    public void process(Exchange exchange) throws IOException {
        JsonNode allocated = mapper.readTree(exchange.getMessage().getBody(String.class));
        String orderKey = allocated.path("orderKey").asText("");
        JsonNode order = allocated.path("order");
        if (orderKey.isBlank() || !order.isObject() || !order.path("lines").isArray() || order.path("lines").isEmpty()) {
            throw new UnprocessableEventException("allocated event without orderKey, order or lines");
        }
        exchange.getMessage().setHeader("orderKey", orderKey);
        ObjectNode existing = states.load(orderKey);
        if (existing != null && "cancelled".equals(existing.path("status").asText())) {
            LOG.info("Order {} was cancelled before it reached the WMS: not sent", orderKey);
            exchange.setVariable("fulfilmentExists", true);
            return;
        }
        if (existing != null && !existing.path("wmsFulfilmentId").asText("").isBlank()) {
            LOG.info("Order {} has fulfilment order {} in WMS {} already: not sent again", orderKey,
                    existing.path("wmsFulfilmentId").asText(), existing.path("wms").asText());
            exchange.setVariable("fulfilmentExists", true);
            return;
        }
        exchange.setVariable("fulfilmentExists", false);

        // The ERP's own warehouse (kind erp) has no request mapping: its delivery is the ERP order's.
        JsonNode request = wms.orderMapping() == null ? allocated : mappings.map(wms.orderMapping(), allocated);
        WmsAdapter.FulfilmentOrder created = wms.create(orderKey, request);
        LOG.info("Fulfilment order {} {} in WMS {} for {}", created.id(), created.existed() ? "existed already" : "created",
                settings.getId(), orderKey);

        String requestedAt = Instant.now().toString();
        ObjectNode state = mapper.createObjectNode()
                .put("orderKey", orderKey)
                .put("channel", order.path("channel").asText())
                .put("shopOrderId", order.path("externalId").asText())
                .put("orderNumber", order.path("orderNumber").asText(""))
                .put("orderName", order.path("orderName").asText(""))
                .put("erpReference", allocated.path("erpReference").asText(""))
                .put("erpOrderId", allocated.path("erpOrderId").asText(""))
                .put("wms", settings.getId())
                .put("wmsKind", settings.getKind().name())
                .put("wmsFulfilmentId", created.id())
                .put("status", "requested")
                .put("requestedAt", requestedAt)
                .put("total", order.path("totals").path("total").asText(""))
                .put("currency", order.path("currency").asText(""));
        state.set("customer", order.path("customer"));
        // The order's country, for the notifications' SMS number (read in it when national).
        String country = io.orderflow.notify.PhoneNumbers.regionOf(order);
        if (country != null) {
            state.put("country", country);
        }
        // What the WMS got: ShipStation's cancel is the same upsert with orderStatus cancelled.
        if (wms.orderMapping() != null) {
            state.set("wmsRequest", request);
        }
        ArrayNode lines = state.putArray("lines");
        for (JsonNode line : order.path("lines")) {
            lines.addObject().put("shopLineId", line.path("lineId").asText())
                    .put("sku", line.path("sku").asText())
                    .put("name", line.path("name").asText(""))
                    .put("ordered", new BigDecimal(line.path("quantity").asText("0")).toPlainString())
                    .put("shipped", "0");
        }
        state.putArray("packages");
        state.putArray("mismatches");
        exchange.setVariable("fulfilmentState", state.toString());

        ObjectNode requested = mapper.createObjectNode()
                .put("event", "fulfilment-requested")
                .put("orderKey", orderKey)
                .put("wms", settings.getId())
                .put("wmsKind", settings.getKind().name())
                .put("wmsFulfilmentId", created.id())
                .put("requestedAt", requestedAt);
        ArrayNode requestedLines = requested.putArray("lines");
        for (JsonNode line : lines) {
            requestedLines.addObject().put("sku", line.path("sku").asText()).put("quantity", line.path("ordered").asText())
                    .put("shopLineId", line.path("shopLineId").asText());
        }
        exchange.setVariable("requestedBody", requested.toString());
        // The ERP's own warehouse: which order this ERP reference belongs to, for the ERP delivery poll (route step
        // save-erp-delivery-reference, orderflow.erp.delivery.state, in this transaction).
        exchange.setVariable("erpDeliveryReference", null);
        if (settings.getKind() == OrderflowProperties.WmsKind.erp) {
            exchange.setVariable("erpDeliveryReference", io.orderflow.wms.erp.ErpDeliveryStateStore.referenceKey(created.id()));
            exchange.setVariable("erpDeliveryReferenceBody", mapper.createObjectNode().put("erpReference", created.id())
                    .put("orderKey", orderKey).toString());
        }
    }
}
