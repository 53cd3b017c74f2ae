package io.orderflow.writeback;

/**
 * The shop (or the shop API needed to find the ERP reference) could not be reached, throttled or failed for a
 * transient reason during a write-back. The request stays on the broker: the transaction rolls back, the broker
 * redelivers with back-off, the write-back's circuit breaker suspends consumption after repeated failures, and it is
 * never dead-lettered (routes/error-handling.camel.yaml, onException writeback-target-unavailable).
 */
public class WritebackUnavailableException extends RuntimeException {
    public WritebackUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public WritebackUnavailableException(String message) {
        super(message);
    }
}
