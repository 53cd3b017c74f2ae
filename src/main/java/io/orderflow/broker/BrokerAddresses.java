package io.orderflow.broker;

import java.util.List;

/**
 * The queues orderflow owns. Routes in routes/ name them in their endpoint URIs; the broker creates them at start so
 * they are never auto-deleted (an auto-deleted address would take its duplicate-ID cache with it).
 */
public final class BrokerAddresses {

    /** Raw, verified shop webhooks, exactly as received (body bytes and the few headers that matter). */
    public static final String SHOP_INTAKE = "orderflow.intake.shop";
    /** Canonical order events produced by the normalise stage. */
    public static final String ORDER_EVENTS = "orderflow.order.events";
    /** Accepted events that cannot be processed as they are: reason + original payload, replayable. */
    public static final String REVIEW = "orderflow.review";
    /** Messages whose last delivery attempt failed (reason recorded by the consumer) and the broker's dead letters. */
    public static final String DEAD_LETTER = "orderflow.dead-letter";
    /** Messages whose time-to-live ran out. */
    public static final String EXPIRED = "orderflow.expired";

    public static final List<String> ALL = List.of(SHOP_INTAKE, ORDER_EVENTS, REVIEW, DEAD_LETTER, EXPIRED);

    private BrokerAddresses() {
    }
}
