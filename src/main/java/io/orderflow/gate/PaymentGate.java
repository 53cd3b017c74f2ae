package io.orderflow.gate;

import java.io.IOException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.config.OrderflowProperties.MethodPolicy;
import io.orderflow.review.UnprocessableEventException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The payment gate's decisions (route {@code payment-gate}). For each event of an order (shop order version, payment,
 * scheduled re-check, order fetched from the shop API) it merges the event into the order's state and decides:
 * <ul>
 * <li><b>release</b> the latest order version, once, when payment is confirmed by the shop (paid; authorized if the
 * method's policy says so; unpaid methods released by policy), by the gateway (confirmed sum equals the total), or the
 * total is zero;</li>
 * <li><b>wait</b>: one re-check scheduled on the broker; after the unpaid deadline, review or cancel by policy;</li>
 * <li><b>failed</b> payment: a notification request, and wait (a later success still releases);</li>
 * <li><b>review</b> (throws {@link UnprocessableEventException}): amount or currency mismatch, payment for a cancelled
 * order, an edit after release; mismatches also raise an ops alert (metric orderflow.gate.alerts, ERROR log);</li>
 * <li><b>cancellation</b> event when an order is cancelled or refunded after release.</li>
 * </ul>
 * Results are exchange variables the route sends on: releaseBody, cancellationBody, notificationBody, recheckBody and
 * recheckAt, cancelInShop, stateBody. Amounts are compared in minor units with exact arithmetic.
 */
@Component("paymentGate")
public class PaymentGate {

    private static final Logger LOG = LoggerFactory.getLogger(PaymentGate.class);
    /** Shop payment status precedence: a status only moves to one of equal or higher rank. */
    private static final Map<String, Integer> SHOP_RANK = Map.of("pending", 0, "failed", 0, "authorized", 1,
            "partially_paid", 2, "paid", 3, "partially_refunded", 4, "refunded", 5, "voided", 5, "cancelled", 5);
    private static final Map<String, Integer> TRANSACTION_RANK = Map.of("processing", 0, "failed", 0, "canceled", 1,
            "succeeded", 2, "refunded", 3);

    private final GateStateStore store;
    private final ObjectMapper mapper;
    private final OrderflowProperties.Gate settings;
    private final MeterRegistry meters;
    private final Clock clock;

    @org.springframework.beans.factory.annotation.Autowired
    public PaymentGate(GateStateStore store, ObjectMapper mapper, OrderflowProperties properties, MeterRegistry meters) {
        this(store, mapper, properties, meters, Clock.systemUTC());
    }

    PaymentGate(GateStateStore store, ObjectMapper mapper, OrderflowProperties properties, MeterRegistry meters, Clock clock) {
        this.store = store;
        this.mapper = mapper;
        this.settings = properties.getGate();
        this.meters = meters;
        this.clock = clock;
    }

    /**
     * Step 1: load the state and merge the incoming event. Sets variable needsShopOrder when the order must be fetched
     * from the shop (a payment before its order, or a re-check).
     */
    public void merge(Exchange exchange) throws IOException {
        String orderKey = exchange.getMessage().getHeader("orderKey", String.class);
        String kind = exchange.getMessage().getHeader("orderflowEventKind", String.class);
        GateState state = store.load(orderKey);
        if (state == null) {
            state = new GateState();
            state.orderKey = orderKey;
            state.channel = orderKey.substring(0, orderKey.indexOf(':'));
            state.firstSeenAt = clock.millis();
        }
        exchange.setVariable("gateState", state);
        JsonNode event = mapper.readTree(exchange.getMessage().getBody(String.class));
        boolean needsShopOrder = false;
        switch (kind == null ? "" : kind) {
            case "order" -> mergeOrder(exchange, state, event);
            case "payment" -> {
                mergePayment(state, event);
                needsShopOrder = state.order == null && state.closed == null;
            }
            case "recheck" -> {
                long dueAt = event.path("dueAt").asLong();
                if (state.recheckDueAt != null && state.recheckDueAt == dueAt) {
                    state.recheckDueAt = null;
                    needsShopOrder = !state.released && state.closed == null;
                } else {
                    exchange.setVariable("staleRecheck", true);
                }
            }
            default -> throw new UnprocessableEventException("unknown event kind " + kind);
        }
        exchange.setVariable("needsShopOrder", needsShopOrder);
    }

    /** Step 2 (after the shop API enrichment): merge the order as the shop has it now; empty when the shop has none. */
    public void mergeShopOrder(Exchange exchange) throws IOException {
        String body = exchange.getVariable("shopOrder", String.class);
        if (body != null && !body.isBlank()) {
            mergeOrder(exchange, exchange.getVariable("gateState", GateState.class), mapper.readTree(body));
        }
    }

    /** Step 3: decide, and leave what to send in exchange variables. */
    public void decide(Exchange exchange) {
        GateState state = exchange.getVariable("gateState", GateState.class);
        String decision = Boolean.TRUE.equals(exchange.getVariable("staleRecheck")) ? "none" : decideFor(exchange, state);
        state.lastDecision = decision;
        exchange.getMessage().setHeader("orderflowGateDecision", decision);
        exchange.setVariable("stateBody", store.write(state));
        LOG.info("Payment gate: order {} -> {}", state.orderKey, decision);
    }

    private String decideFor(Exchange exchange, GateState state) {
        if (state.released) {
            return afterRelease(exchange, state);
        }
        if (state.closed != null) {
            if (confirmedNet(state) > 0) {
                throw review(state, "payment received for an order that is " + state.closed, true);
            }
            return "none";
        }
        if (state.order == null) {
            return waitOrDeadline(exchange, state, "the shop does not know this order yet");
        }
        String currency = state.order.path("currency").asText();
        if (state.cancelled) {
            long net = confirmedNet(state);
            state.closed = "cancelled";
            if (net > 0) {
                throw review(state, "order cancelled in the shop but " + Money.toDecimal(net, currency) + " " + currency
                        + " was paid: refund or reinstate it", true);
            }
            return "cancelled";
        }
        for (GateState.Transaction t : state.transactions.values()) {
            if (countsAsPaid(t) && !currency.equals(t.currency)) {
                throw review(state, "currency mismatch: order " + currency + ", payment " + t.currency, true);
            }
        }
        long total;
        try {
            total = Money.toMinor(state.order.path("totals").path("total").asText(), currency);
        } catch (RuntimeException e) {
            throw review(state, "order total " + state.order.path("totals").path("total").asText() + " " + currency
                    + " is not a valid amount", false);
        }
        long net = confirmedNet(state);
        if (net > total) {
            throw review(state, "amount mismatch: order total " + Money.toDecimal(total, currency) + " " + currency
                    + ", confirmed " + Money.toDecimal(net, currency) + " " + currency, true);
        }
        MethodPolicy policy = settings.policyFor(state.order.path("payment").path("method").asText(null));
        String shopStatus = state.shopPaymentStatus == null ? "pending" : state.shopPaymentStatus;
        String reason = null;
        if (total == 0) {
            reason = "zero total";
        } else if (net == total) {
            reason = "payment confirmed by the gateway (" + Money.toDecimal(net, currency) + " " + currency + ")";
            // The ERP stage compares the ERP order's total with this amount too (docs/erp.md, "The total check").
            exchange.getMessage().setHeader("orderflowPaidAmount", Money.toDecimal(net, currency));
        } else if (shopStatus.equals("paid")) {
            reason = "payment confirmed by the shop (paid)";
        } else if (shopStatus.equals("authorized") && policy.isAuthorizedCounts()) {
            reason = "payment authorized and the method's policy accepts authorizations";
        } else if (policy.isReleaseUnpaid()) {
            reason = "the payment method's policy releases unpaid orders";
        }
        if (reason != null) {
            return release(exchange, state, reason);
        }
        GateState.Transaction failed = latestFailure(exchange, state);
        if (failed != null) {
            exchange.setVariable("notificationBody", notification(state, "payment-failed", failed.failureCategory));
            exchange.setVariable("notificationId", "payment-failed:" + exchange.getMessage().getHeader("orderflowDeliveryId"));
            waitOrDeadline(exchange, state, "payment failed");
            return "failed";
        }
        return waitOrDeadline(exchange, state, net > 0 ? "partially paid" : "unpaid");
    }

    private String release(Exchange exchange, GateState state, String reason) {
        state.released = true;
        state.releasedAt = clock.millis();
        state.releasedVersion = state.order.path("updatedAt").asText();
        state.releasedFingerprint = fingerprint(state.order);
        state.releaseReason = reason;
        state.recheckDueAt = null;
        exchange.setVariable("releaseBody", state.order.toString());
        exchange.getMessage().setHeader("orderflowReleaseReason", reason);
        return "release";
    }

    private String afterRelease(Exchange exchange, GateState state) {
        boolean refunded = state.transactions.values().stream().anyMatch(t -> t.refundedMinor > 0);
        String shopStatus = state.shopPaymentStatus == null ? "" : state.shopPaymentStatus;
        boolean shopRefunded = shopStatus.equals("refunded") || shopStatus.equals("voided");
        if ((state.cancelled || refunded || shopRefunded) && !state.cancellationSent) {
            state.cancellationSent = true;
            ObjectNode cancellation = mapper.createObjectNode()
                    .put("orderKey", state.orderKey)
                    .put("erpReference", state.order.path("erpReference").asText())
                    .put("reason", state.cancelled ? "cancelled" : "refunded")
                    .put("refundedMinor", state.transactions.values().stream().mapToLong(t -> t.refundedMinor).sum())
                    .put("currency", state.order.path("currency").asText());
            exchange.setVariable("cancellationBody", cancellation.toString());
            return "cancel-after-release";
        }
        return "none";
    }

    private String waitOrDeadline(Exchange exchange, GateState state, String why) {
        long now = clock.millis();
        long deadline = state.firstSeenAt + settings.getUnpaidDeadline().toMillis();
        if (now >= deadline) {
            if (settings.getUnpaidAction() == OrderflowProperties.UnpaidAction.cancel && state.order != null) {
                state.closed = "cancelled-unpaid";
                state.recheckDueAt = null;
                exchange.setVariable("cancelInShop", true);
                exchange.setVariable("notificationBody", notification(state, "order-cancelled-unpaid", why));
                exchange.setVariable("notificationId", "order-cancelled-unpaid:" + state.orderKey);
                return "cancel-unpaid";
            }
            throw review(state, "still " + why + " after the unpaid deadline (" + settings.getUnpaidDeadline() + ")", false);
        }
        if (state.recheckDueAt == null) {
            long dueAt = Math.min(now + settings.getRecheckInterval().toMillis(), deadline);
            state.recheckDueAt = dueAt;
            exchange.setVariable("recheckAt", dueAt);
            exchange.setVariable("recheckBody", mapper.createObjectNode().put("kind", "recheck")
                    .put("orderKey", state.orderKey).put("dueAt", dueAt).toString());
        }
        return "wait";
    }

    private void mergeOrder(Exchange exchange, GateState state, JsonNode order) {
        String event = order.path("event").asText();
        if (event.equals("order.deleted")) {
            state.cancelled = true;
            return;
        }
        if (state.order != null && isOlder(order, state.order)) {
            LOG.info("Payment gate: order {} version {} is older than {}: ignored", state.orderKey,
                    order.path("updatedAt").asText(), state.order.path("updatedAt").asText());
            return;
        }
        if (state.released && !fingerprint(order).equals(state.releasedFingerprint)) {
            throw review(state, "order edited after release: released version " + state.releasedVersion + " "
                    + summary(state.order) + "; new version " + order.path("updatedAt").asText() + " " + summary(order), false);
        }
        String status = order.path("payment").path("status").asText("pending");
        if (state.shopPaymentStatus == null
                || SHOP_RANK.getOrDefault(status, 0) >= SHOP_RANK.getOrDefault(state.shopPaymentStatus, 0)) {
            state.shopPaymentStatus = status;
        }
        state.order = order;
        if (event.equals("order.cancelled") || status.equals("cancelled") || status.equals("voided")
                || !order.path("cancelledAt").isMissingNode() && !order.path("cancelledAt").isNull()
                || (!state.released && status.equals("refunded"))) {
            state.cancelled = true;
        }
    }

    private void mergePayment(GateState state, JsonNode payment) {
        String id = payment.path("transactionId").asText();
        GateState.Transaction t = state.transactions.computeIfAbsent(id, k -> new GateState.Transaction());
        String status = payment.path("status").asText();
        int newRank = TRANSACTION_RANK.getOrDefault(status, 0);
        int oldRank = t.status == null ? -1 : TRANSACTION_RANK.getOrDefault(t.status, 0);
        String at = payment.path("occurredAt").asText();
        if (newRank > oldRank || (newRank == oldRank && (t.lastEventAt == null || at.compareTo(t.lastEventAt) >= 0))) {
            t.status = status;
            t.lastEventAt = at;
            if (status.equals("failed")) {
                t.failureCategory = payment.path("failure").path("category").asText("payment_failed");
            }
        }
        t.currency = payment.path("currency").asText();
        if (status.equals("succeeded") || status.equals("refunded")) {
            t.amountMinor = Long.parseLong(payment.path("amountMinor").asText("0"));
        }
        t.refundedMinor = Math.max(t.refundedMinor, Long.parseLong(payment.path("refundedMinor").asText("0")));
    }

    private GateState.Transaction latestFailure(Exchange exchange, GateState state) {
        if (!"payment".equals(exchange.getMessage().getHeader("orderflowEventKind"))) {
            return null;
        }
        boolean anySucceeded = state.transactions.values().stream().anyMatch(this::countsAsPaid);
        return anySucceeded ? null : state.transactions.values().stream()
                .filter(t -> "failed".equals(t.status)).reduce((a, b) -> b).orElse(null);
    }

    private boolean countsAsPaid(GateState.Transaction t) {
        return "succeeded".equals(t.status) || "refunded".equals(t.status);
    }

    private long confirmedNet(GateState state) {
        return state.transactions.values().stream().filter(this::countsAsPaid)
                .mapToLong(t -> t.amountMinor - t.refundedMinor).sum();
    }

    private static boolean isOlder(JsonNode candidate, JsonNode current) {
        try {
            return OffsetDateTime.parse(candidate.path("updatedAt").asText())
                    .isBefore(OffsetDateTime.parse(current.path("updatedAt").asText()));
        } catch (RuntimeException unparsable) {
            return false;
        }
    }

    /** What the later stages act on: currency, total, lines and where it ships. A status change is not an edit. */
    private String fingerprint(JsonNode order) {
        Map<String, JsonNode> parts = new LinkedHashMap<>();
        for (String field : List.of("currency", "totals", "lines", "shippingAddress")) {
            parts.put(field, order.path(field));
        }
        return mapper.valueToTree(parts).toString();
    }

    private static String summary(JsonNode order) {
        StringBuilder lines = new StringBuilder();
        for (JsonNode line : order.path("lines")) {
            lines.append(lines.isEmpty() ? "" : ", ").append(line.path("quantity").asText()).append(" x ")
                    .append(line.path("sku").asText());
        }
        return "(total " + order.path("totals").path("total").asText() + " " + order.path("currency").asText()
                + "; " + lines + ")";
    }

    private String notification(GateState state, String template, String reasonCategory) {
        JsonNode order = state.order;
        ObjectNode n = mapper.createObjectNode()
                .put("template", template)
                .put("orderKey", state.orderKey)
                .put("channel", state.channel)
                .put("reasonCategory", reasonCategory);
        if (order != null) {
            n.put("orderNumber", order.path("orderNumber").asText()).put("orderName", order.path("orderName").asText());
            n.set("customer", order.path("customer"));
        }
        return n.toString();
    }

    private UnprocessableEventException review(GateState state, String reason, boolean alert) {
        if (alert) {
            meters.counter("orderflow.gate.alerts", "type", reason.startsWith("amount") ? "amount-mismatch"
                    : reason.startsWith("currency") ? "currency-mismatch" : "payment-on-cancelled-order").increment();
            LOG.error("OPS ALERT: order {} parked for review: {}", state.orderKey, reason);
        }
        return new UnprocessableEventException(reason);
    }
}
