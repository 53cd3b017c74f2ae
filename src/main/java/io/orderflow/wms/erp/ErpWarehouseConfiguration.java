package io.orderflow.wms.erp;

import io.orderflow.config.OrderflowProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Settings of route erp-delivery-poll as it reads them ("{{bean:erpDeliveryPollSwitch.enabled}}"). */
@Configuration
public class ErpWarehouseConfiguration {

    @Bean
    public ErpDeliveryPollSwitch erpDeliveryPollSwitch(OrderflowProperties properties) {
        boolean enabled = properties.getWms().getKind() == OrderflowProperties.WmsKind.erp && properties.getErp().isEnabled();
        OrderflowProperties.ErpWarehouse settings = properties.getWms().getErp();
        return new ErpDeliveryPollSwitch(enabled, Math.max(1000, settings.getPollInterval().toMillis()),
                Math.max(0, settings.getPollInitialDelay().toMillis()));
    }

    /** Whether the poll runs (orderflow.wms.kind erp with an ERP), how often, first run when. */
    public record ErpDeliveryPollSwitch(boolean enabled, long periodMillis, long delayMillis) {
    }
}
