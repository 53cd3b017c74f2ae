package io.orderflow.gate;

import static io.orderflow.gate.GateDecisionTableTest.CANCEL_UNPAID;
import static io.orderflow.gate.GateDecisionTableTest.DEADLINE;
import static io.orderflow.gate.GateDecisionTableTest.POLICY;
import static io.orderflow.gate.GateDecisionTableTest.RECHECK;
import static io.orderflow.gate.GateDecisionTableTest.T0;
import static io.orderflow.gate.GateDecisionTableTest.T0_MS;
import static io.orderflow.gate.GateDecisionTableTest.order;
import static io.orderflow.gate.GateDecisionTableTest.orderEvent;
import static io.orderflow.gate.GateDecisionTableTest.paymentEvent;
import static io.orderflow.gate.GateDecisionTableTest.recheckEvent;
import static io.orderflow.gate.GateDecisionTableTest.waitingFor;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import io.orderflow.gate.GateDecision.Outcome;
import org.junit.jupiter.api.Test;

/**
 * The unpaid reminder (docs/payment-gate.md, row D16r) on the pure decider: with unpaid-action cancel and
 * unpaid-reminder-before 24h (deadline 72h), the customer is reminded once, at the first re-check from 48h on, with
 * the deadline in the request; a re-check is placed at the reminder time; never with unpaid-action review, never
 * twice, never in place of a payment-failed notification.
 */
class GateUnpaidReminderTest {

    static final Duration BEFORE = Duration.ofHours(24);
    static final GatePolicy REMINDING = CANCEL_UNPAID.withUnpaidReminderBefore(BEFORE);
    static final long REMIND_AT = T0_MS + DEADLINE.toMillis() - BEFORE.toMillis();

    @Test
    void aNewUnpaidOrderIsNotRemindedYetAndItsRecheckComesAtTheUsualInterval() {
        GateDecision d = GateDecider.decide(null, orderEvent(order("pending", "20.00")), REMINDING, T0);
        assertThat(d.outcome()).isEqualTo(Outcome.WAIT);
        assertThat(d.notification()).isNull();
        assertThat(d.recheck().dueAt()).isEqualTo(T0_MS + RECHECK.toMillis());
        assertThat(d.state().unpaidReminderSent).isFalse();
    }

    @Test
    void theRecheckBeforeTheReminderTimeIsPlacedAtIt() {
        long due = REMIND_AT - Duration.ofMinutes(10).toMillis();
        GateState waiting = waitingFor(order("pending", "20.00")).andThen(s -> s.recheckDueAt = due).build();
        GateDecision d = GateDecider.decide(waiting, recheckEvent(due).withShopOrder(order("pending", "20.00")), REMINDING,
                Instant.ofEpochMilli(due));
        assertThat(d.outcome()).isEqualTo(Outcome.WAIT);
        assertThat(d.notification()).isNull();
        assertThat(d.recheck().dueAt()).isEqualTo(REMIND_AT);
    }

    @Test
    void theRecheckAtTheReminderTimeRemindsOnceWithTheDeadlineAndTheNextOneDoesNot() {
        GateState waiting = waitingFor(order("pending", "20.00")).andThen(s -> s.recheckDueAt = REMIND_AT).build();
        GateDecision d = GateDecider.decide(waiting, recheckEvent(REMIND_AT).withShopOrder(order("pending", "20.00")),
                REMINDING, Instant.ofEpochMilli(REMIND_AT));
        assertThat(d.outcome()).isEqualTo(Outcome.WAIT);
        assertThat(d.notification().id()).isEqualTo("unpaid-reminder:" + GateDecisionTableTest.KEY);
        assertThat(d.notification().request().path("template").asText()).isEqualTo("unpaid-reminder");
        assertThat(d.notification().request().path("reasonCategory").asText()).isEqualTo("unpaid");
        assertThat(d.notification().request().path("payByAt").asText()).isEqualTo("2026-12-01T10:00:00Z");
        assertThat(d.notification().request().path("payBy").asText()).isEqualTo("2026-12-01 10:00 UTC");
        assertThat(d.notification().request().path("customer").path("email").asText()).isNotBlank();
        assertThat(d.state().unpaidReminderSent).isTrue();
        assertThat(d.recheck().dueAt()).isEqualTo(REMIND_AT + RECHECK.toMillis());

        long next = REMIND_AT + RECHECK.toMillis();
        GateDecision again = GateDecider.decide(d.state(), recheckEvent(next).withShopOrder(order("pending", "20.00")),
                REMINDING, Instant.ofEpochMilli(next));
        assertThat(again.outcome()).isEqualTo(Outcome.WAIT);
        assertThat(again.notification()).isNull();
        assertThat(again.state().unpaidReminderSent).isTrue();

        // At the deadline: cancelled for non-payment, as before.
        long deadline = T0_MS + DEADLINE.toMillis();
        GateState last = again.state();
        last.recheckDueAt = deadline;
        GateDecision cancelled = GateDecider.decide(last, recheckEvent(deadline).withShopOrder(order("pending", "20.00")),
                REMINDING, Instant.ofEpochMilli(deadline));
        assertThat(cancelled.outcome()).isEqualTo(Outcome.CANCEL_UNPAID);
        assertThat(cancelled.notification().request().path("template").asText()).isEqualTo("order-cancelled-unpaid");
    }

    @Test
    void noReminderWithUnpaidActionReviewOrWithoutTheSettingOrBeforeALongerThanTheDeadline() {
        GateState waiting = waitingFor(order("pending", "20.00")).andThen(s -> s.recheckDueAt = REMIND_AT).build();
        for (GatePolicy policy : new GatePolicy[] {POLICY.withUnpaidReminderBefore(BEFORE), CANCEL_UNPAID,
                CANCEL_UNPAID.withUnpaidReminderBefore(DEADLINE)}) {
            GateDecision d = GateDecider.decide(waiting, recheckEvent(REMIND_AT).withShopOrder(order("pending", "20.00")),
                    policy, Instant.ofEpochMilli(REMIND_AT));
            assertThat(d.outcome()).as(policy.toString()).isEqualTo(Outcome.WAIT);
            assertThat(d.notification()).as(policy.toString()).isNull();
            assertThat(d.state().unpaidReminderSent).isFalse();
        }
    }

    @Test
    void aFailedPaymentAtTheReminderTimeIsToldAndTheReminderWaitsForTheNextRecheck() {
        GateState waiting = waitingFor(order("pending", "20.00")).andThen(s -> s.recheckDueAt = REMIND_AT + 60_000).build();
        GateDecision failed = GateDecider.decide(waiting, paymentEvent("pi_1", "failed", 2000, "USD").event(), REMINDING,
                Instant.ofEpochMilli(REMIND_AT + 1_000));
        assertThat(failed.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(failed.notification().request().path("template").asText()).isEqualTo("payment-failed");
        assertThat(failed.state().unpaidReminderSent).isFalse();

        GateDecision recheck = GateDecider.decide(failed.state(), recheckEvent(REMIND_AT + 60_000)
                .withShopOrder(order("pending", "20.00")), REMINDING, Instant.ofEpochMilli(REMIND_AT + 60_000));
        assertThat(recheck.notification().request().path("template").asText()).isEqualTo("unpaid-reminder");
        assertThat(recheck.notification().request().path("reasonCategory").asText()).isEqualTo("unpaid");
        assertThat(recheck.state().unpaidReminderSent).isTrue();
    }
}
