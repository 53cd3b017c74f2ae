package io.orderflow.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.config.OrderflowProperties.PaymentProvider;
import io.orderflow.gate.Money;
import io.orderflow.intake.HmacSignatures;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A stand-in for Stripe (profile sim): {@code POST /sim/payment/{provider}/payments?orderKey=..&amount=25.00&currency=EUR
 * [&outcome=succeeded|failed]} takes a payment for an order and delivers the PaymentIntent event to orderflow the way
 * Stripe does: the event envelope, metadata order_id and channel, and a {@code Stripe-Signature} header
 * ({@code t=<now>,v1=<HMAC-SHA256 hex of "t.body">}).
 */
@RestController
@Profile(Simulators.PROFILE)
@ConditionalOnProperty(name = "orderflow.simulator.enabled", havingValue = "true")
public class SimulatedPaymentGateway {

    private final OrderflowProperties properties;
    private final Environment environment;
    private final ObjectMapper mapper;
    private final HttpClient http = HttpClient.newHttpClient();

    public SimulatedPaymentGateway(OrderflowProperties properties, Environment environment, ObjectMapper mapper) {
        this.properties = properties;
        this.environment = environment;
        this.mapper = mapper;
    }

    @PostMapping(path = "/sim/payment/{provider}/payments", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> pay(@PathVariable String provider, @RequestParam String orderKey,
            @RequestParam String amount, @RequestParam(defaultValue = "EUR") String currency,
            @RequestParam(defaultValue = "succeeded") String outcome) throws IOException, InterruptedException {
        PaymentProvider settings = properties.getPaymentProviders().get(provider);
        if (settings == null) {
            throw new IllegalArgumentException("unknown payment provider " + provider);
        }
        String channel = orderKey.substring(0, orderKey.indexOf(':'));
        String orderId = orderKey.substring(orderKey.indexOf(':') + 1);
        long now = System.currentTimeMillis() / 1000;
        boolean succeeded = !"failed".equals(outcome);
        String intentId = "pi_sim_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        ObjectNode intent = mapper.createObjectNode()
                .put("id", intentId).put("object", "payment_intent")
                .put("amount", Money.toMinor(amount, currency.toUpperCase()))
                .put("amount_received", succeeded ? Money.toMinor(amount, currency.toUpperCase()) : 0)
                .put("currency", currency.toLowerCase()).put("created", now).put("livemode", false)
                .put("status", succeeded ? "succeeded" : "requires_payment_method");
        intent.putObject("metadata").put(settings.getOrderMetadataKey(), orderId).put(settings.getChannelMetadataKey(), channel);
        if (!succeeded) {
            intent.putObject("last_payment_error").put("code", "card_declined").put("decline_code", "insufficient_funds")
                    .put("message", "Your card has insufficient funds.");
        } else {
            intent.putNull("last_payment_error");
        }
        ObjectNode event = mapper.createObjectNode()
                .put("id", "evt_sim_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20))
                .put("object", "event").put("api_version", "2024-06-20").put("created", now)
                .put("livemode", false).put("pending_webhooks", 1)
                .put("type", succeeded ? "payment_intent.succeeded" : "payment_intent.payment_failed");
        event.putObject("data").set("object", intent);
        byte[] body = mapper.writeValueAsBytes(event);
        byte[] signed = (now + "." + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        String signature = "t=" + now + ",v1=" + HexFormat.of().formatHex(
                HmacSignatures.hmacSha256(settings.getWebhookSecrets().get(0), signed));
        String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/webhooks/payment/" + provider))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Stripe-Signature", signature)
                .header("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
        return Map.of("paymentIntent", intentId, "eventType", event.path("type").asText(), "webhookStatus", response.statusCode());
    }
}
