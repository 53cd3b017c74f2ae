package io.orderflow.status;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.jms.TextMessage;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * Reads orders' status from the last-value queue orderflow.order.status (one message per order, keyed by the
 * orderKey property, non-destructive: browsed, never consumed). Written only by the order-status route, inside its
 * transaction. Each message also carries the property orderStage (the current stage), so a listing per stage is a
 * selector.
 *
 * <p>Cost: Artemis evaluates a browse selector against every message of the queue, so a lookup is O(orders kept),
 * not O(1); what keeps it bounded is the retention (message expiry, orderflow.status.retention / active-retention):
 * the queue holds the orders of the retention window, never every order ever seen. docs/operations.md, "Order status
 * and timeline", has the figures and the alternatives weighed.
 */
@Component("orderStatusStore")
public class OrderStatusStore {

    public static final String QUEUE = "orderflow.order.status";
    public static final String STAGE_PROPERTY = "orderStage";

    private final JmsTemplate jms;
    private final ObjectMapper mapper;

    public OrderStatusStore(JmsTemplate jms, ObjectMapper mapper) {
        this.jms = jms;
        this.mapper = mapper;
    }

    /** The order's status as stored, or null. */
    public ObjectNode load(String orderKey) {
        String json = jms.browseSelected(QUEUE, "orderKey = " + literal(orderKey), (session, browser) -> {
            var messages = browser.getEnumeration();
            String last = null;
            while (messages.hasMoreElements()) {
                last = ((TextMessage) messages.nextElement()).getText();
            }
            return last;
        });
        return json == null ? null : read(json);
    }

    /** Orders whose current stage is the one given (null: every order), at most max. */
    public List<ObjectNode> list(String stage, int max) {
        String selector = stage == null ? null : STAGE_PROPERTY + " = " + literal(stage);
        List<String> found = jms.browseSelected(QUEUE, selector, (session, browser) -> {
            var messages = browser.getEnumeration();
            List<String> texts = new ArrayList<>();
            while (messages.hasMoreElements() && texts.size() < max) {
                texts.add(((TextMessage) messages.nextElement()).getText());
            }
            return texts;
        });
        List<ObjectNode> statuses = new ArrayList<>();
        for (String json : found) {
            statuses.add(read(json));
        }
        return statuses;
    }

    private ObjectNode read(String json) {
        try {
            return (ObjectNode) mapper.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable order status", e);
        }
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
