package io.orderflow.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A webhook that arrives while its intake route is not running gets 503 (the sender retries), never 404 (WooCommerce
 * would drop the order for good). Spring Boot opens the HTTP port before Camel starts its routes, and a stopped or
 * restarting route has no HTTP handler: without this filter both answered 404 (issue 12).
 *
 * <p>Not running means: the Camel context is not started yet (or is stopping), or the route whose platform-http path
 * matches the request is not started. A path no route declares goes on (404 from Spring, as JSON).
 */
public class IntakeReadinessFilter extends OncePerRequestFilter {

    private static final byte[] NOT_READY = "{\"error\":\"temporarily unavailable, retry later\"}"
            .getBytes(StandardCharsets.UTF_8);

    private final ObjectProvider<CamelContext> camel;

    public IntakeReadinessFilter(ObjectProvider<CamelContext> camel) {
        this.camel = camel;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (ready(request.getRequestURI().substring(request.getContextPath().length()))) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(503);
        response.setHeader("Retry-After", "5");
        response.setContentType("application/json");
        response.getOutputStream().write(NOT_READY);
    }

    private boolean ready(String path) {
        CamelContext context = camel.getIfAvailable();
        if (context == null || context.getStatus() != ServiceStatus.Started) {
            return false;
        }
        for (Route route : context.getRoutes()) {
            if (route.getEndpoint() instanceof PlatformHttpEndpoint http && matches(http.getPath(), path)) {
                ServiceStatus status = context.getRouteController().getRouteStatus(route.getRouteId());
                return status == ServiceStatus.Started;
            }
        }
        return true;
    }

    /** Route path templates as patterns, compiled once (this filter runs on every webhook). */
    private static final java.util.Map<String, Pattern> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();

    static boolean matches(String template, String path) {
        if (template == null) {
            return false;
        }
        return PATTERNS.computeIfAbsent(template, IntakeReadinessFilter::pattern).matcher(path).matches();
    }

    private static Pattern pattern(String template) {
        StringBuilder regex = new StringBuilder();
        // A template ending in a parameter: the split drops nothing thanks to the -1 limit
        for (String part : template.split("\\{[^}/]*\\}", -1)) {
            if (!regex.isEmpty()) {
                regex.append("[^/]+");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }
}
