package io.orderflow.shop;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.orderflow.review.UnprocessableEventException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The HTTP client every shop platform calls its shop with. Two ways to send:
 * <ul>
 * <li>{@link #sendPaced}: within the shop's rate limit (channels.&lt;id&gt;.api.max-requests-per-second), and a 429
 * waits its Retry-After (at most 10 s) and tries again, three times in all (stock pushes, which run on their own
 * consumer);</li>
 * <li>{@link #send}: at once, a 429 is answered like any other failure (order API calls inside the payment gate's
 * transaction: the broker redelivers later instead of the gate waiting).</li>
 * </ul>
 * The platform sets its own authentication headers on the request; they are never logged.
 */
@Component
public class ShopHttp {

    private static final Logger LOG = LoggerFactory.getLogger(ShopHttp.class);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();

    public HttpResponse<String> send(ShopChannel channel, HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Paced by the shop's rate limit; 429 waits and retries; any answer of 400 or more is an IOException. */
    public HttpResponse<String> sendPaced(ShopChannel channel, HttpRequest.Builder request)
            throws IOException, InterruptedException {
        RateLimiter limiter = limiters.computeIfAbsent(channel.id(), id -> RateLimiter.of("shop-" + id,
                RateLimiterConfig.custom().limitForPeriod(Math.max(1, channel.api().getMaxRequestsPerSecond()))
                        .limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ofSeconds(30)).build()));
        for (int attempt = 1; ; attempt++) {
            if (!limiter.acquirePermission()) {
                throw new IOException("shop " + channel.id() + " rate limit: no permit within 30 s");
            }
            HttpResponse<String> response = send(channel, request);
            if (response.statusCode() == 429 && attempt < 3) {
                double retryAfter = response.headers().firstValue("Retry-After").map(Double::parseDouble).orElse(2.0);
                LOG.info("Shop {} answered 429: waiting {} s", channel.id(), retryAfter);
                Thread.sleep((long) (Math.min(retryAfter, 10.0) * 1000));
                continue;
            }
            if (response.statusCode() >= 400) {
                throw new IOException("shop " + channel.id() + " answered HTTP " + response.statusCode() + " to "
                        + request.build().uri().getPath());
            }
            return response;
        }
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
