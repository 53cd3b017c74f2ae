package io.orderflow.web;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The benchmark's baseline (orderflow.bench.baseline-endpoint=true only; off by default): POST
 * /webhooks/bench-baseline reads the body and answers {"status":"ok"}, through the same servlet filters, HTTP stack and
 * Camel platform-http consumer as the signed webhooks, without a signature check or the broker. It stores, echoes and
 * forwards nothing, so it is harmless even unauthenticated; it exists so scripts/bench can report intake figures as a
 * ratio of what this machine's HTTP stack can do at all (docs/performance.md).
 */
@Component
@ConditionalOnProperty(name = "orderflow.bench.baseline-endpoint", havingValue = "true")
public class BenchBaselineRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("platform-http:/webhooks/bench-baseline?httpMethodRestrict=POST").routeId("bench-baseline")
                .convertBodyTo(String.class)
                .removeHeaders("*")
                .setBody(constant("{\"status\":\"ok\"}"))
                .setHeader("Content-Type", constant("application/json"));
    }
}
