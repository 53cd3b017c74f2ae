package io.orderflow.shop;

import java.io.IOException;

/**
 * The shop's order API could not be reached, answered too late, throttled or failed with a 5xx while a stage needed it
 * (the payment gate's order fetch and re-check, the unpaid-order cancellation). Transient: the stage's transaction
 * rolls back and the broker redelivers with back-off; each attempt logs one WARN line without a stack trace
 * (routes/error-handling.camel.yaml, onException shop-api-unavailable); the last attempt parks the event on
 * orderflow.dead-letter with the reason, as for any other failure.
 */
public class ShopUnavailableException extends IOException {

    public ShopUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A transport or server failure of the shop API, named for the log (a ConnectException has no message). */
    static ShopUnavailableException of(ShopChannel channel, IOException cause) {
        if (cause instanceof ShopUnavailableException already) {
            return already;
        }
        String what = cause.getMessage() != null && !cause.getMessage().isBlank() ? cause.getMessage()
                : cause.getClass().getSimpleName();
        return new ShopUnavailableException("shop " + channel.id() + " API: " + what, cause);
    }
}
