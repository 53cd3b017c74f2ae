package io.orderflow.cancel;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.erp.ErpClient;
import io.orderflow.gate.Money;
import io.orderflow.review.UnprocessableEventException;
import io.orderflow.status.OrderTimeline;
import io.orderflow.wms.FulfilmentStateStore;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The steps of route {@code order-cancellation} (routes/cancellation.camel.yaml) that are not the WMS's
 * ({@link io.orderflow.wms.FulfilmentCancellation}), for one message of orderflow.order.cancellations (from the payment
 * gate: orderKey, erpReference, reason cancelled | refunded, refundedMinor, refunded, total, currency, skus, channel,
 * orderNumber, orderName, customer):
 * <ol>
 * <li>{@link #read}: which case it is: a partial refund (refunded less than the total), a cancellation or full refund
 * already done (the order's fulfilment state says {@code cancellationCompleted}), or one to carry out;</li>
 * <li>{@link #partialRefund}: recorded on the order's status and reported (WARN line, counter), nothing cancelled;</li>
 * <li>{@link #cancelInErp}: the ERP order cancelled and its reservation released ({@link ErpClient#cancelOrder}),
 * the free quantities of its SKUs read back for every shop;</li>
 * <li>{@link #completed}: the customer's notification (template cancelled or refunded), the status event, and the
 * fulfilment state marked {@code cancellationCompleted}, so a repeated cancellation does nothing.</li>
 * </ol>
 * {@link #stopIfCancelled} is the ERP stage's first step: a released order cancelled before the ERP stage got to it is
 * never created in the ERP.
 */
@Component("orderCancellation")
public class OrderCancellation {

    private static final Logger LOG = LoggerFactory.getLogger(OrderCancellation.class);
    /** The status table's queue for the cancellation stage's status events (orderflow.status.stages). */
    public static final String STATUS_OF = "orderflow.order.cancellations";

    private final ErpClient erp;
    private final OrderflowProperties properties;
    private final FulfilmentStateStore states;
    private final ObjectMapper mapper;
    private final MeterRegistry meters;

    public OrderCancellation(ErpClient erp, OrderflowProperties properties, FulfilmentStateStore states,
            ObjectMapper mapper, MeterRegistry meters) {
        this.erp = erp;
        this.properties = properties;
        this.states = states;
        this.mapper = mapper;
        this.meters = meters;
    }

    /**
     * Reads the cancellation: header orderKey; variables cancellation (the message), deliveryId (for duplicate IDs),
     * cancellationKind (partial | full) and cancellationDone (true when an earlier delivery completed it).
     */
    public void read(Exchange exchange) throws IOException {
        JsonNode cancellation = mapper.readTree(exchange.getMessage().getBody(String.class));
        String orderKey = cancellation.path("orderKey").asText("");
        if (orderKey.isBlank()) {
            throw new UnprocessableEventException("cancellation without orderKey");
        }
        exchange.getMessage().setHeader("orderKey", orderKey);
        String deliveryId = exchange.getMessage().getHeader("orderflowDeliveryId", String.class);
        if (deliveryId == null || deliveryId.isBlank()) {
            deliveryId = orderKey + ":" + exchange.getMessage().getHeader("JMSMessageID", String.class);
        }
        exchange.setVariable("deliveryId", deliveryId);
        exchange.setVariable("cancellation", cancellation);
        ObjectNode state = states.load(orderKey);
        exchange.setVariable("cancellationKind", isPartial(cancellation, state) ? "partial" : "full");
        exchange.setVariable("cancellationDone", state != null && state.path("cancellationCompleted").asBoolean(false));
        if (state != null && state.path("cancellationCompleted").asBoolean(false)) {
            LOG.info("Order {}: {} already carried out; nothing to do", orderKey, cancellation.path("reason").asText());
        }
    }

    /** A partial refund: reported and recorded on the order's status; the order goes on as it is. */
    public void partialRefund(Exchange exchange) {
        JsonNode cancellation = exchange.getVariable("cancellation", JsonNode.class);
        String orderKey = cancellation.path("orderKey").asText();
        String currency = cancellation.path("currency").asText();
        String refunded = refunded(cancellation);
        String total = total(cancellation, states.load(orderKey));
        meters.counter("orderflow.orders.refunds", "channel", channel(cancellation), "kind", "partial").increment();
        LOG.warn("Order {} partially refunded: {} {} of {} {}; nothing is cancelled, the order goes on (decide by hand"
                + " whether anything is to be held back: orderflow does not guess)", orderKey, refunded, currency, total, currency);
        ObjectNode status = mapper.createObjectNode().put("outcome", "partial-refund").put("refunded", refunded)
                .put("total", total).put("currency", currency);
        exchange.getMessage().setBody(status.toString());
        exchange.setVariable("statusOf", STATUS_OF);
        exchange.setVariable("statusId", "cancellation:partial-refund:" + orderKey + ":" + cancellation.path("refundedMinor").asLong());
        exchange.setVariable("statusDuplicateId", "cancellation:partial-refund:" + exchange.getVariable("deliveryId", String.class));
    }

    /**
     * Cancels the ERP order (none configured: nothing) and reads the free quantities of its SKUs back (variable
     * stockLevels, as the ERP stage's: every shop selling from the ERP's stock gets them), unless the ERP never had
     * the order.
     */
    public void cancelInErp(Exchange exchange) {
        exchange.setVariable("stockLevels", null);
        JsonNode cancellation = exchange.getVariable("cancellation", JsonNode.class);
        String orderKey = cancellation.path("orderKey").asText();
        if (!properties.getErp().isEnabled()) {
            LOG.info("Order {}: no ERP configured; no ERP order to cancel", orderKey);
            return;
        }
        String reference = cancellation.path("erpReference").asText("");
        if (reference.isBlank()) {
            throw new UnprocessableEventException("cancellation of " + orderKey + " without erpReference");
        }
        ErpClient.CancelResult result = erp.cancelOrder(reference);
        switch (result.outcome()) {
            case NOT_FOUND -> LOG.info("Order {}: no ERP order with reference {}; the ERP stage will not create one (the"
                    + " order is marked cancelled)", orderKey, reference);
            case LEFT_AS_DRAFT -> LOG.warn("Order {}: {}", orderKey, result.note());
            case ALREADY_CANCELLED -> LOG.info("Order {}: ERP order {} cancelled already", orderKey, result.id());
            case CANCELLED -> LOG.info("Order {}: ERP order {} cancelled, its reservation released", orderKey, result.id());
        }
        if (result.note() != null && result.outcome() != ErpClient.CancelOutcome.LEFT_AS_DRAFT) {
            LOG.warn("OPS ALERT: order {}: {}", orderKey, result.note());
        }
        if (result.outcome() != ErpClient.CancelOutcome.CANCELLED && result.outcome() != ErpClient.CancelOutcome.ALREADY_CANCELLED) {
            return;
        }
        List<String> skus = new ArrayList<>();
        cancellation.path("skus").forEach(s -> skus.add(s.asText()));
        if (skus.isEmpty()) {
            return;
        }
        Instant readAt = Instant.now();   // taken before the read: a later reading is newer
        Map<String, ErpClient.ErpProduct> products = erp.products(skus);
        ObjectNode stock = mapper.createObjectNode().put("source", OrderflowProperties.ERP_STOCK)
                .put("readAt", readAt.toString()).put("origin", "cancellation of order " + orderKey);
        ObjectNode levels = stock.putObject("available");
        products.forEach((sku, p) -> levels.put(sku, p.freeQuantity().max(BigDecimal.ZERO).stripTrailingZeros().toPlainString()));
        exchange.setVariable("stockLevels", stock.toString());
    }

    /**
     * Completes the cancellation: variable notificationBody (template cancelled or refunded; null without a customer),
     * the status event's body and variables (stage cancelled), and fulfilmentState marked cancellationCompleted.
     */
    public void completed(Exchange exchange) {
        JsonNode cancellation = exchange.getVariable("cancellation", JsonNode.class);
        String orderKey = cancellation.path("orderKey").asText();
        String reason = "refunded".equals(cancellation.path("reason").asText()) ? "refunded" : "cancelled";
        String stateJson = exchange.getVariable("fulfilmentState", String.class);
        ObjectNode state;
        try {
            state = stateJson != null ? (ObjectNode) mapper.readTree(stateJson) : states.load(orderKey);
        } catch (IOException e) {
            throw new IllegalStateException("fulfilment state of " + orderKey + " unreadable", e);
        }
        if (state == null) {
            state = mapper.createObjectNode().put("orderKey", orderKey).put("status", "cancelled")
                    .put("cancelledAt", Instant.now().toString()).put("cancelReason", reason);
        }
        state.put("cancellationCompleted", true);
        exchange.setVariable("fulfilmentState", state.toString());

        JsonNode customer = cancellation.path("customer");
        if (customer.isObject() && !customer.isEmpty()) {
            ObjectNode notification = mapper.createObjectNode().put("template", reason)
                    .put("orderKey", orderKey).put("channel", channel(cancellation))
                    .put("orderNumber", cancellation.path("orderNumber").asText(""))
                    .put("orderName", cancellation.path("orderName").asText(""))
                    .put("currency", cancellation.path("currency").asText(""));
            if (reason.equals("refunded")) {
                notification.put("refunded", refunded(cancellation));
            }
            notification.set("customer", customer);
            exchange.setVariable("notificationBody", notification.toString());
        } else {
            exchange.setVariable("notificationBody", null);
            LOG.info("Order {}: the cancellation names no customer; nobody to tell", orderKey);
        }
        if (reason.equals("refunded")) {
            meters.counter("orderflow.orders.refunds", "channel", channel(cancellation), "kind", "full").increment();
        }
        exchange.getMessage().setBody(mapper.createObjectNode().put("outcome", "cancelled").put("reason", reason).toString());
        exchange.setVariable("statusOf", STATUS_OF);
        exchange.setVariable("statusId", "cancellation:" + orderKey);
        exchange.setVariable("statusDuplicateId", "cancellation:" + exchange.getVariable("deliveryId", String.class));
        LOG.info("Order {} {} before it shipped: WMS, ERP, stock and customer done", orderKey, reason);
    }

    /**
     * First step of the ERP stage: a released order whose fulfilment state says cancelled (the cancellation came
     * first) is not created in the ERP; the release is acknowledged and nothing else happens.
     */
    public void stopIfCancelled(Exchange exchange) throws IOException {
        String orderKey = exchange.getMessage().getHeader("orderKey", String.class);
        if (orderKey == null || orderKey.isBlank()) {
            orderKey = mapper.readTree(exchange.getMessage().getBody(String.class)).path("orderKey").asText("");
        }
        if (orderKey.isBlank()) {
            return;
        }
        ObjectNode state = states.load(orderKey);
        if (state != null && "cancelled".equals(state.path("status").asText())) {
            LOG.info("Order {} was cancelled before the ERP stage got to it: no ERP order is created", orderKey);
            exchange.setRouteStop(true);
        }
    }

    /** Refunded less than the total (minor units; the total from the message, else the fulfilment state). */
    private static boolean isPartial(JsonNode cancellation, ObjectNode state) {
        if (!"refunded".equals(cancellation.path("reason").asText()) || !cancellation.path("refundedMinor").canConvertToLong()) {
            return false;
        }
        long refunded = cancellation.path("refundedMinor").asLong();
        String total = total(cancellation, state);
        String currency = cancellation.path("currency").asText("");
        if (refunded <= 0 || total.isBlank() || currency.isBlank()) {
            return false;
        }
        try {
            return refunded < Money.toMinor(total, currency);
        } catch (RuntimeException unknown) {
            return false;
        }
    }

    private static String total(JsonNode cancellation, ObjectNode state) {
        String total = cancellation.path("total").asText("");
        return !total.isBlank() || state == null ? total : state.path("total").asText("");
    }

    private static String refunded(JsonNode cancellation) {
        String refunded = cancellation.path("refunded").asText("");
        if (!refunded.isBlank()) {
            return refunded;
        }
        try {
            return Money.toDecimal(cancellation.path("refundedMinor").asLong(), cancellation.path("currency").asText());
        } catch (RuntimeException unknown) {
            return String.valueOf(cancellation.path("refundedMinor").asLong());
        }
    }

    private static String channel(JsonNode cancellation) {
        String channel = cancellation.path("channel").asText("");
        return channel.isBlank() ? OrderTimeline.channelOf(cancellation.path("orderKey").asText()) : channel;
    }
}
