package io.orderflow.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting under {@code orderflow.*}. Bound from application.yml and the environment (relaxed binding).
 * Checked at start-up: each value against its constraints (bean validation, {@code @Validated}: a violation stops
 * the start-up naming the property), then across settings by {@link ChannelSettingsValidator} (channels, payment
 * providers) and {@link ErpSettingsValidator} (the chosen ERP's URL and credentials).
 */
@ConfigurationProperties(prefix = "orderflow")
@Validated
public class OrderflowProperties {

    /** Everything orderflow writes (the embedded broker's journal, bindings, paging, large messages) lives here. */
    @NotBlank
    private String dataDir = "./data";
    /** The integrators' YAML routes, read from the file system at start (no rebuild needed). */
    @NotBlank
    private String routesDir = "./routes";
    /** The JSONata mappings, JSON Schemas and templates, read at run time. */
    @NotBlank
    private String mappingsDir = "./mappings";
    /** Webhook intake (/webhooks/**). */
    @Valid
    private final Intake intake = new Intake();
    /** The broker: redelivery back-off, delivery attempts, duplicate-ID cache sizes. */
    @Valid
    private final Broker broker = new Broker();
    /** Shop channels by channel id (lower-case letters, digits, '-'): one per shop. */
    @Valid
    private Map<String, Channel> channels = new LinkedHashMap<>();
    /** Payment gateways by provider id: POST /webhooks/payment/{id}. */
    @Valid
    private Map<String, PaymentProvider> paymentProviders = new LinkedHashMap<>();
    /** The payment gate (docs/payment-gate.md). */
    @Valid
    private final Gate gate = new Gate();
    /** The ERP (docs/erp.md). */
    @Valid
    private final Erp erp = new Erp();
    /** Stock sync to the shops (docs/erp.md, "Multi-shop stock"). */
    @Valid
    private final Stock stock = new Stock();
    /** The reconciliation poll of the shops' order APIs: orders whose webhook never arrived (docs/reliability.md). */
    @Valid
    private final Reconcile reconcile = new Reconcile();
    /** Shipment write-back to the shop and the ERP, once per package (docs/writeback.md). */
    @Valid
    private final Writeback writeback = new Writeback();
    /** The warehouse (WMS) that fulfils orders (docs/fulfilment.md). */
    @Valid
    private final Wms wms = new Wms();
    /** The built-in simulators (profile sim only). */
    @Valid
    private final Simulator simulator = new Simulator();
    /** The benchmark's hooks (docs/performance.md); all off by default. */
    @Valid
    private final Bench bench = new Bench();
    /** How long per-order state is kept on the broker (docs/architecture.md, "State stores"). */
    @Valid
    private final State state = new State();

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
    public Reconcile getReconcile() { return reconcile; }
    public Wms getWms() { return wms; }
    public Simulator getSimulator() { return simulator; }
    public Bench getBench() { return bench; }
    public Writeback getWriteback() { return writeback; }
    public State getState() { return state; }

    /**
     * Retention of per-order state on the broker (orderflow.state.*): the payment gate's state, the fulfilment state
     * and the notify stage's sent markers expire after their last change, and the broker then drops them
     * (docs/architecture.md, "State stores"; the order status has its own, orderflow.status.retention). An event for
     * an order whose state expired is handled as the first one of that order, so the retention must be far longer
     * than any sender's retry horizon (Shopify 48 h, Stripe 3 days): a shorter one is refused below 4 days unless
     * allow-short-retention is set (tests).
     */
    public static class State {
        /**
         * How long a finished order's state is kept after its last change (released or closed by the gate, delivered
         * or cancelled in fulfilment); then the broker drops it. At least 4 days.
         */
        @NotNull
        private Duration retention = Duration.ofDays(30);
        /**
         * How long an unfinished order's state (waiting for payment, in review, not yet delivered) and a notification's
         * "sent" marker are kept after their last change: nothing is kept for ever. Not below retention.
         */
        @NotNull
        private Duration activeRetention = Duration.ofDays(90);
        /** Allow a retention under 4 days (tests only: late duplicates within the senders' retry horizon would act again). */
        private boolean allowShortRetention = false;

        @jakarta.validation.constraints.AssertTrue(message = "retention and active-retention must be positive, at least 4 days"
                + " (longer than Stripe's 3 days of retries) unless allow-short-retention is set, and active-retention"
                + " not below retention")
        boolean isRetentionSafe() {
            java.time.Duration floor = allowShortRetention ? java.time.Duration.ofMillis(1) : java.time.Duration.ofDays(4);
            return retention != null && activeRetention != null && retention.compareTo(floor) >= 0
                    && activeRetention.compareTo(retention) >= 0;
        }

        public java.time.Duration getRetention() { return retention; }
        public void setRetention(java.time.Duration retention) { this.retention = retention; }
        public java.time.Duration getActiveRetention() { return activeRetention; }
        public void setActiveRetention(java.time.Duration activeRetention) { this.activeRetention = activeRetention; }
        public boolean isAllowShortRetention() { return allowShortRetention; }
        public void setAllowShortRetention(boolean allowShortRetention) { this.allowShortRetention = allowShortRetention; }

        /** The time-to-live of a state: retention when finished, else active-retention. */
        public java.time.Duration ttl(boolean finished) {
            return finished ? retention : activeRetention;
        }
    }

    /** Which systems get each shipped package (orderflow.writeback.*; route writeback, docs/writeback.md). */
    public static class Writeback {
        /** Record each package in its shop (Shopify fulfillment with tracking, WooCommerce note + completed). */
        private boolean shop = true;
        /** Record each package in the ERP (delivery validated with the shipped quantities); needs orderflow.erp.kind.
         * Ignored (off) with orderflow.wms.kind erp: the ERP's own warehouse did the delivery, writing it back would
         * be circular. */
        private boolean erp = true;
        /**
         * Write-back stage consumers: packages of different orders are written back in parallel; one order's packages
         * stay one at a time (message group = order key), so two packages never race for the same open lines.
         */
        @Min(1)
        private int concurrentConsumers = 4;

        public int getConcurrentConsumers() { return concurrentConsumers; }
        public void setConcurrentConsumers(int v) { this.concurrentConsumers = v; }
        public boolean isShop() { return shop; }
        public void setShop(boolean shop) { this.shop = shop; }
        public boolean isErp() { return erp; }
        public void setErp(boolean erp) { this.erp = erp; }
    }

    /** The benchmark's hooks (scripts/bench, docs/performance.md). */
    public static class Bench {
        /**
         * POST /webhooks/bench-baseline: reads the body and answers {"status":"ok"} through the same HTTP stack and
         * Camel platform-http as the webhooks, with no signature check and no broker, so the benchmark can read intake
         * figures as a ratio of what the machine's HTTP stack does at all. Off by default; it touches nothing.
         */
        private boolean baselineEndpoint = false;

        public boolean isBaselineEndpoint() { return baselineEndpoint; }
        public void setBaselineEndpoint(boolean baselineEndpoint) { this.baselineEndpoint = baselineEndpoint; }
    }

    /** The simulated shops, payment gateway and ERPNext under /sim (orderflow.simulator.*). */
    public static class Simulator {
        /**
         * Serve the simulators (/sim/**). They exist only with the "sim" profile active, whatever this says; the
         * sim profile turns it on.
         */
        private boolean enabled = false;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
    }

    /** Webhook intake (orderflow.intake.*). */
    public static class Intake {
        /** Largest webhook body accepted, in bytes; a larger one gets 413 and nothing is enqueued. */
        @Positive
        private int maxBodyBytes = 1_048_576;
        public int getMaxBodyBytes() { return maxBodyBytes; }
        public void setMaxBodyBytes(int maxBodyBytes) { this.maxBodyBytes = maxBodyBytes; }
    }

    /** The broker's address settings (orderflow.broker.*). */
    public static class Broker {
        /** Delay before the first redelivery of a rolled-back message, in milliseconds. */
        @Min(0)
        private long redeliveryDelayMs = 1000;
        /** Each further redelivery waits this many times longer than the previous one (1: a constant delay). */
        @DecimalMin("1.0")
        private double redeliveryMultiplier = 2.0;
        /** The longest redelivery delay, in milliseconds. */
        @Positive
        private long maxRedeliveryDelayMs = 300_000;
        /** Deliveries of a message before the consumer parks it on orderflow.dead-letter with the reason. */
        @Min(1)
        private int maxDeliveryAttempts = 10;
        /** Duplicate-ID cache of the shop intake address, in entries (sizing: docs/operations.md). */
        @Positive
        private int shopIntakeIdCacheSize = 144_000;
        /** Duplicate-ID cache of the payment intake address, in entries (Stripe retries for up to 3 days). */
        @Positive
        private int paymentIntakeIdCacheSize = 300_000;
        /** Duplicate-ID cache of every other address (stage outputs), in entries. */
        @Positive
        private int defaultIdCacheSize = 20_000;
        /**
         * Message groups per queue: an order's group (its orderKey) is hashed into one of this many buckets, and the
         * broker remembers which consumer holds each bucket, not each order, so its memory stays the same however
         * many orders went through (without buckets: one entry per order and queue until the consumer closes). A
         * bucket stays with its consumer until that closes: an instance that joins takes only buckets not bound yet
         * (restart the others, one at a time, to spread them again; docs/operations.md). -1: no buckets (Artemis's
         * unbounded default).
         */
        @Min(-1)
        private int groupBuckets = 1024;

        /** Redelivery back-off grows from redelivery-delay-ms up to max-redelivery-delay-ms, never down. */
        @jakarta.validation.constraints.AssertTrue(message = "max-redelivery-delay-ms must not be below redelivery-delay-ms")
        boolean isRedeliveryDelayWithinMax() { return maxRedeliveryDelayMs >= redeliveryDelayMs; }

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
        public int getGroupBuckets() { return groupBuckets; }
        public void setGroupBuckets(int v) { this.groupBuckets = v; }
    }

    /** One shop: its platform, the secret(s) its webhooks are signed with, and its API. */
    public static class Channel {
        /** The shop platform: the name of a ShopPlatform bean (checked at start-up; lower-cased). */
        private String type;
        /** One secret, or two while a secret is being rotated (old and new both verify). */
        private List<String> webhookSecrets = new ArrayList<>();
        /** The shop's own API (order re-fetch, cancel, stock and tracking write-back). */
        @Valid
        private final Api api = new Api();
        /** This channel's own ERP charge products/accounts; unset ones fall back to orderflow.erp.charges.*. */
        private final ErpCharges erp = new ErpCharges();
        /** Which stock this shop shows. */
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
        /** Base URL of the shop's API (e.g. https://my-shop.myshopify.com). */
        private String baseUrl;
        /** API version, for platforms that put one in request paths. */
        private String version = "2025-10";
        /** A token credential (platforms that authenticate with one); consumerKey/consumerSecret: a key pair. */
        private String accessToken;
        /** Key of a key-pair credential (platforms that authenticate with one, e.g. WooCommerce). */
        private String consumerKey;
        /** Secret of a key-pair credential. */
        private String consumerSecret;
        /** The shop's stock location whose quantity orderflow sets (platforms whose stock is per location). */
        private String locationId;
        /** Requests per second of stock pushes to this shop (2 fits the strictest plan of the built-in platforms). */
        @Min(1)
        private int maxRequestsPerSecond = 2;
        /** Longest wait for the shop's answer to one call (slower: the call fails and the broker redelivers later). */
        @NotNull
        @DurationMin(millis = 1)
        private java.time.Duration timeout = java.time.Duration.ofSeconds(20);

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
        public java.time.Duration getTimeout() { return timeout; }
        public void setTimeout(java.time.Duration timeout) { this.timeout = timeout; }

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
        /** The gateway's protocol: stripe. */
        @NotNull
        private PaymentProviderType type = PaymentProviderType.stripe;
        /** Endpoint secrets ("whsec_..."); several while rolling secrets (any one verifies). */
        private List<String> webhookSecrets = new ArrayList<>();
        /** Oldest accepted signature timestamp, in seconds before now (Stripe's default 300); 0 disables the check. */
        @Min(0)
        private long toleranceSeconds = 300;
        /** Channel of orders whose payment metadata names none. */
        private String defaultChannel;
        /** The payment's metadata key that holds the shop order id. */
        @NotBlank
        private String orderMetadataKey = "order_id";
        /** The payment's metadata key that holds the channel id. */
        @NotBlank
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
        @NotNull
        @DurationMin(millis = 1)
        private java.time.Duration recheckInterval = java.time.Duration.ofMinutes(15);
        /** How long an order may stay unpaid before unpaid-action applies. */
        @NotNull
        @DurationMin(millis = 1)
        private java.time.Duration unpaidDeadline = java.time.Duration.ofHours(72);
        /** review: park the order for a person; cancel: cancel it in the shop and tell the customer. */
        @NotNull
        private UnpaidAction unpaidAction = UnpaidAction.review;
        /** With unpaid-action cancel: remind the customer once this long before the unpaid deadline (notification
         * unpaid-reminder, at the first re-check from then on); 0 (default): no reminder. */
        @NotNull
        private java.time.Duration unpaidReminderBefore = java.time.Duration.ZERO;
        /** Per payment method (the canonical payment.method, e.g. "cod", "bacs"). */
        private Map<String, MethodPolicy> paymentMethods = new LinkedHashMap<>();
        /** For every method not listed. */
        @NotNull
        private MethodPolicy defaultPolicy = new MethodPolicy();
        /** Orders to hold for a person before release (docs/payment-gate.md, "Review rules"); first match wins. */
        private List<ReviewRuleSettings> reviewRules = new ArrayList<>();
        /**
         * Payment gate consumers: different orders' events are decided in parallel (each waits for its state read and
         * its transaction's journal write); one order's events stay one at a time, in order (message group = order
         * key), so its state is read after the previous event's commit.
         */
        @Min(1)
        private int concurrentConsumers = 4;

        public int getConcurrentConsumers() { return concurrentConsumers; }
        public void setConcurrentConsumers(int v) { this.concurrentConsumers = v; }
        public java.time.Duration getRecheckInterval() { return recheckInterval; }
        public void setRecheckInterval(java.time.Duration v) { this.recheckInterval = v; }
        public java.time.Duration getUnpaidDeadline() { return unpaidDeadline; }
        public void setUnpaidDeadline(java.time.Duration v) { this.unpaidDeadline = v; }
        public UnpaidAction getUnpaidAction() { return unpaidAction; }
        public java.time.Duration getUnpaidReminderBefore() { return unpaidReminderBefore; }
        public void setUnpaidReminderBefore(java.time.Duration v) { this.unpaidReminderBefore = v; }
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
        /** The rule's name: the reason an order it holds shows on orderflow.review. */
        private String name;
        /** Currency (ISO code) -> amount: the order's total is above it. Orders in other currencies do not match. */
        private Map<String, java.math.BigDecimal> totalAbove = new LinkedHashMap<>();
        /** The shipping country (ISO code) is one of these. */
        private List<String> shipToCountryIn = new ArrayList<>();
        /** The shipping country is none of these (an order without shipping address does not match). */
        private List<String> shipToCountryNotIn = new ArrayList<>();
        /** A line's SKU is one of these. */
        private List<String> skuIn = new ArrayList<>();
        /** true: only the customer's first order (as the shop says: Shopify customer.orders_count). */
        private Boolean firstOrder;

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
        public Boolean getFirstOrder() { return firstOrder; }
        public void setFirstOrder(Boolean v) { this.firstOrder = v; }
    }

    /**
     * The company's ERP: where released orders become confirmed sales orders with reserved stock. The shared
     * settings live here; each ERP's credentials and ERP-specific settings under its kind ({@code odoo},
     * {@code erpnext}, {@code tryton}). The chosen kind's required settings are checked at start-up
     * ({@link ErpSettingsValidator}).
     */
    public static class Erp {
        /** none (the ERP stage does not run; released orders wait), odoo, erpnext or tryton. */
        @NotNull
        private ErpKind kind = ErpKind.none;
        /** Base URL of the ERP (e.g. https://erp.example.com; Tryton: http://host:8000). */
        private String url;
        /** backorder: confirm and ship what is there; hold: keep the order unconfirmed and park it for review. */
        @NotNull
        private ShortagePolicy shortagePolicy = ShortagePolicy.backorder;
        /** Shipping and discount products / shipping account for every channel that sets none of its own. */
        @Valid
        private final ErpCharges charges = new ErpCharges();
        /**
         * The ERP order's total, read back before confirmation, may differ from the shop's total (and the payment the
         * gate saw) by at most this much per order; more parks the order for review, unconfirmed.
         */
        @NotNull
        @DecimalMin("0")
        private java.math.BigDecimal totalTolerance = new java.math.BigDecimal("0.01");
        /** Outbound rate limit, requests per second to the ERP. */
        @Min(1)
        private int maxRequestsPerSecond = 10;
        /** Timeout of one ERP request. */
        @NotNull
        @DurationMin(millis = 1)
        private java.time.Duration timeout = java.time.Duration.ofSeconds(20);
        /** Circuit breaker: this many ERP failures within circuit-failure-window suspend the ERP consumer... */
        @Min(1)
        private int circuitFailureThreshold = 3;
        /** The window in which circuit-failure-threshold failures suspend the ERP consumer. */
        @NotNull
        @DurationMin(millis = 1)
        private java.time.Duration circuitFailureWindow = java.time.Duration.ofMinutes(1);
        /** ...and one order is tried again this long after. */
        @NotNull
        @DurationMin(millis = 1)
        private java.time.Duration circuitHalfOpenAfter = java.time.Duration.ofSeconds(30);
        /**
         * ERP stage consumers: different orders reach the ERP in parallel, one order's releases stay in sequence
         * (message group = order key). Throughput ~ consumers / (ERP calls per order x ERP round trip), capped by
         * max-requests-per-second / ERP calls per order (docs/performance.md).
         */
        @Min(1)
        private int concurrentConsumers = 4;
        /**
         * How long an ERP product found for a SKU is remembered (ERPNext: the Item lookup; free quantities are always
         * read fresh). 0 turns the cache off. Unknown SKUs are never remembered: create the product, then replay.
         */
        @NotNull
        private java.time.Duration productCacheTtl = java.time.Duration.ofMinutes(5);
        /** Odoo (kind odoo): database, login, API key, protocol. */
        @Valid
        private final Odoo odoo = new Odoo();
        /** ERPNext (kind erpnext): API key and secret, company, warehouse, tax accounts. */
        @Valid
        private final ErpNext erpnext = new ErpNext();
        /** Tryton (kind tryton): database, user, password. */
        @Valid
        private final Tryton tryton = new Tryton();

        public ErpKind getKind() { return kind; }
        public void setKind(ErpKind kind) { this.kind = kind; }
        public boolean isEnabled() { return kind != ErpKind.none; }
        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public ErpCharges getCharges() { return charges; }
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
        public int getConcurrentConsumers() { return concurrentConsumers; }
        public void setConcurrentConsumers(int v) { this.concurrentConsumers = v; }
        public java.time.Duration getProductCacheTtl() { return productCacheTtl; }
        public void setProductCacheTtl(java.time.Duration v) { this.productCacheTtl = v; }
        public void setCircuitHalfOpenAfter(java.time.Duration v) { this.circuitHalfOpenAfter = v; }
        public Odoo getOdoo() { return odoo; }
        public ErpNext getErpnext() { return erpnext; }
        public Tryton getTryton() { return tryton; }

        @Override
        public String toString() {
            return "Erp[kind=" + kind + ", url=" + url + ", credentials hidden]";
        }
    }

    /** orderflow.erp.odoo.*: the Odoo connection (kind odoo). */
    public static class Odoo {
        /** jsonrpc (/jsonrpc, Odoo up to 18) or json2 (/json/2, Odoo 19+). */
        @NotNull
        private OdooApi api = OdooApi.jsonrpc;
        /** Odoo database name (JSON-RPC: required; JSON-2: sent as X-Odoo-Database when set). */
        private String database;
        /** Odoo login of the integration user (JSON-RPC: required). */
        private String username;
        /** The integration user's Odoo API key (both protocols: required). */
        private String apiKey;
        /** The sale order line's tax field; empty: tax_id with jsonrpc (Odoo up to 18), tax_ids with json2. */
        private String lineTaxField;
        /** The stock.move field of the done quantity in the shipment write-back; empty: quantity (Odoo 17+, with
         * picked); quantity_done for Odoo up to 16. */
        private String moveQuantityField;

        public OdooApi getApi() { return api; }
        public void setApi(OdooApi api) { this.api = api; }
        public String getDatabase() { return database; }
        public void setDatabase(String database) { this.database = database; }
        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getApiKey() { return apiKey; }
        public void setApiKey(String apiKey) { this.apiKey = apiKey; }
        public String getLineTaxField() { return lineTaxField; }
        public void setLineTaxField(String v) { this.lineTaxField = v; }
        public String getMoveQuantityField() { return moveQuantityField; }
        public void setMoveQuantityField(String v) { this.moveQuantityField = v; }

        @Override
        public String toString() { return "Odoo[api=" + api + ", database=" + database + ", credentials hidden]"; }
    }

    /** orderflow.erp.erpnext.*: the ERPNext connection (kind erpnext). */
    public static class ErpNext {
        /** API key of the integration user (required). */
        private String apiKey;
        /** API secret of the integration user (required). */
        private String apiSecret;
        /** Company of the sales orders (required). */
        private String company;
        /** Warehouse of the sales orders and the one stock orderflow reads (required). */
        private String warehouse;
        /** The tax account of each rate, by percent ("19": "VAT 19% - MC"; a key with a dot in brackets: "[7.5]"). */
        private Map<String, String> taxAccounts = new LinkedHashMap<>();

        public String getApiKey() { return apiKey; }
        public void setApiKey(String apiKey) { this.apiKey = apiKey; }
        public String getApiSecret() { return apiSecret; }
        public void setApiSecret(String apiSecret) { this.apiSecret = apiSecret; }
        public String getCompany() { return company; }
        public void setCompany(String company) { this.company = company; }
        public String getWarehouse() { return warehouse; }
        public void setWarehouse(String warehouse) { this.warehouse = warehouse; }
        public Map<String, String> getTaxAccounts() { return taxAccounts; }
        public void setTaxAccounts(Map<String, String> v) { this.taxAccounts = v; }

        @Override
        public String toString() { return "ErpNext[company=" + company + ", warehouse=" + warehouse + ", credentials hidden]"; }
    }

    /** orderflow.erp.tryton.*: the Tryton connection (kind tryton). */
    public static class Tryton {
        /** Tryton database name (required; requests go to POST url/database/). */
        private String database;
        /** Tryton user of the integration (required). */
        private String username;
        /** That user's password (required). */
        private String password;

        public String getDatabase() { return database; }
        public void setDatabase(String database) { this.database = database; }
        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }

        @Override
        public String toString() { return "Tryton[database=" + database + ", username=" + username + ", password hidden]"; }
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

    /** The one stock the configured ERP offers (ERPNext: orderflow.erp.erpnext.warehouse; Tryton: location STO; Odoo: free_qty). */
    public static final String ERP_STOCK = "erp";
    /** A channel whose stock orderflow does not set. */
    public static final String NO_STOCK = "none";

    /** Stock sync to the shops (orderflow.stock.*): docs/erp.md, "Multi-shop stock". */
    public static class Stock {
        /** How often the ERP is asked for stock changed since the last run (goods received, corrections, returns,
         * orders entered in the ERP); 0 disables the periodic sync (orders of our shops still update every shop). */
        @DurationMin(millis = 0)
        private java.time.Duration syncInterval = java.time.Duration.ofMinutes(5);
        /** The first run this long after start. */
        @NotNull
        @DurationMin(millis = 0)
        private java.time.Duration syncInitialDelay = java.time.Duration.ofSeconds(30);
        /** Each run asks from this long before the last run's watermark, so a change committed late in the ERP
         * (its timestamp older than its commit) is not missed. */
        @NotNull
        @DurationMin(millis = 0)
        private java.time.Duration syncOverlap = java.time.Duration.ofMinutes(1);

        public java.time.Duration getSyncInterval() { return syncInterval; }
        public void setSyncInterval(java.time.Duration v) { this.syncInterval = v; }
        public java.time.Duration getSyncInitialDelay() { return syncInitialDelay; }
        public void setSyncInitialDelay(java.time.Duration v) { this.syncInitialDelay = v; }
        public java.time.Duration getSyncOverlap() { return syncOverlap; }
        public void setSyncOverlap(java.time.Duration v) { this.syncOverlap = v; }
    }

    /**
     * The reconciliation poll (orderflow.reconcile.*; route shop-order-reconcile, docs/reliability.md "Lost
     * webhooks"): every interval, each shop channel whose platform can list changed orders is asked for the orders
     * created or changed since its watermark (kept on the broker), and each is fed to orderflow.intake.shop like an
     * "order updated" webhook (an unchanged order is stored once).
     */
    public static class Reconcile {
        /** How often each shop is asked; 0 turns the poll off. */
        @NotNull
        @DurationMin(millis = 0)
        private java.time.Duration interval = java.time.Duration.ofMinutes(10);
        /** The first run this long after start. */
        @NotNull
        @DurationMin(millis = 0)
        private java.time.Duration initialDelay = java.time.Duration.ofMinutes(1);
        /** Each run asks from this long before the watermark (the newest change seen), so an order saved late in the
         * shop (its timestamp older than its commit) is not missed; the re-read orders are stored once. */
        @NotNull
        @DurationMin(millis = 0)
        private java.time.Duration overlap = java.time.Duration.ofMinutes(5);
        /** With no watermark yet (the first run for a channel), how far back the shop is asked; older orders are
         * never imported. */
        @NotNull
        @DurationMin(millis = 0)
        private java.time.Duration initialLookback = java.time.Duration.ofHours(1);
        /** At most this many pages (of 100 orders) per channel and run; the next run continues from the newest read. */
        @jakarta.validation.constraints.Min(1)
        @jakarta.validation.constraints.Max(1000)
        private int maxPages = 20;

        public java.time.Duration getInterval() { return interval; }
        public void setInterval(java.time.Duration v) { this.interval = v; }
        public java.time.Duration getInitialDelay() { return initialDelay; }
        public void setInitialDelay(java.time.Duration v) { this.initialDelay = v; }
        public java.time.Duration getOverlap() { return overlap; }
        public void setOverlap(java.time.Duration v) { this.overlap = v; }
        public java.time.Duration getInitialLookback() { return initialLookback; }
        public void setInitialLookback(java.time.Duration v) { this.initialLookback = v; }
        public int getMaxPages() { return maxPages; }
        public void setMaxPages(int v) { this.maxPages = v; }
    }

    /** none, rest (orderflow's REST contract), shipstation (ShipStation v1), erp (the ERP's own warehouse). */
    public enum WmsKind { none, rest, shipstation, erp }

    /**
     * The warehouse (orderflow.wms.*, docs/fulfilment.md): which adapter (kind), where it is, its credentials, the
     * secret(s) of its webhooks at POST /webhooks/wms/{id}, and the fulfilment stage's circuit breaker.
     * Checked at start-up: bean validation, then io.orderflow.wms.WmsConfiguration refuses to start when
     * {@link #missingSettings()} names any (the chosen kind's URL, credentials and webhook secret).
     */
    public static class Wms {
        /** none (the fulfilment stage does not start; allocated orders wait), rest (orderflow's generic REST WMS
         * contract, docs/wms-rest-api.yaml), shipstation (ShipStation API v1) or erp (the ERP's own warehouse:
         * orderflow.erp.kind's deliveries, read back when done; no URL, credentials or webhooks of its own). */
        @NotNull
        private WmsKind kind = WmsKind.none;
        /** This WMS's id: its webhooks arrive at /webhooks/wms/{id}; shipment events name it (field wms). */
        @NotBlank
        @jakarta.validation.constraints.Pattern(regexp = "[a-z0-9][a-z0-9-]*", message = "lower-case letters, digits and '-'")
        private String id = "wms";
        /** Base URL of the WMS API (rest: the contract's server; shipstation: https://ssapi.shipstation.com). */
        private String url;
        /** Webhook secrets (one, or two while rotating). rest: HMAC-SHA256 key of header X-Orderflow-Hmac-Sha256;
         * shipstation: the value of the ?secret= query parameter of the webhook target URL. */
        private List<String> webhookSecrets = new ArrayList<>();
        /** Longest wait for an answer (and for a rate-limit permit). */
        @NotNull
        @DurationMin(millis = 1)
        private java.time.Duration timeout = java.time.Duration.ofSeconds(20);
        /** Calls per minute to the WMS (ShipStation v1 allows 40 per API key). */
        @Min(1)
        private int maxRequestsPerMinute = 40;
        /**
         * Consumers of the fulfilment and the tracking stage each: different orders reach the WMS and have their
         * shipments recorded in parallel; one order's messages stay one at a time, in order (message group = order
         * key). The WMS's request limit (max-requests-per-minute) is shared by all of them.
         */
        @Min(1)
        private int concurrentConsumers = 4;
        /** WMS failures within circuit-failure-window that suspend the fulfilment stage. */
        @Min(1)
        private int circuitFailureThreshold = 3;
        @NotNull
        @DurationMin(millis = 1)
        private java.time.Duration circuitFailureWindow = java.time.Duration.ofMinutes(1);
        /** After this long one order is tried again; a success resumes the stage. */
        @NotNull
        @DurationMin(millis = 1)
        private java.time.Duration circuitHalfOpenAfter = java.time.Duration.ofSeconds(30);
        /** rest: the bearer token of the WMS API. */
        private String apiKey;
        /** shipstation: API key and secret (HTTP Basic apiKey:apiSecret). */
        private final ShipStation shipstation = new ShipStation();
        /** erp: the poll of the ERP's done deliveries (orderflow.wms.erp.*). */
        @jakarta.validation.Valid
        private final ErpWarehouse erp = new ErpWarehouse();

        public WmsKind getKind() { return kind; }
        public void setKind(WmsKind kind) { this.kind = kind; }
        public boolean isEnabled() { return kind != WmsKind.none; }
        public String getId() { return id; }
        public void setId(String id) { this.id = id; }
        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public List<String> getWebhookSecrets() { return webhookSecrets; }
        public void setWebhookSecrets(List<String> v) { this.webhookSecrets = v; }
        public java.time.Duration getTimeout() { return timeout; }
        public void setTimeout(java.time.Duration timeout) { this.timeout = timeout; }
        public int getMaxRequestsPerMinute() { return maxRequestsPerMinute; }
        public int getConcurrentConsumers() { return concurrentConsumers; }
        public void setConcurrentConsumers(int v) { this.concurrentConsumers = v; }
        public void setMaxRequestsPerMinute(int v) { this.maxRequestsPerMinute = v; }
        public int getCircuitFailureThreshold() { return circuitFailureThreshold; }
        public void setCircuitFailureThreshold(int v) { this.circuitFailureThreshold = v; }
        public java.time.Duration getCircuitFailureWindow() { return circuitFailureWindow; }
        public void setCircuitFailureWindow(java.time.Duration v) { this.circuitFailureWindow = v; }
        public java.time.Duration getCircuitHalfOpenAfter() { return circuitHalfOpenAfter; }
        public void setCircuitHalfOpenAfter(java.time.Duration v) { this.circuitHalfOpenAfter = v; }
        public String getApiKey() { return apiKey; }
        public void setApiKey(String apiKey) { this.apiKey = apiKey; }
        public ShipStation getShipstation() { return shipstation; }
        public ErpWarehouse getErp() { return erp; }

        /**
         * The chosen kind's required settings that are unset, by their full names (empty for kind none; kind erp
         * needs orderflow.erp.kind, which io.orderflow.wms.WmsConfiguration checks).
         */
        public List<String> missingSettings() {
            List<String> missing = new ArrayList<>();
            if (kind == WmsKind.none || kind == WmsKind.erp) {
                return missing;
            }
            if (url == null || url.isBlank()) {
                missing.add("orderflow.wms.url");
            } else {
                try {
                    java.net.URI uri = java.net.URI.create(url.trim());
                    if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                        missing.add("orderflow.wms.url (an http(s) URL)");
                    }
                } catch (IllegalArgumentException e) {
                    missing.add("orderflow.wms.url (an http(s) URL)");
                }
            }
            if (webhookSecrets == null || webhookSecrets.stream().allMatch(s -> s == null || s.isBlank())) {
                missing.add("orderflow.wms.webhook-secrets");
            }
            if (kind == WmsKind.rest && (apiKey == null || apiKey.isBlank())) {
                missing.add("orderflow.wms.api-key");
            }
            if (kind == WmsKind.shipstation) {
                if (shipstation.apiKey == null || shipstation.apiKey.isBlank()) {
                    missing.add("orderflow.wms.shipstation.api-key");
                }
                if (shipstation.apiSecret == null || shipstation.apiSecret.isBlank()) {
                    missing.add("orderflow.wms.shipstation.api-secret");
                }
            }
            return missing;
        }

        @Override
        public String toString() {
            return "Wms[kind=" + kind + ", id=" + id + ", url=" + url + ", credentials and secrets hidden]";
        }
    }

    /**
     * orderflow.wms.erp.*: kind erp, the ERP's own warehouse (docs/fulfilment.md, "The ERP's own warehouse"): route
     * erp-delivery-poll asks the ERP every poll-interval for the deliveries done since its watermark (kept on the
     * broker), from poll-overlap before it; the first run (no watermark yet) from initial-lookback ago.
     */
    public static class ErpWarehouse {
        /** How often the ERP is asked for deliveries done since the last run. */
        @NotNull
        @DurationMin(seconds = 1)
        private java.time.Duration pollInterval = java.time.Duration.ofMinutes(2);
        /** The first run after start. */
        @NotNull
        private java.time.Duration pollInitialDelay = java.time.Duration.ofSeconds(30);
        /** Each run asks from this long before the watermark (a delivery committed late, clocks apart); what was
         * read before is dropped by its broker duplicate id. */
        @NotNull
        private java.time.Duration pollOverlap = java.time.Duration.ofMinutes(5);
        /** With no watermark yet (the first run ever): deliveries done this long before now (the ERP's clock may be
         * its local time: keep it above the ERP's UTC offset). */
        @NotNull
        @DurationMin(minutes = 1)
        private java.time.Duration initialLookback = java.time.Duration.ofDays(1);

        public java.time.Duration getPollInterval() { return pollInterval; }
        public void setPollInterval(java.time.Duration v) { this.pollInterval = v; }
        public java.time.Duration getPollInitialDelay() { return pollInitialDelay; }
        public void setPollInitialDelay(java.time.Duration v) { this.pollInitialDelay = v; }
        public java.time.Duration getPollOverlap() { return pollOverlap; }
        public void setPollOverlap(java.time.Duration v) { this.pollOverlap = v; }
        public java.time.Duration getInitialLookback() { return initialLookback; }
        public void setInitialLookback(java.time.Duration v) { this.initialLookback = v; }
    }

    /** orderflow.wms.shipstation.*: ShipStation v1 credentials (kind shipstation). */
    public static class ShipStation {
        private String apiKey;
        private String apiSecret;

        public String getApiKey() { return apiKey; }
        public void setApiKey(String apiKey) { this.apiKey = apiKey; }
        public String getApiSecret() { return apiSecret; }
        public void setApiSecret(String apiSecret) { this.apiSecret = apiSecret; }

        @Override
        public String toString() { return "ShipStation[credentials hidden]"; }
    }
}
