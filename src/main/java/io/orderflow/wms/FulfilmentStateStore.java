package io.orderflow.wms;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.broker.BrokerAddresses;
import io.orderflow.broker.LastValueStore;
import io.orderflow.broker.LegacyStateMigration;
import io.orderflow.config.OrderflowProperties;
import org.apache.camel.Exchange;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * An order's fulfilment state on the last-value queues orderflow.fulfilment.state.000 .. .127 (a
 * {@link LastValueStore} keyed by the orderKey property, an order on the bucket its key hashes to; browsed, so the
 * state stays there). Written by the fulfilment, tracking and cancellation
 * routes (steps save-requested-fulfilment-state, save-tracked-fulfilment-state, save-cancelled-fulfilment-state:
 * {@link #save}) inside the consumer's transaction: the state and the stage's other outputs commit together.
 *
 * <p>The state (JSON): orderKey, channel, shopOrderId, orderNumber, orderName, customer (for the notifications),
 * wms, wmsKind, wmsFulfilmentId, status (requested | partially_shipped | shipped | delivered | cancelled), lines (sku,
 * shopLineId, name, ordered, shipped), packages (packageId, status, carrier, service, trackingNumber, trackingUrl,
 * lines, notified) and mismatches (accuracy differences seen).
 *
 * <p>Retention (orderflow.state.*): a finished state ({@link #finished}: delivered or cancelled) expires
 * orderflow.state.retention after its last change, any other one after active-retention; the broker then drops it.
 */
@Component("fulfilmentStateStore")
public class FulfilmentStateStore {

    private final LastValueStore store;
    private final ObjectMapper mapper;
    private final OrderflowProperties.State retention;

    public FulfilmentStateStore(JmsTemplate jms, ObjectMapper mapper, OrderflowProperties properties,
            LegacyStateMigration migration) {
        this.store = migration.adopt(new LastValueStore(jms,
                BrokerAddresses.stateQueues(BrokerAddresses.FULFILMENT_STATE), "orderKey"), BrokerAddresses.FULFILMENT_STATE);
        this.mapper = mapper;
        this.retention = properties.getState();
    }

    /** The order's fulfilment state, or null when the fulfilment stage has not recorded one (or it expired). */
    public ObjectNode load(String orderKey) {
        String json = json(orderKey);
        if (json == null) {
            return null;
        }
        try {
            return (ObjectNode) mapper.readTree(json);
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("unreadable fulfilment state for " + orderKey, e);
        }
    }

    /** The queue the order's state is on. */
    public String queueOf(String orderKey) {
        return store.queueOf(orderKey);
    }

    /** The state as stored (JSON), or null. */
    public String json(String orderKey) {
        return store.latest(orderKey);
    }

    /**
     * Route step: writes variable {@code fulfilmentState} as the new state of the order in header orderKey, in the
     * consumer's transaction, with its time-to-live.
     */
    public void save(Exchange exchange) throws IOException {
        String orderKey = exchange.getMessage().getHeader("orderKey", String.class);
        String json = exchange.getVariable("fulfilmentState", String.class);
        if (orderKey == null || orderKey.isBlank() || json == null) {
            throw new IllegalStateException("no orderKey header or fulfilmentState variable to save");
        }
        store.write(orderKey, json, Map.of(), timeToLive(mapper.readTree(json)));
    }

    /** Delivered (every package at the customer) or cancelled: nothing more will happen to it but late duplicates. */
    public static boolean finished(JsonNode state) {
        String status = state.path("status").asText("");
        return status.equals("delivered") || status.equals("cancelled");
    }

    Duration timeToLive(JsonNode state) {
        return retention.ttl(finished(state));
    }
}
