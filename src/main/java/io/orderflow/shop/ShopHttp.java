package io.orderflow.shop;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.orderflow.http.OutboundHttp;
import io.orderflow.review.UnprocessableEventException;
import org.springframework.stereotype.Component;

/**
 * The HTTP client every shop platform calls its shop with: one {@link OutboundHttp} per channel (the one outbound
 * stack orderflow has for shops and ERPs), so every call to a shop, order API and stock alike, is within the shop's
 * rate limit (channels.&lt;id&gt;.api.max-requests-per-second; a permit is waited for at most 30 s), has a request
 * timeout (channels.&lt;id&gt;.api.timeout, default 20 s) and is sent once. A 429 pauses the channel for its Retry-After and fails the call
 * ({@link OutboundHttp.RetryLaterException}, an IOException): the consumer's transaction rolls back and the broker
 * redelivers with its back-off; the redelivered call waits out what remains of the pause. Nothing here retries or
 * sleeps in a loop.
 * <ul>
 * <li>{@link #sendPaced}: any answer of 400 or more is an IOException (stock pushes);</li>
 * <li>{@link #send}: the answer is returned for the platform to judge ({@link #checkOrderApiAnswer}; order API calls
 * inside the payment gate's transaction).</li>
 * </ul>
 * The platform sets its own authentication headers on the request; they are never logged.
 */
@Component
public class ShopHttp {

    /** When the channel's api.timeout is not set. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration MAX_PERMIT_WAIT = Duration.ofSeconds(30);

    private final Map<String, OutboundHttp> shops = new ConcurrentHashMap<>();

    /** The channel's outbound stack (its rate limit and any pause the shop asked for). */
    public OutboundHttp of(ShopChannel channel) {
        return shops.computeIfAbsent(channel.id(), id -> new OutboundHttp("shop " + id,
                channel.api().getMaxRequestsPerSecond(),
                channel.api().getTimeout() != null ? channel.api().getTimeout() : REQUEST_TIMEOUT, MAX_PERMIT_WAIT));
    }

    /** Within the shop's rate limit; 429 = {@link OutboundHttp.RetryLaterException}; other answers returned. */
    public HttpResponse<String> send(ShopChannel channel, HttpRequest.Builder request) throws IOException, InterruptedException {
        return of(channel).send(request);
    }

    /** Within the shop's rate limit; 429 = {@link OutboundHttp.RetryLaterException}; 400 or more = IOException. */
    public HttpResponse<String> sendPaced(ShopChannel channel, HttpRequest.Builder request)
            throws IOException, InterruptedException {
        HttpResponse<String> response = send(channel, request);
        if (response.statusCode() >= 400) {
            throw new IOException("shop " + channel.id() + " answered HTTP " + response.statusCode() + " to "
                    + response.request().uri().getPath());
        }
        return response;
    }

    /** The shop answered that it is throttling (e.g. Shopify's GraphQL THROTTLED): pause it, retry later. */
    public IOException throttled(ShopChannel channel, Duration pause, String what) {
        of(channel).holdOff(pause);
        return new OutboundHttp.RetryLaterException("shop " + channel.id() + " is throttling (" + what
                + "); the broker redelivers later");
    }

    /**
     * The order API's rules for an answer: below 400 passes; 401/403 park the event for review (orderflow's
     * credentials are wrong or lack a scope, retrying will not help); anything else is retried later by the broker.
     */
    public static void checkOrderApiAnswer(ShopChannel channel, int status) throws IOException {
        if (status == 401 || status == 403) {
            throw new UnprocessableEventException("the shop API refused orderflow's credentials (HTTP " + status + ")");
        }
        if (status >= 400) {
            throw new IOException("the shop API of " + channel.id() + " answered HTTP " + status + "; retrying later");
        }
    }
}
