package io.orderflow.erp;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.orderflow.config.OrderflowProperties;

/**
 * HTTP to the ERP: one client, a request timeout, and the outbound rate limit (orderflow.erp.max-requests-per-second,
 * resilience4j RateLimiter: a caller waits up to the timeout for a permit). Transport failures, timeouts, 5xx and 429
 * become {@link ErpUnavailableException}.
 */
public class ErpHttp {

    private final HttpClient client;
    private final RateLimiter rateLimiter;
    private final Duration timeout;

    public ErpHttp(OrderflowProperties.Erp settings) {
        this.timeout = settings.getTimeout();
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.rateLimiter = RateLimiter.of("erp", RateLimiterConfig.custom()
                .limitForPeriod(Math.max(1, settings.getMaxRequestsPerSecond()))
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(timeout)
                .build());
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        if (!rateLimiter.acquirePermission()) {
            throw new ErpUnavailableException("ERP rate limit: no permit within " + timeout);
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new ErpUnavailableException("ERP did not answer within " + timeout, e);
        } catch (IOException e) {
            throw new ErpUnavailableException("ERP unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ErpUnavailableException("interrupted", e);
        }
        if (response.statusCode() >= 500 || response.statusCode() == 429) {
            throw new ErpUnavailableException("ERP answered HTTP " + response.statusCode());
        }
        return response;
    }
}
