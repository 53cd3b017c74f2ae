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
 */
public record GatePolicy(Duration recheckInterval, Duration unpaidDeadline, UnpaidAction unpaidAction,
        Map<String, MethodPolicy> methods, MethodPolicy defaultMethod, List<ReviewRule> reviewRules) {

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
    }

    public MethodPolicy policyFor(String method) {
        return method == null ? defaultMethod : methods.getOrDefault(method, defaultMethod);
    }

    public GatePolicy withReviewRules(List<ReviewRule> rules) {
        return new GatePolicy(recheckInterval, unpaidDeadline, unpaidAction, methods, defaultMethod, rules);
    }

    public GatePolicy withUnpaidAction(UnpaidAction action) {
        return new GatePolicy(recheckInterval, unpaidDeadline, action, methods, defaultMethod, reviewRules);
    }
}
