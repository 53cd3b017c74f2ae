package io.orderflow.reconcile;

import io.orderflow.config.OrderflowProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Settings of the reconciliation poll as route shop-order-reconcile-timer reads them ("{{bean:reconcileSwitch.enabled}}"). */
@Configuration
public class ReconcileConfiguration {

    @Bean
    ReconcileSwitch reconcileSwitch(OrderflowProperties properties) {
        OrderflowProperties.Reconcile reconcile = properties.getReconcile();
        boolean enabled = !properties.getChannels().isEmpty() && reconcile.getInterval() != null
                && !reconcile.getInterval().isZero() && !reconcile.getInterval().isNegative();
        return new ReconcileSwitch(enabled, enabled ? Math.max(1000, reconcile.getInterval().toMillis()) : 60_000,
                Math.max(0, reconcile.getInitialDelay().toMillis()));
    }

    /** Whether the poll runs (a channel is configured and interval is not 0), how often, first run when. */
    public record ReconcileSwitch(boolean enabled, long periodMillis, long delayMillis) {
    }
}
