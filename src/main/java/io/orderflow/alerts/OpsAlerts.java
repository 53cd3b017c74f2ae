package io.orderflow.alerts;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.broker.BrokerAddresses;
import io.orderflow.notify.Masking;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Ops alerts, queued for the batched alert mail (route ops-alerts-mail, {@link OpsAlertMail}): each alert is a small
 * JSON message {@code {kind, orderKey, reason, at, route}} on orderflow.ops.alerts, sent in the caller's thread,
 * hence in the producing stage's JMS transaction (a rollback leaves no alert), with the broker duplicate id
 * {@code alert:<the output's duplicate id>} (a redelivery queues nothing twice).
 *
 * <p>Derived in one place, without touching the integrators' routes: {@link io.orderflow.status.OrderStatusEvents}
 * hands every output and every parked message to {@link #derive}, and whatever lands on orderflow.review or
 * orderflow.dead-letter is an alert (kind review / dead-letter, or the kind a stage named in the variable
 * {@code alertKind}: shortage for an order held for stock, accuracy-mismatch for a wrong shipment). A shortage that
 * does not park (policy backorder) and a stuck order are raised directly ({@link #raise}).
 *
 * <p>No alert is queued while orderflow.alerts.email is not set (the queue never grows for nobody). An alert holds no
 * customer data beyond the order key: e-mail addresses in a reason are masked, and a reason is cut at 300 characters.
 */
@Component("opsAlerts")
public class OpsAlerts {

    private static final Logger LOG = LoggerFactory.getLogger(OpsAlerts.class);
    public static final String QUEUE = BrokerAddresses.OPS_ALERTS;
    /** Kinds of alert. */
    public static final String REVIEW = "review", DEAD_LETTER = "dead-letter", SHORTAGE = "shortage",
            ACCURACY_MISMATCH = "accuracy-mismatch", STUCK = "stuck";
    static final int MAX_REASON = 300;
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");

    private final AlertProperties properties;
    private final ObjectMapper mapper;
    private final ProducerTemplate producer;

    public OpsAlerts(AlertProperties properties, ObjectMapper mapper, ProducerTemplate producer) {
        this.properties = properties;
        this.mapper = mapper;
        this.producer = producer;
    }

    /**
     * An output was sent to {@code queue} (durable-send) or a message parked there (stage-errors), with this
     * duplicate id: a review or dead-letter arrival becomes an alert. Clears the variable alertKind.
     */
    public void derive(Exchange exchange, String queue, String duplicateId) {
        String kind = exchange.getVariable("alertKind", String.class);
        boolean review = BrokerAddresses.REVIEW.equals(queue);
        if (!review && !BrokerAddresses.DEAD_LETTER.equals(queue)) {
            return;
        }
        exchange.removeVariable("alertKind");
        if (kind == null || kind.isBlank()) {
            kind = review ? REVIEW : DEAD_LETTER;
        }
        String orderKey = exchange.getMessage().getHeader("orderKey", String.class);
        String reason = exchange.getMessage().getHeader("orderflowReason", String.class);
        String route = exchange.getMessage().getHeader("orderflowFailedRoute", String.class);
        raise(kind, orderKey, (review ? "" : "dead-lettered: ") + (reason == null ? "(no reason given)" : reason), route,
                duplicateId == null ? null : "alert:" + duplicateId);
    }

    /**
     * Queues one alert (when alerts are on). In a transacted route's thread the send joins its transaction.
     *
     * @param duplicateId broker duplicate id, unique per delivery of the fact (null: none)
     */
    public void raise(String kind, String orderKey, String reason, String route, String duplicateId) {
        if (!properties.isEnabled()) {
            return;
        }
        ObjectNode alert = mapper.createObjectNode()
                .put("kind", kind)
                .put("orderKey", orderKey == null || orderKey.isBlank() ? "(no order key)" : orderKey)
                .put("reason", scrub(reason))
                .put("at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        if (route != null && !route.isBlank()) {
            alert.put("route", route);
        }
        Exchange sent = producer.send("jms:queue:" + QUEUE + "?exchangePattern=InOnly&jmsMessageType=Text", e -> {
            e.getMessage().setBody(alert.toString());
            e.getMessage().setHeader("orderflowAlertKind", kind);
            if (duplicateId != null) {
                e.getMessage().setHeader("_AMQ_DUPL_ID", duplicateId);
            }
        });
        if (sent.getException() != null) {
            throw new IllegalStateException("ops alert " + kind + " for " + orderKey + " not queued: "
                    + sent.getException().getMessage(), sent.getException());
        }
        LOG.debug("Ops alert {} for {} queued", kind, orderKey);
    }

    /** No customer e-mail address in an alert, and no essay: masked, one line, at most MAX_REASON characters. */
    static String scrub(String reason) {
        if (reason == null) {
            return "";
        }
        Matcher m = EMAIL.matcher(reason.replaceAll("\\s+", " ").strip());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(Masking.email(m.group())));
        }
        m.appendTail(out);
        return out.length() > MAX_REASON ? out.substring(0, MAX_REASON - 3) + "..." : out.toString();
    }
}
