package io.orderflow.gate;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.gate.GateDecision.AlertKind;
import io.orderflow.gate.GateDecision.Notification;
import io.orderflow.gate.GateDecision.Outcome;
import io.orderflow.gate.GateDecision.Recheck;
import io.orderflow.gate.GateDecision.Release;
import io.orderflow.gate.GateDecision.Review;

/**
 * The payment gate's decision table (docs/payment-gate.md, "Deciding") as one pure function: the order's state, one
 * event, the policy and the time in; the new state and what to send out. No I/O, no clock, no broker: route
 * payment-gate ({@link PaymentGate}) reads the state, calls {@link #decide}, and writes the state and sends the
 * decision's messages in the event's transaction. Amounts are compared in minor units with exact arithmetic.
 */
public final class GateDecider {

    /** Shop payment status precedence: a status only moves to one of equal or higher rank. */
    private static final Map<String, Integer> SHOP_RANK = Map.of("pending", 0, "failed", 0, "authorized", 1,
            "partially_paid", 2, "paid", 3, "partially_refunded", 4, "refunded", 5, "voided", 5, "cancelled", 5);
    private static final Map<String, Integer> TRANSACTION_RANK = Map.of("processing", 0, "failed", 0, "canceled", 1,
            "succeeded", 2, "refunded", 3);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** The unpaid deadline as the reminder names it (UTC, to the minute, e.g. "2026-12-01 10:00"). */
    private static final java.time.format.DateTimeFormatter PAY_BY = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private GateDecider() {
    }

    /**
     * Whether the gate must fetch the order from the shop API before deciding: a payment for an order it has not seen,
     * the re-check it is waiting for, or an approval (released as the shop has the order now, unless cancelled there).
     */
    public static boolean needsShopOrder(GateState state, GateEvent event) {
        boolean open = state == null || (!state.released && state.closed == null);
        return switch (event.kind()) {
            case ORDER -> false;
            case PAYMENT -> state == null || (state.order == null && state.closed == null);
            case RECHECK -> state != null && isDueRecheck(state, event) && open;
            case APPROVAL -> state != null && open;
        };
    }

    public static GateDecision decide(GateState current, GateEvent event, GatePolicy policy, Instant now) {
        GateState state = current == null ? GateState.first(event.orderKey(), now.toEpochMilli()) : current.copy();
        Decision d = new Decision(current, state, event, policy, now.toEpochMilli());
        String edit = null;
        switch (event.kind()) {
            case ORDER -> edit = mergeOrder(state, event.body());
            case PAYMENT -> mergePayment(state, event.body());
            case RECHECK -> {
                if (!isDueRecheck(state, event)) {
                    return d.done(Outcome.NONE, "a re-check that is no longer awaited");
                }
                state.recheckDueAt = null;
            }
            case APPROVAL -> {
            }
        }
        if (edit == null && event.shopOrder() != null) {
            edit = mergeOrder(state, event.shopOrder());
        }
        if (edit != null) {
            return d.review(edit, null, null);
        }
        return event.kind() == GateEvent.Kind.APPROVAL ? d.approve() : d.decide();
    }

    /** One decision being made: the rows of the table, in order. */
    private static final class Decision {
        /** The state before the event (null for a new order): what a parked event leaves, apart from the reason. */
        final GateState before;
        final GateState state;
        final GateEvent event;
        final GatePolicy policy;
        final long now;
        Release release;
        Notification notification;
        JsonNode cancellation;
        Recheck recheck;
        boolean cancelInShop;

        Decision(GateState before, GateState state, GateEvent event, GatePolicy policy, long now) {
            this.before = before;
            this.state = state;
            this.event = event;
            this.policy = policy;
            this.now = now;
        }

        GateDecision decide() {
            if (state.released) {
                return afterRelease();
            }
            if (state.closed != null) {
                if (confirmedNet(state) > 0) {
                    return review("payment received for an order that is " + state.closed, AlertKind.PAYMENT_ON_CANCELLED_ORDER, null);
                }
                return done(Outcome.NONE, "the order is " + state.closed);
            }
            if (state.order == null) {
                return waitOrDeadline("the shop does not know this order yet");
            }
            String currency = state.order.path("currency").asText();
            if (state.cancelled) {
                long net = confirmedNet(state);
                state.closed = "cancelled";
                if (net > 0) {
                    return review("order cancelled in the shop but " + Money.toDecimal(net, currency) + " " + currency
                            + " was paid: refund or reinstate it", AlertKind.PAYMENT_ON_CANCELLED_ORDER, null);
                }
                return done(Outcome.CANCELLED, "cancelled in the shop");
            }
            for (GateState.Transaction t : state.transactions.values()) {
                if (countsAsPaid(t) && !currency.equals(t.currency)) {
                    return review("currency mismatch: order " + currency + ", payment " + t.currency, AlertKind.CURRENCY_MISMATCH, null);
                }
            }
            Long total = total();
            if (total == null) {
                return review("order total " + state.order.path("totals").path("total").asText() + " " + currency
                        + " is not a valid amount", null, null);
            }
            long net = confirmedNet(state);
            if (net > total) {
                return review("amount mismatch: order total " + Money.toDecimal(total, currency) + " " + currency
                        + ", confirmed " + Money.toDecimal(net, currency) + " " + currency, AlertKind.AMOUNT_MISMATCH, null);
            }
            GatePolicy.MethodPolicy method = policy.policyFor(state.order.path("payment").path("method").asText(null));
            String shopStatus = state.shopPaymentStatus == null ? "pending" : state.shopPaymentStatus;
            String reason = null;
            if (total == 0) {
                reason = "zero total";
            } else if (net == total) {
                reason = "payment confirmed by the gateway (" + Money.toDecimal(net, currency) + " " + currency + ")";
            } else if (shopStatus.equals("paid")) {
                reason = "payment confirmed by the shop (paid)";
            } else if (shopStatus.equals("authorized") && method.authorizedCounts()) {
                reason = "payment authorized and the method's policy accepts authorizations";
            } else if (method.releaseUnpaid()) {
                reason = "the payment method's policy releases unpaid orders";
            }
            if (reason != null) {
                ReviewRule rule = state.approvedAt != null ? null
                        : policy.reviewRules().stream().filter(r -> r.matches(state.order)).findFirst().orElse(null);
                if (rule == null) {
                    return release(reason, total, net);
                }
                if (rule.name().equals(state.reviewRule)) {
                    return done(Outcome.NONE, "waiting for an operator's approval (review rule " + rule.name() + ")");
                }
                state.reviewRule = rule.name();
                state.recheckDueAt = null;
                return review("review rule " + rule.name() + ": " + reason + "; approve to release it", null, rule.name());
            }
            GateState.Transaction failed = latestFailure();
            if (failed != null) {
                notification = new Notification("payment-failed:" + event.deliveryId(),
                        notificationRequest("payment-failed", failed.failureCategory));
                GateDecision waiting = waitOrDeadline("payment failed");
                return waiting.outcome() == Outcome.WAIT ? done(Outcome.FAILED, "payment failed (" + failed.failureCategory + ")")
                        : waiting;
            }
            return waitOrDeadline(net > 0 ? "partially paid" : "unpaid");
        }

        /** An operator's approval: release once, whatever it was parked for, unless cancelled or already released. */
        GateDecision approve() {
            if (state.released) {
                return done(Outcome.NONE, "approval ignored: already released (" + state.releaseReason + ")");
            }
            if (state.closed != null || state.cancelled) {
                return done(Outcome.NONE, "approval ignored: the order is " + (state.closed != null ? state.closed : "cancelled")
                        + " in the shop; refund or reinstate it there");
            }
            if (state.order == null) {
                return done(Outcome.NONE, "approval ignored: the shop does not know this order");
            }
            Long total = total();
            state.approvedAt = now;
            String reason = "approved by an operator" + (state.reviewReason == null ? "" : " (parked: " + state.reviewReason + ")");
            return release(reason, total == null ? -1 : total, confirmedNet(state));
        }

        private GateDecision release(String reason, long total, long net) {
            state.released = true;
            state.releasedAt = now;
            state.releasedVersion = state.order.path("updatedAt").asText();
            state.releasedFingerprint = fingerprint(state.order);
            state.releaseReason = reason;
            state.recheckDueAt = null;
            state.reviewReason = null;
            state.reviewRule = null;
            String currency = state.order.path("currency").asText();
            // The ERP stage compares the ERP order's total with this amount too (docs/erp.md, "The total check").
            String paid = total > 0 && net == total ? Money.toDecimal(net, currency) : null;
            release = new Release(state.order, reason, paid);
            return done(Outcome.RELEASE, reason);
        }

        /**
         * After release: a cancellation in the shop or a full refund goes to the later stages once
         * (orderflow.order.cancellations, reason cancelled | refunded); a partial refund is reported there too, once
         * per new refunded amount, and never taken for a cancellation (the cancellation stage records it).
         */
        private GateDecision afterRelease() {
            long refundedMinor = state.transactions.values().stream().mapToLong(t -> t.refundedMinor).sum();
            String shopStatus = state.shopPaymentStatus == null ? "" : state.shopPaymentStatus;
            boolean shopRefunded = shopStatus.equals("refunded") || shopStatus.equals("voided");
            Long total = total();
            boolean fullyRefunded = shopRefunded || refundedMinor > 0 && (total == null || refundedMinor >= total);
            if ((state.cancelled || fullyRefunded) && !state.cancellationSent) {
                state.cancellationSent = true;
                state.refundReportedMinor = refundedMinor;
                cancellation = cancellationMessage(state.cancelled ? "cancelled" : "refunded", refundedMinor);
                return done(Outcome.CANCEL_AFTER_RELEASE, state.cancelled ? "cancelled after release" : "refunded after release");
            }
            if (!state.cancellationSent && refundedMinor > state.refundReportedMinor) {
                state.refundReportedMinor = refundedMinor;
                cancellation = cancellationMessage("refunded", refundedMinor);
                return done(Outcome.CANCEL_AFTER_RELEASE, "partially refunded after release");
            }
            return done(Outcome.NONE, "already released");
        }

        /**
         * The message for the cancellation stage: the order's key, ERP reference, reason, refunded amount and total
         * (the stage tells a partial refund from a full one), its SKUs (stock to read back) and what the customer's
         * notification needs.
         */
        private ObjectNode cancellationMessage(String reason, long refundedMinor) {
            String currency = state.order.path("currency").asText();
            ObjectNode message = JSON.objectNode()
                    .put("orderKey", state.orderKey)
                    .put("erpReference", state.order.path("erpReference").asText())
                    .put("reason", reason)
                    .put("refundedMinor", refundedMinor)
                    .put("currency", currency)
                    .put("channel", state.channel)
                    .put("orderNumber", state.order.path("orderNumber").asText())
                    .put("orderName", state.order.path("orderName").asText(""))
                    .put("total", state.order.path("totals").path("total").asText());
            try {
                message.put("refunded", Money.toDecimal(refundedMinor, currency));
            } catch (RuntimeException unknownCurrency) {
                message.putNull("refunded");
            }
            com.fasterxml.jackson.databind.node.ArrayNode skus = message.putArray("skus");
            java.util.Set<String> seen = new java.util.LinkedHashSet<>();
            for (JsonNode line : state.order.path("lines")) {
                String sku = line.path("sku").asText("");
                if (!sku.isBlank() && seen.add(sku)) {
                    skus.add(sku);
                }
            }
            message.set("customer", state.order.path("customer"));
            return message;
        }

        private GateDecision waitOrDeadline(String why) {
            long deadline = state.firstSeenAt + policy.unpaidDeadline().toMillis();
            // The unpaid reminder (D16r): once per order, from deadline minus unpaid-reminder-before on, for an order
            // the shop knows, with unpaid-action cancel; not in the same decision as a payment-failed notification
            // (the next re-check sends it).
            boolean remind = policy.remindsUnpaid() && state.order != null && !state.unpaidReminderSent;
            long remindAt = deadline - policy.unpaidReminderBefore().toMillis();
            if (now >= deadline) {
                if (policy.unpaidAction() == GatePolicy.UnpaidAction.CANCEL && state.order != null) {
                    state.closed = "cancelled-unpaid";
                    state.recheckDueAt = null;
                    cancelInShop = true;
                    notification = new Notification("order-cancelled-unpaid:" + state.orderKey,
                            notificationRequest("order-cancelled-unpaid", why));
                    return done(Outcome.CANCEL_UNPAID, "still " + why + " after the unpaid deadline: cancelled in the shop");
                }
                notification = null;
                return review("still " + why + " after the unpaid deadline (" + policy.unpaidDeadline() + ")", null, null);
            }
            if (remind && now >= remindAt && notification == null) {
                state.unpaidReminderSent = true;
                remind = false;
                ObjectNode request = notificationRequest("unpaid-reminder", why);
                Instant payBy = Instant.ofEpochMilli(deadline);
                request.put("payByAt", payBy.toString())
                        .put("payBy", PAY_BY.format(payBy.atOffset(java.time.ZoneOffset.UTC)) + " UTC");
                notification = new Notification("unpaid-reminder:" + state.orderKey, request);
            }
            if (state.recheckDueAt == null) {
                long dueAt = Math.min(now + policy.recheckInterval().toMillis(), deadline);
                if (remind && remindAt > now) {
                    dueAt = Math.min(dueAt, remindAt);   // a re-check at the reminder time
                }
                state.recheckDueAt = dueAt;
                recheck = new Recheck(dueAt, JSON.objectNode().put("kind", "recheck").put("orderKey", state.orderKey)
                        .put("dueAt", dueAt));
            }
            return done(Outcome.WAIT, why);
        }

        /**
         * Park the event. An event parked as a problem (mismatch, payment on a cancelled order, edit after release,
         * the deadline) is not merged: the state stays as before it, with the reason recorded, and a replay of the
         * event after the cause is fixed is decided afresh. An order held by a review rule was decided on: the event
         * is merged and the rule recorded, so the order's other events do not park it again.
         */
        GateDecision review(String reason, AlertKind alert, String rule) {
            GateState after = rule != null ? state
                    : before == null ? GateState.first(event.orderKey(), now) : before.copy();
            after.reviewReason = reason;
            after.lastDecision = Outcome.REVIEW.label;
            return new GateDecision(after, Outcome.REVIEW, null, null, new Review(reason, alert, rule), null, null, false, reason);
        }

        GateDecision done(Outcome outcome, String why) {
            state.lastDecision = outcome.label;
            return new GateDecision(state, outcome, release, notification, null, cancellation, recheck, cancelInShop, why);
        }

        private Long total() {
            try {
                return Money.toMinor(state.order.path("totals").path("total").asText(), state.order.path("currency").asText());
            } catch (RuntimeException e) {
                return null;
            }
        }

        private GateState.Transaction latestFailure() {
            if (event.kind() != GateEvent.Kind.PAYMENT) {
                return null;
            }
            boolean anySucceeded = state.transactions.values().stream().anyMatch(GateDecider::countsAsPaid);
            return anySucceeded ? null : state.transactions.values().stream()
                    .filter(t -> "failed".equals(t.status)).reduce((a, b) -> b).orElse(null);
        }

        private ObjectNode notificationRequest(String template, String reasonCategory) {
            JsonNode order = state.order;
            ObjectNode n = JSON.objectNode()
                    .put("template", template)
                    .put("orderKey", state.orderKey)
                    .put("channel", state.channel)
                    .put("reasonCategory", reasonCategory);
            if (order != null) {
                n.put("orderNumber", order.path("orderNumber").asText()).put("orderName", order.path("orderName").asText());
                n.set("customer", order.path("customer"));
                // The order's country: the notify stage reads a national phone number in it (E.164 for SMS).
                String country = io.orderflow.notify.PhoneNumbers.regionOf(order);
                if (country != null) {
                    n.put("country", country);
                }
            }
            return n;
        }
    }

    private static boolean isDueRecheck(GateState state, GateEvent event) {
        return state.recheckDueAt != null && state.recheckDueAt == event.body().path("dueAt").asLong();
    }

    /** Merges an order version; returns the review reason if it is an edit after release. */
    private static String mergeOrder(GateState state, JsonNode order) {
        String event = order.path("event").asText();
        if (event.equals("order.deleted")) {
            state.cancelled = true;
            return null;
        }
        if (state.order != null && isOlder(order, state.order)) {
            return null;
        }
        if (state.released && !fingerprint(order).equals(state.releasedFingerprint)) {
            return "order edited after release: released version " + state.releasedVersion + " "
                    + summary(state.order) + "; new version " + order.path("updatedAt").asText() + " " + summary(order);
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
        return null;
    }

    private static void mergePayment(GateState state, JsonNode payment) {
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

    private static boolean countsAsPaid(GateState.Transaction t) {
        return "succeeded".equals(t.status) || "refunded".equals(t.status);
    }

    static long confirmedNet(GateState state) {
        return state.transactions.values().stream().filter(GateDecider::countsAsPaid)
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

    /**
     * What the later stages act on: currency, total, lines and where it ships. A status change is not an edit.
     * Lines count by what they were when fingerprints were first recorded (id, SKU, name, quantity, unit price):
     * fields added to the canonical line later (discounts, taxes, net amounts) must not turn the first update of an
     * order released before the upgrade into an "edit"; a change in them changes the totals anyway.
     */
    static String fingerprint(JsonNode order) {
        ObjectNode parts = JSON.objectNode();
        for (String field : List.of("currency", "totals", "lines", "shippingAddress")) {
            JsonNode value = order.path(field);
            parts.set(field, value.isMissingNode() ? NullNode.getInstance()
                    : field.equals("lines") && value.isArray() ? lineIdentities(value) : value);
        }
        return parts.toString();
    }

    private static final List<String> LINE_IDENTITY = List.of("lineId", "sku", "name", "quantity", "unitPrice");

    private static JsonNode lineIdentities(JsonNode lines) {
        var identities = JSON.arrayNode();
        for (JsonNode line : lines) {
            ObjectNode identity = identities.addObject();
            for (String field : LINE_IDENTITY) {
                if (line.has(field)) {
                    identity.set(field, line.get(field));
                }
            }
        }
        return identities;
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
}
