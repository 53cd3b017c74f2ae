package io.orderflow.console;

import java.util.ArrayList;
import java.util.List;

import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The Hawtio console and its Jolokia (orderflow.console.*; docs/operations.md, "Hawtio console").
 */
@ConfigurationProperties(prefix = "orderflow.console")
@Validated
public class ConsoleProperties {

    /**
     * Origins (scheme://host[:port], * as a wildcard, e.g. https://orderflow.example.com) from which a browser may use
     * Jolokia, i.e. the Hawtio console, besides http(s)://localhost:* and http(s)://127.0.0.1:* (jolokia-access.xml).
     * A request from another origin, or with neither Origin nor Referer, is refused with 403 (docs/operations.md,
     * "Hawtio console"). Several from the environment: ORDERFLOW_CONSOLE_ALLOWEDORIGINS=https://a.example,https://b.example.
     */
    private List<@Pattern(regexp = "^(https?|http\\*)://[^\\s/]+$",
            message = "must be scheme://host[:port], e.g. https://orderflow.example.com") String> allowedOrigins =
            new ArrayList<>();

    public List<String> getAllowedOrigins() { return allowedOrigins; }
    public void setAllowedOrigins(List<String> allowedOrigins) { this.allowedOrigins = allowedOrigins; }
}
