package io.orderflow.gate;

import java.io.IOException;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.broker.BrokerAddresses;
import jakarta.jms.TextMessage;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * Reads an order's gate state from the last-value queue orderflow.gate.state (browsing, so the state stays there).
 * Writing is a plain send of {@link #toJson} to that queue with the orderKey property, done by the gate route (step
 * save-gate-state) inside the consumer's transaction: the new state and the event's other effects commit together.
 */
@Component("gateStateStore")
public class GateStateStore {

    private final JmsTemplate jms;
    private final ObjectMapper mapper;

    public GateStateStore(JmsTemplate jms, ObjectMapper mapper) {
        this.jms = jms;
        this.mapper = mapper;
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

    /** The state of an order as stored (JSON), or null if the gate has not seen it. */
    public String json(String orderKey) {
        String selector = "orderKey = '" + orderKey.replace("'", "''") + "'";
        return jms.browseSelected(BrokerAddresses.GATE_STATE, selector, (session, browser) -> {
            var messages = browser.getEnumeration();
            String last = null;
            while (messages.hasMoreElements()) {
                last = ((TextMessage) messages.nextElement()).getText();
            }
            return last;
        });
    }

    /** The state as stored (JSON); the route sends it to orderflow.gate.state. */
    public String toJson(GateState state) {
        try {
            return mapper.writeValueAsString(state);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
