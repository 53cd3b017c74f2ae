package io.orderflow.gate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the gate decided about one event: the order's new state and every message to send, all in the event's
 * transaction (route payment-gate). Fields that are null send nothing.
 *
 * @param state        the new state (orderflow.gate.state)
 * @param outcome      the decision in one word (state's lastDecision, header orderflowGateDecision)
 * @param release      the order to put on orderflow.release
 * @param notification a request to tell the customer (orderflow.notify.requests)
 * @param review       park the event on orderflow.review with this reason
 * @param cancellation a cancellation after release for the later stages (orderflow.order.cancellations)
 * @param recheck      a re-check to schedule on the broker (orderflow.order.events, delivered at dueAt)
 * @param cancelInShop cancel the order in the shop (unpaid past the deadline)
 * @param why          in words, for the log
 */
public record GateDecision(GateState state, Outcome outcome, Release release, Notification notification, Review review,
        JsonNode cancellation, Recheck recheck, boolean cancelInShop, String why) {

    public enum Outcome {
        NONE("none"), RELEASE("release"), WAIT("wait"), FAILED("failed"), CANCEL_UNPAID("cancel-unpaid"),
        CANCELLED("cancelled"), CANCEL_AFTER_RELEASE("cancel-after-release"), REVIEW("review");

        public final String label;

        Outcome(String label) {
            this.label = label;
        }
    }

    /** Ops alerts (metric orderflow.gate.alerts, tag type). */
    public enum AlertKind {
        AMOUNT_MISMATCH("amount-mismatch"), CURRENCY_MISMATCH("currency-mismatch"),
        PAYMENT_ON_CANCELLED_ORDER("payment-on-cancelled-order");

        public final String tag;

        AlertKind(String tag) {
            this.tag = tag;
        }
    }

    /**
     * @param order      the latest order version
     * @param reason     header orderflowReleaseReason
     * @param paidAmount header orderflowPaidAmount (decimal string) when the gateway confirmed exactly the total,
     *                   else null
     */
    public record Release(JsonNode order, String reason, String paidAmount) {
    }

    /** @param id unique per request: the output's duplicate ID derives from it */
    public record Notification(String id, JsonNode request) {
        public String template() {
            return request.path("template").asText();
        }
    }

    /**
     * @param reason human-readable, header orderflowReason
     * @param alert  an ops alert to raise, or null
     * @param rule   the review rule that parked it (header orderflowReviewRule), or null
     */
    public record Review(String reason, AlertKind alert, String rule) {
    }

    /** @param dueAt epoch ms (scheduled delivery) */
    public record Recheck(long dueAt, JsonNode body) {
    }
}
