package io.orderflow.intake;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.config.OrderflowProperties.PaymentProvider;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * Verifies a payment gateway webhook (route {@code intake-payment-webhook}) and describes it in headers, like
 * {@link ShopWebhookVerifier} does for shops: unknown provider 404; signature 401 (Stripe: {@link StripeSignature});
 * not a JSON event with {@code id} and {@code type} 400; event types orderflow does not handle "ignored".
 * The delivery identity ({@code orderflowDeliveryId}, the broker duplicate id the route sends it with) is {@code stripe:<provider>:<type>:<event id>}: Stripe retries an event
 * for up to 3 days with the same id.
 *
 * <p>Another provider is added as its own verifier method plus a mapping in mappings/.
 */
@Component("paymentWebhookVerifier")
public class PaymentWebhookVerifier {

    static final Set<String> STRIPE_EVENTS = Set.of("payment_intent.succeeded", "payment_intent.processing",
            "payment_intent.payment_failed", "payment_intent.canceled", "charge.refunded", "checkout.session.completed");
    private static final Pattern SAFE_TOKEN = Pattern.compile("[A-Za-z0-9_./:-]{1,128}");

    private final Map<String, PaymentProvider> providers;
    private final ObjectMapper mapper;
    private final Clock clock;

    @org.springframework.beans.factory.annotation.Autowired
    public PaymentWebhookVerifier(OrderflowProperties properties, ObjectMapper mapper) {
        this(properties, mapper, Clock.systemUTC());
    }

    PaymentWebhookVerifier(OrderflowProperties properties, ObjectMapper mapper, Clock clock) {
        this.providers = properties.getPaymentProviders();
        this.mapper = mapper;
        this.clock = clock;
    }

    public void verify(Exchange exchange) {
        Message in = exchange.getIn();
        String providerId = in.getHeader("provider", String.class);
        PaymentProvider provider = providerId == null ? null : providers.get(providerId);
        if (provider == null) {
            throw new WebhookRejectedException(404, "unknown payment provider");
        }
        byte[] body = in.getBody(byte[].class);
        if (body == null) {
            body = new byte[0];
        }
        StripeSignature.verify(body, in.getHeader("Stripe-Signature", String.class), provider.getWebhookSecrets(),
                provider.getToleranceSeconds(), clock);
        if (body.length >= 3 && body[0] == (byte) 0xEF && body[1] == (byte) 0xBB && body[2] == (byte) 0xBF) {
            throw new WebhookRejectedException(400, "body is not valid JSON"); // no byte order mark in JSON text
        }
        JsonNode event;
        try {
            event = mapper.reader().with(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(body);
        } catch (IOException | RuntimeException e) {
            throw new WebhookRejectedException(400, "body is not valid JSON");
        }
        if (event == null || !event.isObject() || !event.path("id").isTextual() || !event.path("type").isTextual()
                || !SAFE_TOKEN.matcher(event.path("id").asText()).matches()
                || !SAFE_TOKEN.matcher(event.path("type").asText()).matches()) {
            throw new WebhookRejectedException(400, "not a Stripe event");
        }
        if ("v2.core.event".equals(event.path("object").asText())) {
            throw new WebhookRejectedException(400, "thin (v2) events are not supported");
        }
        String type = event.path("type").asText();
        String deliveryId = "stripe:" + providerId + ":" + type + ":" + event.path("id").asText();
        in.setHeader("orderflowIntake", STRIPE_EVENTS.contains(type) ? "event" : "ignored");
        in.setHeader("orderflowSource", providerId);
        in.setHeader("orderflowProvider", providerId);
        in.setHeader("orderflowProviderType", provider.getType().name());
        in.setHeader("orderflowTopic", type);
        in.setHeader("orderflowReceivedAt", Instant.now(clock).toString());
        in.setHeader("orderflowDeliveryId", deliveryId);
        in.setBody(body);
    }

    /** What the payment mapping needs to find the order, from the provider's settings. */
    public String mappingContext(String providerId) {
        PaymentProvider provider = providers.get(providerId);
        try {
            return mapper.writeValueAsString(Map.of(
                    "defaultChannel", provider.getDefaultChannel() == null ? "" : provider.getDefaultChannel(),
                    "orderMetadataKey", provider.getOrderMetadataKey(),
                    "channelMetadataKey", provider.getChannelMetadataKey()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
