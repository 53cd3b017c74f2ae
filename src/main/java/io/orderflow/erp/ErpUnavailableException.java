package io.orderflow.erp;

/**
 * The ERP could not be reached or answered with a transient failure (connection refused, timeout, 5xx, 429).
 * The order stays on the broker: the transaction rolls back, the broker redelivers with back-off, and the ERP
 * stage's circuit breaker suspends consumption after repeated failures. Never parked on the dead-letter queue.
 */
public class ErpUnavailableException extends RuntimeException {
    public ErpUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public ErpUnavailableException(String message) {
        super(message);
    }
}
