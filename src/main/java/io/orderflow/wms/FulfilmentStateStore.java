package io.orderflow.wms;

import java.io.IOException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.broker.BrokerAddresses;
import jakarta.jms.TextMessage;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * Reads an order's fulfilment state from the last-value queue orderflow.fulfilment.state (keyed by the orderKey
 * property; browsed, so the state stays there). Writing is a plain send of the new state to that queue with the
 * orderKey property, done by the fulfilment and tracking routes (steps save-requested-fulfilment-state, save-tracked-fulfilment-state) inside the consumer's
 * transaction: the state and the stage's other outputs commit together.
 *
 * <p>The state (JSON): orderKey, channel, shopOrderId, orderNumber, orderName, customer (for the notifications),
 * wms, wmsKind, wmsFulfilmentId, status (requested | partially_shipped | shipped | delivered), lines (sku, shopLineId,
 * name, ordered, shipped), packages (packageId, status, carrier, service, trackingNumber, trackingUrl, lines,
 * notified) and mismatches (accuracy differences seen).
 */
@Component("fulfilmentStateStore")
public class FulfilmentStateStore {

    private final JmsTemplate jms;
    private final ObjectMapper mapper;

    public FulfilmentStateStore(JmsTemplate jms, ObjectMapper mapper) {
        this.jms = jms;
        this.mapper = mapper;
    }

    /** The order's fulfilment state, or null when the fulfilment stage has not recorded one. */
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

    /** The state as stored (JSON), or null. */
    public String json(String orderKey) {
        String selector = "orderKey = '" + orderKey.replace("'", "''") + "'";
        return jms.browseSelected(BrokerAddresses.FULFILMENT_STATE, selector, (session, browser) -> {
            var messages = browser.getEnumeration();
            String last = null;
            while (messages.hasMoreElements()) {
                last = ((TextMessage) messages.nextElement()).getText();
            }
            return last;
        });
    }
}
