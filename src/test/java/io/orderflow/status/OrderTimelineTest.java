package io.orderflow.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The fold on its own: which stage is current after which events, duplicates, and the metric reason categories. */
class OrderTimelineTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> PROGRESS = List.of("received", "released", "allocated", "fulfilment-requested", "shipped");

    ObjectNode status;

    @Test
    void progressMovesForwardOnlyAndAnUpdateAfterTheReleaseStaysAnEntry() {
        fold("a", "received", "progress", "2026-11-29T10:00:00Z");
        fold("b", "released", "progress", "2026-11-29T10:01:00Z");
        fold("c", "received", "progress", "2026-11-29T10:02:00Z");   // orders/updated after the release
        assertThat(status.path("stage").asText()).isEqualTo("released");
        assertThat(status.path("stageSince").asText()).isEqualTo("2026-11-29T10:01:00Z");
        assertThat(status.path("receivedAt").asText()).isEqualTo("2026-11-29T10:00:00Z");
        assertThat(stages()).containsExactly("received", "released", "received");
    }

    @Test
    void aDuplicateEventChangesNothing() {
        fold("a", "received", "progress", "2026-11-29T10:00:00Z");
        ObjectNode before = status.deepCopy();
        assertThat(OrderTimeline.fold(status, event("a", "received", "progress", "2026-11-29T10:05:00Z"), PROGRESS))
                .isNull();
        assertThat(status).isEqualTo(before);
    }

    @Test
    void reviewIsCurrentUntilTheNextProgressAndKeepsItsReason() {
        fold("a", "received", "progress", "2026-11-29T10:00:00Z");
        fold("b", "released", "progress", "2026-11-29T10:01:00Z");
        ObjectNode review = event("c", "review", "exception", "2026-11-29T10:02:00Z");
        ((ObjectNode) review.get("fields")).put("reason", "unknown SKUs in the ERP: X");
        status = OrderTimeline.fold(status, review, PROGRESS).status();
        assertThat(status.path("stage").asText()).isEqualTo("review");
        assertThat(status.path("reason").asText()).isEqualTo("unknown SKUs in the ERP: X");
        fold("d", "payment-received", "info", "2026-11-29T10:03:00Z");
        assertThat(status.path("stage").asText()).isEqualTo("review");
        // The replay after the fix: allocated.
        fold("e", "allocated", "progress", "2026-11-29T10:04:00Z");
        assertThat(status.path("stage").asText()).isEqualTo("allocated");
        assertThat(status.has("reason")).isFalse();
        assertThat(status.path("reviewReasons")).hasSize(1);
    }

    @Test
    void aReviewAtTheGateResolvedByAnUpdateOfTheOrderGoesBackToTheFurthestStage() {
        fold("a", "received", "progress", "2026-11-29T10:00:00Z");
        fold("b", "review", "exception", "2026-11-29T10:01:00Z");
        fold("c", "received", "progress", "2026-11-29T10:02:00Z");
        assertThat(status.path("stage").asText()).isEqualTo("received");
    }

    @Test
    void aPaymentWithoutAnOrderIsVisibleUntilTheOrderArrives() {
        fold("a", "payment-received", "info", "2026-11-29T10:00:00Z");
        assertThat(status.path("stage").asText()).isEqualTo(OrderTimeline.PAYMENT_WITHOUT_ORDER);
        assertThat(status.path("stageType").asText()).isEqualTo("exception");
        fold("b", "received", "progress", "2026-11-29T10:01:00Z");
        assertThat(status.path("stage").asText()).isEqualTo("received");
    }

    @Test
    void packagesAndDetailsAreCollected() {
        fold("a", "received", "progress", "2026-11-29T10:00:00Z");
        ObjectNode allocated = event("b", "allocated", "progress", "2026-11-29T10:01:00Z");
        ((ObjectNode) allocated.get("fields")).put("erpOrderId", "SO-1");
        status = OrderTimeline.fold(status, allocated, PROGRESS).status();
        for (String p : List.of("1", "2")) {
            ObjectNode shipped = event("s" + p, "shipped", "progress", "2026-11-29T11:0" + p + ":00Z");
            ((ObjectNode) shipped.get("fields")).put("package", p).put("trackingNumber", "1Z" + p).put("carrier", "UPS");
            status = OrderTimeline.fold(status, shipped, PROGRESS).status();
        }
        ObjectNode again = event("s1-again", "shipped", "progress", "2026-11-29T11:05:00Z");
        ((ObjectNode) again.get("fields")).put("package", "1").put("trackingNumber", "1Z1").put("carrier", "UPS");
        status = OrderTimeline.fold(status, again, PROGRESS).status();
        assertThat(status.path("details").path("erpOrderId").asText()).isEqualTo("SO-1");
        assertThat(status.path("packages")).hasSize(2);
        assertThat(status.path("packages").get(1).path("trackingNumber").asText()).isEqualTo("1Z2");
        assertThat(status.path("stage").asText()).isEqualTo("shipped");
    }

    @Test
    void reasonCategoriesAreShortAndCarryNoDetail() {
        assertThat(OrderStatusStage.reasonCategory(null,
                "UnprocessableEventException: unknown SKUs in the ERP: A-1, B-2 (create the products, then replay)"))
                .isEqualTo("unknown SKUs in the ERP");
        assertThat(OrderStatusStage.reasonCategory(null,
                "UnprocessableEventException: amount mismatch: the order totals 20.00 USD, paid 25.00 USD"))
                .isEqualTo("amount mismatch");
        assertThat(OrderStatusStage.reasonCategory("large-order", "anything")).isEqualTo("rule large-order");
        assertThat(OrderStatusStage.reasonCategory(null, "")).isEqualTo("other");
        assertThat(OrderStatusStage.reasonCategory(null, "SMTPSendFailedException: 550 bob@example.com refused"))
                .isEqualTo("SMTPSendFailedException");
        assertThat(OrderStatusStage.reasonCategory(null, "a very long reason without any detail separator at all here"))
                .isEqualTo("a very long reason without");
    }

    @Test
    void aReplaysDeliveryIdNamesTheSameEvent() {
        assertThat(OrderStatusEvents.eventId("erp:allocated:shopify:x:orders/create:1#replay-3f2a"))
                .isEqualTo(OrderStatusEvents.eventId("erp:allocated:shopify:x:orders/create:1"))
                .isEqualTo("status:erp:allocated:shopify:x:orders/create:1");
    }

    @Test
    void ordersAreSpreadOverTheStatusQueuesByAStableHash() {
        assertThat(OrderStatusStore.queueOf("shop-eu:1001")).isEqualTo(OrderStatusStore.queueOf("shop-eu:1001"))
                .matches("orderflow\\.order\\.status\\.[0-3][0-9]");
        java.util.Set<String> used = new java.util.HashSet<>();
        for (int i = 0; i < 1000; i++) {
            used.add(OrderStatusStore.queueOf("test-shopify:" + (7300000000000L + i)));
        }
        assertThat(used).hasSize(32);
        // Sequential order numbers are spread evenly: no queue holds more than twice its share.
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        for (int i = 0; i < 3200; i++) {
            counts.merge(OrderStatusStore.queueOf("test-shopify:" + (7300000000000L + i)), 1, Integer::sum);
        }
        assertThat(counts.values()).allMatch(c -> c < 200);
        assertThat(io.orderflow.broker.BrokerAddresses.orderStatusQueues()).containsAll(used);
    }

    private void fold(String id, String stage, String type, String at) {
        OrderTimeline.Change change = OrderTimeline.fold(status, event(id, stage, type, at), PROGRESS);
        assertThat(change).isNotNull();
        status = change.status();
    }

    private static ObjectNode event(String id, String stage, String type, String at) {
        ObjectNode e = JSON.createObjectNode().put("eventId", id).put("orderKey", "shop:1").put("channel", "shop")
                .put("stage", stage).put("type", type).put("at", at);
        e.putObject("fields");
        return e;
    }

    private List<String> stages() {
        List<String> stages = new ArrayList<>();
        status.path("timeline").forEach(e -> stages.add(e.path("stage").asText()));
        return stages;
    }
}
