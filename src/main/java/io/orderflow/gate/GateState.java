package io.orderflow.gate;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the payment gate remembers about one order, kept on the broker (last-value queue orderflow.gate.state keyed by
 * orderKey) and rewritten in the same transaction as the event that changed it. {@link GateDecider} works on a copy
 * and returns the new state in its {@link GateDecision}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GateState {

    public String orderKey;
    public String channel;
    /** When the gate first heard of the order (the unpaid deadline counts from here), epoch ms. */
    public long firstSeenAt;
    /** The latest version of the canonical order (by the shop's updatedAt), or null while only payments are known. */
    public JsonNode order;
    /** The shop's payment status, never moved backwards (precedence, see GateDecider). */
    public String shopPaymentStatus;
    public boolean cancelled;
    /** Gateway transactions by transactionId: each counted once, whatever the number of events about it. */
    public Map<String, Transaction> transactions = new LinkedHashMap<>();
    public boolean released;
    public Long releasedAt;
    public String releasedVersion;
    public String releasedFingerprint;
    public String releaseReason;
    public boolean cancellationSent;
    /** The customer was reminded of the unpaid deadline (unpaid-reminder): once per order. */
    public boolean unpaidReminderSent;
    /** The refunded amount (minor units) last reported as a partial refund after release (0: none). */
    public long refundReportedMinor;
    /** The one re-check waiting on the broker (epoch ms), or null. */
    public Long recheckDueAt;
    /** Final outcome for an order that will never be released: cancelled, cancelled-unpaid. */
    public String closed;
    public String lastDecision;
    /** Why the order was last parked on orderflow.review (until it is released), or null. */
    public String reviewReason;
    /** The review rule (orderflow.gate.review-rules) the order waits on for an operator's approval, or null. */
    public String reviewRule;
    /** When an operator approved the order (POST /admin/orders/{orderKey}/approve), epoch ms, or null. */
    public Long approvedAt;

    /** First sight of an order: the deadline counts from now. */
    public static GateState first(String orderKey, long now) {
        GateState state = new GateState();
        state.orderKey = orderKey;
        state.channel = orderKey.substring(0, orderKey.indexOf(':'));
        state.firstSeenAt = now;
        return state;
    }

    /** A copy the decider may change (order versions are JSON trees it never modifies, so they are shared). */
    public GateState copy() {
        GateState c = new GateState();
        c.orderKey = orderKey;
        c.channel = channel;
        c.firstSeenAt = firstSeenAt;
        c.order = order;
        c.shopPaymentStatus = shopPaymentStatus;
        c.cancelled = cancelled;
        transactions.forEach((id, t) -> c.transactions.put(id, t.copy()));
        c.released = released;
        c.releasedAt = releasedAt;
        c.releasedVersion = releasedVersion;
        c.releasedFingerprint = releasedFingerprint;
        c.releaseReason = releaseReason;
        c.cancellationSent = cancellationSent;
        c.unpaidReminderSent = unpaidReminderSent;
        c.refundReportedMinor = refundReportedMinor;
        c.recheckDueAt = recheckDueAt;
        c.closed = closed;
        c.lastDecision = lastDecision;
        c.reviewReason = reviewReason;
        c.reviewRule = reviewRule;
        c.approvedAt = approvedAt;
        return c;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Transaction {
        public String status;
        public long amountMinor;
        public long refundedMinor;
        public String currency;
        public String lastEventAt;
        public String failureCategory;

        Transaction copy() {
            Transaction c = new Transaction();
            c.status = status;
            c.amountMinor = amountMinor;
            c.refundedMinor = refundedMinor;
            c.currency = currency;
            c.lastEventAt = lastEventAt;
            c.failureCategory = failureCategory;
            return c;
        }
    }
}
