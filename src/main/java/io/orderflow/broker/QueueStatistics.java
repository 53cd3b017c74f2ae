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
 * tree) shows with the same figures; with an external broker, that broker's own console shows them.
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
            Queue queue = broker.getActiveMQServer().locateQueue(SimpleString.of(name));
            if (queue != null) {
                Map<String, Object> stats = new LinkedHashMap<>();
                // Artemis's message count includes scheduled and in-delivery messages: waiting is the rest.
                stats.put("waiting", Math.max(0, queue.getMessageCount() - queue.getScheduledCount()
                        - queue.getDeliveringCount()));
                stats.put("scheduled", queue.getScheduledCount());
                stats.put("inDelivery", queue.getDeliveringCount());
                stats.put("addedSinceStart", queue.getMessagesAdded());
                stats.put("consumers", queue.getConsumerCount());
                queues.put(name, stats);
            }
        }
        result.put("queues", queues);
        return result;
    }
}
