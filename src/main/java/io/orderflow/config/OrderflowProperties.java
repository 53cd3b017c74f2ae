package io.orderflow.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Every setting under {@code orderflow.*}. Bound from application.yml and the environment (relaxed binding).
 * Validated once at start-up by {@link ChannelSettingsValidator}.
 */
@ConfigurationProperties(prefix = "orderflow")
public class OrderflowProperties {

    private String dataDir = "./data";
    private String routesDir = "./routes";
    private String mappingsDir = "./mappings";
    private final Intake intake = new Intake();
    private final Broker broker = new Broker();
    private Map<String, Channel> channels = new LinkedHashMap<>();

    public String getDataDir() { return dataDir; }
    public void setDataDir(String dataDir) { this.dataDir = dataDir; }
    public String getRoutesDir() { return routesDir; }
    public void setRoutesDir(String routesDir) { this.routesDir = routesDir; }
    public String getMappingsDir() { return mappingsDir; }
    public void setMappingsDir(String mappingsDir) { this.mappingsDir = mappingsDir; }
    public Intake getIntake() { return intake; }
    public Broker getBroker() { return broker; }
    public Map<String, Channel> getChannels() { return channels; }
    public void setChannels(Map<String, Channel> channels) { this.channels = channels; }

    public static class Intake {
        private int maxBodyBytes = 1024 * 1024;
        public int getMaxBodyBytes() { return maxBodyBytes; }
        public void setMaxBodyBytes(int maxBodyBytes) { this.maxBodyBytes = maxBodyBytes; }
    }

    public static class Broker {
        private long redeliveryDelayMs = 1000;
        private double redeliveryMultiplier = 2.0;
        private long maxRedeliveryDelayMs = 300_000;
        private int maxDeliveryAttempts = 10;
        private int shopIntakeIdCacheSize = 144_000;
        private int defaultIdCacheSize = 20_000;

        public long getRedeliveryDelayMs() { return redeliveryDelayMs; }
        public void setRedeliveryDelayMs(long v) { this.redeliveryDelayMs = v; }
        public double getRedeliveryMultiplier() { return redeliveryMultiplier; }
        public void setRedeliveryMultiplier(double v) { this.redeliveryMultiplier = v; }
        public long getMaxRedeliveryDelayMs() { return maxRedeliveryDelayMs; }
        public void setMaxRedeliveryDelayMs(long v) { this.maxRedeliveryDelayMs = v; }
        public int getMaxDeliveryAttempts() { return maxDeliveryAttempts; }
        public void setMaxDeliveryAttempts(int v) { this.maxDeliveryAttempts = v; }
        public int getShopIntakeIdCacheSize() { return shopIntakeIdCacheSize; }
        public void setShopIntakeIdCacheSize(int v) { this.shopIntakeIdCacheSize = v; }
        public int getDefaultIdCacheSize() { return defaultIdCacheSize; }
        public void setDefaultIdCacheSize(int v) { this.defaultIdCacheSize = v; }
    }

    /** One shop: its kind, the secret(s) its webhooks are signed with, and its API. */
    public static class Channel {
        private ChannelType type;
        /** One secret, or two while a secret is being rotated (old and new both verify). */
        private List<String> webhookSecrets = new ArrayList<>();
        private final Api api = new Api();

        public ChannelType getType() { return type; }
        public void setType(ChannelType type) { this.type = type; }
        public List<String> getWebhookSecrets() { return webhookSecrets; }
        public void setWebhookSecrets(List<String> webhookSecrets) { this.webhookSecrets = webhookSecrets; }
        public Api getApi() { return api; }

        @Override
        public String toString() {
            return "Channel[type=" + type + ", secrets=" + webhookSecrets.size() + " (hidden), api=" + api.baseUrl + "]";
        }
    }

    /** The shop's own API, used by later stages (order re-fetch, stock and tracking write-back). */
    public static class Api {
        private String baseUrl;
        /** Shopify: X-Shopify-Access-Token. WooCommerce: consumer key (with consumerSecret). */
        private String accessToken;
        private String consumerKey;
        private String consumerSecret;

        public String getBaseUrl() { return baseUrl; }
        public void setBaseUrl(String baseUrl) { this.baseUrl = baseUrl; }
        public String getAccessToken() { return accessToken; }
        public void setAccessToken(String accessToken) { this.accessToken = accessToken; }
        public String getConsumerKey() { return consumerKey; }
        public void setConsumerKey(String consumerKey) { this.consumerKey = consumerKey; }
        public String getConsumerSecret() { return consumerSecret; }
        public void setConsumerSecret(String consumerSecret) { this.consumerSecret = consumerSecret; }

        @Override
        public String toString() { return "Api[" + baseUrl + "]"; }
    }

    public enum ChannelType { shopify, woocommerce }
}
