package io.orderflow.wms;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.wms.rest.RestWms;
import io.orderflow.wms.shipstation.ShipStationWms;
import io.orderflow.http.CircuitBreakerRoutePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The WMS adapter chosen by orderflow.wms.kind, the fulfilment stage's switch and circuit breaker. Refuses to start
 * when the chosen kind lacks a setting it needs, naming every missing property.
 */
@Configuration
public class WmsConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(WmsConfiguration.class);

    @Bean
    WmsAdapter wmsAdapter(OrderflowProperties properties, ObjectMapper mapper) {
        OrderflowProperties.Wms wms = properties.getWms();
        List<String> missing = wms.missingSettings();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("orderflow.wms.kind is " + wms.getKind() + " but " + String.join(", ", missing)
                    + (missing.size() == 1 ? " is" : " are") + " missing (docs/fulfilment.md, \"Configuration\")");
        }
        return switch (wms.getKind()) {
            case rest -> new RestWms(wms, new WmsHttp(wms), mapper);
            case shipstation -> new ShipStationWms(wms, new WmsHttp(wms), mapper);
            case erp -> {
                if (!properties.getErp().isEnabled()) {
                    throw new IllegalStateException("orderflow.wms.kind is erp (the ERP's own warehouse) but orderflow.erp.kind"
                            + " is none: set the ERP (docs/fulfilment.md, \"The ERP's own warehouse\")");
                }
                yield new io.orderflow.wms.erp.ErpWarehouse();
            }
            case none -> {
                LOG.warn("No WMS is configured (orderflow.wms.kind=none): allocated orders wait on orderflow.allocated"
                        + " until one is (docs/fulfilment.md)");
                yield new NoWms();
            }
        };
    }

    /**
     * Circuit breaker of route fulfilment (routePolicy wmsCircuitBreaker): after circuit-failure-threshold WMS
     * failures (WmsUnavailableException) within circuit-failure-window the consumer is suspended, orders wait on the
     * broker; after circuit-half-open-after one order is tried, and a success resumes consumption.
     */
    @Bean
    CircuitBreakerRoutePolicy wmsCircuitBreaker(OrderflowProperties properties,
            org.springframework.beans.factory.ObjectProvider<io.micrometer.core.instrument.MeterRegistry> meters) {
        OrderflowProperties.Wms wms = properties.getWms();
        return new CircuitBreakerRoutePolicy("WMS " + wms.getId(), wms.getCircuitFailureThreshold(),
                wms.getCircuitFailureWindow(), wms.getCircuitHalfOpenAfter(), List.of(WmsUnavailableException.class),
                meters.getIfAvailable());
    }

    /** Whether a WMS is configured: routes fulfilment, normalise-shipment and tracking start only then. */
    @Bean
    WmsSwitch wmsSwitch(OrderflowProperties properties) {
        return new WmsSwitch(properties.getWms().isEnabled());
    }

    public record WmsSwitch(boolean enabled) {
    }

    /** orderflow.wms.kind=none: the stages do not start; this adapter is never called. */
    static final class NoWms implements WmsAdapter {
        @Override public String orderMapping() { throw none(); }
        @Override public String shipmentMapping() { throw none(); }
        @Override public FulfilmentOrder create(String orderKey, com.fasterxml.jackson.databind.JsonNode request) { throw none(); }
        @Override public void cancel(String orderKey, String id, com.fasterxml.jackson.databind.JsonNode request) { throw none(); }
        @Override public String shipmentPayload(String body) { throw none(); }

        private static IllegalStateException none() {
            return new IllegalStateException("no WMS is configured (orderflow.wms.kind=none)");
        }
    }
}
