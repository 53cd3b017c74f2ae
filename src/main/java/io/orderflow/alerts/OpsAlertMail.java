package io.orderflow.alerts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.SingleConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * The batched ops alert mail (route ops-alerts-mail, a timer every orderflow.alerts.batch-interval): {@link #collect}
 * reads what waits on orderflow.ops.alerts (browsing: nothing is taken yet) and writes ONE plain-text mail listing
 * them (time, kind, order key, reason); the route sends it; only then {@link #acknowledge} takes exactly the listed
 * alerts off the queue, in one JMS transaction. A mail that fails (SMTP down) takes nothing: the next run lists them
 * again, with whatever arrived since. Nothing waiting: no mail.
 *
 * <p>Browse-then-take rather than receive-and-roll-back: a rolled-back receive counts as a failed delivery, and a long
 * SMTP outage would then dead-letter the alerts. The price: a crash between the mail and the take lists those alerts
 * once more in the next mail (at least once, never lost).
 */
@Component("opsAlertMail")
public class OpsAlertMail {

    private static final Logger LOG = LoggerFactory.getLogger(OpsAlertMail.class);
    /** JMS message ids per selector when taking the mailed alerts. */
    private static final int TAKE_CHUNK = 100;

    private final AlertProperties properties;
    private final ObjectMapper mapper;
    private final ConnectionFactory connectionFactory;

    public OpsAlertMail(AlertProperties properties, ObjectMapper mapper, ConnectionFactory connectionFactory) {
        this.properties = properties;
        this.mapper = mapper;
        this.connectionFactory = unwrap(connectionFactory);
    }

    /**
     * A connection of its own that really closes (Spring Boot's factory caches connections, sessions and consumers:
     * a consumer left open would keep alerts in delivery to itself; see ReviewReplayer).
     */
    static ConnectionFactory unwrap(ConnectionFactory factory) {
        ConnectionFactory current = factory;
        while (current instanceof SingleConnectionFactory single && single.getTargetConnectionFactory() != null) {
            current = single.getTargetConnectionFactory();
        }
        return current;
    }

    /**
     * Variables alertCount (0: nothing to mail) and alertIds (the JMS message ids listed); body and headers To, Subject
     * of the mail when there is something.
     */
    public void collect(Exchange exchange) throws JMSException {
        exchange.setVariable("alertCount", 0);
        if (!properties.isEnabled()) {
            return;
        }
        List<String> ids = new ArrayList<>();
        List<JsonNode> alerts = new ArrayList<>();
        try (Connection connection = connectionFactory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            Queue queue = session.createQueue(OpsAlerts.QUEUE);
            try (QueueBrowser browser = session.createBrowser(queue)) {
                for (var e = browser.getEnumeration(); e.hasMoreElements() && ids.size() < properties.getMaxPerMail(); ) {
                    Message message = (Message) e.nextElement();
                    ids.add(message.getJMSMessageID());
                    alerts.add(parse(message));
                }
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        Map<String, Integer> byKind = new TreeMap<>();
        StringBuilder text = new StringBuilder();
        text.append(ids.size()).append(" ops alert(s) since the last alert mail:\n\n");
        for (JsonNode alert : alerts) {
            String kind = alert.path("kind").asText("unknown");
            byKind.merge(kind, 1, Integer::sum);
            text.append(alert.path("at").asText("")).append("  ").append(kind).append("  ")
                    .append(alert.path("orderKey").asText("")).append("  ").append(alert.path("reason").asText(""));
            if (alert.hasNonNull("route")) {
                text.append(" [").append(alert.path("route").asText()).append(']');
            }
            text.append('\n');
        }
        StringBuilder kinds = new StringBuilder();
        byKind.forEach((kind, n) -> kinds.append(kinds.isEmpty() ? "" : ", ").append(n).append(' ').append(kind));
        text.append("\nBy kind: ").append(kinds).append(".\n")
                .append("Parked messages: GET /api/admin/review/messages (replay or discard there); ")
                .append("an order's timeline: GET /api/orders/{orderKey}.\n");
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setBody(text.toString());
        exchange.getMessage().setHeader("To", properties.getEmail());
        exchange.getMessage().setHeader("Subject", "orderflow: " + ids.size() + " ops alert(s) (" + kinds + ")");
        exchange.setVariable("alertIds", ids);
        exchange.setVariable("alertCount", ids.size());
    }

    /** After the mail went out: takes the listed alerts off the queue (one transaction). Variable alertsTaken. */
    public void acknowledge(Exchange exchange) throws JMSException {
        @SuppressWarnings("unchecked")
        List<String> ids = exchange.getVariable("alertIds", List.class);
        int taken = 0;
        try (Connection connection = connectionFactory.createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            connection.start();
            Queue queue = session.createQueue(OpsAlerts.QUEUE);
            for (int from = 0; from < ids.size(); from += TAKE_CHUNK) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + TAKE_CHUNK));
                try (MessageConsumer consumer = session.createConsumer(queue, selector(chunk))) {
                    for (int i = 0; i < chunk.size() && consumer.receive(2_000) != null; i++) {
                        taken++;
                    }
                }
            }
            session.commit();
        }
        if (taken < ids.size()) {
            LOG.warn("Ops alert mail listed {} alert(s) but only {} were still waiting on {}", ids.size(), taken,
                    OpsAlerts.QUEUE);
        }
        exchange.setVariable("alertsTaken", taken);
    }

    static String selector(List<String> ids) {
        StringBuilder s = new StringBuilder("JMSMessageID IN (");
        for (int i = 0; i < ids.size(); i++) {
            s.append(i == 0 ? "" : ", ").append('\'').append(ids.get(i).replace("'", "''")).append('\'');
        }
        return s.append(')').toString();
    }

    private JsonNode parse(Message message) throws JMSException {
        String body = message instanceof TextMessage text ? text.getText() : null;
        try {
            return body == null ? mapper.createObjectNode().put("reason", "(not an alert message)") : mapper.readTree(body);
        } catch (Exception e) {
            return mapper.createObjectNode().put("reason", "(unreadable alert message)");
        }
    }
}
