package io.orderflow.gate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event of an order, as the payment gate decides on it.
 *
 * @param kind       what it is (message header {@code orderflowEventKind})
 * @param orderKey   {@code <channel>:<shop order id>}
 * @param deliveryId the delivery it came in ({@code orderflowDeliveryId}): every output's duplicate ID derives from it
 * @param body       the canonical order, canonical payment, re-check or approval
 * @param shopOrder  the order as the shop API has it now, when the gate fetched it ({@link GateDecider#needsShopOrder});
 *                   null when not fetched or the shop does not know the order
 */
public record GateEvent(Kind kind, String orderKey, String deliveryId, JsonNode body, JsonNode shopOrder) {

    public enum Kind {
        /** A canonical shop order version (created, paid, updated, cancelled, deleted). */
        ORDER("order"),
        /** A canonical payment event from a gateway. */
        PAYMENT("payment"),
        /** The gate's own re-check, scheduled on the broker. */
        RECHECK("recheck"),
        /** An operator's approval (POST /admin/orders/{orderKey}/approve). */
        APPROVAL("approval");

        public final String header;

        Kind(String header) {
            this.header = header;
        }

        /** The kind named by an {@code orderflowEventKind} header, or null if unknown. */
        public static Kind of(String header) {
            for (Kind k : values()) {
                if (k.header.equals(header)) {
                    return k;
                }
            }
            return null;
        }
    }

    public GateEvent withShopOrder(JsonNode order) {
        return new GateEvent(kind, orderKey, deliveryId, body, order);
    }
}
