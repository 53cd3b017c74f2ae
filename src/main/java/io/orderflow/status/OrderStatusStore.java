package io.orderflow.status;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.broker.BrokerAddresses;
import io.orderflow.broker.LastValueStore;
import org.apache.camel.Exchange;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * Every order's status on the broker, written only by the order-status route inside its transaction: one message per
 * order on one of {@value BrokerAddresses#ORDER_STATUS_BUCKETS} last-value queues {@code orderflow.order.status.NN},
 * the one its orderKey hashes to ({@link #queueOf}), keyed by the orderKey property (property orderStage = the current
 * stage), non-destructive (browsed, never consumed), expiring after the status retention: a {@link LastValueStore}
 * over 32 queues.
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

    private final LastValueStore store;
    private final ObjectMapper mapper;

    public OrderStatusStore(JmsTemplate jms, ObjectMapper mapper) {
        this.store = new LastValueStore(jms, BrokerAddresses.orderStatusQueues(), "orderKey");
        this.mapper = mapper;
    }

    /**
     * The queue an order's status is on: orderflow.order.status.NN, NN = CRC-32 of the key's UTF-8 bytes modulo 32
     * (stable across versions and JVMs; String.hashCode spreads sequential order numbers over few queues).
     */
    public static String queueOf(String orderKey) {
        return String.format("%s.%02d", BrokerAddresses.ORDER_STATUS,
                LastValueStore.bucket(orderKey, BrokerAddresses.ORDER_STATUS_BUCKETS));
    }

    /** The order's status as stored, or null. */
    public ObjectNode load(String orderKey) {
        String json = store.latest(orderKey);
        return json == null ? null : read(json);
    }

    /**
     * Route step save-order-status: writes the message body (the status OrderStatusStage.fold left) as the order's
     * status, with its stage properties, in the consumer's transaction, expiring after variable statusTtlMs.
     */
    public void save(Exchange exchange) {
        org.apache.camel.Message in = exchange.getMessage();
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(STAGE_PROPERTY, in.getHeader(STAGE_PROPERTY, String.class));
        properties.put(SINCE_PROPERTY, in.getHeader(SINCE_PROPERTY, Long.class));
        Long ttl = exchange.getVariable("statusTtlMs", Long.class);
        store.write(in.getHeader("orderKey", String.class), in.getBody(String.class), properties,
                ttl == null ? null : Duration.ofMillis(ttl));
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
        List<ObjectNode> statuses = new ArrayList<>();
        for (String json : store.select(selector, max)) {
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
        return LastValueStore.literal(value);
    }
}
