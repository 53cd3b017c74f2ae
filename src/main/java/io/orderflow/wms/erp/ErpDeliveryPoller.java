package io.orderflow.wms.erp;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.erp.ErpClient;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Steps of route erp-delivery-poll (routes/erp-deliveries.camel.yaml), orderflow.wms.kind erp:
 * <ol>
 * <li>{@link #poll}: asks the ERP for the deliveries done since the watermark (orderflow.erp.delivery.state; the first
 * run from orderflow.wms.erp.initial-lookback ago), from orderflow.wms.erp.poll-overlap before it
 * ({@link ErpClient#deliveriesDoneSince}); keeps those whose ERP reference the fulfilment stage recorded (an order
 * orderflow handed to the ERP's warehouse; others are the ERP's own business and skipped) and returns one mapping
 * input per delivery: {@code {"wms", "erp", "orderKey", "delivery": {id, name, erpReference, doneAt, carrier,
 * trackingNumber, lines: [{sku, quantity}]}}} (mappings/erp-delivery-to-canonical.jsonata);</li>
 * <li>{@link #describe}: per input, the broker duplicate id {@code erp-delivery:<erp kind>:<delivery id>} (header
 * orderflowErpDeliveryId): a delivery read again (the overlap, a run after a crash) is dropped by the broker;</li>
 * <li>{@link #saveWatermark}: after every event of the run is on the broker, the newest done time read.</li>
 * </ol>
 */
@Component("erpDeliveryPoller")
public class ErpDeliveryPoller {

    private static final Logger LOG = LoggerFactory.getLogger(ErpDeliveryPoller.class);
    private static final DateTimeFormatter ERP_SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final ErpClient erp;
    private final ErpDeliveryStateStore store;
    private final ObjectMapper mapper;
    private final String erpKind;
    private final String wmsId;
    private final Duration overlap;
    private final Duration initialLookback;

    public ErpDeliveryPoller(ErpClient erp, ErpDeliveryStateStore store, ObjectMapper mapper, OrderflowProperties properties) {
        this.erp = erp;
        this.store = store;
        this.mapper = mapper;
        this.erpKind = properties.getErp().getKind().name();
        this.wmsId = properties.getWms().getId();
        this.overlap = properties.getWms().getErp().getPollOverlap();
        this.initialLookback = properties.getWms().getErp().getInitialLookback();
    }

    /** One run: the mapping inputs of the deliveries done since the watermark (variable erpDeliveryWatermark: the next). */
    public List<String> poll(Exchange exchange) {
        String stored = store.watermark(erpKind);
        String watermark = stored != null ? stored
                : ERP_SECONDS.format(LocalDateTime.now(ZoneOffset.UTC).minus(initialLookback));
        ErpClient.DoneDeliveries done = erp.deliveriesDoneSince(watermark, overlap);
        List<String> references = new ArrayList<>();
        for (ErpClient.DoneDelivery delivery : done.deliveries()) {
            if (delivery.erpReference() != null) {
                references.add(delivery.erpReference());
            }
        }
        Map<String, String> orderKeys = references.isEmpty() ? Map.of() : store.orderKeys(references);
        List<String> inputs = new ArrayList<>();
        int skipped = 0;
        for (ErpClient.DoneDelivery delivery : done.deliveries()) {
            String orderKey = delivery.erpReference() == null ? null : orderKeys.get(delivery.erpReference());
            if (orderKey == null || delivery.lines().isEmpty()) {
                skipped++;
                LOG.debug("ERP delivery {} ({}) skipped: {}", delivery.name(), delivery.erpReference(),
                        orderKey == null ? "not an order orderflow handed to the ERP's warehouse" : "no shipped lines");
                continue;
            }
            ObjectNode input = mapper.createObjectNode().put("wms", wmsId).put("erp", erpKind).put("orderKey", orderKey);
            ObjectNode d = input.putObject("delivery").put("id", delivery.id()).put("name", delivery.name())
                    .put("erpReference", delivery.erpReference()).put("doneAt", delivery.doneAt())
                    .put("carrier", delivery.carrier()).put("trackingNumber", delivery.trackingNumber());
            ArrayNode lines = d.putArray("lines");
            for (ErpClient.DeliveredLine line : delivery.lines()) {
                lines.addObject().put("sku", line.sku()).put("quantity", line.quantity().stripTrailingZeros().toPlainString());
            }
            inputs.add(input.toString());
        }
        exchange.setVariable("erpDeliveryWatermark", done.watermark());
        exchange.setVariable("erpDeliveryWatermarkChanged", stored == null || !stored.equals(done.watermark()));
        String summary = done.deliveries().size() + " done deliver" + (done.deliveries().size() == 1 ? "y" : "ies")
                + " in " + erpKind + " since " + watermark + " (" + inputs.size() + " of orderflow's orders, " + skipped
                + " skipped); next run from " + done.watermark();
        exchange.setVariable("erpDeliverySummary", summary);
        if (stored == null || !stored.equals(done.watermark())) {
            LOG.info("ERP delivery poll: {}", summary);
        } else {
            LOG.debug("ERP delivery poll: {} (re-read within the overlap)", summary);
        }
        return inputs;
    }

    /** Headers of one mapping input: orderflowErpDeliveryId (the broker duplicate id of its shipment event). */
    public void describe(Exchange exchange) throws IOException {
        JsonNode input = mapper.readTree(exchange.getMessage().getBody(String.class));
        exchange.getMessage().setHeader("orderflowErpDeliveryId",
                "erp-delivery:" + input.path("erp").asText() + ":" + input.path("delivery").path("id").asText());
        exchange.getMessage().setHeader("orderflowErpDelivery", input.path("delivery").path("name").asText());
    }

    /** After the run's events are on the broker: the next run starts from the newest done time read. */
    public void saveWatermark(Exchange exchange) {
        String watermark = exchange.getVariable("erpDeliveryWatermark", String.class);
        if (watermark != null && Boolean.TRUE.equals(exchange.getVariable("erpDeliveryWatermarkChanged", Boolean.class))) {
            store.saveWatermark(erpKind, watermark, Instant.now().toString());
        }
    }
}
