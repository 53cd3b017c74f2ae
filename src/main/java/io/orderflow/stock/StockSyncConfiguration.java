package io.orderflow.stock;

import io.orderflow.config.OrderflowProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Settings of the periodic stock sync as route stock-sync-poll reads them ("{{bean:stockSyncSwitch.enabled}}"). */
@Configuration
public class StockSyncConfiguration {

    @Bean
    StockSyncSwitch stockSyncSwitch(OrderflowProperties properties) {
        OrderflowProperties.Stock stock = properties.getStock();
        boolean enabled = properties.getErp().isEnabled() && stock.getSyncInterval() != null
                && !stock.getSyncInterval().isZero() && !stock.getSyncInterval().isNegative();
        return new StockSyncSwitch(enabled, enabled ? Math.max(1000, stock.getSyncInterval().toMillis()) : 60_000,
                Math.max(0, stock.getSyncInitialDelay().toMillis()));
    }

    /** Whether the periodic sync runs (an ERP is configured and sync-interval is not 0), how often, first run when. */
    public record StockSyncSwitch(boolean enabled, long periodMillis, long delayMillis) {
    }
}
