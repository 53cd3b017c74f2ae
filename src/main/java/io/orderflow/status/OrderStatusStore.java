package io.orderflow.status;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.broker.BrokerAddresses;
import jakarta.jms.TextMessage;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * Every order's status on the broker, written only by the order-status route inside its transaction: one message per
 * order on one of {@value BrokerAddresses#ORDER_STATUS_BUCKETS} last-value queues {@code orderflow.order.status.NN},
 * the one its orderKey hashes to ({@link #queueOf}), keyed by the orderKey property (property orderStage = the current
 * stage), non-destructive (browsed, never consumed), expiring after the status retention.
 *
 * <p>What a lookup costs: Artemis has no get-by-key on a last-value queue; a browse with a selector evaluates it
 * against every message of the queue (about 1 microsecond each, measured). Spread over 32 queues, a lookup reads one
 * 32nd of the orders kept: about 1-2 ms (mostly the browser's set-up) up to some 50,000 orders kept, where one queue
 * would take 50 ms. A queue per order would make it flat, but costs some 50 KB of broker heap per order (measured).
 * The listing per stage and the stuck check browse all queues (O(orders kept) by nature). docs/operations.md, "Order
 * status and timeline".
 */
@Component("orderStatusStore")
public class OrderStatusStore {

    public static final String STAGE_PROPERTY = "orderStage";
    /** When the current stage began (epoch ms), for the stuck-order check's selector. */
    public static final String SINCE_PROPERTY = "orderStageSinceMs";

    private final JmsTemplate jms;
    private final ObjectMapper mapper;

    public OrderStatusStore(JmsTemplate jms, ObjectMapper mapper) {
        this.jms = jms;
        this.mapper = mapper;
    }

    /**
     * The queue an order's status is on: orderflow.order.status.NN, NN = CRC-32 of the key's UTF-8 bytes modulo 32
     * (stable across versions and JVMs; String.hashCode spreads sequential order numbers over few queues).
     */
    public static String queueOf(String orderKey) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(orderKey.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return String.format("%s.%02d", BrokerAddresses.ORDER_STATUS, crc.getValue() % BrokerAddresses.ORDER_STATUS_BUCKETS);
    }

    /** The order's status as stored, or null. */
    public ObjectNode load(String orderKey) {
        String json = jms.browseSelected(queueOf(orderKey), "orderKey = " + literal(orderKey), (session, browser) -> {
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
        return select(stage == null ? null : STAGE_PROPERTY + " = " + literal(stage), max);
    }

    /** Orders whose current stage began before the given time, at most max. */
    public List<ObjectNode> atStageSince(long beforeEpochMs, int max) {
        return select(SINCE_PROPERTY + " < " + beforeEpochMs, max);
    }

    private List<ObjectNode> select(String selector, int max) {
        List<String> found = new ArrayList<>();
        for (String queue : BrokerAddresses.orderStatusQueues()) {
            if (found.size() >= max) {
                break;
            }
            found.addAll(jms.browseSelected(queue, selector, (session, browser) -> {
                var messages = browser.getEnumeration();
                List<String> texts = new ArrayList<>();
                while (messages.hasMoreElements() && found.size() + texts.size() < max) {
                    texts.add(((TextMessage) messages.nextElement()).getText());
                }
                return texts;
            }));
        }
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
