package io.orderflow.intake;

/**
 * A webhook that is answered with a 4xx and changes nothing. The route configuration {@code webhook-intake-errors}
 * turns it into the HTTP status and a short JSON reason; no stack trace reaches the caller.
 */
public class WebhookRejectedException extends RuntimeException {

    private final int status;

    public WebhookRejectedException(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int getStatus() {
        return status;
    }

    /** The reason, safe to show to the sender (never contains payload data or secrets). */
    public String getReason() {
        return getMessage();
    }
}
