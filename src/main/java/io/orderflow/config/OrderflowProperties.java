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
    private Map<String, PaymentProvider> paymentProviders = new LinkedHashMap<>();
    private final Gate gate = new Gate();
    private final Erp erp = new Erp();
    private final Stock stock = new Stock();

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
    public Map<String, PaymentProvider> getPaymentProviders() { return paymentProviders; }
    public void setPaymentProviders(Map<String, PaymentProvider> paymentProviders) { this.paymentProviders = paymentProviders; }
    public Gate getGate() { return gate; }
    public Erp getErp() { return erp; }
    public Stock getStock() { return stock; }

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
        private int paymentIntakeIdCacheSize = 300_000;
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
        public int getPaymentIntakeIdCacheSize() { return paymentIntakeIdCacheSize; }
        public void setPaymentIntakeIdCacheSize(int v) { this.paymentIntakeIdCacheSize = v; }
        public void setDefaultIdCacheSize(int v) { this.defaultIdCacheSize = v; }
    }

    /** One shop: its platform, the secret(s) its webhooks are signed with, and its API. */
    public static class Channel {
        /** The shop platform: the name of a ShopPlatform bean (checked at start-up; lower-cased). */
        private String type;
        /** One secret, or two while a secret is being rotated (old and new both verify). */
        private List<String> webhookSecrets = new ArrayList<>();
        private final Api api = new Api();
        /** This channel's own ERP charge products/accounts; unset ones fall back to orderflow.erp.*. */
        private final ErpCharges erp = new ErpCharges();
        private final ChannelStock stock = new ChannelStock();

        public String getType() { return type; }
        public void setType(String type) {
            this.type = type == null || type.isBlank() ? null : type.trim().toLowerCase(java.util.Locale.ROOT);
        }
        public List<String> getWebhookSecrets() { return webhookSecrets; }
        public void setWebhookSecrets(List<String> webhookSecrets) { this.webhookSecrets = webhookSecrets; }
        public Api getApi() { return api; }
        public ErpCharges getErp() { return erp; }
        public ChannelStock getStock() { return stock; }

        @Override
        public String toString() {
            return "Channel[type=" + type + ", secrets=" + webhookSecrets.size() + " (hidden), api=" + api.baseUrl + "]";
        }
    }

    /**
     * The shop's own API (order re-fetch, cancel, stock and tracking write-back). Which settings a platform needs
     * is documented on its ShopPlatform class (io.orderflow.shop.&lt;platform&gt;).
     */
    public static class Api {
        private String baseUrl;
        /** API version, for platforms that put one in request paths. */
        private String version = "2025-10";
        /** A token credential (platforms that authenticate with one); consumerKey/consumerSecret: a key pair. */
        private String accessToken;
        private String consumerKey;
        private String consumerSecret;
        /** The shop's stock location whose quantity orderflow sets (platforms whose stock is per location). */
        private String locationId;
        /** Requests per second of stock pushes to this shop (2 fits the strictest plan of the built-in platforms). */
        private int maxRequestsPerSecond = 2;

        public String getBaseUrl() { return baseUrl; }
        public void setBaseUrl(String baseUrl) { this.baseUrl = baseUrl; }
        public String getVersion() { return version; }
        public void setVersion(String version) { this.version = version; }
        public String getAccessToken() { return accessToken; }
        public void setAccessToken(String accessToken) { this.accessToken = accessToken; }
        public String getConsumerKey() { return consumerKey; }
        public void setConsumerKey(String consumerKey) { this.consumerKey = consumerKey; }
        public String getConsumerSecret() { return consumerSecret; }
        public String getLocationId() { return locationId; }
        public void setLocationId(String locationId) { this.locationId = locationId; }
        public int getMaxRequestsPerSecond() { return maxRequestsPerSecond; }
        public void setMaxRequestsPerSecond(int v) { this.maxRequestsPerSecond = v; }
        public void setConsumerSecret(String consumerSecret) { this.consumerSecret = consumerSecret; }

        @Override
        public String toString() { return "Api[" + baseUrl + "]"; }
    }

    /** Where an order's shipping charges and discounts go in the ERP (docs/erp.md, "Money"). */
    public static class ErpCharges {
        /** Odoo product default_code / Tryton product code of the service product for shipping lines. */
        private String shippingProduct;
        /** Odoo product default_code / Tryton product code of the product for discount lines (negative price). */
        private String discountProduct;
        /** ERPNext account of the "Actual" shipping row (e.g. "Freight and Forwarding Charges - MC"). */
        private String shippingAccount;

        public String getShippingProduct() { return shippingProduct; }
        public void setShippingProduct(String v) { this.shippingProduct = v; }
        public String getDiscountProduct() { return discountProduct; }
        public void setDiscountProduct(String v) { this.discountProduct = v; }
        public String getShippingAccount() { return shippingAccount; }
        public void setShippingAccount(String v) { this.shippingAccount = v; }
    }

    /** A payment gateway sending webhooks to /webhooks/payment/{provider id}. */
    public static class PaymentProvider {
        private PaymentProviderType type = PaymentProviderType.stripe;
        /** Endpoint secrets ("whsec_..."); several while rolling secrets (any one verifies). */
        private List<String> webhookSecrets = new ArrayList<>();
        /** Oldest accepted signature timestamp, in seconds before now (Stripe's default 300); 0 disables the check. */
        private long toleranceSeconds = 300;
        /** Channel of orders whose payment metadata names none. */
        private String defaultChannel;
        private String orderMetadataKey = "order_id";
        private String channelMetadataKey = "channel";

        public PaymentProviderType getType() { return type; }
        public void setType(PaymentProviderType type) { this.type = type; }
        public List<String> getWebhookSecrets() { return webhookSecrets; }
        public void setWebhookSecrets(List<String> webhookSecrets) { this.webhookSecrets = webhookSecrets; }
        public long getToleranceSeconds() { return toleranceSeconds; }
        public void setToleranceSeconds(long toleranceSeconds) { this.toleranceSeconds = toleranceSeconds; }
        public String getDefaultChannel() { return defaultChannel; }
        public void setDefaultChannel(String defaultChannel) { this.defaultChannel = defaultChannel; }
        public String getOrderMetadataKey() { return orderMetadataKey; }
        public void setOrderMetadataKey(String orderMetadataKey) { this.orderMetadataKey = orderMetadataKey; }
        public String getChannelMetadataKey() { return channelMetadataKey; }
        public void setChannelMetadataKey(String channelMetadataKey) { this.channelMetadataKey = channelMetadataKey; }

        @Override
        public String toString() {
            return "PaymentProvider[type=" + type + ", secrets=" + webhookSecrets.size() + " (hidden)]";
        }
    }

    public enum PaymentProviderType { stripe }

    /** The payment gate: when an order counts as paid, how long it may wait, what happens then. */
    public static class Gate {
        /** How often a waiting order is re-checked against the shop (scheduled delivery on the broker). */
        private java.time.Duration recheckInterval = java.time.Duration.ofMinutes(15);
        /** How long an order may stay unpaid before unpaid-action applies. */
        private java.time.Duration unpaidDeadline = java.time.Duration.ofHours(72);
        /** review: park the order for a person; cancel: cancel it in the shop and tell the customer. */
        private UnpaidAction unpaidAction = UnpaidAction.review;
        /** Per payment method (the canonical payment.method, e.g. "cod", "bacs"). */
        private Map<String, MethodPolicy> paymentMethods = new LinkedHashMap<>();
        /** For every method not listed. */
        private MethodPolicy defaultPolicy = new MethodPolicy();
        /** Orders to hold for a person before release (docs/payment-gate.md, "Review rules"); first match wins. */
        private List<ReviewRuleSettings> reviewRules = new ArrayList<>();

        public java.time.Duration getRecheckInterval() { return recheckInterval; }
        public void setRecheckInterval(java.time.Duration v) { this.recheckInterval = v; }
        public java.time.Duration getUnpaidDeadline() { return unpaidDeadline; }
        public void setUnpaidDeadline(java.time.Duration v) { this.unpaidDeadline = v; }
        public UnpaidAction getUnpaidAction() { return unpaidAction; }
        public void setUnpaidAction(UnpaidAction v) { this.unpaidAction = v; }
        public Map<String, MethodPolicy> getPaymentMethods() { return paymentMethods; }
        public void setPaymentMethods(Map<String, MethodPolicy> v) { this.paymentMethods = v; }
        public MethodPolicy getDefaultPolicy() { return defaultPolicy; }
        public void setDefaultPolicy(MethodPolicy v) { this.defaultPolicy = v; }
        public List<ReviewRuleSettings> getReviewRules() { return reviewRules; }
        public void setReviewRules(List<ReviewRuleSettings> v) { this.reviewRules = v; }

        public MethodPolicy policyFor(String method) {
            return method == null ? defaultPolicy : paymentMethods.getOrDefault(method, defaultPolicy);
        }
    }

    /** Like the Odoo connectors' payment rules: paid only (default), authorized counts, or release unpaid. */
    public static class MethodPolicy {
        /** An authorized (not yet captured) payment counts as confirmed. */
        private boolean authorizedCounts = false;
        /** Release without payment (cash on delivery, invoice, bank transfer paid on receipt). */
        private boolean releaseUnpaid = false;

        public boolean isAuthorizedCounts() { return authorizedCounts; }
        public void setAuthorizedCounts(boolean v) { this.authorizedCounts = v; }
        public boolean isReleaseUnpaid() { return releaseUnpaid; }
        public void setReleaseUnpaid(boolean v) { this.releaseUnpaid = v; }
    }

    public enum UnpaidAction { review, cancel }

    /**
     * One review rule (orderflow.gate.review-rules[n]): an order the gate would release that matches every condition
     * set here is parked on orderflow.review with the rule's name until an operator approves it. Unset conditions are
     * not checked; at least one must be set.
     */
    public static class ReviewRuleSettings {
        private String name;
        /** Currency (ISO code) -> amount: the order's total is above it. Orders in other currencies do not match. */
        private Map<String, java.math.BigDecimal> totalAbove = new LinkedHashMap<>();
        /** The shipping country (ISO code) is one of these. */
        private List<String> shipToCountryIn = new ArrayList<>();
        /** The shipping country is none of these (an order without shipping address does not match). */
        private List<String> shipToCountryNotIn = new ArrayList<>();
        /** A line's SKU is one of these. */
        private List<String> skuIn = new ArrayList<>();

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public Map<String, java.math.BigDecimal> getTotalAbove() { return totalAbove; }
        public void setTotalAbove(Map<String, java.math.BigDecimal> v) { this.totalAbove = v; }
        public List<String> getShipToCountryIn() { return shipToCountryIn; }
        public void setShipToCountryIn(List<String> v) { this.shipToCountryIn = v; }
        public List<String> getShipToCountryNotIn() { return shipToCountryNotIn; }
        public void setShipToCountryNotIn(List<String> v) { this.shipToCountryNotIn = v; }
        public List<String> getSkuIn() { return skuIn; }
        public void setSkuIn(List<String> v) { this.skuIn = v; }
    }

    /** The company's ERP: where released orders become confirmed sales orders with reserved stock. */
    public static class Erp {
        /** none (the ERP stage does not run; released orders wait), odoo, erpnext or tryton. */
        private ErpKind kind = ErpKind.none;
        private String url;
        /** Odoo: jsonrpc (/jsonrpc, Odoo up to 18) or json2 (/json/2, Odoo 19+). */
        private OdooApi odooApi = OdooApi.jsonrpc;
        /** Odoo: the sale order line's tax field; empty: tax_id with jsonrpc (Odoo up to 18), tax_ids with json2. */
        private String odooLineTaxField;
        /** Odoo / Tryton database name. */
        private String database;
        /** Odoo login (JSON-RPC); Tryton user. */
        private String username;
        /** Odoo API key; ERPNext API key; Tryton password. */
        private String apiKey;
        /** ERPNext API secret. */
        private String apiSecret;
        /** ERPNext company and warehouse of the sales orders. */
        private String company;
        private String warehouse;
        /** backorder: confirm and ship what is there; hold: keep the order unconfirmed and park it for review. */
        private ShortagePolicy shortagePolicy = ShortagePolicy.backorder;
        /** Shipping and discount products / shipping account for every channel that sets none of its own. */
        private final ErpCharges charges = new ErpCharges();
        /** ERPNext: the tax account of each rate, by percent ("19": "VAT 19% - MC"). */
        private Map<String, String> taxAccounts = new LinkedHashMap<>();
        /**
         * The ERP order's total, read back before confirmation, may differ from the shop's total (and the payment the
         * gate saw) by at most this much per order; more parks the order for review, unconfirmed.
         */
        private java.math.BigDecimal totalTolerance = new java.math.BigDecimal("0.01");
        /** Outbound rate limit, requests per second to the ERP. */
        private int maxRequestsPerSecond = 10;
        private java.time.Duration timeout = java.time.Duration.ofSeconds(20);
        /** Circuit breaker: this many ERP failures within the window suspend the ERP consumer... */
        private int circuitFailureThreshold = 3;
        private java.time.Duration circuitFailureWindow = java.time.Duration.ofMinutes(1);
        /** ...and one order is tried again this long after. */
        private java.time.Duration circuitHalfOpenAfter = java.time.Duration.ofSeconds(30);

        public ErpKind getKind() { return kind; }
        public void setKind(ErpKind kind) { this.kind = kind; }
        public boolean isEnabled() { return kind != ErpKind.none; }
        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public OdooApi getOdooApi() { return odooApi; }
        public void setOdooApi(OdooApi odooApi) { this.odooApi = odooApi; }
        public String getOdooLineTaxField() { return odooLineTaxField; }
        public void setOdooLineTaxField(String v) { this.odooLineTaxField = v; }
        public String getDatabase() { return database; }
        public void setDatabase(String database) { this.database = database; }
        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getApiKey() { return apiKey; }
        public void setApiKey(String apiKey) { this.apiKey = apiKey; }
        public String getApiSecret() { return apiSecret; }
        public void setApiSecret(String apiSecret) { this.apiSecret = apiSecret; }
        public String getCompany() { return company; }
        public void setCompany(String company) { this.company = company; }
        public String getWarehouse() { return warehouse; }
        public void setWarehouse(String warehouse) { this.warehouse = warehouse; }
        public ErpCharges getCharges() { return charges; }
        public Map<String, String> getTaxAccounts() { return taxAccounts; }
        public void setTaxAccounts(Map<String, String> v) { this.taxAccounts = v; }
        public java.math.BigDecimal getTotalTolerance() { return totalTolerance; }
        public void setTotalTolerance(java.math.BigDecimal v) { this.totalTolerance = v; }
        public ShortagePolicy getShortagePolicy() { return shortagePolicy; }
        public void setShortagePolicy(ShortagePolicy shortagePolicy) { this.shortagePolicy = shortagePolicy; }
        public int getMaxRequestsPerSecond() { return maxRequestsPerSecond; }
        public void setMaxRequestsPerSecond(int v) { this.maxRequestsPerSecond = v; }
        public java.time.Duration getTimeout() { return timeout; }
        public void setTimeout(java.time.Duration timeout) { this.timeout = timeout; }
        public int getCircuitFailureThreshold() { return circuitFailureThreshold; }
        public void setCircuitFailureThreshold(int v) { this.circuitFailureThreshold = v; }
        public java.time.Duration getCircuitFailureWindow() { return circuitFailureWindow; }
        public void setCircuitFailureWindow(java.time.Duration v) { this.circuitFailureWindow = v; }
        public java.time.Duration getCircuitHalfOpenAfter() { return circuitHalfOpenAfter; }
        public void setCircuitHalfOpenAfter(java.time.Duration v) { this.circuitHalfOpenAfter = v; }

        @Override
        public String toString() {
            return "Erp[kind=" + kind + ", url=" + url + ", credentials hidden]";
        }
    }

    public enum ErpKind { none, odoo, erpnext, tryton }

    public enum OdooApi { jsonrpc, json2 }

    public enum ShortagePolicy { backorder, hold }

    /** Which stock a shop channel shows (orderflow.channels.<id>.stock.*). */
    public static class ChannelStock {
        /** The stock this shop sells from: {@code erp} (default: the ERP's stock, shared by every channel with
         * this source) or {@code none} (orderflow never sets this shop's stock). */
        private String source = ERP_STOCK;

        public String getSource() { return source; }
        public void setSource(String source) { this.source = source; }
    }

    /** The one stock the configured ERP offers (ERPNext: orderflow.erp.warehouse; Tryton: location STO; Odoo: free_qty). */
    public static final String ERP_STOCK = "erp";
    /** A channel whose stock orderflow does not set. */
    public static final String NO_STOCK = "none";

    /** Stock sync to the shops (orderflow.stock.*): docs/erp.md, "Multi-shop stock". */
    public static class Stock {
        /** How often the ERP is asked for stock changed since the last run (goods received, corrections, returns,
         * orders entered in the ERP); 0 disables the periodic sync (orders of our shops still update every shop). */
        private java.time.Duration syncInterval = java.time.Duration.ofMinutes(5);
        /** The first run this long after start. */
        private java.time.Duration syncInitialDelay = java.time.Duration.ofSeconds(30);
        /** Each run asks from this long before the last run's watermark, so a change committed late in the ERP
         * (its timestamp older than its commit) is not missed. */
        private java.time.Duration syncOverlap = java.time.Duration.ofMinutes(1);

        public java.time.Duration getSyncInterval() { return syncInterval; }
        public void setSyncInterval(java.time.Duration v) { this.syncInterval = v; }
        public java.time.Duration getSyncInitialDelay() { return syncInitialDelay; }
        public void setSyncInitialDelay(java.time.Duration v) { this.syncInitialDelay = v; }
        public java.time.Duration getSyncOverlap() { return syncOverlap; }
        public void setSyncOverlap(java.time.Duration v) { this.syncOverlap = v; }
    }
}
