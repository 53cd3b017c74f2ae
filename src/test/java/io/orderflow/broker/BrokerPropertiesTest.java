package io.orderflow.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import io.orderflow.config.OrderflowProperties;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.Test;

/**
 * The external broker's settings (docker/artemis/broker.properties, parsed by Artemis's own parser) agree with what
 * the embedded broker gets from EmbeddedBrokerCustomizer with the default orderflow.broker.* settings.
 */
class BrokerPropertiesTest {

    @Test
    void externalBrokerPropertiesMatchTheEmbeddedBrokerDefaults() throws Exception {
        ConfigurationImpl external = new ConfigurationImpl();
        external.parseProperties(Path.of("docker/artemis/broker.properties").toAbsolutePath().toString());
        assertThat(external.getStatus()).doesNotContain("\"errors\":[{");

        ConfigurationImpl embedded = new ConfigurationImpl();
        new EmbeddedBrokerCustomizer(new OrderflowProperties(),
                new org.springframework.beans.factory.support.StaticListableBeanFactory()
                        .getBeanProvider(io.micrometer.core.instrument.MeterRegistry.class)).customize(embedded);

        assertThat(external.isPersistIDCache()).isEqualTo(embedded.isPersistIDCache()).isTrue();
        assertThat(external.getIDCacheSize()).isEqualTo(embedded.getIDCacheSize());
        for (String match : List.of("#", BrokerAddresses.SHOP_INTAKE, BrokerAddresses.PAYMENT_INTAKE,
                BrokerAddresses.RELEASE, BrokerAddresses.DEAD_LETTER, BrokerAddresses.EXPIRED)) {
            AddressSettings e = external.getAddressSettings().get(match);
            AddressSettings i = embedded.getAddressSettings().get(match);
            assertThat(e).as("address setting " + match).isNotNull();
            if (!match.equals("#")) {
                e = e.mergeCopy(external.getAddressSettings().get("#"));
            }
            assertThat(String.valueOf(e.getDeadLetterAddress())).as(match).isEqualTo(String.valueOf(i.getDeadLetterAddress()));
            assertThat(String.valueOf(e.getExpiryAddress())).as(match).isEqualTo(String.valueOf(i.getExpiryAddress()));
            assertThat(e.getRedeliveryDelay()).as(match).isEqualTo(i.getRedeliveryDelay());
            assertThat(e.getRedeliveryMultiplier()).as(match).isEqualTo(i.getRedeliveryMultiplier());
            assertThat(e.getMaxRedeliveryDelay()).as(match).isEqualTo(i.getMaxRedeliveryDelay());
            assertThat(e.getMaxDeliveryAttempts()).as(match).isEqualTo(i.getMaxDeliveryAttempts());
            assertThat(e.isAutoDeleteQueues()).as(match).isEqualTo(i.isAutoDeleteQueues()).isFalse();
            assertThat(e.isAutoDeleteAddresses()).as(match).isEqualTo(i.isAutoDeleteAddresses()).isFalse();
            assertThat(e.getIDCacheSize()).as(match).isEqualTo(i.getIDCacheSize());
            assertThat(e.getDefaultGroupBuckets()).as(match).isEqualTo(i.getDefaultGroupBuckets()).isEqualTo(1024);
            assertThat(e.isDefaultGroupRebalance()).as(match).isEqualTo(i.isDefaultGroupRebalance()).isFalse();
        }
        // The order status queues: last-value keyed by orderKey, non-destructive, discarded on expiry, never
        // auto-deleted, on both brokers (the external one creates them on the first write).
        AddressSettings status = external.getAddressSettings().get(BrokerAddresses.ORDER_STATUS_MATCH)
                .mergeCopy(external.getAddressSettings().get("#"));
        AddressSettings statusEmbedded = embedded.getAddressSettings().get(BrokerAddresses.ORDER_STATUS_MATCH);
        assertThat(String.valueOf(status.getExpiryAddress())).isEqualTo(String.valueOf(statusEmbedded.getExpiryAddress()))
                .isEmpty();
        assertThat(String.valueOf(status.getDefaultLastValueKey()))
                .isEqualTo(String.valueOf(statusEmbedded.getDefaultLastValueKey())).isEqualTo("orderKey");
        assertThat(status.isDefaultNonDestructive()).isEqualTo(statusEmbedded.isDefaultNonDestructive()).isTrue();
        assertThat(status.isAutoDeleteQueues()).isEqualTo(statusEmbedded.isAutoDeleteQueues()).isFalse();
        assertThat(String.valueOf(status.getDeadLetterAddress())).isEqualTo(String.valueOf(statusEmbedded.getDeadLetterAddress()));
        for (String queue : BrokerAddresses.orderStatusQueues()) {
            var q = embedded.getQueueConfigs().stream().filter(c -> c.getName().toString().equals(queue)).findFirst()
                    .orElseThrow();
            assertThat(q.isLastValue()).as(queue).isTrue();
            assertThat(String.valueOf(q.getLastValueKey())).as(queue).isEqualTo("orderKey");
            assertThat(q.isNonDestructive()).as(queue).isTrue();
        }
        // Per-order state with a retention: discarded on expiry (empty expiry address) on both brokers, dead letters as usual.
        for (String state : BrokerAddresses.EXPIRING_STATE) {
            String match = BrokerAddresses.stateMatch(state);
            AddressSettings e = external.getAddressSettings().get(match);
            assertThat(e).as("address setting " + match).isNotNull();
            e = e.mergeCopy(external.getAddressSettings().get("#"));
            AddressSettings i = embedded.getAddressSettings().get(match);
            assertThat(String.valueOf(e.getExpiryAddress())).as(state).isEqualTo(String.valueOf(i.getExpiryAddress())).isEmpty();
            assertThat(String.valueOf(e.getDeadLetterAddress())).as(state).isEqualTo(String.valueOf(i.getDeadLetterAddress()))
                    .isEqualTo(BrokerAddresses.DEAD_LETTER);
            assertThat(e.getMaxDeliveryAttempts()).as(state).isEqualTo(i.getMaxDeliveryAttempts());
            assertThat(e.isAutoDeleteQueues()).as(state).isEqualTo(i.isAutoDeleteQueues()).isFalse();
            String key = state.equals(BrokerAddresses.NOTIFY_SENT) ? "notificationKey" : "orderKey";
            assertThat(String.valueOf(e.getDefaultLastValueKey())).as(state)
                    .isEqualTo(String.valueOf(i.getDefaultLastValueKey())).isEqualTo(key);
            assertThat(e.isDefaultNonDestructive()).as(state).isEqualTo(i.isDefaultNonDestructive()).isTrue();
            assertThat(e.isEnableMetrics()).as(state).isEqualTo(i.isEnableMetrics()).isFalse();
            for (String queue : BrokerAddresses.stateQueues(state)) {
                var q = embedded.getQueueConfigs().stream().filter(c -> c.getName().toString().equals(queue)).findFirst()
                        .orElseThrow();
                assertThat(q.isLastValue()).as(queue).isTrue();
                assertThat(String.valueOf(q.getLastValueKey())).as(queue).isEqualTo(key);
                assertThat(q.isNonDestructive()).as(queue).isTrue();
            }
        }
        assertThat(external.getAddressConfigurations()).extracting(a -> a.getName())
                .containsExactlyInAnyOrderElementsOf(BrokerAddresses.ALL);
        // Every address names its routing type: without it the real broker deploys the address "supporting []" and
        // logs AMQ222274 for each queue at every start (suite 6 on the Artemis distribution).
        for (var address : external.getAddressConfigurations()) {
            assertThat(address.getRoutingTypes()).as(address.getName()).containsExactly(
                    org.apache.activemq.artemis.api.core.RoutingType.ANYCAST);
        }
        for (String lvq : List.of(BrokerAddresses.GATE_STATE, BrokerAddresses.STOCK_PUSH, BrokerAddresses.STOCK_STATE)) {
            var externalState = external.getAddressConfigurations().stream()
                    .filter(a -> a.getName().equals(lvq)).findFirst().orElseThrow().getQueueConfigs().get(0);
            var embeddedState = embedded.getQueueConfigs().stream()
                    .filter(q -> q.getName().toString().equals(lvq)).findFirst().orElseThrow();
            assertThat(externalState.isLastValue()).as(lvq).isEqualTo(embeddedState.isLastValue()).isTrue();
            assertThat(String.valueOf(externalState.getLastValueKey())).as(lvq)
                    .isEqualTo(String.valueOf(embeddedState.getLastValueKey()));
            assertThat(Boolean.TRUE.equals(externalState.isNonDestructive())).as(lvq)
                    .isEqualTo(Boolean.TRUE.equals(embeddedState.isNonDestructive()))
                    .isEqualTo(!lvq.equals(BrokerAddresses.STOCK_PUSH));
        }
    }
}
