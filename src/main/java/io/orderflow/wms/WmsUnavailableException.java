package io.orderflow.wms;

/**
 * The WMS could not be reached or asked us to wait (transport failure, timeout, 5xx, 429): the fulfilment stage rolls
 * back, the broker redelivers with back-off, and the circuit breaker (routePolicy wmsCircuitBreaker) suspends the
 * stage after repeated failures. Never parked: routes/error-handling.camel.yaml (wms-unavailable) keeps it on the
 * broker.
 */
public class WmsUnavailableException extends RuntimeException {
    public WmsUnavailableException(String message) {
        super(message);
    }

    public WmsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
