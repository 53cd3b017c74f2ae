package io.orderflow.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jolokia.server.core.service.api.Restrictor;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The Jolokia policy's origin check in front of Jolokia (/hawtio/jolokia, /actuator/jolokia): a request whose Origin
 * (or, without one, Referer) the policy does not allow, or that has neither, gets 403 {@code {"error":"forbidden"}}.
 * Jolokia would refuse it as well, but its answer names the refused origin; this one reflects nothing of the request.
 */
public class JolokiaOriginGuard extends OncePerRequestFilter {

    private static final byte[] FORBIDDEN = "{\"error\":\"forbidden\"}".getBytes(StandardCharsets.UTF_8);

    private final Restrictor restrictor;

    public JolokiaOriginGuard(Restrictor restrictor) {
        this.restrictor = restrictor;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            origin = request.getHeader("Referer");
        }
        if (origin != null) {
            origin = origin.replaceAll("[\\n\\r]*", "");
        }
        if (!restrictor.isOriginAllowed(origin, true)) {
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setContentType("application/json");
            response.setContentLength(FORBIDDEN.length);
            response.getOutputStream().write(FORBIDDEN);
            return;
        }
        chain.doFilter(request, response);
    }
}
