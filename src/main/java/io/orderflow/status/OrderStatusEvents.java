package io.orderflow.status;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.alerts.OpsAlerts;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Derives an order's status events from what the stages send, so no integrator's route has to: route durable-send
 * calls {@link #afterSend} after every send (variables sendTo, duplicateId), the error handling calls
 * {@link #record} after parking a message, the payment gate after a release and the notify stage when a notification
 * went out (variables statusOf = a queue named in the table, statusId = a unique id of this output).
 *
 * <p>The table orderflow.status.stages (StatusProperties) says which outputs are status events. A matching output
 * becomes a small JSON event (eventId, orderKey, channel, stage, type, at, fields) sent to orderflow.status.events
 * in the caller's exchange thread, hence in the caller's JMS transaction (a rollback leaves no status), grouped by
 * orderKey, with the broker duplicate id {@code status:<the output's duplicate id>} (a redelivery sends nothing
 * twice); the fold skips an eventId it has seen (a replay, a duplicate request: {@link #eventId}). An output without
 * an orderKey, or with no row, is no status event.
 *
 * <p>The same two hooks derive the ops alerts ({@link OpsAlerts#derive}): an output to orderflow.review or
 * orderflow.dead-letter, or a message parked there, is queued for the batched alert mail in the same transaction.
 */
@Component("orderStatusEvents")
public class OrderStatusEvents {

    private static final Logger LOG = LoggerFactory.getLogger(OrderStatusEvents.class);
    public static final String QUEUE = "orderflow.status.events";

    private final StatusProperties properties;
    private final ObjectMapper mapper;
    private final ProducerTemplate producer;
    private final OpsAlerts alerts;

    public OrderStatusEvents(StatusProperties properties, ObjectMapper mapper, ProducerTemplate producer, OpsAlerts alerts) {
        this.properties = properties;
        this.mapper = mapper;
        this.producer = producer;
        this.alerts = alerts;
    }

    /** Step of route durable-send, after the send: the status event of this output, if the table has a row for it. */
    public void afterSend(Exchange exchange) {
        String id = exchange.getVariable("duplicateId", String.class);
        String queue = exchange.getVariable("sendTo", String.class);
        alerts.derive(exchange, queue, id);
        emit(exchange, queue, id, id);
    }

    /**
     * Status of an output sent otherwise (parking, release, notification sent): variables statusOf (the queue, as in
     * the table), statusId (what the event is: the same fact gives the same id) and optionally statusDuplicateId
     * (unique per delivery; default statusId).
     */
    public void record(Exchange exchange) {
        String of = exchange.getVariable("statusOf", String.class);
        String id = exchange.getVariable("statusId", String.class);
        String duplicateId = exchange.getVariable("statusDuplicateId", String.class);
        exchange.removeVariable("statusOf");
        exchange.removeVariable("statusId");
        exchange.removeVariable("statusDuplicateId");
        alerts.derive(exchange, of, duplicateId != null ? duplicateId : id);
        emit(exchange, of, id, duplicateId != null ? duplicateId : id);
    }

    /**
     * The event's id, for the fold's "already in the timeline": the output's id without a replay's suffix (a replay
     * from review gives the delivery id {@code <id>#replay-<uuid>}; what it produces again is the same fact). The
     * broker duplicate id keeps the whole id: it must be unique per delivery, because Artemis refuses to commit a
     * transaction that sent a duplicate id (a repeated fact would then roll its stage back for ever).
     */
    static String eventId(String id) {
        int replay = id.indexOf("#replay-");
        return "status:" + (replay < 0 ? id : id.substring(0, replay));
    }

    /** Whether the body sent has every field of the row's body-equals with that value (parsed once per send). */
    private boolean bodyMatches(StatusProperties.StageRow row, JsonNode[] body, Exchange exchange) {
        if (body[0] == null) {
            body[0] = parse(exchange.getMessage().getBody(String.class));
        }
        return row.getBodyEquals().entrySet().stream()
                .allMatch(e -> body[0].path(e.getKey()).asText("").equals(e.getValue()));
    }

    private void emit(Exchange exchange, String queue, String id, String duplicateId) {
        String orderKey = exchange.getMessage().getHeader("orderKey", String.class);
        if (queue == null || id == null || duplicateId == null || orderKey == null || orderKey.isBlank()) {
            return;
        }
        String kind = exchange.getMessage().getHeader("orderflowEventKind", String.class);
        JsonNode[] sentBody = new JsonNode[1];
        StatusProperties.StageRow row = properties.getStages().stream()
                .filter(r -> r.getQueue().equals(queue) && (r.getKind() == null || r.getKind().isBlank() || r.getKind().equals(kind)))
                .filter(r -> r.getBodyEquals().isEmpty() || bodyMatches(r, sentBody, exchange))
                .findFirst().orElse(null);
        if (row == null) {
            return;
        }
        String eventId = eventId(id);
        ObjectNode event = mapper.createObjectNode()
                .put("eventId", eventId)
                .put("orderKey", orderKey)
                .put("channel", OrderTimeline.channelOf(orderKey))
                .put("stage", row.getStage())
                .put("type", row.getType().name())
                .put("at", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        ObjectNode fields = event.putObject("fields");
        if (!row.getFields().isEmpty()) {
            JsonNode body = parse(exchange.getMessage().getBody(String.class));
            for (Map.Entry<String, String> f : row.getFields().entrySet()) {
                JsonNode value = body.at(f.getValue());
                if (!value.isMissingNode() && !value.isNull()) {
                    fields.set(f.getKey(), value);
                }
            }
        }
        for (Map.Entry<String, String> h : row.getHeaders().entrySet()) {
            Object value = exchange.getMessage().getHeader(h.getValue());
            if (value != null) {
                fields.put(h.getKey(), value.toString());
            }
        }
        for (Map.Entry<String, String> v : row.getVariables().entrySet()) {
            Object value = exchange.getVariable(v.getValue());
            if (value != null) {
                fields.put(v.getKey(), value.toString());
            }
        }
        // A fresh exchange (the caller's headers and body stay as they are), sent in this thread: the JMS producer
        // joins the transaction bound to it, like every other send of the calling route.
        Exchange sent = producer.send("jms:queue:" + QUEUE + "?exchangePattern=InOnly&jmsMessageType=Text", e -> {
            e.getMessage().setBody(event.toString());
            e.getMessage().setHeader("orderKey", orderKey);
            e.getMessage().setHeader("JMSXGroupID", orderKey);
            e.getMessage().setHeader("_AMQ_DUPL_ID", "status:" + duplicateId);
        });
        if (sent.getException() != null) {
            throw new IllegalStateException("status event for " + orderKey + " not sent: " + sent.getException().getMessage(),
                    sent.getException());
        }
        LOG.debug("Status event {} of order {}: {}", eventId, orderKey, row.getStage());
    }

    private JsonNode parse(String body) {
        try {
            return body == null ? mapper.createObjectNode() : mapper.readTree(body);
        } catch (Exception e) {
            return mapper.createObjectNode();
        }
    }
}
