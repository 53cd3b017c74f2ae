package io.orderflow.wms;

import java.io.IOException;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.review.UnprocessableEventException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The WMS step of route {@code order-cancellation} (routes/cancellation.camel.yaml) for one cancellation after release (orderflow.order.cancellations, from
 * the payment gate: {orderKey, erpReference, reason: cancelled | refunded, refundedMinor, currency}), against the
 * order's fulfilment state:
 * <ul>
 * <li>not sent to the WMS yet (no state: the allocated order may still be on its way): a "cancelled" state is
 * recorded, so the fulfilment stage never sends it;</li>
 * <li>sent, nothing shipped: the WMS fulfilment order is cancelled ({@link WmsAdapter#cancel}) and the state says
 * cancelled; a WMS that refuses (it has shipped meanwhile) parks the cancellation for review with its answer;</li>
 * <li>a package has shipped: parked on orderflow.review as a return case, with the packages and their tracking;</li>
 * <li>cancelled already: nothing (a repeated cancellation changes nothing).</li>
 * </ul>
 * A partial refund never gets here: the route records it ({@link io.orderflow.cancel.OrderCancellation}).
 * Leaves variable {@code fulfilmentState} (the new state), or null when nothing changes.
 */
@Component("fulfilmentCancellation")
public class FulfilmentCancellation {

    private static final Logger LOG = LoggerFactory.getLogger(FulfilmentCancellation.class);

    private final WmsAdapter wms;
    private final FulfilmentStateStore states;
    private final ObjectMapper mapper;

    public FulfilmentCancellation(WmsAdapter wms, FulfilmentStateStore states, ObjectMapper mapper) {
        this.wms = wms;
        this.states = states;
        this.mapper = mapper;
    }

    public void process(Exchange exchange) throws IOException {
        exchange.setVariable("fulfilmentState", null);
        JsonNode cancellation = mapper.readTree(exchange.getMessage().getBody(String.class));
        String orderKey = cancellation.path("orderKey").asText("");
        if (orderKey.isBlank()) {
            throw new UnprocessableEventException("cancellation without orderKey");
        }
        exchange.getMessage().setHeader("orderKey", orderKey);
        ObjectNode state = states.load(orderKey);
        String now = Instant.now().toString();
        if (state == null) {
            ObjectNode cancelled = mapper.createObjectNode().put("orderKey", orderKey).put("status", "cancelled")
                    .put("cancelledAt", now).put("cancelReason", cancellation.path("reason").asText(""));
            exchange.setVariable("fulfilmentState", cancelled.toString());
            LOG.info("Order {} cancelled before it reached the WMS: it will not be sent", orderKey);
            return;
        }
        if ("cancelled".equals(state.path("status").asText())) {
            LOG.info("Order {}: fulfilment cancelled already; nothing to do", orderKey);
            return;
        }
        if (!state.path("packages").isEmpty()) {
            StringBuilder packages = new StringBuilder();
            for (JsonNode p : state.path("packages")) {
                packages.append(packages.length() == 0 ? "" : "; ").append(p.path("packageId").asText()).append(" ")
                        .append(p.path("status").asText()).append(" (").append(p.path("carrier").asText()).append(" ")
                        .append(p.path("trackingNumber").asText()).append(")");
            }
            throw new UnprocessableEventException("return case: order " + orderKey + " was " + cancellation.path("reason")
                    .asText() + " after it shipped (" + state.path("status").asText() + "): packages " + packages
                    + "; WMS fulfilment order " + state.path("wmsFulfilmentId").asText() + " left as it is");
        }
        wms.cancel(orderKey, state.path("wmsFulfilmentId").asText(), state.path("wmsRequest"));
        state.put("status", "cancelled").put("cancelledAt", now).put("cancelReason", cancellation.path("reason").asText(""));
        exchange.setVariable("fulfilmentState", state.toString());
        LOG.info("Order {}: WMS fulfilment order {} cancelled ({})", orderKey, state.path("wmsFulfilmentId").asText(),
                cancellation.path("reason").asText());
    }
}
