package io.orderflow.erp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.http.CircuitBreakerRoutePolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The ERP client chosen by orderflow.erp.kind, and the ERP stage's circuit breaker. */
@Configuration
public class ErpConfiguration {

    @Bean
    ErpClient erpClient(OrderflowProperties properties, ObjectMapper mapper, ErpMappings mappings,
            io.micrometer.core.instrument.MeterRegistry meters) {
        OrderflowProperties.Erp erp = properties.getErp();
        return switch (erp.getKind()) {
            case odoo -> new OdooClient(erp, new ErpHttp(erp, meters), mapper, mappings);
            case erpnext -> new ErpNextClient(erp, new ErpHttp(erp, meters), mapper, mappings);
            case tryton -> new TrytonClient(erp, new ErpHttp(erp, meters), mapper, mappings);
            case none -> new NoErp();
        };
    }

    /**
     * Circuit breaker of route erp-stage (routePolicy): after circuit-failure-threshold ERP failures
     * (ErpUnavailableException) within circuit-failure-window the route's consumer is suspended, so orders wait on
     * the broker instead of burning delivery attempts; after circuit-half-open-after one order is tried, and a success
     * resumes consumption.
     */
    @Bean
    CircuitBreakerRoutePolicy erpCircuitBreaker(OrderflowProperties properties,
            org.springframework.beans.factory.ObjectProvider<io.micrometer.core.instrument.MeterRegistry> meters) {
        OrderflowProperties.Erp erp = properties.getErp();
        return new CircuitBreakerRoutePolicy("ERP", erp.getCircuitFailureThreshold(), erp.getCircuitFailureWindow(),
                erp.getCircuitHalfOpenAfter(), java.util.List.of(ErpUnavailableException.class), meters.getIfAvailable());
    }

    /** Whether an ERP is configured: route erp-stage starts only then (autoStartup "{{bean:erpSwitch.enabled}}"). */
    @Bean
    ErpSwitch erpSwitch(OrderflowProperties properties) {
        return new ErpSwitch(properties.getErp().isEnabled());
    }

    public record ErpSwitch(boolean enabled) {
    }

    /** orderflow.erp.kind=none: the ERP stage does not start; this client is never called. */
    static final class NoErp implements ErpClient {
        @Override public java.util.Optional<ErpOrder> findOrder(String reference) { throw none(); }
        @Override public String findOrCreateCustomer(com.fasterxml.jackson.databind.JsonNode order) { throw none(); }
        @Override public java.util.Map<String, ErpProduct> products(java.util.Collection<String> skus) { throw none(); }
        @Override public ErpOrder createOrder(com.fasterxml.jackson.databind.JsonNode o, OrderAmounts a, Charges ch,
                String c, java.util.Map<String, ErpProduct> p) { throw none(); }
        @Override public java.math.BigDecimal orderTotal(ErpOrder order) { throw none(); }
        @Override public void confirmAndReserve(ErpOrder order) { throw none(); }

        private static IllegalStateException none() {
            return new IllegalStateException("no ERP is configured (orderflow.erp.kind=none)");
        }

        @Override public StockChanges stockChangedSince(String watermark, java.time.Duration overlap) { throw none(); }
        @Override public DeliveryResult deliver(String reference, Delivery delivery) { throw none(); }
        @Override public CancelResult cancelOrder(String reference) { throw none(); }
        @Override public DoneDeliveries deliveriesDoneSince(String watermark, java.time.Duration overlap) { throw none(); }
    }
}
