package io.orderflow.shop;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderflow.intake.HmacSignatures;

/**
 * Everything orderflow knows about one kind of shop (one e-commerce platform). A channel's configured
 * {@code type} names its platform; {@link ShopPlatforms} finds the platform bean of that name, and a channel whose
 * type has no platform refuses start-up.
 *
 * <p>A platform lives in its own package ({@code io.orderflow.shop.<name>}) as one Spring bean implementing this
 * interface, with one mapping beside it in {@code mappings/}: {@code <name>-order-to-canonical.jsonata} (with golden
 * examples), which turns its order webhooks and the orders its {@link #fetchOrder} returns into the canonical
 * order. Nothing else in orderflow names a platform: intake, normalise, payment gate and stock sync call these
 * methods and pick the mapping by the name.
 *
 * <p>Groups of methods:
 * <ul>
 * <li>webhooks (intake, before anything is enqueued): {@link #signatureHeader}, {@link #signatureMatches} over the
 * raw bytes, {@link #isPing}, {@link #topicHeader}, {@link #topicKind}, {@link #deliveryId};</li>
 * <li>the order API (payment gate): {@link #fetchOrder} (the order as it is now), {@link #cancelOrder};</li>
 * <li>reconciliation (the poll that finds orders whose webhook never arrived): {@link #supportsReconciliation},
 * {@link #ordersChangedSince};</li>
 * <li>stock (stock sync): {@link #setStock}, an absolute quantity per SKU;</li>
 * <li>fulfilment and tracking write-back (route {@code writeback}): {@link #supportsFulfilment},
 * {@link #writeFulfilment}, once per package; their defaults say the platform has none (a write-back request for
 * such a channel is parked for review).</li>
 * </ul>
 * Failures follow orderflow's rules: a shop that is down or throttles throws {@link IOException} (the broker
 * redelivers later); a shop that refuses orderflow's credentials or an order that cannot be handled throws
 * {@link io.orderflow.review.UnprocessableEventException} (parked for review with the reason). Secrets are
 * never part of an exception message or a log line.
 */
public interface ShopPlatform {

    /** The platform's name: the channel {@code type}, the bean's name and the prefix of its mapping file. */
    String name();

    // ---------------------------------------------------------------------------------------------------- webhooks

    /** The request header carrying the webhook's signature. */
    String signatureHeader();

    /**
     * True when {@code signature} (the value of {@link #signatureHeader}) signs {@code rawBody} under one of the
     * channel's secrets (one, or two during a rotation). Called before the body is parsed. Default: base64
     * HMAC-SHA256 of the raw bytes, every secret tried, constant-time comparison.
     */
    default boolean signatureMatches(byte[] rawBody, String signature, List<String> secrets) {
        return HmacSignatures.matchesBase64(rawBody, signature, secrets);
    }

    /**
     * An unsigned request the platform sends when a webhook subscription is created and that must be answered 200
     * without being enqueued. Only asked when the request has no signature. Default: the platform sends none.
     */
    default boolean isPing(WebhookRequest request) {
        return false;
    }

    /** The request header naming the webhook's topic (the event type). */
    String topicHeader();

    /** What a topic means to orderflow. */
    enum TopicKind {
        /** A version of an order (created, paid, updated, cancelled, deleted...): enqueued and normalised. */
        ORDER_EVENT,
        /** Answered 200 "ignored" and counted, never enqueued. */
        IGNORED
    }

    TopicKind topicKind(String topic);

    /**
     * The delivery's identity, used as the broker's duplicate ID: the same delivery repeated (the shop's retries)
     * must give the same value, different events different values. It starts with the platform's name and the
     * channel id, e.g. {@code <name>:<channel>:<the sender's delivery or event id>}; when the request names no
     * delivery, {@link WebhookRequest#bodySha256()} stands in.
     */
    String deliveryId(WebhookRequest request, String channelId, String topic);

    // --------------------------------------------------------------------------------------------------- order API

    /**
     * The order as the shop has it now, in the shape this platform's order webhooks carry (so the platform's one
     * mapping maps it), or empty when the shop does not know the order.
     */
    Optional<JsonNode> fetchOrder(ShopChannel channel, String orderId) throws IOException, InterruptedException;

    /** The topic under which a fetched order is handed to the mapping (the platform's "order updated"). */
    String fetchedOrderTopic();

    /**
     * Cancels the order in the shop (unpaid past the payment deadline). Restocks its items and leaves telling the
     * customer to orderflow (the shop sends no e-mail of its own).
     */
    void cancelOrder(ShopChannel channel, String orderId) throws IOException, InterruptedException;

    // -------------------------------------------------------------------------------------------- reconciliation

    /**
     * One order the shop lists as created or changed: its shop id, the shop's own time of that version (its
     * "modified"/"updated" timestamp, part of the broker duplicate id: an unchanged order polled again is stored
     * once) as an instant, and the order in the shape this platform's order webhooks carry.
     */
    record ChangedOrder(String id, java.time.Instant modifiedAt, JsonNode order) {
    }

    /** One page of {@link #ordersChangedSince}: the orders, oldest change first, and the next page (null: the last). */
    record ChangedOrdersPage(List<ChangedOrder> orders, String nextPage) {
    }

    /**
     * Whether the reconciliation poll (io.orderflow.reconcile, docs/reliability.md "Lost webhooks") can ask this
     * shop for changed orders. Default: no (the poll skips the channel and says so once at start).
     */
    default boolean supportsReconciliation() {
        return false;
    }

    /**
     * One page of the orders created or changed after {@code since}, oldest change first, in the webhook shape.
     * {@code page} is null for the first page, else the previous page's {@link ChangedOrdersPage#nextPage}. A shop
     * that is down or throttles throws IOException (the poll tries again next run); refused credentials throw
     * {@link io.orderflow.review.UnprocessableEventException}.
     */
    default ChangedOrdersPage ordersChangedSince(ShopChannel channel, java.time.Instant since, String page)
            throws IOException, InterruptedException {
        throw new UnsupportedOperationException("shop platform " + name() + " has no order listing for reconciliation");
    }

    // ------------------------------------------------------------------------------------------------------- stock

    /**
     * Sets the shop's stock of {@code sku} to {@code quantity} (absolute, so a repeat changes nothing).
     *
     * @return true when set; false when the shop does not sell that SKU or refused the value (the platform logs why)
     */
    boolean setStock(ShopChannel channel, String sku, long quantity) throws IOException, InterruptedException;

    // ------------------------------------------------------------------------------ fulfilment and tracking write-back

    /**
     * One shipped package of an order (the write-back stage's request, docs/writeback.md): which lines, how many of
     * each, how to follow it, and whether the order is complete with it (every line shipped).
     *
     * @param orderId        the shop's order id (the part of the orderKey after the channel)
     * @param packageId      the package's id at the warehouse (unique per order)
     * @param lines          the lines in this package (never empty)
     * @param carrier        the carrier's name as the shop should show it (may be null)
     * @param service        the carrier's service level (may be null)
     * @param trackingNumber the carrier's tracking number: the key of "once per package" at the shop
     * @param trackingUrl    a link to follow the parcel (may be null)
     * @param orderComplete  true when this package completes the order
     */
    record Shipment(String orderId, String packageId, List<ShippedLine> lines, String carrier, String service,
            String trackingNumber, String trackingUrl, boolean orderComplete) {
    }

    /**
     * A line of a package: the shop's line id (Shopify line item id, WooCommerce line item id; may be null), the SKU
     * (may be null when the line id is given) and the whole quantity shipped in this package.
     */
    record ShippedLine(String lineId, String sku, long quantity) {
    }

    /**
     * What the shop has for a package after {@link #writeFulfilment}: the shop's id of what records it (Shopify
     * fulfillment gid, WooCommerce note id) and whether it was there already (a redelivery: nothing written).
     */
    record ShopFulfilment(String id, boolean alreadyThere) {
    }

    /** Whether this platform writes fulfilments and tracking back to the shop. Default: no. */
    default boolean supportsFulfilment() {
        return false;
    }

    /**
     * Records the package in the shop with its tracking, <b>once per package</b>: the platform first looks for
     * what an earlier delivery of the same package wrote (by its tracking number) and writes nothing when it is
     * there. The shop does not e-mail the customer (orderflow's notify stage does). A shop that is down or throttles
     * throws IOException; a package the shop cannot take (unknown line, more than is open, no open fulfilment)
     * throws {@link io.orderflow.review.UnprocessableEventException} with a readable reason.
     */
    default ShopFulfilment writeFulfilment(ShopChannel channel, Shipment shipment) throws IOException, InterruptedException {
        throw new UnsupportedOperationException("shop platform " + name() + " has no fulfilment write-back");
    }
}
