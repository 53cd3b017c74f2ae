package io.orderflow.review;

/**
 * An accepted event that cannot be processed as it is (no mapping, unknown SKU, amount mismatch...). The
 * {@code stage-errors} route configuration parks it on orderflow.review with this message as the reason; retrying
 * would not help, so it is never redelivered.
 */
public class UnprocessableEventException extends RuntimeException {
    public UnprocessableEventException(String reason) {
        super(reason);
    }
}
