package io.orderflow.status;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The order-status route's step: reads the order's status, folds the event in ({@link OrderTimeline}), and leaves
 * the new status as the message for its order status queue (variable orderStatusQueue: body, properties orderKey and
 * orderStage, variable statusTtlMs for its expiry), or variable statusChanged=false when the event was already in
 * the timeline.
 *
 * <p>KPIs (Micrometer, tag channel; no customer data): orderflow.orders.received, orderflow.order.processing.time
 * (tag stage: webhook received -> the first time the order reached that progress stage, a percentile histogram),
 * orderflow.order.payment.wait (received -> released), orderflow.orders.parked (tags stage = review | dead-letter,
 * reason = a short category of the reason). Error rate = orders.parked / orders.received.
 */
@Component("orderStatusStage")
public class OrderStatusStage {

    private static final Logger LOG = LoggerFactory.getLogger(OrderStatusStage.class);

    private final OrderStatusStore store;
    private final StatusProperties properties;
    private final ObjectMapper mapper;
    private final MeterRegistry meters;

    public OrderStatusStage(OrderStatusStore store, StatusProperties properties, ObjectMapper mapper, MeterRegistry meters) {
        this.store = store;
        this.properties = properties;
        this.mapper = mapper;
        this.meters = meters;
    }

    public void fold(Exchange exchange) throws IOException {
        Message in = exchange.getMessage();
        JsonNode event = mapper.readTree(in.getBody(String.class));
        String orderKey = event.path("orderKey").asText();
        OrderTimeline.Change change = OrderTimeline.fold(store.load(orderKey), event, progressStages());
        if (change == null) {
            exchange.setVariable("statusChanged", false);
            LOG.info("Status event {} of order {} is already in its timeline: nothing changed",
                    event.path("eventId").asText(), orderKey);
            return;
        }
        ObjectNode status = change.status();
        String stage = status.path("stage").asText("");
        boolean finished = properties.getFinishedStages().contains(stage);
        exchange.setVariable("statusChanged", true);
        exchange.setVariable("statusTtlMs",
                (finished ? properties.getRetention() : properties.getActiveRetention()).toMillis());
        in.setBody(status.toString());
        in.removeHeaders("*");
        in.setHeader("orderKey", orderKey);
        in.setHeader(OrderStatusStore.STAGE_PROPERTY, stage);
        String since = status.path("stageSince").asText(null);
        if (since != null) {
            in.setHeader(OrderStatusStore.SINCE_PROPERTY, java.time.Instant.parse(since).toEpochMilli());
        }
        exchange.setVariable("orderStatusQueue", OrderStatusStore.queueOf(orderKey));
        measure(event, change);
    }

    private void measure(JsonNode event, OrderTimeline.Change change) {
        String channel = event.path("channel").asText("unknown");
        String stage = event.path("stage").asText();
        String type = event.path("type").asText();
        if (change.firstReceived()) {
            Counter.builder("orderflow.orders.received").description("Orders received from the shops")
                    .tag("channel", channel).register(meters).increment();
        }
        if ("progress".equals(type) && change.firstTimeAtStage() && change.sinceReceived() != null
                && !"received".equals(stage)) {
            Duration took = change.sinceReceived().isNegative() ? Duration.ZERO : change.sinceReceived();
            Timer.builder("orderflow.order.processing.time")
                    .description("From the shop's webhook to the first time the order reached the stage")
                    .tag("channel", channel).tag("stage", stage).publishPercentileHistogram().register(meters).record(took);
            if ("released".equals(stage)) {
                Timer.builder("orderflow.order.payment.wait").description("From the shop's webhook to the release")
                        .tag("channel", channel).publishPercentileHistogram().register(meters).record(took);
            }
        }
        if ("exception".equals(type)) {
            Counter.builder("orderflow.orders.parked").description("Orders parked for review or dead-lettered")
                    .tag("channel", channel).tag("stage", stage)
                    .tag("reason", reasonCategory(event.path("fields").path("reviewRule").asText(null),
                            event.path("fields").path("reason").asText("")))
                    .register(meters).increment();
        }
    }

    /**
     * A short, bounded category of a parking reason for a metric tag: the review rule's name; for a technical failure
     * (any exception but UnprocessableEventException) the exception's class name; else orderflow's own reason up to its
     * first detail (':', '(', quote, comma), digits replaced, at most 5 words and 48 characters. The full reason stays
     * in the timeline, never in a tag.
     */
    static String reasonCategory(String rule, String reason) {
        if (rule != null && !rule.isBlank()) {
            return "rule " + rule;
        }
        String text = reason;
        int colon = text.indexOf(": ");
        if (colon > 0 && text.substring(0, colon).matches("[A-Za-z]*Exception")) {
            String exception = text.substring(0, colon);
            if (!exception.equals("UnprocessableEventException")) {
                // A technical failure: its message may hold anything (URLs, payload parts); the class says enough.
                return exception;
            }
            text = text.substring(colon + 2);
        }
        int cut = text.length();
        for (String stop : List.of(":", "(", "'", "\"", ",", ";")) {
            int i = text.indexOf(stop);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        text = text.substring(0, cut).replaceAll("[0-9]+", "#").replaceAll("[^A-Za-z# -]", "").trim();
        String[] words = text.split("\\s+");
        if (words.length > 5) {
            text = String.join(" ", java.util.Arrays.copyOf(words, 5));
        }
        if (text.length() > 48) {
            text = text.substring(0, 48).trim();
        }
        return text.isEmpty() ? "other" : text;
    }

    private List<String> progressStages() {
        return properties.getStages().stream().filter(r -> r.getType() == StatusProperties.Type.progress)
                .map(StatusProperties.StageRow::getStage).distinct().toList();
    }
}
