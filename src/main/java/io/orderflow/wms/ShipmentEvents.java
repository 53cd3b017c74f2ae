package io.orderflow.wms;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Steps of route normalise-shipment: {@link #payload} turns a verified WMS webhook into the shipment payload its
 * mapping reads (ShipStation: fetches the resource_url with our credentials; REST: the body itself), and
 * {@link #each} splits the mapping's output (canonical shipment events, an array) into one message per event.
 */
@Component("shipmentEvents")
public class ShipmentEvents {

    private final WmsAdapter wms;
    private final ObjectMapper mapper;

    public ShipmentEvents(WmsAdapter wms, ObjectMapper mapper) {
        this.wms = wms;
        this.mapper = mapper;
    }

    public void payload(Exchange exchange) {
        exchange.getMessage().setBody(wms.shipmentPayload(exchange.getMessage().getBody(String.class)));
        exchange.setVariable("shipmentMapping", wms.shipmentMapping());
    }

    public List<String> each(String events) throws IOException {
        JsonNode json = mapper.readTree(events);
        List<String> out = new ArrayList<>();
        if (json == null || json.isNull() || json.isMissingNode()) {
            return out;
        }
        if (json.isArray()) {
            json.forEach(e -> out.add(e.toString()));
        } else {
            out.add(json.toString());
        }
        return out;
    }

    /** Headers of one canonical shipment event: orderKey, JMSXGroupID, orderflowPackageId, orderflowShipmentStatus. */
    public void describe(Exchange exchange) throws IOException {
        JsonNode event = mapper.readTree(exchange.getMessage().getBody(String.class));
        String orderKey = event.path("orderKey").asText();
        exchange.getMessage().setHeader("orderKey", orderKey);
        exchange.getMessage().setHeader("JMSXGroupID", orderKey);
        exchange.getMessage().setHeader("orderflowPackageId", event.path("packageId").asText());
        exchange.getMessage().setHeader("orderflowShipmentStatus", event.path("status").asText());
    }
}
