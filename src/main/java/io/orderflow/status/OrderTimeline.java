package io.orderflow.status;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Folds one status event into an order's status (pure: no I/O, so it is easy to test and to reason about).
 *
 * <p>The status: {@code orderKey, channel, stage} (current), {@code stageSince}, {@code reached} (the furthest
 * progress stage), {@code receivedAt} (the webhook's arrival), {@code updatedAt}, {@code reason} (while the current
 * stage is an exception), {@code details} (fields the stages reported: ERP order id, fulfilment id...), {@code
 * packages}, {@code notifications}, {@code reviewReasons}, {@code alerts} and {@code timeline} (every event once, in
 * the order folded, ISO-8601 times).
 *
 * <p>Current stage: a progress event moves the order when its stage is not behind the furthest one reached (an order
 * update after the release does not take it back to "received"); an exception (review, dead-letter) always becomes
 * current until the next progress; info events (payment received, notification sent, alerts) only add an entry. A
 * payment for an order no shop has announced shows as stage {@value #PAYMENT_WITHOUT_ORDER}.
 */
public final class OrderTimeline {

    public static final String PAYMENT_WITHOUT_ORDER = "payment-without-order";
    public static final String PAYMENT_RECEIVED = "payment-received";
    public static final String STUCK_ALERT = "stuck-alert";
    public static final String NOTIFICATION_SENT = "notification-sent";

    /** What a fold changed, for the metrics. */
    public record Change(ObjectNode status, boolean firstReceived, boolean firstTimeAtStage, Duration sinceReceived) {
    }

    private OrderTimeline() {
    }

    public static String channelOf(String orderKey) {
        int colon = orderKey.indexOf(':');
        return colon > 0 ? orderKey.substring(0, colon) : "unknown";
    }

    /**
     * The status after the event, or null when the event is already in the timeline (a duplicate or replay).
     *
     * @param progressOrder the progress stages in table order (their rank)
     */
    public static Change fold(ObjectNode current, JsonNode event, List<String> progressOrder) {
        String eventId = event.path("eventId").asText();
        String orderKey = event.path("orderKey").asText();
        ObjectNode status = current != null ? current.deepCopy() : newStatus(orderKey);
        ArrayNode timeline = (ArrayNode) status.get("timeline");
        for (JsonNode entry : timeline) {
            if (entry.path("eventId").asText().equals(eventId)) {
                return null;
            }
        }
        String stage = event.path("stage").asText();
        String type = event.path("type").asText();
        String at = event.path("at").asText();
        JsonNode fields = event.path("fields");
        boolean firstTimeAtStage = true;
        for (JsonNode entry : timeline) {
            if (entry.path("stage").asText().equals(stage)) {
                firstTimeAtStage = false;
                break;
            }
        }
        ObjectNode entry = timeline.addObject().put("stage", stage).put("type", type).put("at", at);
        if (fields.isObject() && !fields.isEmpty()) {
            entry.set("fields", fields.deepCopy());
        }
        entry.put("eventId", eventId);
        status.put("updatedAt", at);

        boolean firstReceived = false;
        switch (type) {
            case "progress" -> {
                String reached = status.path("reached").asText(null);
                if (reached == null || rank(stage, progressOrder) >= rank(reached, progressOrder)) {
                    status.put("reached", stage);
                    move(status, stage, at);
                    status.remove("reason");
                } else if (isException(status) || PAYMENT_WITHOUT_ORDER.equals(status.path("stage").asText())) {
                    move(status, reached, at);
                    status.remove("reason");
                }
                if ("received".equals(stage) && !status.has("receivedAt")) {
                    status.put("receivedAt", fields.path("receivedAt").asText(at));
                    firstReceived = true;
                }
            }
            case "exception" -> {
                move(status, stage, at);
                String reason = fields.path("reason").asText(null);
                if (reason != null) {
                    status.put("reason", reason);
                    ((ArrayNode) status.get("reviewReasons")).addObject().put("stage", stage).put("at", at)
                            .put("reason", reason);
                } else {
                    status.remove("reason");
                }
            }
            default -> {
                if (PAYMENT_RECEIVED.equals(stage) && !status.has("reached") && !isException(status)) {
                    move(status, PAYMENT_WITHOUT_ORDER, at);
                }
                if (NOTIFICATION_SENT.equals(stage)) {
                    ((ArrayNode) status.get("notifications")).addObject()
                            .put("template", fields.path("template").asText(
                                    fields.path("notification").asText("").split(":")[0]))
                            .put("at", at);
                }
                if (STUCK_ALERT.equals(stage)) {
                    ((ArrayNode) status.get("alerts")).add(fields.path("alertKey").asText());
                }
            }
        }
        // What the stages reported (ERP order id, fulfilment id...): the latest value of each field.
        if (fields.isObject()) {
            ObjectNode details = (ObjectNode) status.get("details");
            fields.fields().forEachRemaining(f -> {
                if (!List.of("reason", "receivedAt", "topic", "alertKey", "template", "notification", "failedRoute",
                        "reviewRule", "stuckAt")
                        .contains(f.getKey())) {
                    details.set(f.getKey(), f.getValue());
                }
            });
            boolean known = false;
            for (JsonNode p : status.get("packages")) {
                known |= p.path("trackingNumber").asText().equals(fields.path("trackingNumber").asText());
            }
            if (fields.has("trackingNumber") && !known) {
                ((ArrayNode) status.get("packages")).addObject()
                        .put("package", fields.path("package").asText(""))
                        .put("trackingNumber", fields.path("trackingNumber").asText())
                        .put("carrier", fields.path("carrier").asText(""))
                        .put("at", at);
            }
        }
        Duration sinceReceived = null;
        if (status.has("receivedAt")) {
            try {
                sinceReceived = Duration.between(Instant.parse(status.get("receivedAt").asText()), Instant.parse(at));
            } catch (RuntimeException e) {
                sinceReceived = null;
            }
        }
        return new Change(status, firstReceived, firstTimeAtStage, sinceReceived);
    }

    static boolean isException(ObjectNode status) {
        return status.path("stageType").asText().equals("exception");
    }

    private static void move(ObjectNode status, String stage, String at) {
        if (!stage.equals(status.path("stage").asText(null))) {
            status.put("stageSince", at);
        }
        status.put("stage", stage);
        status.put("stageType", stageTypeOf(status, stage));
    }

    private static String stageTypeOf(ObjectNode status, String stage) {
        ArrayNode timeline = (ArrayNode) status.get("timeline");
        for (int i = timeline.size() - 1; i >= 0; i--) {
            if (timeline.get(i).path("stage").asText().equals(stage)) {
                return timeline.get(i).path("type").asText();
            }
        }
        return PAYMENT_WITHOUT_ORDER.equals(stage) ? "exception" : "progress";
    }

    private static int rank(String stage, List<String> progressOrder) {
        int i = progressOrder.indexOf(stage);
        return i < 0 ? -1 : i;
    }

    private static ObjectNode newStatus(String orderKey) {
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        status.put("orderKey", orderKey).put("channel", channelOf(orderKey));
        status.putObject("details");
        status.putArray("packages");
        status.putArray("notifications");
        status.putArray("reviewReasons");
        status.putArray("alerts");
        status.putArray("timeline");
        return status;
    }
}
