package io.orderflow.config;

import java.util.Map;

import io.orderflow.shop.ShopPlatforms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Refuses to start with a channel that could accept unsigned webhooks or whose type names no shop platform (no
 * {@link io.orderflow.shop.ShopPlatform} bean of that name: never a silent fallback to another platform).
 * Failing here stops the application before any HTTP endpoint opens.
 */
@Component
public class ChannelSettingsValidator implements InitializingBean {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelSettingsValidator.class);
    private static final java.util.regex.Pattern CHANNEL_ID = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final OrderflowProperties properties;
    private final ShopPlatforms platforms;

    public ChannelSettingsValidator(OrderflowProperties properties, ShopPlatforms platforms) {
        this.properties = properties;
        this.platforms = platforms;
    }

    @Override
    public void afterPropertiesSet() {
        for (Map.Entry<String, OrderflowProperties.Channel> e : properties.getChannels().entrySet()) {
            String id = e.getKey();
            OrderflowProperties.Channel channel = e.getValue();
            if (!CHANNEL_ID.matcher(id).matches()) {
                throw new IllegalStateException("orderflow.channels." + id
                        + ": a channel id is lower-case letters, digits and '-' (it becomes part of every order key)");
            }
            String known = String.join(", ", platforms.names());
            if (channel.getType() == null) {
                throw new IllegalStateException("orderflow.channels." + id + ".type is missing (a shop platform: " + known + ")");
            }
            if (platforms.find(channel.getType()).isEmpty()) {
                throw new IllegalStateException("orderflow.channels." + id + ".type is '" + channel.getType()
                        + "', which is no shop platform (known: " + known + "); a platform is a ShopPlatform bean of"
                        + " that name (docs/integrator-guide.md, \"Adding a shop platform\")");
            }
            if (channel.getWebhookSecrets().isEmpty()
                    || channel.getWebhookSecrets().stream().anyMatch(s -> s == null || s.isBlank())) {
                throw new IllegalStateException("orderflow.channels." + id
                        + ".webhook-secrets is missing or empty: orderflow never accepts unsigned webhooks");
            }
            if (channel.getWebhookSecrets().size() > 2) {
                throw new IllegalStateException("orderflow.channels." + id
                        + ".webhook-secrets: at most two (the current one and, during rotation, the previous one)");
            }
            String stockSource = channel.getStock().getSource();
            if (!OrderflowProperties.ERP_STOCK.equals(stockSource) && !OrderflowProperties.NO_STOCK.equals(stockSource)) {
                throw new IllegalStateException("orderflow.channels." + id + ".stock.source is '" + stockSource
                        + "': erp (the ERP's stock, shared by every channel with this source) or none");
            }
            LOG.info("Shop channel '{}' ({}) accepts signed webhooks at /webhooks/shop/{} ({} secret(s))",
                    id, channel.getType(), id, channel.getWebhookSecrets().size());
        }
        for (Map.Entry<String, OrderflowProperties.PaymentProvider> e : properties.getPaymentProviders().entrySet()) {
            String id = e.getKey();
            OrderflowProperties.PaymentProvider provider = e.getValue();
            if (!CHANNEL_ID.matcher(id).matches()) {
                throw new IllegalStateException("orderflow.payment-providers." + id + ": lower-case letters, digits and '-'");
            }
            if (provider.getWebhookSecrets().isEmpty()
                    || provider.getWebhookSecrets().stream().anyMatch(s -> s == null || s.isBlank())) {
                throw new IllegalStateException("orderflow.payment-providers." + id
                        + ".webhook-secrets is missing or empty: orderflow never accepts unsigned webhooks");
            }
            if (provider.getDefaultChannel() != null && !properties.getChannels().containsKey(provider.getDefaultChannel())) {
                throw new IllegalStateException("orderflow.payment-providers." + id + ".default-channel names no configured channel: "
                        + provider.getDefaultChannel());
            }
            LOG.info("Payment provider '{}' ({}) accepts signed webhooks at /webhooks/payment/{}", id, provider.getType(), id);
        }
        if (properties.getChannels().isEmpty()) {
            LOG.warn("No shop channel is configured (orderflow.channels): every shop webhook will get 404");
        }
    }
}
