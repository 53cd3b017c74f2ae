package io.orderflow.erp;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the ERP stage needs from an ERP. One implementation per ERP holds its protocol (sessions, envelopes, error
 * decoding); request bodies that are data come from the mappings in mappings/.
 * Every method may throw {@link ErpUnavailableException} (retry later) or {@link ErpRejectedException} (review).
 */
public interface ErpClient {

    /** The sales order carrying this external reference, if the ERP has one. */
    Optional<ErpOrder> findOrder(String reference);

    /** The customer with the order's e-mail, created (with its addresses) if missing. Returns the ERP's id. */
    String findOrCreateCustomer(JsonNode order);

    /** The ERP products for these SKUs (only those found), with the quantity free to reserve. */
    Map<String, ErpProduct> products(Collection<String> skus);

    /**
     * Creates the sales order (not yet confirmed) with the order's ERP reference: product lines, discounts, shipping
     * charges and taxes as {@code amounts} says, so the ERP's total is what the customer paid.
     */
    ErpOrder createOrder(JsonNode order, OrderAmounts amounts, Charges charges, String customerId,
            Map<String, ErpProduct> products);

    /** The order's total as the ERP computed it (taxes included), read back from the ERP. */
    BigDecimal orderTotal(ErpOrder order);

    /** Confirms the order and reserves its stock; a no-op for what is already done. */
    void confirmAndReserve(ErpOrder order);

    record ErpProduct(String id, String sku, BigDecimal freeQuantity) {
    }

    record ErpOrder(String id, String name, boolean confirmed) {
    }

    /**
     * Where an order's charges go in the ERP, for the order's channel: the shipping and discount products (Odoo
     * default_code, Tryton code) and the shipping account (ERPNext). Null when not configured.
     */
    record Charges(String shippingProduct, String discountProduct, String shippingAccount) {
    }

    /**
     * The free quantities (as {@link #products} reads them) of every SKU whose stock changed in the ERP since the
     * watermark, asked from {@code overlap} before it so that a change committed late is not missed. The watermark is
     * the ERP's own clock (the newest change time it reported, in the ERP's format), opaque to the caller; null asks
     * for every product with a SKU (a full pass). The answer carries the watermark for the next call (the one given
     * if nothing changed).
     */
    StockChanges stockChangedSince(String watermark, java.time.Duration overlap);

    record StockChanges(Map<String, BigDecimal> free, String watermark) {
    }

    /**
     * Records one shipped package on the sales order carrying this ERP reference: the shipped quantities delivered
     * (the rest stays open as a backorder), the tracking number on the ERP's delivery document, <b>once per
     * package</b>: a delivery that carries the package's tracking number already means an earlier delivery of the
     * request wrote it, and nothing is written again (docs/erp.md, "Shipment write-back").
     *
     * @throws ErpRejectedException when the ERP has no such confirmed order, a SKU is not on its open delivery or
     *                              the package ships more than is open (review, with the reason)
     */
    DeliveryResult deliver(String reference, Delivery delivery);

    /** A shipped package: its id, the carrier's tracking number (the once-per-package key) and the lines in it. */
    record Delivery(String packageId, String trackingNumber, String carrier, java.util.List<DeliveredLine> lines) {
    }

    /** A SKU and the quantity of it in the package. */
    record DeliveredLine(String sku, BigDecimal quantity) {
    }

    /** The ERP's delivery document (picking, Delivery Note, shipment) and whether it was there already. */
    record DeliveryResult(String id, boolean alreadyThere) {
    }

    /**
     * The outgoing deliveries the ERP's own warehouse marked done at or after the watermark minus {@code overlap}
     * (orderflow.wms.kind erp, docs/fulfilment.md "The ERP's own warehouse"): Odoo outgoing {@code stock.picking}s
     * ({@code date_done}), ERPNext submitted {@code Delivery Note}s ({@code modified}), Tryton done
     * {@code stock.shipment.out}s ({@code write_date}), oldest first, each with the ERP reference of its sales order
     * (null when it has none: not an order orderflow created), its tracking number and its shipped lines. The
     * watermark is the ERP's own clock in its format (as {@link #stockChangedSince}); never null here. The answer
     * carries the watermark for the next call (the one given when nothing was done since).
     */
    DoneDeliveries deliveriesDoneSince(String watermark, java.time.Duration overlap);

    record DoneDeliveries(java.util.List<DoneDelivery> deliveries, String watermark) {
    }

    /**
     * One done delivery: the ERP's id and name of the document, the ERP reference of its sales order, when it was
     * done (ISO-8601 instant, the ERP's time read as UTC), carrier and tracking number (null when the ERP has none)
     * and the shipped lines (SKU, quantity above 0).
     */
    record DoneDelivery(String id, String name, String erpReference, String doneAt, String carrier, String trackingNumber,
            java.util.List<DeliveredLine> lines) {
    }

    /**
     * Cancels the sales order carrying this ERP reference and releases its reservation (docs/erp.md, "Cancelling an
     * order"). Idempotent: an order cancelled already answers {@link CancelOutcome#ALREADY_CANCELLED}, an order the
     * ERP does not have {@link CancelOutcome#NOT_FOUND} (nothing to cancel).
     *
     * @throws ErpRejectedException when the ERP refuses: something of the order has been delivered (the return case)
     *                              or the order is locked/closed
     */
    CancelResult cancelOrder(String reference);

    /** What a cancellation did in the ERP; {@code note}: what is left for a person, if anything (else null). */
    record CancelResult(String id, CancelOutcome outcome, String note) {
    }

    /** LEFT_AS_DRAFT: the ERP has only a draft order, which reserves nothing (ERPNext cannot cancel a draft). */
    enum CancelOutcome { CANCELLED, ALREADY_CANCELLED, NOT_FOUND, LEFT_AS_DRAFT }
}
