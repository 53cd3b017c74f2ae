package io.orderflow.config;

import static io.orderflow.support.Webhooks.fixture;
import static io.orderflow.support.Webhooks.hmacBase64;
import static io.orderflow.support.Webhooks.post;
import static io.orderflow.support.Webhooks.shopifyHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.orderflow.OrderflowApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;

/**
 * Issue 11, "A first hour without surprises": the start-up summary, the default-password warning and refusal, the
 * no-ERP warning, and the environment-variable form of a channel id with a dash that works (README, "Configuration").
 * The application is started as a deployment would start it: from environment variables (a process environment
 * given to Spring as its system environment), not from test properties.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupSummaryTest {

    static final String SECRET = "shpss-" + UUID.randomUUID();

    @Test
    void aChannelIdWithADashFromTheEnvironmentAndOneSummaryWithoutSecrets(CapturedOutput output) {
        Map<String, Object> env = new HashMap<>();
        // The form the README shows: the channel in SPRING_APPLICATION_JSON, its secret in a variable of its own
        env.put("SPRING_APPLICATION_JSON", "{\"orderflow\":{\"channels\":{\"shop-eu\":{\"type\":\"shopify\","
                + "\"webhook-secrets\":[\"${SHOP_EU_WEBHOOK_SECRET}\"]}}}}");
        env.put("SHOP_EU_WEBHOOK_SECRET", SECRET);
        // The form the README used to show: it binds, but to a channel called "shopnl", not "shop-nl"
        env.put("ORDERFLOW_CHANNELS_SHOPNL_TYPE", "woocommerce");
        env.put("ORDERFLOW_CHANNELS_SHOPNL_WEBHOOKSECRETS_0", "wc-" + SECRET);
        env.put("ORDERFLOW_ADMIN_PASSWORD", "change-me");
        try (ConfigurableApplicationContext app = start(env, 32, "--spring.security.user.password=${ORDERFLOW_ADMIN_PASSWORD}")) {
            OrderflowProperties properties = app.getBean(OrderflowProperties.class);
            assertThat(properties.getChannels()).containsKeys("shop-eu", "shopnl").doesNotContainKey("shop-nl");
            assertThat(properties.getChannels().get("shop-eu").getWebhookSecrets()).containsExactly(SECRET);

            int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
            byte[] body = fixture("shopify-orders-create.json");
            assertThat(post(port, "/webhooks/shop/shop-eu", body, shopifyHeaders("orders/create",
                    UUID.randomUUID().toString(), hmacBase64(SECRET, body))).statusCode()).isEqualTo(200);

            String log = output.getAll();
            int at = log.indexOf("orderflow start-up summary");
            assertThat(at).isNotNegative();
            assertThat(log.indexOf("orderflow start-up summary", at + 1)).as("one summary").isNegative();
            String summary = log.substring(at, Math.min(log.length(), at + 1200));
            assertThat(summary).contains("shop-eu (shopify)", "shopnl (woocommerce)", "test-shopify (shopify)",
                    "stripe (stripe)", "ERP:               none: paid orders wait on orderflow.release",
                    "broker:            embedded, data in ", "stock sync:        off", "operator 'admin'",
                    "DEFAULT PASSWORD",
                    "WMS:               none: allocated orders wait on orderflow.allocated (fulfilment and tracking stages not started)");
            // No WMS: its stages do not run, and its webhook path answers 404.
            org.apache.camel.CamelContext camel = app.getBean(org.apache.camel.CamelContext.class);
            for (String route : java.util.List.of("fulfilment", "normalise-shipment", "tracking")) {
                assertThat(camel.getRouteController().getRouteStatus(route).isStarted()).as(route).isFalse();
            }
            assertThat(post(port, "/webhooks/wms/wms", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    Map.of("Content-Type", "application/json")).statusCode()).isEqualTo(404);
            assertThat(log).contains("No ERP is configured (orderflow.erp.kind=none): paid orders will wait on "
                    + "orderflow.release");
            assertThat(log).contains("The management password is the shipped default 'change-me'");
            assertThat(log).doesNotContain(SECRET).doesNotContain("whsec_test_secret_for_fixtures");
        }
    }

    @Test
    void theDefaultPasswordIsRefusedWhenAskedTo() {
        assertThatThrownBy(() -> start(Map.of(), 33, "--spring.security.user.password=change-me",
                "--orderflow.security.refuse-default-credentials=true").close())
                .rootCause().hasMessageContaining("orderflow.security.refuse-default-credentials is true");
    }

    @Test
    void theSummaryNamesTheErpHostOnly() {
        assertThat(StartupSummary.host("https://user:pw@erp.example.com:8443/db?token=abc")).isEqualTo("erp.example.com:8443");
        assertThat(StartupSummary.host("http://erp.example.com/")).isEqualTo("erp.example.com");
        assertThat(StartupSummary.host("not a url")).isEqualTo("(unparseable URL)");
        assertThat(StartupSummary.host(null)).isEqualTo("(no URL)");
    }

    private static ConfigurableApplicationContext start(Map<String, Object> env, int serverId, String... args) {
        StandardEnvironment environment = new StandardEnvironment() {
            @Override
            public Map<String, Object> getSystemEnvironment() {
                Map<String, Object> merged = new HashMap<>(super.getSystemEnvironment());
                merged.putAll(env);
                return merged;
            }
        };
        String[] all = new String[args.length + 5];
        all[0] = "--server.port=0";
        all[1] = "--orderflow.data-dir=target/test-data/startup-" + UUID.randomUUID();
        all[2] = "--spring.artemis.embedded.server-id=" + serverId;
        all[3] = "--camel.main.main-run-controller=false";
        all[4] = "--spring.profiles.active=test";
        System.arraycopy(args, 0, all, 5, args.length);
        return new SpringApplicationBuilder(OrderflowApplication.class).environment(environment).run(all);
    }
}
