package io.orderflow.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * A first hour without surprises (issue 11):
 * <ul>
 * <li>before anything opens: the shipped management password ({@code change-me}) outside the {@code sim} profile is a
 * loud WARN, or, with {@code orderflow.security.refuse-default-credentials=true}, stops the start-up;</li>
 * <li>once the application is ready: one summary block of what this instance does: channels and their platform,
 * payment providers, the ERP kind and URL host, the WMS kind, id and URL host, the broker mode and data directory, the stock sync interval, the
 * management users. No secret, no credential, no URL path or query (a URL may carry a token) is ever in it.</li>
 * </ul>
 */
@Component
public class StartupSummary implements InitializingBean {

    private static final Logger LOG = LoggerFactory.getLogger(StartupSummary.class);

    private final OrderflowProperties properties;
    private final ManagementSecurityProperties security;
    private final SecurityProperties springSecurity;
    private final Environment environment;

    public StartupSummary(OrderflowProperties properties, ManagementSecurityProperties security,
            SecurityProperties springSecurity, Environment environment) {
        this.properties = properties;
        this.security = security;
        this.springSecurity = springSecurity;
        this.environment = environment;
    }

    @Override
    public void afterPropertiesSet() {
        if (!usesDefaultPassword()) {
            return;
        }
        if (security.isRefuseDefaultCredentials()) {
            throw new IllegalStateException("The management password is the shipped default (change-me) and "
                    + "orderflow.security.refuse-default-credentials is true: set ORDERFLOW_ADMIN_PASSWORD");
        }
        LOG.warn("""

                ************************************************************************************************
                ** The management password is the shipped default 'change-me' (user '{}'): anyone who reads  **
                ** the README can replay, discard and approve orders. Set ORDERFLOW_ADMIN_PASSWORD, and set   **
                ** orderflow.security.refuse-default-credentials=true to refuse to start with the default.    **
                ************************************************************************************************""",
                springSecurity.getUser().getName());
    }

    /** The shipped password outside the sim profile (the demo profile uses it on purpose). */
    boolean usesDefaultPassword() {
        return ManagementSecurityProperties.DEFAULT_PASSWORD.equals(springSecurity.getUser().getPassword())
                && !environment.acceptsProfiles(Profiles.of("sim"));
    }

    @EventListener(ApplicationReadyEvent.class)
    public void logSummary() {
        LOG.info(summary());
    }

    String summary() {
        List<String> channels = new ArrayList<>();
        for (Map.Entry<String, OrderflowProperties.Channel> e : properties.getChannels().entrySet()) {
            channels.add(e.getKey() + " (" + e.getValue().getType() + ")");
        }
        List<String> providers = new ArrayList<>();
        for (Map.Entry<String, OrderflowProperties.PaymentProvider> e : properties.getPaymentProviders().entrySet()) {
            providers.add(e.getKey() + " (" + e.getValue().getType() + ")");
        }
        OrderflowProperties.Erp erp = properties.getErp();
        String erpLine = erp.isEnabled() ? erp.getKind() + " at " + host(erp.getUrl())
                : "none: paid orders wait on orderflow.release";
        String mode = environment.getProperty("spring.artemis.mode", "embedded");
        String broker = "embedded".equalsIgnoreCase(mode)
                ? "embedded, data in " + Path.of(properties.getDataDir(), "broker").toAbsolutePath().normalize()
                : mode + " at " + host(environment.getProperty("spring.artemis.broker-url"));
        OrderflowProperties.Wms wms = properties.getWms();
        String wmsLine = wms.getKind() == OrderflowProperties.WmsKind.erp
                ? "erp: the ERP's own warehouse (" + erp.getKind() + "), done deliveries read every "
                        + pretty(wms.getErp().getPollInterval()) + ", no write-back to the ERP"
                : wms.isEnabled() ? wms.getKind() + " '" + wms.getId() + "' at " + host(wms.getUrl())
                + ", webhooks at /webhooks/wms/" + wms.getId()
                : "none: allocated orders wait on orderflow.allocated (fulfilment and tracking stages not started)";
        Duration sync = properties.getStock().getSyncInterval();
        String stock = sync == null || sync.isZero() ? "off" : "every " + pretty(sync);
        String viewer = security.getViewer().getPassword() == null || security.getViewer().getPassword().isBlank()
                ? "no read-only user" : "viewer '" + security.getViewer().getName() + "' (read-only)";
        return "orderflow start-up summary"
                + "\n  channels:          " + (channels.isEmpty() ? "none (every shop webhook gets 404)" : String.join(", ", channels))
                + "\n  payment providers: " + (providers.isEmpty() ? "none" : String.join(", ", providers))
                + "\n  ERP:               " + erpLine
                + "\n  WMS:               " + wmsLine
                + "\n  broker:            " + broker
                + "\n  stock sync:        " + stock
                + "\n  management:        operator '" + springSecurity.getUser().getName() + "', " + viewer
                + (usesDefaultPassword() ? " - DEFAULT PASSWORD, change it" : "")
                + "\n  profiles:          " + String.join(", ", environment.getActiveProfiles());
    }

    /** host[:port] of a URL, nothing else (no user info, path or query). */
    static String host(String url) {
        if (url == null || url.isBlank()) {
            return "(no URL)";
        }
        try {
            URI uri = URI.create(url.trim());
            if (uri.getHost() == null) {
                return "(unparseable URL)";
            }
            return uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        } catch (IllegalArgumentException e) {
            return "(unparseable URL)";
        }
    }

    private static String pretty(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }
}
