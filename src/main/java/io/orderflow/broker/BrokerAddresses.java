package io.orderflow.broker;

import java.util.List;

/**
 * The queues orderflow owns. Routes in routes/ name them in their endpoint URIs; the broker creates them at start so
 * they are never auto-deleted (an auto-deleted address would take its duplicate-ID cache with it).
 */
public final class BrokerAddresses {

    /** Raw, verified shop webhooks, exactly as received (body bytes and the few headers that matter). */
    public static final String SHOP_INTAKE = "orderflow.intake.shop";
    /** Raw, verified payment gateway webhooks. */
    public static final String PAYMENT_INTAKE = "orderflow.intake.payment";
    /**
     * Everything that happens to an order, in canonical form, for the payment gate: shop order events, payment
     * events, and the gate's own scheduled re-checks. Grouped by orderKey (JMSXGroupID).
     */
    public static final String ORDER_EVENTS = "orderflow.order.events";
    /** The payment gate's memory: one message per order (last-value queue keyed by the orderKey property). */
    public static final String GATE_STATE = "orderflow.gate.state";
    /** Orders released by the payment gate, in their latest version: the ERP stage's input. */
    public static final String RELEASE = "orderflow.release";
    /** Orders confirmed in the ERP with their stock reserved: the fulfilment stage's input. */
    public static final String ALLOCATED = "orderflow.allocated";
    /**
     * The fulfilment stage's and tracking stage's memory: one message per order (last-value queue keyed by the
     * orderKey property, browsed, never consumed): the WMS fulfilment id, ordered and shipped lines, packages.
     */
    public static final String FULFILMENT_STATE = "orderflow.fulfilment.state";
    /** One event per order whose fulfilment order the WMS accepted (for the order status/timeline). */
    public static final String FULFILMENT_REQUESTED = "orderflow.fulfilment.requested";
    /** Raw, verified WMS webhooks (shipments, tracking updates). */
    public static final String WMS_INTAKE = "orderflow.intake.wms";
    /** Canonical shipment events (one per package and status change): the tracking stage's input. */
    public static final String SHIPMENT_EVENTS = "orderflow.shipment.events";
    /** New free quantities per SKU read from the ERP (after an order, or by the periodic stock sync), for every shop. */
    public static final String STOCK_LEVELS = "orderflow.stock.levels";
    /**
     * One pending stock push per shop and SKU: a last-value queue keyed by {@code _AMQ_LVQ_NAME} =
     * {@code <channel>:<sku>}, so a burst of levels for one SKU coalesces into the latest one.
     */
    public static final String STOCK_PUSH = "orderflow.stock.push";
    /**
     * The stock sync's memory: the latest ERP reading queued per shop and SKU ({@code stockKey} = {@code
     * level:<channel>:<sku>}) and the periodic sync's watermark ({@code stockKey} = {@code watermark:<source>}).
     * A last-value queue keyed by the stockKey property, browsed, never consumed.
     */
    public static final String STOCK_STATE = "orderflow.stock.state";
    /**
     * The reconciliation poll's memory: one watermark per shop channel ({@code reconcileKey} = {@code
     * watermark:<channel>}, the newest order change read from that shop). A last-value queue, browsed, never consumed.
     */
    public static final String RECONCILE_STATE = "orderflow.reconcile.state";
    /**
     * The ERP delivery poll's memory (orderflow.wms.kind erp, io.orderflow.wms.erp): its watermark ({@code deliveryKey}
     * = {@code watermark:<erp kind>}, the newest done delivery read) and, per order sent to the ERP's warehouse, which
     * order an ERP reference belongs to ({@code deliveryKey} = {@code reference:<erpReference>}, value the orderKey).
     * A last-value queue keyed by the deliveryKey property, browsed, never consumed.
     */
    public static final String ERP_DELIVERY_STATE = "orderflow.erp.delivery.state";
    /** Cancellations and refunds after release, for route order-cancellation (routes/cancellation.camel.yaml). */
    public static final String CANCELLATIONS = "orderflow.order.cancellations";
    /** Requests to tell a customer something (payment failed, order cancelled): the notify stage's input. */
    public static final String NOTIFICATIONS = "orderflow.notify.requests";
    /**
     * The notify stage's memory: one "sent" marker per notification and medium ({@code notificationKey} =
     * {@code <template>:<orderKey>[:<package>]:<email|sms>}), written when the provider accepted it. A last-value queue
     * keyed by the notificationKey property, browsed, never consumed (docs/notifications.md, "Exactly once").
     */
    public static final String NOTIFY_SENT = "orderflow.notify.sent";
    /**
     * One request per shipped package (from the tracking stage, grouped by orderKey): the write-back stage records it
     * in the shop and the ERP, once per package (docs/writeback.md).
     */
    public static final String WRITEBACK_REQUESTS = "orderflow.writeback.requests";
    /**
     * Status events of every order (received, released, allocated, parked, notification sent...), derived from the
     * stages' outputs, for the order-status stage. Grouped by orderKey.
     */
    public static final String STATUS_EVENTS = "orderflow.status.events";
    /**
     * Every order's current stage and timeline, on {@link #ORDER_STATUS_BUCKETS} last-value queues
     * {@code orderflow.order.status.00} .. {@code .31}, an order on the one its key hashes to (OrderStatusStore), keyed
     * by the orderKey property, browsed (GET /api/orders/...), never consumed; each message expires after the status
     * retention and is then discarded (the one address without an expiry address: derived data, docs/operations.md).
     */
    public static final String ORDER_STATUS = "orderflow.order.status";
    /** How many queues the order status is spread over (a lookup browses one of them). */
    public static final int ORDER_STATUS_BUCKETS = 32;
    /** Address settings match of the order status queues. */
    public static final String ORDER_STATUS_MATCH = ORDER_STATUS + ".#";

    /** The order status queues, orderflow.order.status.00 .. .31. */
    public static List<String> orderStatusQueues() {
        return java.util.stream.IntStream.range(0, ORDER_STATUS_BUCKETS)
                .mapToObj(i -> String.format("%s.%02d", ORDER_STATUS, i)).toList();
    }

    /** Accepted events that cannot be processed as they are: reason + original payload, replayable. */
    public static final String REVIEW = "orderflow.review";
    /**
     * Parked messages an operator discarded ({@code POST /api/admin/review/messages/{id}/discard}): the message as it
     * was parked, with who discarded it, when and why. Nothing is ever dropped silently; browsed, never consumed.
     */
    public static final String REVIEW_DISCARDED = "orderflow.review.discarded";
    /** Messages whose last delivery attempt failed (reason recorded by the consumer) and the broker's dead letters. */
    public static final String DEAD_LETTER = "orderflow.dead-letter";
    /**
     * Ops alerts waiting for the batched alert mail (review arrivals, shortages, accuracy mismatches, stuck orders;
     * io.orderflow.alerts): consumed by route ops-alerts-mail, one mail per run. Filled only while
     * orderflow.alerts.email is set.
     */
    public static final String OPS_ALERTS = "orderflow.ops.alerts";
    /**
     * The per-order state stores spread over {@link #STATE_BUCKETS} last-value queues each, {@code <store>.000} ..
     * {@code <store>.127} (a key on the one its CRC-32 picks, LastValueStore), so a lookup browses a 128th of the
     * orders kept (docs/performance.md, "State lookups"). Their messages expire (orderflow.state.retention) and are
     * then dropped: no expiry address (docs/architecture.md, "State stores"). The plain name is the single queue of
     * earlier versions, emptied into the buckets at start (LegacyStateMigration).
     */
    public static final List<String> EXPIRING_STATE = List.of(GATE_STATE, FULFILMENT_STATE, NOTIFY_SENT);
    /** How many queues each per-order state store is spread over. Fixed: a key's bucket must never move. */
    public static final int STATE_BUCKETS = 128;

    /** The bucket queues of a per-order state store ({@link #EXPIRING_STATE}): {@code <store>.000} .. {@code .127}. */
    public static List<String> stateQueues(String store) {
        return java.util.stream.IntStream.range(0, STATE_BUCKETS)
                .mapToObj(i -> String.format("%s.%03d", store, i)).toList();
    }

    /** The bucket queue of a key in a per-order state store (CRC-32 of the key modulo {@link #STATE_BUCKETS}). */
    public static String stateQueueOf(String store, String key) {
        return String.format("%s.%03d", store, LastValueStore.bucket(key, STATE_BUCKETS));
    }

    /** Address settings match of a state store's bucket queues (and of its old single queue). */
    public static String stateMatch(String store) {
        return store + ".#";
    }

    /** Messages whose time-to-live ran out. */
    public static final String EXPIRED = "orderflow.expired";

    public static final List<String> ALL = List.of(SHOP_INTAKE, PAYMENT_INTAKE, ORDER_EVENTS, GATE_STATE, RELEASE,
            ALLOCATED, FULFILMENT_STATE, FULFILMENT_REQUESTED, WMS_INTAKE, SHIPMENT_EVENTS, WRITEBACK_REQUESTS, STOCK_LEVELS, STOCK_PUSH, STOCK_STATE, RECONCILE_STATE, ERP_DELIVERY_STATE, CANCELLATIONS, NOTIFICATIONS, NOTIFY_SENT, STATUS_EVENTS, OPS_ALERTS, REVIEW,
            REVIEW_DISCARDED, DEAD_LETTER, EXPIRED);

    private BrokerAddresses() {
    }
}
