package io.orderflow.status;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.alerts.OpsAlerts;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * The stuck-order check (route order-status-stuck, a timer): every order whose current stage is older than
 * orderflow.status.stuck-after (or stuck-after-stage.&lt;stage&gt;) and not finished raises an ops alert once per
 * (order, stage entered at): a WARN line "OPS ALERT: order ... stuck at ...", the counter orderflow.orders.stuck
 * (tags channel, stage) and an ops alert of kind stuck ({@link OpsAlerts}: listed in the next batched alert mail when
 * orderflow.alerts.email is set). The alert is remembered on the order itself: a stuck-alert status event (eventId stuck:&lt;order&gt;:&lt;stage&gt;:
 * &lt;since&gt;) that the order-status route folds into the timeline, so the next run skips it and it survives restarts.
 */
@Component("stuckOrders")
public class StuckOrders {

    private static final Logger LOG = LoggerFactory.getLogger(StuckOrders.class);
    private static final int MAX_PER_RUN = 10_000;

    private final OrderStatusStore store;
    private final StatusProperties properties;
    private final ObjectMapper mapper;
    private final MeterRegistry meters;
    private final JmsTemplate jms;
    private final OpsAlerts alerts;

    public StuckOrders(OrderStatusStore store, StatusProperties properties, ObjectMapper mapper, MeterRegistry meters,
            JmsTemplate jms, OpsAlerts alerts) {
        this.store = store;
        this.properties = properties;
        this.mapper = mapper;
        this.meters = meters;
        this.jms = jms;
        this.alerts = alerts;
    }

    /** One run: variable stuckCount (orders newly found stuck, each queued as an ops alert). */
    public void check(Exchange exchange) {
        Instant now = Instant.now();
        List<String> lines = new ArrayList<>();
        // Candidates: orders whose stage began before the shortest threshold (a selector on the broker).
        Duration shortest = properties.getStuckAfterStage().values().stream().reduce(properties.getStuckAfter(),
                (a, b) -> a.compareTo(b) <= 0 ? a : b);
        List<ObjectNode> candidates = store.atStageSince(now.minus(shortest).toEpochMilli(), MAX_PER_RUN);
        if (candidates.size() >= MAX_PER_RUN) {
            LOG.warn("Stuck-order check: more than {} orders at their stage for over {}; only the first are checked",
                    MAX_PER_RUN, shortest);
        }
        for (ObjectNode status : candidates) {
            String stage = status.path("stage").asText("");
            String since = status.path("stageSince").asText(null);
            if (stage.isEmpty() || since == null || properties.getFinishedStages().contains(stage)) {
                continue;
            }
            Duration age = Duration.between(Instant.parse(since), now);
            if (age.compareTo(properties.stuckAfter(stage)) < 0) {
                continue;
            }
            String orderKey = status.path("orderKey").asText();
            String alertKey = stage + "@" + since;
            boolean alerted = false;
            for (JsonNode a : status.path("alerts")) {
                alerted |= a.asText().equals(alertKey);
            }
            if (alerted) {
                continue;
            }
            String channel = status.path("channel").asText("unknown");
            String line = "order " + orderKey + " stuck at " + stage + " since " + since + " ("
                    + age.truncatedTo(ChronoUnit.MINUTES) + ")"
                    + (status.hasNonNull("reason") ? ": " + status.get("reason").asText() : "");
            LOG.warn("OPS ALERT: {}", line);
            Counter.builder("orderflow.orders.stuck").description("Orders stuck longer than orderflow.status.stuck-after")
                    .tag("channel", channel).tag("stage", stage).register(meters).increment();
            lines.add(line);
            alerts.raise(OpsAlerts.STUCK, orderKey, "stuck at " + stage + " since " + since + " ("
                    + age.truncatedTo(ChronoUnit.MINUTES) + ")"
                    + (status.hasNonNull("reason") ? ": " + status.get("reason").asText() : ""), null,
                    "alert:stuck:" + orderKey + ":" + alertKey);
            remember(orderKey, channel, stage, alertKey, now);
        }
        exchange.setVariable("stuckCount", lines.size());
    }

    private void remember(String orderKey, String channel, String stage, String alertKey, Instant now) {
        String eventId = "status:stuck:" + orderKey + ":" + alertKey;
        ObjectNode event = mapper.createObjectNode().put("eventId", eventId).put("orderKey", orderKey)
                .put("channel", channel).put("stage", OrderTimeline.STUCK_ALERT).put("type", "info")
                .put("at", now.truncatedTo(ChronoUnit.MILLIS).toString());
        event.putObject("fields").put("alertKey", alertKey).put("stuckAt", stage);
        jms.send(OrderStatusEvents.QUEUE, session -> {
            var message = session.createTextMessage(event.toString());
            message.setStringProperty("orderKey", orderKey);
            message.setStringProperty("JMSXGroupID", orderKey);
            message.setStringProperty("_AMQ_DUPL_ID", eventId);
            return message;
        });
    }
}
