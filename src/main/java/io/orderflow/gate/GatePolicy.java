package io.orderflow.gate;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The settings the gate decides by (orderflow.gate.*), as plain values.
 *
 * @param methods       per canonical payment.method
 * @param defaultMethod for every method not listed
 * @param reviewRules   checked in order before an automatic release; the first that matches parks the order
 * @param unpaidReminderBefore with unpaid-action cancel: the customer is reminded once this long before the unpaid
 *                      deadline (template unpaid-reminder); zero: no reminder
 */
public record GatePolicy(Duration recheckInterval, Duration unpaidDeadline, UnpaidAction unpaidAction,
        Map<String, MethodPolicy> methods, MethodPolicy defaultMethod, List<ReviewRule> reviewRules,
        Duration unpaidReminderBefore) {

    /** No unpaid reminder. */
    public GatePolicy(Duration recheckInterval, Duration unpaidDeadline, UnpaidAction unpaidAction,
            Map<String, MethodPolicy> methods, MethodPolicy defaultMethod, List<ReviewRule> reviewRules) {
        this(recheckInterval, unpaidDeadline, unpaidAction, methods, defaultMethod, reviewRules, Duration.ZERO);
    }

    public enum UnpaidAction { REVIEW, CANCEL }

    /**
     * @param authorizedCounts an authorized (not yet captured) payment counts as confirmed
     * @param releaseUnpaid    release without payment (cash on delivery, invoice)
     */
    public record MethodPolicy(boolean authorizedCounts, boolean releaseUnpaid) {
        public static final MethodPolicy PAID_ONLY = new MethodPolicy(false, false);
    }

    public GatePolicy {
        methods = Map.copyOf(methods);
        reviewRules = List.copyOf(reviewRules);
        unpaidReminderBefore = unpaidReminderBefore == null || unpaidReminderBefore.isNegative() ? Duration.ZERO
                : unpaidReminderBefore;
    }

    /**
     * Whether the customer is reminded before the deadline: with unpaid-action cancel, a reminder time set and
     * before the deadline counted from the first event (a reminder "before" a deadline that is shorter would go out
     * at once).
     */
    public boolean remindsUnpaid() {
        return unpaidAction == UnpaidAction.CANCEL && !unpaidReminderBefore.isZero()
                && unpaidReminderBefore.compareTo(unpaidDeadline) < 0;
    }

    public MethodPolicy policyFor(String method) {
        return method == null ? defaultMethod : methods.getOrDefault(method, defaultMethod);
    }

    public GatePolicy withReviewRules(List<ReviewRule> rules) {
        return new GatePolicy(recheckInterval, unpaidDeadline, unpaidAction, methods, defaultMethod, rules, unpaidReminderBefore);
    }

    public GatePolicy withUnpaidAction(UnpaidAction action) {
        return new GatePolicy(recheckInterval, unpaidDeadline, action, methods, defaultMethod, reviewRules, unpaidReminderBefore);
    }

    public GatePolicy withUnpaidReminderBefore(Duration before) {
        return new GatePolicy(recheckInterval, unpaidDeadline, unpaidAction, methods, defaultMethod, reviewRules, before);
    }
}
