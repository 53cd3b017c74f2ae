package io.orderflow.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.gate.GateDecision.AlertKind;
import io.orderflow.gate.GateDecision.Outcome;
import io.orderflow.gate.GatePolicy.MethodPolicy;
import io.orderflow.gate.GatePolicy.UnpaidAction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The payment gate's decision table (docs/payment-gate.md, "The decision table"), one test row per row of the
 * document (the row ids match), on the pure function {@link GateDecider#decide}: no Spring, no broker, no clock.
 * Every row states the full decision: outcome and every message; a message a row does not name must be absent.
 */
class GateDecisionTableTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "shop-eu:450789469";
    static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    static final long T0_MS = T0.toEpochMilli();
    static final Duration RECHECK = Duration.ofMinutes(15);
    static final Duration DEADLINE = Duration.ofHours(72);
    static final GatePolicy POLICY = new GatePolicy(RECHECK, DEADLINE, UnpaidAction.REVIEW,
            Map.of("cod", new MethodPolicy(false, true), "bogus", new MethodPolicy(true, false)), MethodPolicy.PAID_ONLY,
            List.of());
    static final GatePolicy CANCEL_UNPAID = POLICY.withUnpaidAction(UnpaidAction.CANCEL);
    static final ReviewRule LARGE_ABROAD = new ReviewRule("large-order-abroad",
            Map.of("EUR", new BigDecimal("1000.00"), "USD", new BigDecimal("400.00")), Set.of(), Set.of("DE", "AT"), Set.of());
    static final GatePolicy WITH_RULES = POLICY.withReviewRules(List.of(
            new ReviewRule("gift-cards", Map.of(), Set.of(), Set.of(), Set.of("GIFT-100")), LARGE_ABROAD));

    // ---- the table -----------------------------------------------------------------------------------------------

    static Stream<Arguments> table() {
        List<Arguments> rows = new ArrayList<>();
        // Merging
        row(rows, "M1 an older order version is ignored", waitingFor(order("pending", "20.00").put("updatedAt", "2026-11-28T10:05:00Z")),
                orderEvent(order("paid", "20.00").put("updatedAt", "2026-11-28T10:01:00Z")), POLICY, T0,
                expect(Outcome.WAIT).why("unpaid").state(s -> assertThat(s.shopPaymentStatus).isEqualTo("pending")));
        row(rows, "M2 the shop's payment status never moves backwards", released(order("paid", "20.00")),
                orderEvent(order("pending", "20.00").put("updatedAt", "2026-11-28T11:00:00Z")), POLICY, T0,
                expect(Outcome.NONE).state(s -> assertThat(s.shopPaymentStatus).isEqualTo("paid")));
        row(rows, "M3 one transaction reported twice counts once", withPayment(waitingFor(order("pending", "20.00")), "pi_1", "succeeded", 1000),
                paymentEvent("pi_1", "succeeded", 1000, "USD"), POLICY, T0,
                expect(Outcome.WAIT).why("partially paid").state(s -> assertThat(s.transactions).hasSize(1)));
        row(rows, "M4 split payments are summed", withPayment(waitingFor(order("pending", "20.00")), "pi_1", "succeeded", 1000),
                paymentEvent("pi_2", "succeeded", 1000, "USD"), POLICY, T0,
                expect(Outcome.RELEASE).released("payment confirmed by the gateway (20.00 USD)").paid("20.00"));
        row(rows, "M5 a payment before its order: fetched from the shop", null,
                paymentEvent("pi_1", "succeeded", 2000, "USD").withShopOrder(order("pending", "20.00")), POLICY, T0,
                expect(Outcome.RELEASE).released("payment confirmed by the gateway (20.00 USD)").paid("20.00"));
        row(rows, "M6 a payment for an order the shop does not know (yet)", null,
                paymentEvent("pi_1", "succeeded", 2000, "USD"), POLICY, T0,
                expect(Outcome.WAIT).why("the shop does not know this order yet").recheckAt(T0_MS + RECHECK.toMillis()));
        // Deciding, before release
        row(rows, "D1 cancelled in the shop, nothing paid", waitingFor(order("pending", "20.00")),
                orderEvent(cancelled(order("voided", "20.00"))), POLICY, T0,
                expect(Outcome.CANCELLED).state(s -> assertThat(s.closed).isEqualTo("cancelled")));
        row(rows, "D1 deleted in the shop", waitingFor(order("pending", "20.00")),
                orderEvent(JSON.createObjectNode().put("event", "order.deleted").put("orderKey", KEY)), POLICY, T0,
                expect(Outcome.CANCELLED));
        row(rows, "D2 cancelled in the shop but paid", withPayment(waitingFor(order("pending", "20.00")), "pi_1", "succeeded", 2000),
                orderEvent(cancelled(order("voided", "20.00"))), POLICY, T0,
                expect(Outcome.REVIEW).review("order cancelled in the shop but 20.00 USD was paid", AlertKind.PAYMENT_ON_CANCELLED_ORDER));
        row(rows, "D3 a payment for a closed order", closed(order("voided", "20.00"), "cancelled"),
                paymentEvent("pi_1", "succeeded", 2000, "USD"), POLICY, T0,
                expect(Outcome.REVIEW).review("payment received for an order that is cancelled", AlertKind.PAYMENT_ON_CANCELLED_ORDER));
        row(rows, "D4 a closed order, nothing paid", closed(order("voided", "20.00"), "cancelled-unpaid"),
                orderEvent(order("pending", "20.00").put("updatedAt", "2026-11-28T12:00:00Z")), POLICY, T0,
                expect(Outcome.NONE));
        row(rows, "D5 currency mismatch", waitingFor(order("pending", "20.00")),
                paymentEvent("pi_1", "succeeded", 2000, "EUR"), POLICY, T0,
                expect(Outcome.REVIEW).review("currency mismatch: order USD, payment EUR", AlertKind.CURRENCY_MISMATCH));
        row(rows, "D6 a total that is no valid amount", waitingFor(order("pending", "20.001")),
                orderEvent(order("pending", "20.001")), POLICY, T0,
                expect(Outcome.REVIEW).review("order total 20.001 USD is not a valid amount", null));
        row(rows, "D7 more confirmed than the total", waitingFor(order("pending", "409.94")),
                paymentEvent("pi_1", "succeeded", 81988, "USD"), POLICY, T0,
                expect(Outcome.REVIEW).review("amount mismatch: order total 409.94 USD, confirmed 819.88 USD", AlertKind.AMOUNT_MISMATCH));
        row(rows, "D8 zero total", null, orderEvent(order("pending", "0.00")), POLICY, T0,
                expect(Outcome.RELEASE).released("zero total"));
        row(rows, "D9 the gateway confirmed exactly the total (minor units)", waitingFor(order("pending", "409.94")),
                paymentEvent("pi_1", "succeeded", 40994, "USD"), POLICY, T0,
                expect(Outcome.RELEASE).released("payment confirmed by the gateway (409.94 USD)").paid("409.94"));
        row(rows, "D9 a refund before release takes the confirmed sum below the total", waitingFor(order("pending", "20.00")),
                paymentEvent("pi_1", "refunded", 2000, "USD").put(b -> b.put("refundedMinor", "500")), POLICY, T0,
                expect(Outcome.WAIT).why("partially paid"));
        row(rows, "D10 the shop says paid", null, orderEvent(order("paid", "20.00")), POLICY, T0,
                expect(Outcome.RELEASE).released("payment confirmed by the shop (paid)"));
        row(rows, "D11 authorized, the method's policy accepts authorizations", null,
                orderEvent(withMethod(order("authorized", "5.00"), "bogus")), POLICY, T0,
                expect(Outcome.RELEASE).released("payment authorized and the method's policy accepts authorizations"));
        row(rows, "D11 authorized, the default policy waits for the capture", null,
                orderEvent(order("authorized", "5.00")), POLICY, T0,
                expect(Outcome.WAIT).why("unpaid").recheckAt(T0_MS + RECHECK.toMillis()));
        row(rows, "D12 the method's policy releases unpaid orders (cash on delivery)", null,
                orderEvent(withMethod(order("pending", "29.35"), "cod")), POLICY, T0,
                expect(Outcome.RELEASE).released("the payment method's policy releases unpaid orders"));
        row(rows, "D13 a review rule matches an order that would be released", null,
                orderEvent(order("paid", "409.94")), WITH_RULES, T0,
                expect(Outcome.REVIEW).reviewRule("large-order-abroad", "review rule large-order-abroad: payment confirmed by the shop (paid)")
                        .state(s -> assertThat(s.reviewRule).isEqualTo("large-order-abroad")));
        row(rows, "D13 a review rule by SKU, also for cash on delivery", null,
                orderEvent(withSku(withMethod(order("pending", "29.35"), "cod"), "GIFT-100")), WITH_RULES, T0,
                expect(Outcome.REVIEW).reviewRule("gift-cards", "review rule gift-cards"));
        row(rows, "D13 no rule matches: released", null,
                orderEvent(order("paid", "399.99")), WITH_RULES, T0,
                expect(Outcome.RELEASE).released("payment confirmed by the shop (paid)"));
        row(rows, "D14 parked by a review rule: later events do not park it again", parkedByRule(order("paid", "409.94"), "large-order-abroad"),
                orderEvent(order("paid", "409.94").put("updatedAt", "2026-11-28T10:30:00Z")), WITH_RULES, T0,
                expect(Outcome.NONE).why("waiting for an operator's approval (review rule large-order-abroad)"));
        row(rows, "D15 a failed payment, nothing confirmed", waitingFor(order("pending", "20.00")),
                paymentEvent("pi_1", "failed", 2000, "USD"), POLICY, T0,
                expect(Outcome.FAILED).notification("payment-failed", "payment-failed:delivery-1", "card_declined"));
        row(rows, "D15 a failed payment for a new order also schedules the re-check", null,
                paymentEvent("pi_1", "failed", 2000, "USD").withShopOrder(order("pending", "20.00")), POLICY, T0,
                expect(Outcome.FAILED).notification("payment-failed", "payment-failed:delivery-1", "card_declined")
                        .recheckAt(T0_MS + RECHECK.toMillis()));
        row(rows, "D15 a failure after a success changes nothing", withPayment(waitingFor(order("pending", "20.00")), "pi_1", "succeeded", 1000),
                paymentEvent("pi_2", "failed", 1000, "USD"), POLICY, T0,
                expect(Outcome.WAIT).why("partially paid"));
        row(rows, "D16 unpaid: one re-check scheduled", null, orderEvent(order("pending", "20.00")), POLICY, T0,
                expect(Outcome.WAIT).why("unpaid").recheckAt(T0_MS + RECHECK.toMillis())
                        .state(s -> assertThat(s.recheckDueAt).isEqualTo(T0_MS + RECHECK.toMillis())));
        row(rows, "D16 unpaid with a re-check already waiting: nothing more", waitingFor(order("pending", "20.00")),
                orderEvent(order("pending", "20.00").put("updatedAt", "2026-11-28T10:01:00Z")), POLICY, T0,
                expect(Outcome.WAIT));
        row(rows, "D16 the re-check never goes past the deadline", waitingFor(order("pending", "20.00")).andThen(s -> s.recheckDueAt = null),
                orderEvent(order("pending", "20.00")), POLICY, T0.plus(DEADLINE).minusSeconds(60),
                expect(Outcome.WAIT).recheckAt(T0_MS + DEADLINE.toMillis()));
        row(rows, "D16 the awaited re-check, the shop still says pending", waitingFor(order("pending", "20.00")),
                recheckEvent(T0_MS + RECHECK.toMillis()).withShopOrder(order("pending", "20.00")), POLICY, T0.plus(RECHECK),
                expect(Outcome.WAIT).recheckAt(T0_MS + 2 * RECHECK.toMillis()));
        row(rows, "D16 the awaited re-check, the shop now says paid", waitingFor(order("pending", "20.00")),
                recheckEvent(T0_MS + RECHECK.toMillis()).withShopOrder(order("paid", "20.00").put("updatedAt", "2026-11-28T10:20:00Z")),
                POLICY, T0.plus(RECHECK), expect(Outcome.RELEASE).released("payment confirmed by the shop (paid)"));
        row(rows, "D17 a re-check that is no longer awaited", waitingFor(order("pending", "20.00")),
                recheckEvent(T0_MS + 1), POLICY, T0.plus(RECHECK), expect(Outcome.NONE));
        row(rows, "D18 unpaid at the deadline, unpaid-action cancel", waitingFor(order("pending", "20.00")),
                recheckEvent(T0_MS + RECHECK.toMillis()).withShopOrder(order("pending", "20.00")), CANCEL_UNPAID, T0.plus(DEADLINE),
                expect(Outcome.CANCEL_UNPAID).cancelInShop().notification("order-cancelled-unpaid", "order-cancelled-unpaid:" + KEY, "unpaid")
                        .state(s -> assertThat(s.closed).isEqualTo("cancelled-unpaid")));
        row(rows, "D18 a failed payment at the deadline, unpaid-action cancel", waitingFor(order("pending", "20.00")),
                paymentEvent("pi_1", "failed", 2000, "USD"), CANCEL_UNPAID, T0.plus(DEADLINE),
                expect(Outcome.CANCEL_UNPAID).cancelInShop().notification("order-cancelled-unpaid", "order-cancelled-unpaid:" + KEY, "payment failed"));
        row(rows, "D19 unpaid at the deadline, unpaid-action review", waitingFor(order("pending", "20.00")),
                recheckEvent(T0_MS + RECHECK.toMillis()), POLICY, T0.plus(DEADLINE),
                expect(Outcome.REVIEW).review("still unpaid after the unpaid deadline (PT72H)", null));
        row(rows, "D15 a failed payment for an order the shop does not know: nobody to tell yet, wait", null,
                paymentEvent("pi_1", "failed", 2000, "USD"), CANCEL_UNPAID, T0,
                expect(Outcome.WAIT).why("the shop does not know this order yet").recheckAt(T0_MS + RECHECK.toMillis()));
        row(rows, "D19 the order never known, past the deadline: review even with unpaid-action cancel", knownOnlyByPayment(),
                recheckEvent(T0_MS + RECHECK.toMillis()), CANCEL_UNPAID, T0.plus(DEADLINE),
                expect(Outcome.REVIEW).review("still the shop does not know this order yet after the unpaid deadline", null));
        // After release
        row(rows, "A1 refunded at the gateway after release: one cancellation", withPayment(released(order("pending", "20.00")), "pi_1", "succeeded", 2000),
                paymentEvent("pi_1", "refunded", 2000, "USD").put(b -> b.put("refundedMinor", "2000")), POLICY, T0,
                expect(Outcome.CANCEL_AFTER_RELEASE).cancellation("refunded", 2000));
        row(rows, "A1 cancelled in the shop after release: one cancellation", released(order("paid", "20.00")),
                orderEvent(cancelled(order("paid", "20.00"))), POLICY, T0,
                expect(Outcome.CANCEL_AFTER_RELEASE).cancellation("cancelled", 0));
        row(rows, "A2 a cancellation already sent: nothing more", released(order("paid", "20.00")).andThen(s -> {
                    s.cancelled = true;
                    s.cancellationSent = true;
                }), orderEvent(cancelled(order("paid", "20.00")).put("updatedAt", "2026-11-28T12:00:00Z")), POLICY, T0,
                expect(Outcome.NONE));
        row(rows, "A3 edited after release (lines, totals, currency or shipping address)", released(order("paid", "20.00")),
                orderEvent(withQuantity(order("paid", "60.00"), 3).put("updatedAt", "2026-11-28T11:00:00Z")), POLICY, T0,
                expect(Outcome.REVIEW).review("order edited after release: released version 2026-11-28T10:00:00Z (total 20.00 USD; 1 x IPOD2008GREEN); "
                        + "new version 2026-11-28T11:00:00Z (total 60.00 USD; 3 x IPOD2008GREEN)", null));
        row(rows, "A4 a status-only update after release", released(order("pending", "20.00")),
                orderEvent(order("paid", "20.00").put("updatedAt", "2026-11-28T11:00:00Z")), POLICY, T0,
                expect(Outcome.NONE).why("already released"));
        // Approval
        row(rows, "P1 approval of an order parked at the deadline", parkedFor(order("pending", "20.00"), "still unpaid after the unpaid deadline (PT72H)"),
                approvalEvent(), POLICY, T0.plus(DEADLINE),
                expect(Outcome.RELEASE).released("approved by an operator (parked: still unpaid after the unpaid deadline (PT72H))")
                        .state(s -> assertThat(s.approvedAt).isEqualTo(T0_MS + DEADLINE.toMillis())));
        row(rows, "P1 approval of an amount mismatch: released, no paid amount", withPayment(
                        parkedFor(order("pending", "20.00"), "amount mismatch"), "pi_1", "succeeded", 4000),
                approvalEvent(), POLICY, T0, expect(Outcome.RELEASE).released("approved by an operator (parked: amount mismatch)"));
        row(rows, "P1 approval of an order parked by a review rule, paid at the gateway", withPayment(
                        parkedByRule(order("pending", "409.94"), "large-order-abroad"), "pi_1", "succeeded", 40994),
                approvalEvent(), WITH_RULES, T0,
                expect(Outcome.RELEASE).released("approved by an operator (parked: review rule large-order-abroad").paid("409.94"));
        row(rows, "P1 approval of an order known only by its payment: fetched from the shop", knownOnlyByPayment(),
                approvalEvent().withShopOrder(order("pending", "20.00")), POLICY, T0,
                expect(Outcome.RELEASE).released("approved by an operator").paid("20.00"));
        row(rows, "P2 a second approval: already released, nothing sent", released(order("paid", "20.00")),
                approvalEvent(), POLICY, T0, expect(Outcome.NONE).why("approval ignored: already released"));
        row(rows, "P3 approval of a cancelled order: nothing sent", closed(order("voided", "20.00"), "cancelled"),
                approvalEvent(), POLICY, T0, expect(Outcome.NONE).why("approval ignored: the order is cancelled"));
        row(rows, "P3 approval when the shop does not know the order", knownOnlyByPayment(),
                approvalEvent(), POLICY, T0, expect(Outcome.NONE).why("approval ignored: the shop does not know this order"));
        row(rows, "P4 approved once: a later event is decided as released", released(order("paid", "409.94")).andThen(s -> s.approvedAt = T0_MS),
                orderEvent(order("paid", "409.94").put("updatedAt", "2026-11-28T11:00:00Z")), WITH_RULES, T0,
                expect(Outcome.NONE).why("already released"));
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decisionTable(String row, Given given, GateEvent event, GatePolicy policy, Instant now, Expect expect) {
        GateState before = given == null ? null : given.build();
        String beforeJson = before == null ? null : json(before);
        GateDecision decision = GateDecider.decide(before, event, policy, now);
        expect.check(decision);
        assertThat(decision.state().lastDecision).isEqualTo(decision.outcome().label);
        assertThat(decision.state().orderKey).isEqualTo(KEY);
        if (before != null) {
            assertThat(json(before)).as("decide() does not change the state it was given").isEqualTo(beforeJson);
        }
    }

    // ---- beyond single rows ----------------------------------------------------------------------------------------

    @Test
    void approvingTwiceReleasesOnce() {
        GateState parked = parkedFor(order("pending", "20.00"), "still unpaid after the unpaid deadline (PT72H)").build();
        GateDecision first = GateDecider.decide(parked, approvalEvent(), POLICY, T0);
        GateDecision second = GateDecider.decide(first.state(), approvalEvent(), POLICY, T0.plusSeconds(1));
        assertThat(first.release()).isNotNull();
        assertThat(second.release()).isNull();
        assertThat(second.outcome()).isEqualTo(Outcome.NONE);
        // A replay of the parked event after the approval: released, not parked again.
        GateDecision replay = GateDecider.decide(second.state(), recheckEvent(T0_MS + RECHECK.toMillis()), POLICY, T0.plus(DEADLINE));
        assertThat(replay.review()).isNull();
        assertThat(replay.release()).isNull();
    }

    @Test
    void aRuleParkedOrderIsNotParkedAgainByItsOtherWebhooksAndIsReleasedByTheApproval() {
        GateDecision created = GateDecider.decide(null, orderEvent(order("paid", "409.94")), WITH_RULES, T0);
        GateDecision paid = GateDecider.decide(created.state(), orderEvent(order("paid", "409.94").put("event", "order.paid")), WITH_RULES, T0);
        GateDecision approved = GateDecider.decide(paid.state(), approvalEvent(), WITH_RULES, T0);
        GateDecision updated = GateDecider.decide(approved.state(), orderEvent(order("paid", "409.94").put("updatedAt", "2026-11-28T10:01:00Z")),
                WITH_RULES, T0);
        assertThat(List.of(created.outcome(), paid.outcome(), approved.outcome(), updated.outcome()))
                .containsExactly(Outcome.REVIEW, Outcome.NONE, Outcome.RELEASE, Outcome.NONE);
    }

    @Test
    void aFirstOrderRuleFromConfigurationHoldsAFirstOrderAndReleasesAReturningCustomersOne() {
        io.orderflow.config.OrderflowProperties.Gate settings = new io.orderflow.config.OrderflowProperties.Gate();
        io.orderflow.config.OrderflowProperties.ReviewRuleSettings rule = new io.orderflow.config.OrderflowProperties.ReviewRuleSettings();
        rule.setName("new-customer");
        rule.setFirstOrder(true);
        settings.setReviewRules(List.of(rule));
        GatePolicy policy = PaymentGate.policy(settings);
        ObjectNode first = order("paid", "20.00");
        ((ObjectNode) first.path("customer")).put("firstOrder", true);
        ObjectNode returning = order("paid", "20.00");
        ((ObjectNode) returning.path("customer")).put("firstOrder", false);
        GateDecision held = GateDecider.decide(new GateState(), orderEvent(first), policy, T0);
        assertThat(held.outcome()).isEqualTo(Outcome.REVIEW);
        assertThat(held.review().rule()).isEqualTo("new-customer");
        assertThat(GateDecider.decide(new GateState(), orderEvent(returning), policy, T0).outcome()).isEqualTo(Outcome.RELEASE);
    }

    @Test
    void reviewRulesCompareExactlyAndPerCurrency() {
        ReviewRule rule = new ReviewRule("big", Map.of("eur", new BigDecimal("1000.00")), Set.of(), Set.of(), Set.of());
        assertThat(rule.matches(order("paid", "1000.00").put("currency", "EUR"))).isFalse();
        assertThat(rule.matches(order("paid", "1000.01").put("currency", "EUR"))).isTrue();
        assertThat(rule.matches(order("paid", "5000.00").put("currency", "USD"))).isFalse();
        ReviewRule shipsTo = new ReviewRule("to-us", Map.of(), Set.of("us"), Set.of(), Set.of());
        assertThat(shipsTo.matches(order("paid", "1.00"))).isTrue();
        ObjectNode noAddress = order("paid", "1.00");
        noAddress.putNull("shippingAddress");
        assertThat(new ReviewRule("abroad", Map.of(), Set.of(), Set.of("DE"), Set.of()).matches(noAddress)).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ReviewRule("empty", Map.of(), Set.of(), Set.of(), Set.of()))
                .hasMessageContaining("no condition");
        ReviewRule firstOrder = new ReviewRule("new-customer", Map.of(), Set.of(), Set.of(), Set.of(), true);
        ObjectNode first = order("paid", "1.00");
        ((ObjectNode) first.path("customer")).put("firstOrder", true);
        ObjectNode returning = order("paid", "1.00");
        ((ObjectNode) returning.path("customer")).put("firstOrder", false);
        assertThat(firstOrder.matches(first)).isTrue();
        assertThat(firstOrder.matches(returning)).isFalse();
        ObjectNode unknown = order("paid", "1.00");
        ((ObjectNode) unknown.path("customer")).remove("firstOrder");
        assertThat(firstOrder.matches(unknown)).as("the shop does not say: no match").isFalse();
        ReviewRule largeFirst = new ReviewRule("large-first", Map.of("USD", new BigDecimal("100")), Set.of(), Set.of(), Set.of(), true);
        assertThat(largeFirst.matches(first.deepCopy().put("currency", "USD"))).as("1.00 is not above 100").isFalse();
    }

    @Test
    void theReleaseFingerprintIsTheOneStatesAlreadyOnTheBrokerHold() {
        // States written before GateDecider recorded fingerprints through ObjectMapper.valueToTree(Map); a different
        // text would take every status update of an already released order for an edit.
        for (ObjectNode order : List.of(order("paid", "20.00"), (ObjectNode) order("paid", "20.00").without("shippingAddress"))) {
            Map<String, JsonNode> parts = new LinkedHashMap<>();
            for (String field : List.of("currency", "totals", "lines", "shippingAddress")) {
                parts.put(field, order.path(field));
            }
            // The lines as canonical orders had them when those states were written: id, SKU, name, quantity, price.
            com.fasterxml.jackson.databind.node.ArrayNode oldLines = JSON.createArrayNode();
            for (JsonNode line : order.path("lines")) {
                ObjectNode old = oldLines.addObject();
                for (String f : List.of("lineId", "sku", "name", "quantity", "unitPrice")) {
                    old.set(f, line.get(f));
                }
            }
            parts.put("lines", oldLines);
            assertThat(GateDecider.fingerprint(order)).isEqualTo(JSON.valueToTree(parts).toString());
        }
        // An order released before the canonical line had discounts, taxes and net amounts, updated after: no edit.
        ObjectNode before = order("paid", "20.00");
        ObjectNode after = before.deepCopy();
        ObjectNode line = (ObjectNode) after.path("lines").get(0);
        line.putArray("discounts").addObject().put("amount", "1.00").put("title", "X");
        line.putArray("taxes").addObject().put("amount", "0.19").put("rate", "0.19");
        line.put("netSubtotal", "1.00").put("netTotal", "1.00");
        assertThat(GateDecider.fingerprint(after)).isEqualTo(GateDecider.fingerprint(before));
        // A real edit still shows.
        ((ObjectNode) after.path("lines").get(0)).put("quantity", 7);
        assertThat(GateDecider.fingerprint(after)).isNotEqualTo(GateDecider.fingerprint(before));
    }

    // ---- building rows -------------------------------------------------------------------------------------------

    static void row(List<Arguments> rows, String name, Given given, GateEvent event, GatePolicy policy, Instant now, Expect expect) {
        rows.add(Arguments.of(name, given, event, policy, now, expect));
    }

    static final JsonNode CANONICAL = readCanonical();

    static JsonNode readCanonical() {
        try {
            return JSON.readTree(new File("mappings/shopify-order-to-canonical.examples/orders-create.expected.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The golden canonical order, one line (IPOD2008GREEN x 1), with this shop payment status and total (USD). */
    static ObjectNode order(String shopStatus, String total) {
        ObjectNode o = CANONICAL.deepCopy();
        o.put("orderKey", KEY).put("event", "order.updated").put("updatedAt", "2026-11-28T10:00:00Z").put("currency", "USD");
        ((ObjectNode) o.get("totals")).put("total", total);
        ((ObjectNode) o.get("payment")).put("status", shopStatus).put("method", "shopify_payments");
        var lines = (com.fasterxml.jackson.databind.node.ArrayNode) o.get("lines");
        while (lines.size() > 1) {
            lines.remove(1);
        }
        return o;
    }

    static ObjectNode withMethod(ObjectNode order, String method) {
        ((ObjectNode) order.get("payment")).put("method", method);
        return order;
    }

    static ObjectNode withSku(ObjectNode order, String sku) {
        ((ObjectNode) order.get("lines").get(0)).put("sku", sku);
        return order;
    }

    static ObjectNode withQuantity(ObjectNode order, int quantity) {
        ((ObjectNode) order.get("lines").get(0)).put("quantity", quantity);
        return order;
    }

    static ObjectNode cancelled(ObjectNode order) {
        return order.put("event", "order.cancelled").put("cancelledAt", "2026-11-28T10:10:00Z").put("updatedAt", "2026-11-28T10:10:00Z");
    }

    static GateEvent orderEvent(JsonNode order) {
        return new GateEvent(GateEvent.Kind.ORDER, KEY, "delivery-1", order, null);
    }

    static PaymentEvent paymentEvent(String transactionId, String status, long amountMinor, String currency) {
        ObjectNode p = JSON.createObjectNode().put("event", "payment." + status).put("orderKey", KEY)
                .put("transactionId", transactionId).put("status", status).put("amountMinor", String.valueOf(amountMinor))
                .put("refundedMinor", "0").put("currency", currency).put("occurredAt", "2026-11-28T10:00:00Z");
        if (status.equals("failed")) {
            p.putObject("failure").put("category", "card_declined");
        }
        return new PaymentEvent(p);
    }

    /** A payment event that can still be adjusted (refunds) before it becomes the row's event. */
    static final class PaymentEvent {
        final ObjectNode body;

        PaymentEvent(ObjectNode body) {
            this.body = body;
        }

        GateEvent put(Consumer<ObjectNode> change) {
            change.accept(body);
            return event();
        }

        GateEvent withShopOrder(JsonNode order) {
            return event().withShopOrder(order);
        }

        GateEvent event() {
            return new GateEvent(GateEvent.Kind.PAYMENT, KEY, "delivery-1", body, null);
        }
    }

    static void row(List<Arguments> rows, String name, Given given, PaymentEvent event, GatePolicy policy, Instant now, Expect expect) {
        row(rows, name, given, event.event(), policy, now, expect);
    }

    static GateEvent recheckEvent(long dueAt) {
        return new GateEvent(GateEvent.Kind.RECHECK, KEY, "recheck:" + KEY + ":" + dueAt,
                JSON.createObjectNode().put("kind", "recheck").put("orderKey", KEY).put("dueAt", dueAt), null);
    }

    static GateEvent approvalEvent() {
        return new GateEvent(GateEvent.Kind.APPROVAL, KEY, "approval:" + KEY + ":1",
                JSON.createObjectNode().put("kind", "approval").put("orderKey", KEY), null);
    }

    /** A state before the row's event (built fresh for each run, so rows never share one). */
    @FunctionalInterface
    interface Given {
        GateState build();

        default Given andThen(Consumer<GateState> change) {
            return () -> {
                GateState s = build();
                change.accept(s);
                return s;
            };
        }

        @SuppressWarnings("unused")
        default String describe() {
            return "state";
        }
    }

    /** Seen at T0, order known, unpaid, one re-check waiting at T0 + interval. */
    static Given waitingFor(ObjectNode order) {
        return () -> {
            GateState s = GateState.first(KEY, T0_MS);
            s.order = order;
            s.shopPaymentStatus = order.path("payment").path("status").asText();
            s.recheckDueAt = T0_MS + RECHECK.toMillis();
            s.lastDecision = "wait";
            return s;
        };
    }

    static Given knownOnlyByPayment() {
        return () -> {
            GateState s = GateState.first(KEY, T0_MS);
            GateState.Transaction t = new GateState.Transaction();
            t.status = "succeeded";
            t.amountMinor = 2000;
            t.currency = "USD";
            s.transactions.put("pi_0", t);
            s.recheckDueAt = T0_MS + RECHECK.toMillis();
            return s;
        };
    }

    static Given withPayment(Given given, String transactionId, String status, long amountMinor) {
        return given.andThen(s -> {
            GateState.Transaction t = new GateState.Transaction();
            t.status = status;
            t.amountMinor = amountMinor;
            t.currency = "USD";
            t.lastEventAt = "2026-11-28T09:59:00Z";
            s.transactions.put(transactionId, t);
        });
    }

    static Given released(ObjectNode order) {
        return waitingFor(order).andThen(s -> {
            s.released = true;
            s.releasedAt = T0_MS;
            s.releasedVersion = order.path("updatedAt").asText();
            s.releasedFingerprint = GateDecider.fingerprint(order);
            s.releaseReason = "payment confirmed by the shop (paid)";
            s.recheckDueAt = null;
            s.lastDecision = "release";
        });
    }

    static Given closed(ObjectNode order, String closed) {
        return waitingFor(order).andThen(s -> {
            s.cancelled = closed.equals("cancelled");
            s.closed = closed;
            s.recheckDueAt = null;
        });
    }

    static Given parkedFor(ObjectNode order, String reason) {
        return waitingFor(order).andThen(s -> {
            s.reviewReason = reason;
            s.recheckDueAt = null;
            s.lastDecision = "review";
        });
    }

    static Given parkedByRule(ObjectNode order, String rule) {
        return parkedFor(order, "review rule " + rule + ": payment confirmed by the shop (paid); approve to release it")
                .andThen(s -> s.reviewRule = rule);
    }

    static String json(GateState state) {
        try {
            return JSON.writeValueAsString(state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- expectations ----------------------------------------------------------------------------------------------

    static Expect expect(Outcome outcome) {
        return new Expect(outcome);
    }

    /** The whole decision a row expects; whatever it does not name must be absent. */
    static final class Expect {
        final Outcome outcome;
        String releaseReason;
        String paid;
        String reviewReason;
        AlertKind alert;
        String rule;
        String notificationTemplate;
        String notificationId;
        String reasonCategory;
        Long recheckAt;
        boolean cancelInShop;
        String cancellationReason;
        long refundedMinor;
        String why;
        Consumer<GateState> state = s -> { };

        Expect(Outcome outcome) {
            this.outcome = outcome;
        }

        Expect released(String reason) {
            this.releaseReason = reason;
            return this;
        }

        Expect paid(String amount) {
            this.paid = amount;
            return this;
        }

        Expect review(String reason, AlertKind alert) {
            this.reviewReason = reason;
            this.alert = alert;
            return this;
        }

        Expect reviewRule(String rule, String reason) {
            this.rule = rule;
            this.reviewReason = reason;
            return this;
        }

        Expect notification(String template, String id, String reasonCategory) {
            this.notificationTemplate = template;
            this.notificationId = id;
            this.reasonCategory = reasonCategory;
            return this;
        }

        Expect recheckAt(long at) {
            this.recheckAt = at;
            return this;
        }

        Expect cancelInShop() {
            this.cancelInShop = true;
            return this;
        }

        Expect cancellation(String reason, long refundedMinor) {
            this.cancellationReason = reason;
            this.refundedMinor = refundedMinor;
            return this;
        }

        Expect why(String why) {
            this.why = why;
            return this;
        }

        Expect state(Consumer<GateState> check) {
            this.state = check;
            return this;
        }

        void check(GateDecision d) {
            assertThat(d.outcome()).as("outcome (%s)", d.why()).isEqualTo(outcome);
            if (releaseReason == null) {
                assertThat(d.release()).as("release").isNull();
            } else {
                assertThat(d.release()).as("release").isNotNull();
                assertThat(d.release().reason()).startsWith(releaseReason);
                assertThat(d.release().paidAmount()).as("orderflowPaidAmount").isEqualTo(paid);
                assertThat(d.release().order()).isEqualTo(d.state().order);
                assertThat(d.state().released).isTrue();
            }
            if (reviewReason == null) {
                assertThat(d.review()).as("review").isNull();
            } else {
                assertThat(d.review()).as("review").isNotNull();
                assertThat(d.review().reason()).startsWith(reviewReason);
                assertThat(d.review().alert()).as("alert").isEqualTo(alert);
                assertThat(d.review().rule()).as("review rule").isEqualTo(rule);
                assertThat(d.state().reviewReason).isEqualTo(d.review().reason());
            }
            if (notificationTemplate == null) {
                assertThat(d.notification()).as("notification").isNull();
            } else {
                assertThat(d.notification()).as("notification").isNotNull();
                assertThat(d.notification().template()).isEqualTo(notificationTemplate);
                assertThat(d.notification().id()).isEqualTo(notificationId);
                assertThat(d.notification().request().path("reasonCategory").asText()).isEqualTo(reasonCategory);
                assertThat(d.notification().request().path("orderKey").asText()).isEqualTo(KEY);
            }
            if (recheckAt == null) {
                assertThat(d.recheck()).as("re-check").isNull();
            } else {
                assertThat(d.recheck()).as("re-check").isNotNull();
                assertThat(d.recheck().dueAt()).isEqualTo(recheckAt);
                assertThat(d.recheck().body().path("dueAt").asLong()).isEqualTo(recheckAt);
                assertThat(d.state().recheckDueAt).isEqualTo(recheckAt);
            }
            assertThat(d.cancelInShop()).as("cancel in shop").isEqualTo(cancelInShop);
            if (cancellationReason == null) {
                assertThat(d.cancellation()).as("cancellation").isNull();
            } else {
                assertThat(d.cancellation()).as("cancellation").isNotNull();
                assertThat(d.cancellation().path("reason").asText()).isEqualTo(cancellationReason);
                assertThat(d.cancellation().path("refundedMinor").asLong()).isEqualTo(refundedMinor);
                assertThat(d.cancellation().path("erpReference").asText()).isEqualTo("shop-eu-1001");
                assertThat(d.state().cancellationSent).isTrue();
            }
            if (why != null) {
                assertThat(d.why()).startsWith(why);
            }
            state.accept(d.state());
        }

        @Override
        public String toString() {
            return outcome.label;
        }
    }
}
