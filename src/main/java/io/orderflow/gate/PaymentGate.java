package io.orderflow.gate;

import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.review.UnprocessableEventException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The Camel side of the payment gate (route {@code payment-gate}): a thin adapter around the pure decision function
 * {@link GateDecider#decide}. The route calls, in its one transaction per event:
 * <ol>
 * <li>{@link #readState}: the order's state from orderflow.gate.state and the event (variables gateState,
 * gateEvent, needsShopOrder);</li>
 * <li>(the route fetches the order from the shop when needsShopOrder, into variable shopOrder);</li>
 * <li>{@link #decide}: variable {@code decision} ({@link GateDecision});</li>
 * <li>for each message the decision holds, a {@code ...Message} method that puts it in the exchange's message (body,
 * headers, broker duplicate ID derived from the delivery id), and the route sends it;</li>
 * <li>{@link #saveState}: the new state, written to orderflow.gate.state in the same transaction;</li>
 * <li>{@link #reviewMessage} last, when the decision is a review: the route throws, and route configuration
 * stage-errors parks the original event on orderflow.review with the reason (the state and everything sent before
 * commit with it).</li>
 * </ol>
 * Each {@code ...Message} method sets everything its message needs from the decision, so the order of those steps in
 * the route does not matter.
 */
@Component("paymentGate")
public class PaymentGate {

    private static final Logger LOG = LoggerFactory.getLogger(PaymentGate.class);

    private final GateStateStore store;
    private final ObjectMapper mapper;
    private final GatePolicy policy;
    private final MeterRegistry meters;
    private final Clock clock;

    @org.springframework.beans.factory.annotation.Autowired
    public PaymentGate(GateStateStore store, ObjectMapper mapper, OrderflowProperties properties, MeterRegistry meters) {
        this(store, mapper, properties, meters, Clock.systemUTC());
    }

    PaymentGate(GateStateStore store, ObjectMapper mapper, OrderflowProperties properties, MeterRegistry meters, Clock clock) {
        this.store = store;
        this.mapper = mapper;
        this.policy = policy(properties.getGate());
        this.meters = meters;
        this.clock = clock;
    }

    /** The settings under orderflow.gate.* as the decider's policy; an invalid review rule stops the start-up. */
    static GatePolicy policy(OrderflowProperties.Gate settings) {
        Map<String, GatePolicy.MethodPolicy> methods = new LinkedHashMap<>();
        settings.getPaymentMethods().forEach((name, p) -> methods.put(name, method(p)));
        return new GatePolicy(settings.getRecheckInterval(), settings.getUnpaidDeadline(),
                settings.getUnpaidAction() == OrderflowProperties.UnpaidAction.cancel
                        ? GatePolicy.UnpaidAction.CANCEL : GatePolicy.UnpaidAction.REVIEW,
                methods, method(settings.getDefaultPolicy()),
                settings.getReviewRules().stream().map(r -> new ReviewRule(r.getName(), r.getTotalAbove(),
                        java.util.Set.copyOf(r.getShipToCountryIn()), java.util.Set.copyOf(r.getShipToCountryNotIn()),
                        java.util.Set.copyOf(r.getSkuIn()), r.getFirstOrder())).toList(),
                settings.getUnpaidReminderBefore());
    }

    private static GatePolicy.MethodPolicy method(OrderflowProperties.MethodPolicy p) {
        return new GatePolicy.MethodPolicy(p.isAuthorizedCounts(), p.isReleaseUnpaid());
    }

    /** Step "read-gate-state": variables gateState (null if new), gateEvent, needsShopOrder. */
    public void readState(Exchange exchange) throws IOException {
        Message in = exchange.getMessage();
        String orderKey = in.getHeader("orderKey", String.class);
        String kindHeader = in.getHeader("orderflowEventKind", String.class);
        GateEvent.Kind kind = GateEvent.Kind.of(kindHeader);
        if (kind == null) {
            throw new UnprocessableEventException("unknown event kind " + kindHeader);
        }
        GateEvent event = new GateEvent(kind, orderKey, in.getHeader("orderflowDeliveryId", String.class),
                mapper.readTree(in.getBody(String.class)), null);
        GateState state = store.load(orderKey);
        exchange.setVariable("gateState", state);
        exchange.setVariable("gateEvent", event);
        exchange.setVariable("needsShopOrder", GateDecider.needsShopOrder(state, event));
    }

    /** Step "decide": variable decision. */
    public void decide(Exchange exchange) throws IOException {
        GateEvent event = exchange.getVariable("gateEvent", GateEvent.class);
        String shopOrder = exchange.getVariable("shopOrder", String.class);
        if (shopOrder != null && !shopOrder.isBlank()) {
            event = event.withShopOrder(mapper.readTree(shopOrder));
        }
        GateDecision decision = GateDecider.decide(exchange.getVariable("gateState", GateState.class), event, policy,
                clock.instant());
        exchange.setVariable("decision", decision);
        exchange.getMessage().setHeader("orderflowGateDecision", decision.outcome().label);
        if (event.kind() == GateEvent.Kind.RECHECK && decision.outcome() == GateDecision.Outcome.WAIT) {
            // A waiting order is re-checked every recheck-interval: logged when it starts and ends waiting, not each time.
            LOG.debug("Payment gate: order {} still waiting", event.orderKey());
        } else {
            LOG.info("Payment gate: order {} -> {}", event.orderKey(), decision.outcome().label);
        }
    }

    /** The release: the latest order version, why (orderflowReleaseReason), what the gateway confirmed. */
    public void releaseMessage(Exchange exchange) {
        GateDecision.Release release = decision(exchange).release();
        Message out = exchange.getMessage();
        out.setBody(release.order().toString());
        out.setHeader("orderflowReleaseReason", release.reason());
        // The ERP stage runs several consumers (orderflow.erp.concurrent-consumers): the order's group keeps its
        // releases (a replay, a second release) in sequence on one consumer.
        out.setHeader("JMSXGroupID", release.order().path("orderKey").asText());
        if (release.paidAmount() != null) {
            out.setHeader("orderflowPaidAmount", release.paidAmount());
        }
        // One release per order comes from the state (events of one order are handled one after another); the
        // duplicate ID guards against a redelivery of this same event. A duplicate ID per order would turn any second
        // release into a transaction that can never commit.
        out.setHeader("_AMQ_DUPL_ID", "gate:release:" + deliveryId(exchange));
    }

    public void notificationMessage(Exchange exchange) {
        GateDecision.Notification notification = decision(exchange).notification();
        exchange.getMessage().setBody(notification.request().toString());
        exchange.getMessage().setHeader("_AMQ_DUPL_ID", "gate:notify:" + notification.id());
        inOrderGroup(exchange);
    }

    public void cancellationMessage(Exchange exchange) {
        exchange.getMessage().setBody(decision(exchange).cancellation().toString());
        exchange.getMessage().setHeader("_AMQ_DUPL_ID", "gate:cancel:" + deliveryId(exchange));
        inOrderGroup(exchange);
    }

    /** The re-check, delivered by the broker at dueAt (Artemis scheduled delivery survives restarts). */
    public void recheckMessage(Exchange exchange) {
        GateDecision.Recheck recheck = decision(exchange).recheck();
        Message out = exchange.getMessage();
        String id = "recheck:" + decision(exchange).state().orderKey + ":" + recheck.dueAt();
        out.setBody(recheck.body().toString());
        out.setHeader("orderflowEventKind", GateEvent.Kind.RECHECK.header);
        out.setHeader("orderflowDeliveryId", id);
        out.setHeader("_AMQ_DUPL_ID", id);
        out.setHeader("_AMQ_SCHED_DELIVERY", recheck.dueAt());
        inOrderGroup(exchange);
    }

    /**
     * Every output of the gate is in the order's message group (JMSXGroupID = orderKey), set here rather than left
     * to the incoming event's header: with several consumers of a queue (several instances on one broker) the
     * broker hands one order's messages to one consumer at a time, in order (docs/operations.md, "Scaling out").
     */
    private void inOrderGroup(Exchange exchange) {
        exchange.getMessage().setHeader("JMSXGroupID", decision(exchange).state().orderKey);
    }

    /**
     * The new state on orderflow.gate.state (GateStateStore: last-value queue keyed by orderKey, with its retention),
     * written in this consumer's transaction. The exchange's message becomes the state (as before the store wrote
     * it: no duplicate id or schedule left over from an earlier output for the review step that may follow).
     */
    public void saveState(Exchange exchange) {
        GateEvent event = exchange.getVariable("gateEvent", GateEvent.class);
        GateState state = decision(exchange).state();
        store.save(state, event.kind().header, event.deliveryId());
        Message out = exchange.getMessage();
        out.setBody(store.toJson(state));
        out.removeHeader("_AMQ_DUPL_ID");
        out.removeHeader("_AMQ_SCHED_DELIVERY");
        out.setHeader("orderflowEventKind", event.kind().header);
        out.setHeader("orderflowDeliveryId", event.deliveryId());
    }

    /**
     * Prepares parking the event (route step park-for-review throws next; stage-errors parks the original payload):
     * the duplicate ID, the review rule, and the ops alert (metric orderflow.gate.alerts by type, an OPS ALERT line
     * with the order key and amounts, no personal data).
     */
    public void reviewMessage(Exchange exchange) {
        GateDecision decision = decision(exchange);
        GateDecision.Review review = decision.review();
        Message out = exchange.getMessage();
        out.setHeader("_AMQ_DUPL_ID", "gate:review:" + deliveryId(exchange));
        if (review.rule() != null) {
            out.setHeader("orderflowReviewRule", review.rule());
        }
        if (review.alert() != null) {
            meters.counter("orderflow.gate.alerts", "type", review.alert().tag).increment();
            LOG.error("OPS ALERT: order {} parked for review: {}", decision.state().orderKey, review.reason());
        }
        exchange.setVariable("reviewReason", review.reason());
    }

    private static GateDecision decision(Exchange exchange) {
        return exchange.getVariable("decision", GateDecision.class);
    }

    private static String deliveryId(Exchange exchange) {
        return exchange.getVariable("gateEvent", GateEvent.class).deliveryId();
    }
}
