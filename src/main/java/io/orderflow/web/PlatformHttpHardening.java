package io.orderflow.web;

import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.stereotype.Component;

/**
 * Applies to every platform-http endpoint, whatever route (YAML) declares it:
 * <ul>
 * <li>only allow-listed response headers ({@link ResponseHeaderAllowlist}): nothing of the request is echoed;</li>
 * <li>{@code muteException}: an exception no route handles gives a bare 500, never a stack trace in the body;</li>
 * <li>{@code useStreaming}: the body is read as bytes. Without it platform-http on Spring Boot reads the body through
 * the request's Reader, decoding it with the request's charset, and the webhook signature was checked over the
 * re-encoded text, not over the bytes the sender signed (a body with invalid UTF-8 was refused 401).</li>
 * </ul>
 */
@Component
public class PlatformHttpHardening implements CamelContextConfiguration {

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        camelContext.getCamelContextExtension().registerEndpointCallback((uri, endpoint) -> {
            if (endpoint instanceof PlatformHttpEndpoint http) {
                http.setHeaderFilterStrategy(new ResponseHeaderAllowlist());
                http.setMuteException(true);
                http.setUseStreaming(true);
            }
            return endpoint;
        });
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
    }
}
