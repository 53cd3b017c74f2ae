package io.orderflow.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.OrderflowApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** No configuration accepts unsigned webhooks: the connector refuses to start instead. */
class ChannelSettingsValidatorTest {

    @Test
    void startUpIsRefusedForAChannelWithAnEmptySecret() {
        assertThatThrownBy(() -> start("orderflow.channels.shop-a.type=shopify",
                "orderflow.channels.shop-a.webhook-secrets[0]= "))
                .hasStackTraceContaining("orderflow.channels.shop-a.webhook-secrets is missing or empty");
    }

    @Test
    void startUpIsRefusedForAChannelWithoutASecret() {
        assertThatThrownBy(() -> start("orderflow.channels.shop-b.type=woocommerce"))
                .hasStackTraceContaining("orderflow.channels.shop-b.webhook-secrets is missing or empty");
    }

    @Test
    void startUpIsRefusedForAChannelWithoutAType() {
        assertThatThrownBy(() -> start("orderflow.channels.shop-c.webhook-secrets[0]=s3cret"))
                .hasStackTraceContaining("orderflow.channels.shop-c.type is missing");
    }

    @Test
    void startUpIsRefusedForAChannelWhoseTypeNamesNoShopPlatform() {
        // Never a silent fallback to another platform: a type without a ShopPlatform bean stops the start-up.
        assertThatThrownBy(() -> start("orderflow.channels.shop-e.type=magento",
                "orderflow.channels.shop-e.webhook-secrets[0]=s3cret"))
                .hasStackTraceContaining("orderflow.channels.shop-e.type is 'magento', which is no shop platform"
                        + " (known: shopify, woocommerce)");
    }

    @Test
    void startUpIsRefusedForAnUnknownStockSource() {
        assertThatThrownBy(() -> start("orderflow.channels.shop-d.type=shopify",
                "orderflow.channels.shop-d.webhook-secrets[0]=s3cret", "orderflow.channels.shop-d.stock.source=warehouse-2"))
                .hasStackTraceContaining("orderflow.channels.shop-d.stock.source is 'warehouse-2'");
    }

    private static void start(String... properties) {
        String[] args = new String[properties.length + 3];
        args[0] = "--server.port=0";
        args[1] = "--spring.artemis.embedded.server-id=9";
        args[2] = "--orderflow.data-dir=target/test-data/refused";
        for (int i = 0; i < properties.length; i++) {
            args[i + 3] = "--" + properties[i];
        }
        new SpringApplicationBuilder(OrderflowApplication.class).run(args).close();
    }
}
