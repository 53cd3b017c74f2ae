package io.orderflow.cancel;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.erp.ErpUnavailableException;
import io.orderflow.http.CircuitBreakerRoutePolicy;
import io.orderflow.wms.WmsUnavailableException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class CancellationConfiguration {

    /**
     * Circuit breaker of route order-cancellation (routePolicy cancellationCircuitBreaker): after
     * orderflow.erp.circuit-failure-threshold WMS or ERP failures (WmsUnavailableException, ErpUnavailableException)
     * within the ERP's circuit-failure-window the consumer is suspended, cancellations wait on the broker (never on
     * the dead-letter queue: orderflow.order.cancellations has no delivery limit); after circuit-half-open-after one is
     * tried, and a success resumes consumption. Its own instance: a route policy holds the state of one route.
     */
    @Bean
    CircuitBreakerRoutePolicy cancellationCircuitBreaker(OrderflowProperties properties, ObjectProvider<MeterRegistry> meters) {
        OrderflowProperties.Erp erp = properties.getErp();
        return new CircuitBreakerRoutePolicy("WMS/ERP (cancellations)", erp.getCircuitFailureThreshold(),
                erp.getCircuitFailureWindow(), erp.getCircuitHalfOpenAfter(),
                List.of(ErpUnavailableException.class, WmsUnavailableException.class), meters.getIfAvailable());
    }

    /**
     * Whether route order-cancellation starts (autoStartup "{{bean:cancellationSwitch.enabled}}"): when a WMS or an
     * ERP is configured. Without either there is nothing to cancel; cancellations then wait on their queue.
     */
    @Bean
    CancellationSwitch cancellationSwitch(OrderflowProperties properties) {
        return new CancellationSwitch(properties.getWms().isEnabled() || properties.getErp().isEnabled());
    }

    public record CancellationSwitch(boolean enabled) {
    }
}
