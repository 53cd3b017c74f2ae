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

    /**
     * Messages routed to the queue since the broker started, including those reloaded from the journal at start
     * (duplicates dropped by the broker are not counted). The broker counts a committed message when its queue's
     * executor moves it from the intermediate list, which can be after the sender's commit returned (an HTTP 200 of
     * the intake can come before the count moves): the queue's executor is flushed first, so every message whose send
     * returned is counted.
     */
    public long added(String name) {
        Queue queue = settled(name);
        return queue.getMessagesAdded();
    }

    /** Messages on the queue now, counted after the queue's executor has taken in every committed send (see {@link #added}). */
    public long depth(String name) {
        return settled(name).getMessageCount();
    }

    private Queue settled(String name) {
        Queue queue = queue(name);
        if (!queue.flushExecutor()) {
            throw new IllegalStateException("the executor of queue " + name + " did not settle");
        }
        return queue;
    }
}
