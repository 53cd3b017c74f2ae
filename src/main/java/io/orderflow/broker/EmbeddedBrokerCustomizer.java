package io.orderflow.broker;

import java.nio.file.Path;

import io.orderflow.config.OrderflowProperties;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.stereotype.Component;

/**
 * Shapes the embedded Artemis broker (used when spring.artemis.mode=embedded): persistent, every file under
 * {@code orderflow.data-dir}/broker, dead-letter and expiry addresses for everything, exponential redelivery,
 * duplicate-ID caches sized for the senders' retry windows. An external broker gets the same settings from
 * {@code docker/artemis/broker.properties}.
 */
@Component
public class EmbeddedBrokerCustomizer implements ArtemisConfigurationCustomizer {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBrokerCustomizer.class);

    private final OrderflowProperties properties;
    private final org.springframework.beans.factory.ObjectProvider<io.micrometer.core.instrument.MeterRegistry> meters;

    public EmbeddedBrokerCustomizer(OrderflowProperties properties,
            org.springframework.beans.factory.ObjectProvider<io.micrometer.core.instrument.MeterRegistry> meters) {
        this.properties = properties;
        this.meters = meters;
    }

    @Override
    public void customize(org.apache.activemq.artemis.core.config.Configuration config) {
        OrderflowProperties.Broker broker = properties.getBroker();
        Path dir = Path.of(properties.getDataDir(), "broker").toAbsolutePath().normalize();
        config.setPersistenceEnabled(true);
        config.setJournalDirectory(dir.resolve("journal").toString());
        config.setBindingsDirectory(dir.resolve("bindings").toString());
        config.setPagingDirectory(dir.resolve("paging").toString());
        config.setLargeMessagesDirectory(dir.resolve("large-messages").toString());
        config.setNodeManagerLockDirectory(dir.toString());
        config.setPersistIDCache(true);
        config.setIDCacheSize(broker.getDefaultIdCacheSize());
        config.setSecurityEnabled(false); // in-VM only: no network acceptor is opened by the embedded broker
        // A repeated delivery: one INFO line and a counter instead of Artemis's WARN with a message dump.
        config.registerBrokerPlugin(new DuplicateDeliveries(meters.getIfAvailable()));
        // Queue depth per stage at /actuator/prometheus: Artemis's per-queue meters in the application's registry.
        io.micrometer.core.instrument.MeterRegistry registry = meters.getIfAvailable();
        if (registry != null) {
            config.setMetricsConfiguration(new org.apache.activemq.artemis.core.config.MetricsConfiguration()
                    .setPlugin(new BrokerMetrics(registry)));
        }

        // Spring Boot registers "#" with its own DLQ/ExpiryQueue names; ours replace them.
        config.getAddressSettings().clear();
        config.addAddressSetting("#", standardSettings(broker));
        config.addAddressSetting(BrokerAddresses.SHOP_INTAKE,
                standardSettings(broker).setIDCacheSize(broker.getShopIntakeIdCacheSize()));
        config.addAddressSetting(BrokerAddresses.PAYMENT_INTAKE,
                standardSettings(broker).setIDCacheSize(broker.getPaymentIntakeIdCacheSize()));
        // An ERP outage must not dead-letter released orders: the ERP stage's circuit breaker suspends consumption,
        // and the consumer itself parks a message after max-delivery-attempts for any other failure.
        config.addAddressSetting(BrokerAddresses.RELEASE, standardSettings(broker).setMaxDeliveryAttempts(-1));
        // The same for write-back requests: a shop or ERP outage waits on the broker (circuit breaker), never dead-letters.
        config.addAddressSetting(BrokerAddresses.WRITEBACK_REQUESTS, standardSettings(broker).setMaxDeliveryAttempts(-1));
        // Likewise a WMS outage must not dead-letter allocated orders (the fulfilment stage's circuit breaker) or
        // cancellations (they wait for the WMS to cancel the fulfilment order).
        config.addAddressSetting(BrokerAddresses.ALLOCATED, standardSettings(broker).setMaxDeliveryAttempts(-1));
        config.addAddressSetting(BrokerAddresses.CANCELLATIONS, standardSettings(broker).setMaxDeliveryAttempts(-1));
        // And ShipStation's webhooks wait for its API (their fetch) rather than being dead-lettered without a reason.
        config.addAddressSetting(BrokerAddresses.WMS_INTAKE, standardSettings(broker).setMaxDeliveryAttempts(-1));
        // Parked messages stay until a person looks at them: no redelivery limit, so no dead-letter loop.
        config.addAddressSetting(BrokerAddresses.DEAD_LETTER, standardSettings(broker).setMaxDeliveryAttempts(-1));
        config.addAddressSetting(BrokerAddresses.REVIEW_DISCARDED, standardSettings(broker).setMaxDeliveryAttempts(-1));
        config.addAddressSetting(BrokerAddresses.EXPIRED, standardSettings(broker).setMaxDeliveryAttempts(-1));
        // Order status is derived data with a retention (orderflow.status.retention): an expired status message is
        // discarded, not moved (an empty expiry address; null would inherit orderflow.expired from "#").
        config.addAddressSetting(BrokerAddresses.ORDER_STATUS_MATCH, standardSettings(broker)
                .setExpiryAddress(SimpleString.of(""))
                .setDefaultLastValueKey(SimpleString.of("orderKey")).setDefaultNonDestructive(true));

        // Per-order state (gate, fulfilment, sent markers) expires after orderflow.state.retention and is then dropped
        // like the order status: an empty expiry address, so nothing on the broker grows with every order ever seen.
        for (String state : BrokerAddresses.EXPIRING_STATE) {
            config.addAddressSetting(BrokerAddresses.stateMatch(state), standardSettings(broker)
                    .setExpiryAddress(SimpleString.of("")).setDefaultLastValueKey(SimpleString.of(stateKey(state)))
                    .setDefaultNonDestructive(true)
                    // 128 queues per store would add some 2,000 series to /actuator/prometheus; their depth is in
                    // GET /admin/queues (one row per store).
                    .setEnableMetrics(false));
        }

        config.getQueueConfigs().clear();
        for (String queue : BrokerAddresses.ALL) {
            QueueConfiguration queueConfig = QueueConfiguration.of(queue)
                    .setAddress(queue).setRoutingType(RoutingType.ANYCAST).setDurable(true);
            if (queue.equals(BrokerAddresses.GATE_STATE)) {
                // One message per order: a newer state replaces the older one; read by browsing, never consumed.
                queueConfig.setLastValue(true).setLastValueKey("orderKey").setNonDestructive(true);
            }
            if (queue.equals(BrokerAddresses.FULFILMENT_STATE)) {
                // One fulfilment state per order: browsed by the fulfilment and tracking stages, never consumed.
                queueConfig.setLastValue(true).setLastValueKey("orderKey").setNonDestructive(true);
            }
            if (queue.equals(BrokerAddresses.STOCK_PUSH)) {
                // One pending push per shop and SKU (_AMQ_LVQ_NAME = <channel>:<sku>): a newer level replaces it.
                queueConfig.setLastValue(true);
            }
            if (queue.equals(BrokerAddresses.STOCK_STATE)) {
                // The latest reading per shop and SKU, and the sync watermark: browsed, never consumed.
                queueConfig.setLastValue(true).setLastValueKey("stockKey").setNonDestructive(true);
            }
            if (queue.equals(BrokerAddresses.RECONCILE_STATE)) {
                // One watermark per shop channel for the reconciliation poll: browsed, never consumed.
                queueConfig.setLastValue(true).setLastValueKey("reconcileKey").setNonDestructive(true);
            }
            if (queue.equals(BrokerAddresses.ERP_DELIVERY_STATE)) {
                // The ERP delivery poll's watermark and its reference -> orderKey index: browsed, never consumed.
                queueConfig.setLastValue(true).setLastValueKey("deliveryKey").setNonDestructive(true);
            }
            if (queue.equals(BrokerAddresses.NOTIFY_SENT)) {
                // One "sent" marker per notification and medium: browsed by the notify stage, never consumed.
                queueConfig.setLastValue(true).setLastValueKey("notificationKey").setNonDestructive(true);
            }
            config.addQueueConfiguration(queueConfig);
        }
        // Per-order state (gate, fulfilment, sent markers): one message per key on the bucket its key hashes to.
        for (String state : BrokerAddresses.EXPIRING_STATE) {
            for (String queue : BrokerAddresses.stateQueues(state)) {
                config.addQueueConfiguration(QueueConfiguration.of(queue).setAddress(queue).setRoutingType(RoutingType.ANYCAST)
                        .setDurable(true).setLastValue(true).setLastValueKey(stateKey(state)).setNonDestructive(true));
            }
        }
        // Every order's status: one message per order on the queue its key hashes to, browsed, never consumed.
        for (String queue : BrokerAddresses.orderStatusQueues()) {
            config.addQueueConfiguration(QueueConfiguration.of(queue).setAddress(queue).setRoutingType(RoutingType.ANYCAST)
                    .setDurable(true).setLastValue(true).setLastValueKey("orderKey").setNonDestructive(true));
        }
        LOG.info("Embedded Artemis: persistent, data in {}, max {} delivery attempts, shop intake duplicate-ID cache {} entries",
                dir, broker.getMaxDeliveryAttempts(), broker.getShopIntakeIdCacheSize());
    }

    /** The key property of a per-order state store. */
    static String stateKey(String store) {
        return store.equals(BrokerAddresses.NOTIFY_SENT) ? "notificationKey" : "orderKey";
    }

    private static AddressSettings standardSettings(OrderflowProperties.Broker broker) {
        return new AddressSettings()
                .setDeadLetterAddress(SimpleString.of(BrokerAddresses.DEAD_LETTER))
                .setExpiryAddress(SimpleString.of(BrokerAddresses.EXPIRED))
                .setRedeliveryDelay(broker.getRedeliveryDelayMs())
                .setRedeliveryMultiplier(broker.getRedeliveryMultiplier())
                .setMaxRedeliveryDelay(broker.getMaxRedeliveryDelayMs())
                .setMaxDeliveryAttempts(broker.getMaxDeliveryAttempts())
                .setAutoDeleteQueues(false)
                .setAutoDeleteAddresses(false)
                // Message groups (orderKey) in a fixed number of buckets: the broker's memory for groups stays fixed.
                // No rebalancing: with pause-dispatch it stalled a queue in MessageGroupBucketsTest (Artemis 2.40).
                .setDefaultGroupBuckets(broker.getGroupBuckets());
    }
}
