package io.orderflow.gate;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the payment gate remembers about one order, kept on the broker (last-value queue orderflow.gate.state keyed by
 * orderKey) and rewritten in the same transaction as the event that changed it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GateState {

    public String orderKey;
    public String channel;
    /** When the gate first heard of the order (the unpaid deadline counts from here), epoch ms. */
    public long firstSeenAt;
    /** The latest version of the canonical order (by the shop's updatedAt), or null while only payments are known. */
    public JsonNode order;
    /** The shop's payment status, never moved backwards (precedence, see PaymentGate). */
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
    /** The one re-check waiting on the broker (epoch ms), or null. */
    public Long recheckDueAt;
    /** Final outcome for an order that will never be released: cancelled, cancelled-unpaid. */
    public String closed;
    public String lastDecision;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Transaction {
        public String status;
        public long amountMinor;
        public long refundedMinor;
        public String currency;
        public String lastEventAt;
        public String failureCategory;
    }
}
