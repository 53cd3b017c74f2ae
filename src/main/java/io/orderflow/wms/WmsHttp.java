package io.orderflow.wms;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;

import io.orderflow.config.OrderflowProperties;
import io.orderflow.http.OutboundHttp;

/**
 * HTTP to the WMS through orderflow's one outbound stack ({@link OutboundHttp}): the request timeout
 * (orderflow.wms.timeout), max-requests-per-minute spread evenly, each call sent once. Transport failures,
 * timeouts, 5xx and 429 (which pauses the WMS's calls for its Retry-After / X-Rate-Limit-Reset) become
 * {@link WmsUnavailableException}. Requests (and their credentials) are never logged.
 */
public class WmsHttp {

    private final OutboundHttp http;
    private final URI base;
    private final java.time.Duration timeout;

    public WmsHttp(OrderflowProperties.Wms settings) {
        this.timeout = settings.getTimeout();
        this.base = URI.create(settings.getUrl().trim().replaceAll("/+$", "") + "/");
        this.http = OutboundHttp.perMinute("WMS " + settings.getId(), settings.getMaxRequestsPerMinute(),
                settings.getTimeout(), settings.getTimeout());
    }

    /** The WMS base URL with {@code path} (relative, without a leading slash) appended. */
    public URI resolve(String path) {
        return base.resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    public URI base() {
        return base;
    }

    public OutboundHttp outbound() {
        return http;
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = http.send(request);
        } catch (OutboundHttp.RetryLaterException e) {
            throw new WmsUnavailableException(e.getMessage(), e);
        } catch (HttpTimeoutException e) {
            throw new WmsUnavailableException("WMS did not answer within " + timeout, e);
        } catch (IOException e) {
            throw new WmsUnavailableException("WMS unreachable: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WmsUnavailableException("interrupted", e);
        }
        if (response.statusCode() >= 500) {
            throw new WmsUnavailableException("WMS answered HTTP " + response.statusCode());
        }
        return response;
    }

    /** A short, safe excerpt of a WMS answer for a review reason (no more than 300 characters). */
    public static String excerpt(String body) {
        if (body == null) {
            return "";
        }
        String oneLine = body.replaceAll("\\s+", " ").strip();
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
    }
}
