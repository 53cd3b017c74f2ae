package io.orderflow.broker;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Where orders wait: depth and throughput of every orderflow queue (route {@code admin-queues},
 * {@code GET /admin/queues}). Read from the embedded broker, whose queue MBeans the Hawtio console (/hawtio, JMX
 * tree) shows with the same figures; with an external broker, that broker's own console shows them. A per-order state
 * store spread over bucket queues (orderflow.gate.state.000 ..) is reported as one row under its name.
 */
@Component("queueStatistics")
public class QueueStatistics {

    private final ObjectProvider<EmbeddedActiveMQ> embedded;

    public QueueStatistics(ObjectProvider<EmbeddedActiveMQ> embedded) {
        this.embedded = embedded;
    }

    public Map<String, Object> snapshot() {
        EmbeddedActiveMQ broker = embedded.getIfAvailable();
        Map<String, Object> result = new LinkedHashMap<>();
        if (broker == null || broker.getActiveMQServer() == null) {
            result.put("broker", "external: see the Artemis console");
            return result;
        }
        result.put("broker", "embedded");
        Map<String, Object> queues = new LinkedHashMap<>();
        for (String name : BrokerAddresses.ALL) {
            // A per-order state store is one row: its bucket queues (and its old single queue) together.
            java.util.List<String> parts = new java.util.ArrayList<>(java.util.List.of(name));
            if (BrokerAddresses.EXPIRING_STATE.contains(name)) {
                parts.addAll(BrokerAddresses.stateQueues(name));
            }
            long waiting = 0, scheduled = 0, inDelivery = 0, added = 0, consumers = 0;
            boolean found = false;
            for (String part : parts) {
                Queue queue = broker.getActiveMQServer().locateQueue(SimpleString.of(part));
                if (queue == null) {
                    continue;
                }
                found = true;
                // Artemis's message count includes scheduled and in-delivery messages: waiting is the rest.
                waiting += Math.max(0, queue.getMessageCount() - queue.getScheduledCount() - queue.getDeliveringCount());
                scheduled += queue.getScheduledCount();
                inDelivery += queue.getDeliveringCount();
                added += queue.getMessagesAdded();
                consumers += queue.getConsumerCount();
            }
            if (found) {
                Map<String, Object> stats = new LinkedHashMap<>();
                stats.put("waiting", waiting);
                stats.put("scheduled", scheduled);
                stats.put("inDelivery", inDelivery);
                stats.put("addedSinceStart", added);
                stats.put("consumers", (int) consumers);
                queues.put(name, stats);
            }
        }
        result.put("queues", queues);
        return result;
    }
}
