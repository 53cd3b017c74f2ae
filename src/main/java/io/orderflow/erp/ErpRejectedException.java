package io.orderflow.erp;

import io.orderflow.review.UnprocessableEventException;

/**
 * The ERP refused the request for a business reason (Odoo UserError/ValidationError, ERPNext 417, bad
 * credentials): retrying would not help, so the order is parked for review with the ERP's own message.
 */
public class ErpRejectedException extends UnprocessableEventException {
    public ErpRejectedException(String message) {
        super(message);
    }
}
