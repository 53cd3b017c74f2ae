package io.orderflow.wms.erp;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderflow.review.UnprocessableEventException;
import io.orderflow.wms.WmsAdapter;

/**
 * orderflow.wms.kind erp: the ERP's own warehouse ships (docs/fulfilment.md, "The ERP's own warehouse"). The ERP made
 * the delivery (Odoo picking, ERPNext Sales Order to deliver, Tryton customer shipment) itself when the ERP stage
 * confirmed the sale order, so "creating the fulfilment order" calls nothing: the fulfilment order is the ERP's sales
 * order, named by its ERP reference. Shipments come back by polling ({@link ErpDeliveryPoller}), not by webhooks, and
 * a cancellation is the ERP order's own (the cancellation stage cancels it and its open deliveries).
 */
public class ErpWarehouse implements WmsAdapter {

    /** No request mapping: the fulfilment stage keeps the allocated order as it is. */
    @Override
    public String orderMapping() {
        return null;
    }

    @Override
    public String shipmentMapping() {
        return "erp-delivery-to-canonical.jsonata";
    }

    /** The ERP order is the fulfilment order: its ERP reference, there already. */
    @Override
    public FulfilmentOrder create(String orderKey, JsonNode allocated) {
        String reference = allocated.path("erpReference").asText("");
        if (reference.isBlank()) {
            throw new UnprocessableEventException("allocated order " + orderKey
                    + " has no erpReference: the ERP's deliveries of it could not be matched");
        }
        return new FulfilmentOrder(reference, true);
    }

    /** Nothing to do here: the cancellation stage's ERP cancel cancels the order's open deliveries with it. */
    @Override
    public void cancel(String orderKey, String wmsFulfilmentId, JsonNode request) {
    }

    @Override
    public String shipmentPayload(String body) {
        throw new UnprocessableEventException("the ERP's own warehouse sends no webhooks (orderflow.wms.kind erp)");
    }
}
