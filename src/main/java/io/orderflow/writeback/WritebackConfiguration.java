package io.orderflow.writeback;

import java.util.List;

import io.orderflow.config.OrderflowProperties;
import io.orderflow.erp.ErpUnavailableException;
import io.orderflow.http.CircuitBreakerRoutePolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The write-back stage's switch and circuit breaker (route writeback, routes/writeback.camel.yaml). */
@Configuration
public class WritebackConfiguration {

    /**
     * Whether route writeback starts ("{{bean:writebackSwitch.enabled}}"): when it has a target, the shops
     * (orderflow.writeback.shop) or the ERP (orderflow.writeback.erp with an ERP configured, and not the ERP's own
     * warehouse shipping: with orderflow.wms.kind erp the delivery is the ERP's already, writing it back would be
     * circular). Without one, write-back requests wait on their queue.
     */
    @Bean
    public WritebackSwitch writebackSwitch(OrderflowProperties properties) {
        boolean erp = properties.getWriteback().isErp() && properties.getErp().isEnabled()
                && properties.getWms().getKind() != OrderflowProperties.WmsKind.erp;
        return new WritebackSwitch(properties.getWriteback().isShop() || erp, properties.getWriteback().isShop(), erp);
    }

    /** Route writeback runs when {@code enabled}; {@code shop} and {@code erp} say which targets get the package. */
    public record WritebackSwitch(boolean enabled, boolean shop, boolean erp) {
    }

    /**
     * Circuit breaker of route writeback (routePolicy), like the ERP stage's erpCircuitBreaker and with its settings
     * (orderflow.erp.circuit-*): after that many shop or ERP outages (WritebackUnavailableException,
     * ErpUnavailableException) within the window the consumer is suspended, so requests wait on the broker instead
     * of burning delivery attempts; after circuit-half-open-after one request is tried, and a success resumes it.
     */
    @Bean
    CircuitBreakerRoutePolicy writebackCircuitBreaker(OrderflowProperties properties,
            org.springframework.beans.factory.ObjectProvider<io.micrometer.core.instrument.MeterRegistry> meters) {
        OrderflowProperties.Erp erp = properties.getErp();
        return new CircuitBreakerRoutePolicy("write-back (shop or ERP)", erp.getCircuitFailureThreshold(),
                erp.getCircuitFailureWindow(), erp.getCircuitHalfOpenAfter(),
                List.of(WritebackUnavailableException.class, ErpUnavailableException.class), meters.getIfAvailable());
    }
}
