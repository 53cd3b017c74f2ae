package io.orderflow.erp;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;

import io.orderflow.config.OrderflowProperties;
import io.orderflow.http.OutboundHttp;

/**
 * HTTP to the ERP, through orderflow's one outbound stack ({@link OutboundHttp}): the request timeout
 * (orderflow.erp.timeout), the outbound rate limit (orderflow.erp.max-requests-per-second; a caller waits up to the
 * timeout for a permit), each call sent once. Transport failures, timeouts, 5xx and 429 (which also pauses the ERP's
 * calls for its Retry-After) become {@link ErpUnavailableException}: the ERP stage rolls back, the broker redelivers
 * with back-off, and the circuit breaker counts it.
 */
public class ErpHttp {

    private final OutboundHttp http;
    private final java.time.Duration timeout;
    /** "ERPNext at erp.example.com": who failed, for the one log line per attempt (never the path or credentials). */
    private final String system;

    private final io.micrometer.core.instrument.Counter requests;

    public ErpHttp(OrderflowProperties.Erp settings) {
        this(settings, null);
    }

    /** With {@code meters}: every request sent is counted in orderflow.erp.requests (tag erp = the kind). */
    public ErpHttp(OrderflowProperties.Erp settings, io.micrometer.core.instrument.MeterRegistry meters) {
        this.timeout = settings.getTimeout();
        this.system = describe(settings);
        this.http = new OutboundHttp("ERP", settings.getMaxRequestsPerSecond(), settings.getTimeout(), settings.getTimeout());
        this.requests = meters == null ? null
                : io.micrometer.core.instrument.Counter.builder("orderflow.erp.requests")
                        .description("Requests sent to the ERP").tag("erp", settings.getKind().name()).register(meters);
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        if (requests != null) {
            requests.increment();
        }
        HttpResponse<String> response;
        try {
            response = http.send(request);
        } catch (OutboundHttp.RetryLaterException e) {
            throw new ErpUnavailableException(system + ": " + e.getMessage(), e);
        } catch (HttpTimeoutException e) {
            throw new ErpUnavailableException(system + " did not answer within " + timeout, e);
        } catch (IOException e) {
            throw new ErpUnavailableException(system + " unreachable: " + cause(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ErpUnavailableException(system + ": interrupted", e);
        }
        if (response.statusCode() >= 500) {
            throw new ErpUnavailableException(system + " answered HTTP " + response.statusCode());
        }
        return response;
    }

    /** The innermost cause's message, or its kind when it has none (a refused connection has no message). */
    static String cause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (root instanceof java.net.UnknownHostException) {
            return "unknown host " + root.getMessage();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }

    private static String describe(OrderflowProperties.Erp settings) {
        String kind = switch (settings.getKind()) {
            case odoo -> "Odoo";
            case erpnext -> "ERPNext";
            case tryton -> "Tryton";
            case none -> "ERP";
        };
        try {
            String host = java.net.URI.create(settings.getUrl()).getHost();
            return host == null ? kind : kind + " at " + host;
        } catch (RuntimeException e) {
            return kind;
        }
    }
}
