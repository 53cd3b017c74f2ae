package io.orderflow.support;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/** Reads the embedded broker's own counters, so "nothing was enqueued" is asserted, not inferred from silence. */
public final class Broker {

    private final EmbeddedActiveMQ broker;

    public Broker(EmbeddedActiveMQ broker) {
        this.broker = broker;
    }

    public Queue queue(String name) {
        Queue queue = broker.getActiveMQServer().locateQueue(SimpleString.of(name));
        if (queue == null) {
            throw new IllegalStateException("no queue " + name);
        }
        return queue;
    }

    /** Messages routed to the queue since the broker started, including those reloaded from the journal at start (duplicates dropped by the broker are not counted). */
    public long added(String name) {
        return queue(name).getMessagesAdded();
    }

    public long depth(String name) {
        return queue(name).getMessageCount();
    }
}
