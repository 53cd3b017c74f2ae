package io.orderflow.broker;

import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.activemq.artemis.core.server.metrics.ActiveMQMetricsPlugin;

/**
 * Hands the embedded broker the application's Micrometer registry, so Artemis's own per-queue meters appear at
 * /actuator/prometheus next to orderflow's: {@code artemis_message_count{queue="orderflow.release"}} is how many
 * orders wait at a stage, {@code artemis_delivering_message_count}, {@code artemis_scheduled_message_count} (waiting
 * orders' re-checks, redelivery back-off), {@code artemis_consumer_count}, {@code artemis_messages_added_total}. The
 * Grafana dashboard's "queue depth per stage" reads them. An external broker publishes the same meters through its
 * own metrics plugin.
 */
public class BrokerMetrics implements ActiveMQMetricsPlugin {

    private static final long serialVersionUID = 1L;

    private final transient MeterRegistry registry;

    public BrokerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public ActiveMQMetricsPlugin init(Map<String, String> options) {
        return this;
    }

    @Override
    public MeterRegistry getRegistry() {
        return registry;
    }
}
