package io.orderflow.http;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.throttling.ThrottlingExceptionRoutePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit breaker of a stage that calls one remote system (a route policy: routePolicy in the stage's YAML).
 * Camel's {@link ThrottlingExceptionRoutePolicy} does the work: after {@code threshold} failures of the given
 * exception types within {@code window} it suspends the route's consumer, so messages wait on the broker instead of
 * burning delivery attempts; after {@code halfOpenAfter} one message is tried, and a success resumes the consumer.
 * This class adds what an operator needs: one log line when the circuit opens and one when it closes again (not one
 * per message, nor per failed half-open trial) naming the system, and the gauge {@code orderflow.circuit.state{system}} (0 closed, 1 half open, 2 open).
 */
public class CircuitBreakerRoutePolicy extends ThrottlingExceptionRoutePolicy {

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreakerRoutePolicy.class);

    private final String system;
    private final int threshold;
    private final Duration window;
    private final Duration halfOpenAfter;
    /** When the circuit opened for the current outage; null while it is closed. */
    private final java.util.concurrent.atomic.AtomicReference<java.time.Instant> openedAt =
            new java.util.concurrent.atomic.AtomicReference<>();

    public CircuitBreakerRoutePolicy(String system, int threshold, Duration window, Duration halfOpenAfter,
            List<Class<?>> failures, MeterRegistry meters) {
        super(threshold, window.toMillis(), halfOpenAfter.toMillis(), failures);
        this.system = system;
        this.threshold = threshold;
        this.window = window;
        this.halfOpenAfter = halfOpenAfter;
        if (meters != null) {
            Gauge.builder("orderflow.circuit.state", this, CircuitBreakerRoutePolicy::stateValue)
                    .description("Circuit breaker of the stage calling this system: 0 closed, 1 half open, 2 open")
                    .tag("system", system).register(meters);
        }
    }

    /**
     * A message that succeeds while the circuit is half open closes it. Camel alone would open it again as long as
     * the old failures are within the failure window, suspending the consumer for another half-open interval after
     * every success, so a recovered system would drain one message per interval until the window passed.
     */
    @Override
    public synchronized void onExchangeDone(Route route, Exchange exchange) {
        // One completion at a time: a stage with several consumers finishes exchanges concurrently, and Camel reads
        // the state outside its lock, so two failed trials could both open the circuit (two suspensions, two
        // half-open timers racing each other).
        if ("half opened".equals(getStateAsString()) && exchange.getException() == null && !exchange.isRollbackOnly()) {
            closeCircuit(route);
        }
        super.onExchangeDone(route, exchange);
    }

    @Override
    protected void openCircuit(Route route) {
        if ("opened".equals(getStateAsString())) {
            return;   // open already: one suspension and one half-open timer per opening
        }
        super.openCircuit(route);
        // Once per outage: a failed trial in the half-open state opens the circuit again without a new line.
        if (openedAt.compareAndSet(null, java.time.Instant.now())) {
            LOG.warn("{} circuit open: route {} suspended after {} failures within {}; messages wait on the broker, "
                    + "one is tried every {} until {} answers", system, route.getRouteId(), threshold, window,
                    halfOpenAfter, system);
        }
    }

    @Override
    protected void halfOpenCircuit(Route route) {
        super.halfOpenCircuit(route);
        LOG.debug("{} circuit half open: route {} tries one message", system, route.getRouteId());
    }

    @Override
    protected void closeCircuit(Route route) {
        super.closeCircuit(route);
        java.time.Instant opened = openedAt.getAndSet(null);
        if (opened != null) {
            LOG.info("{} circuit closed: route {} resumed after {} s", system, route.getRouteId(),
                    Duration.between(opened, java.time.Instant.now()).toSeconds());
        }
    }

    public String system() {
        return system;
    }

    private double stateValue() {
        return switch (getStateAsString()) {
            case "opened" -> 2;
            case "half opened" -> 1;
            default -> 0;
        };
    }
}
