package io.orderflow.support;

import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.TextMessage;
import org.springframework.jms.core.JmsTemplate;

/**
 * Reads the payment gate's state of an order off the broker (the last-value queue orderflow.gate.state.NNN its key
 * hashes to), by browsing.
 */
public final class GateStates {

    private GateStates() {
    }

    public static JsonNode state(JmsTemplate jms, String orderKey) {
        String text = jms.browseSelected(
                io.orderflow.broker.BrokerAddresses.stateQueueOf(io.orderflow.broker.BrokerAddresses.GATE_STATE, orderKey),
                "orderKey = '" + orderKey + "'", (session, browser) -> {
            var messages = browser.getEnumeration();
            return messages.hasMoreElements() ? ((TextMessage) messages.nextElement()).getText() : null;
        });
        return text == null ? null : Webhooks.json(text);
    }

    /** Waits up to 15 s for the order's state to exist and match. */
    public static JsonNode awaitState(JmsTemplate jms, String orderKey, Predicate<JsonNode> condition)
            throws InterruptedException {
        JsonNode state = null;
        for (int i = 0; i < 300; i++) {
            state = state(jms, orderKey);
            if (state != null && condition.test(state)) {
                return state;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("gate state of " + orderKey + " never matched; last: " + state);
    }
}
