package io.orderflow.support;

import java.util.ArrayList;
import java.util.List;

import jakarta.jms.TextMessage;
import org.springframework.jms.core.JmsTemplate;

/** Browses what waits on a queue for one order, without consuming it. */
public final class Queues {

    private Queues() {
    }

    public static List<TextMessage> browse(JmsTemplate jms, String queue, String orderKey) {
        return jms.browseSelected(queue, "orderKey = '" + orderKey + "'", (session, browser) -> {
            List<TextMessage> all = new ArrayList<>();
            var e = browser.getEnumeration();
            while (e.hasMoreElements()) {
                all.add((TextMessage) e.nextElement());
            }
            return all;
        });
    }

    /** Waits up to 20 s until the queue holds at least one message for the order; returns them all. */
    public static List<TextMessage> await(JmsTemplate jms, String queue, String orderKey) throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            List<TextMessage> found = browse(jms, queue, orderKey);
            if (!found.isEmpty()) {
                return found;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nothing for " + orderKey + " on " + queue + " within 20 s");
    }
}
