package io.orderflow.status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.jms.QueueBrowser;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * Where orders' status is kept on the broker, written only by the order-status route inside its transaction:
 * <ul>
 * <li>per order, a queue of its own, {@code orderflow.status.order.<encoded orderKey>} ({@link #orderQueue}), holding
 * that order's one status message: auto-created by the first write, a non-destructive last-value queue (address
 * settings of {@code orderflow.status.order.#}), auto-deleted by the broker once its message has expired. Reading one
 * order is a queue-name lookup plus a browse of one message: its cost does not grow with the number of orders kept.
 * An unknown key is answered without creating a queue (the embedded broker is asked whether it exists);</li>
 * <li>all orders, the last-value queue orderflow.order.status (keyed by the orderKey property, property orderStage =
 * the current stage): for the listing per stage (a selector) and the stuck-order check, which are O(orders kept) by
 * nature.</li>
 * </ul>
 * Both messages expire after the status retention; docs/operations.md, "Order status and timeline".
 */
@Component("orderStatusStore")
public class OrderStatusStore {

    public static final String QUEUE = "orderflow.order.status";
    public static final String ORDER_QUEUE_PREFIX = "orderflow.status.order.";
    public static final String STAGE_PROPERTY = "orderStage";

    private final JmsTemplate jms;
    private final ObjectMapper mapper;
    private final ObjectProvider<EmbeddedActiveMQ> embedded;

    public OrderStatusStore(JmsTemplate jms, ObjectMapper mapper, ObjectProvider<EmbeddedActiveMQ> embedded) {
        this.jms = jms;
        this.mapper = mapper;
        this.embedded = embedded;
    }

    /**
     * The queue of one order: the prefix and the key with every character but letters, digits and '-' written as
     * '_' and two hex digits per UTF-8 byte ("shop-eu:1001" -> "orderflow.status.order.shop-eu_3a1001"), so no key
     * can contain Artemis's word delimiter or wildcards.
     */
    public static String orderQueue(String orderKey) {
        StringBuilder name = new StringBuilder(ORDER_QUEUE_PREFIX);
        for (byte b : orderKey.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') {
                name.append(c);
            } else {
                name.append('_').append(String.format("%02x", b & 0xff));
            }
        }
        return name.toString();
    }

    /** The order's status as stored, or null. */
    public ObjectNode load(String orderKey) {
        String queue = orderQueue(orderKey);
        if (!exists(queue)) {
            return null;
        }
        String json = jms.execute(session -> {
            try (QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
                var messages = browser.getEnumeration();
                String last = null;
                while (messages.hasMoreElements()) {
                    last = ((TextMessage) messages.nextElement()).getText();
                }
                return last;
            }
        }, true);
        return json == null ? null : read(json);
    }

    /**
     * Whether the broker has the queue, asked without creating it: the embedded broker is asked directly. With an
     * external broker (spring.artemis.mode=native) the browse itself answers; for an unknown key the broker then
     * creates an empty queue and deletes it again (auto-delete), which costs a bindings-journal write.
     */
    private boolean exists(String queue) {
        EmbeddedActiveMQ broker = embedded.getIfAvailable();
        if (broker == null || broker.getActiveMQServer() == null) {
            return true;
        }
        return broker.getActiveMQServer().locateQueue(SimpleString.of(queue)) != null;
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
