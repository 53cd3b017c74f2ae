package io.orderflow.gate;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.broker.BrokerAddresses;
import io.orderflow.broker.LastValueStore;
import io.orderflow.broker.LegacyStateMigration;
import io.orderflow.config.OrderflowProperties;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * The payment gate's memory per order on the last-value queues orderflow.gate.state.000 .. .127 (a
 * {@link LastValueStore} keyed by the orderKey property, an order on the bucket its key hashes to; browsed, so the
 * state stays there). {@link #save} writes the new state inside the gate
 * consumer's transaction (route step save-gate-state): the state and the event's other effects commit together.
 *
 * <p>Retention (orderflow.state.*): a finished order's state ({@link #finished}: released, or closed as cancelled /
 * cancelled-unpaid) expires orderflow.state.retention after its last change, any other one after active-retention;
 * the broker then drops it. What a late event for an expired order does: docs/payment-gate.md, "State retention".
 */
@Component("gateStateStore")
public class GateStateStore {

    private final LastValueStore store;
    private final ObjectMapper mapper;
    private final OrderflowProperties.State retention;

    public GateStateStore(JmsTemplate jms, ObjectMapper mapper, OrderflowProperties properties,
            LegacyStateMigration migration) {
        this.store = migration.adopt(new LastValueStore(jms, BrokerAddresses.stateQueues(BrokerAddresses.GATE_STATE),
                "orderKey"), BrokerAddresses.GATE_STATE);
        this.mapper = mapper;
        this.retention = properties.getState();
    }

    public GateState load(String orderKey) {
        String json = json(orderKey);
        if (json == null) {
            return null;
        }
        try {
            return mapper.readValue(json, GateState.class);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable gate state for " + orderKey, e);
        }
    }

    /** The state of an order as stored (JSON), or null if the gate has not seen it (or its state expired). */
    public String json(String orderKey) {
        return store.latest(orderKey);
    }

    /**
     * Writes the order's new state in the caller's transaction (the gate consumer's session), with the event that
     * changed it (properties orderflowEventKind, orderflowDeliveryId) and its time-to-live.
     */
    public void save(GateState state, String eventKind, String deliveryId) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("orderflowEventKind", eventKind);
        properties.put("orderflowDeliveryId", deliveryId);
        store.write(state.orderKey, toJson(state), properties, timeToLive(state));
    }

    /** Released (the gate's work is done but for late cancellations and refunds) or closed (never to be released). */
    public static boolean finished(GateState state) {
        return state.released || state.closed != null;
    }

    Duration timeToLive(GateState state) {
        return retention.ttl(finished(state));
    }

    /** The queue the order's state is on. */
    public String queueOf(String orderKey) {
        return store.queueOf(orderKey);
    }

    /** The state as stored (JSON). */
    public String toJson(GateState state) {
        try {
            return mapper.writeValueAsString(state);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
