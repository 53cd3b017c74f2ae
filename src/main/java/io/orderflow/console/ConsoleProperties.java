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
     * Origins (scheme://host:port, {@code *} as a wildcard, e.g. {@code https://orderflow.example.com}) from which a
     * browser may call Jolokia, in addition to the local ones jolokia-access.xml lists (http(s)://localhost:*,
     * http(s)://127.0.0.1:*). Jolokia checks the Origin (or Referer) header of every request strictly: a request
     * from an origin not listed, or without either header, is refused with 403. Add the address operators open the
     * console at (env ORDERFLOW_CONSOLE_ALLOWEDORIGINS_0=https://orderflow.example.com).
     */
    private List<@Pattern(regexp = "^(https?|http\\*)://[^\\s/]+$",
            message = "must be scheme://host[:port], e.g. https://orderflow.example.com") String> allowedOrigins =
            new ArrayList<>();

    public List<String> getAllowedOrigins() { return allowedOrigins; }
    public void setAllowedOrigins(List<String> allowedOrigins) { this.allowedOrigins = allowedOrigins; }
}
