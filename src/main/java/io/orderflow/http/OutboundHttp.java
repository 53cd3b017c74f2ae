package io.orderflow.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one outbound HTTP stack of orderflow, for every shop and ERP (docs/architecture.md, "Outbound HTTP"). One
 * instance per remote system (a shop channel, the ERP): one JDK {@link HttpClient}, one way to
 * <ul>
 * <li><b>rate-limit</b>: at most {@code maxRequestsPerSecond} calls (resilience4j {@link RateLimiter}); a caller waits
 * for a permit at most {@code maxPermitWait}, then gets a {@link RetryLaterException};</li>
 * <li><b>time out</b>: a 5 s connect timeout and the request timeout given here on every call;</li>
 * <li><b>retry</b>: never here. Each call is sent once. A rate-limited answer (HTTP 429, or the caller's
 * {@link #holdOff} for a protocol's own throttling answer such as Shopify's GraphQL THROTTLED) records the system's
 * Retry-After as a pause of this system's permits and fails with {@link RetryLaterException}: the transacted consumer
 * rolls back and the broker redelivers with its back-off. The redelivered call then waits for the permit until the
 * pause is over (the bounded permit wait, as for the rate limit), so the system's Retry-After is honoured without a
 * retry loop in a consumer and without burning delivery attempts while the system asks us to wait.</li>
 * </ul>
 * Callers set their own authentication headers; requests and their headers are never logged.
 */
public class OutboundHttp {

    private static final Logger LOG = LoggerFactory.getLogger(OutboundHttp.class);
    /** A Retry-After longer than this is cut to it (a broken or hostile answer must not stall a consumer for long). */
    static final Duration MAX_HOLD_OFF = Duration.ofSeconds(10);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final String name;
    private final HttpClient client;
    private final RateLimiter rateLimiter;
    private final Duration requestTimeout;
    private final Duration maxPermitWait;
    /** System.nanoTime() before which no call goes out (the remote system's last Retry-After); 0 = none. */
    private volatile long notBefore;

    public OutboundHttp(String name, int maxRequestsPerSecond, Duration requestTimeout, Duration maxPermitWait) {
        this(name, Math.max(1, maxRequestsPerSecond), Duration.ofSeconds(1), requestTimeout, maxPermitWait);
    }

    /**
     * A system whose limit is stated per minute (ShipStation: 40 per minute and API key): one permit per cycle of
     * 60 s / (requestsPerMinute - 1). Permits are counted per cycle, so two calls may fall at the end of one cycle and
     * the start of the next; with one cycle fewer than the limit, no 60-second window ever holds more than
     * requestsPerMinute calls, and a burst is spread instead of spent at once.
     */
    public static OutboundHttp perMinute(String name, int requestsPerMinute, Duration requestTimeout, Duration maxPermitWait) {
        int cycles = requestsPerMinute > 1 ? requestsPerMinute - 1 : 1;
        long spacingNanos = Duration.ofMinutes(1).toNanos() / cycles;
        return new OutboundHttp(name, 1, Duration.ofNanos(spacingNanos), requestTimeout, maxPermitWait);
    }

    private OutboundHttp(String name, int limitForPeriod, Duration period, Duration requestTimeout, Duration maxPermitWait) {
        this.name = name;
        this.requestTimeout = requestTimeout;
        this.maxPermitWait = maxPermitWait;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
        this.rateLimiter = RateLimiter.of(name, RateLimiterConfig.custom()
                .limitForPeriod(limitForPeriod)
                .limitRefreshPeriod(period)
                .timeoutDuration(maxPermitWait)
                .build());
    }

    public String name() {
        return name;
    }

    /**
     * Sends once, within the rate limit and any pause the system asked for. HTTP 429 pauses this system for its
     * Retry-After (2 s when absent) and throws {@link RetryLaterException}; every other answer is returned as it is.
     * Transport failures and timeouts are {@link IOException}s ({@link java.net.http.HttpTimeoutException}).
     */
    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        awaitPermit();
        HttpResponse<String> response = client.send(request.timeout(requestTimeout).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 429) {
            Duration retryAfter = retryAfter(response);
            holdOff(retryAfter);
            throw new RetryLaterException(name + " answered HTTP 429 (rate limited, Retry-After " + retryAfter.toMillis()
                    + " ms); the broker redelivers later");
        }
        return response;
    }

    /** The remote system asked us to wait (429 Retry-After, a throttling answer): no call goes out before then. */
    public void holdOff(Duration pause) {
        Duration bounded = pause.compareTo(MAX_HOLD_OFF) > 0 ? MAX_HOLD_OFF : pause.isNegative() ? Duration.ZERO : pause;
        long until = System.nanoTime() + bounded.toNanos();
        synchronized (this) {
            if (notBefore == 0 || until - notBefore > 0) {
                notBefore = until;
            }
        }
        LOG.info("{} asked orderflow to wait {} ms: its calls are held until then", name, bounded.toMillis());
    }

    private void awaitPermit() throws RetryLaterException, InterruptedException {
        long held = notBefore == 0 ? 0 : notBefore - System.nanoTime();
        if (held > 0) {
            if (held > maxPermitWait.toNanos()) {
                throw new RetryLaterException(name + " asked orderflow to wait another "
                        + TimeUnit.NANOSECONDS.toMillis(held) + " ms; the broker redelivers later");
            }
            // The pause is a permit wait like the rate limit's own (bounded by maxPermitWait), not a retry.
            TimeUnit.NANOSECONDS.sleep(held);
        }
        if (!rateLimiter.acquirePermission()) {
            throw new RetryLaterException(name + " rate limit: no permit within " + maxPermitWait);
        }
    }

    /** Retry-After, else X-Rate-Limit-Reset (ShipStation v1: seconds until the window resets), else 2 s. */
    static Duration retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After")
                .or(() -> response.headers().firstValue("X-Rate-Limit-Reset")).map(value -> {
            try {
                return Duration.ofMillis((long) (Double.parseDouble(value.trim()) * 1000));
            } catch (NumberFormatException e) {
                return null; // an HTTP date: not worth parsing for a pause of seconds
            }
        }).orElse(Duration.ofSeconds(2));
    }

    /** A call that must be tried again later (rate limited or throttled): the transaction rolls back. */
    public static class RetryLaterException extends IOException {
        public RetryLaterException(String message) {
            super(message);
        }
    }
}
