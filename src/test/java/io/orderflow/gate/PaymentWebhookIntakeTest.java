package io.orderflow.gate;

import static io.orderflow.support.Webhooks.fixture;
import static io.orderflow.support.Webhooks.json;
import static io.orderflow.support.Webhooks.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.support.Broker;
import io.orderflow.support.Webhooks;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * POST /webhooks/payment/{provider}: the Stripe fixtures with their known-good signatures, every rejection,
 * duplicates, and the canonical payment event that reaches the gate's queue (the gate is stopped here so the event
 * can be read; PaymentGateTest covers what the gate does with it).
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"orderflow.data-dir=target/test-data/payment-${random.uuid}", "spring.artemis.embedded.server-id=6"})
@ActiveProfiles("test")
class PaymentWebhookIntakeTest {

    static final String INTAKE = "orderflow.intake.payment";

    @LocalServerPort
    int port;
    @Autowired
    JmsTemplate jms;
    @Autowired
    EmbeddedActiveMQ embeddedBroker;
    @Autowired
    CamelContext camel;
    Broker broker;
    GateTestSupport support;

    @BeforeEach
    void setUp() throws Exception {
        camel.getRouteController().stopRoute("payment-gate");
        broker = new Broker(embeddedBroker);
        support = new GateTestSupport(port, jms, broker);
        jms.setReceiveTimeout(15_000);
    }

    @Test
    void theStripeFixturesWithTheirKnownGoodSignaturesBecomeCanonicalPayments() throws Exception {
        for (String name : new String[] {"stripe-payment_intent.succeeded.with-order-metadata.json",
                "stripe-payment_intent.payment_failed.with-order-metadata.json"}) {
            HttpResponse<String> response = post(port, "/webhooks/payment/stripe-fixtures", fixture(name),
                    Map.of("Content-Type", "application/json", "Stripe-Signature", Webhooks.vector(name).get("value").asText()));
            assertThat(response.statusCode()).as(name).isEqualTo(200);
            assertThat(json(response.body()).get("status").asText()).isEqualTo("accepted");
        }
        JsonNode succeeded = receive("test-shopify:450789469", "payment.succeeded");
        assertThat(succeeded.get("amountMinor").asText()).isEqualTo("2000");
        assertThat(succeeded.get("currency").asText()).isEqualTo("USD");
        assertThat(succeeded.get("transactionId").asText()).isEqualTo("pi_000000000000000000000000");
        JsonNode failed = receive("test-shopify:450789469", "payment.failed");
        assertThat(failed.at("/failure/category").asText()).isEqualTo("card_declined");
    }

    @Test
    void theSameFixtureSignedLongAgoIsStaleForAProviderWithTheDefaultTolerance() {
        String name = "stripe-payment_intent.succeeded.with-order-metadata.json";
        long before = broker.added(INTAKE);
        HttpResponse<String> response = post(port, "/webhooks/payment/stripe", fixture(name),
                Map.of("Content-Type", "application/json", "Stripe-Signature", Webhooks.vector(name).get("value").asText()));
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(json(response.body()).get("error").asText()).isEqualTo("timestamp outside the tolerance zone");
        assertThat(broker.added(INTAKE)).isEqualTo(before);
    }

    @Test
    void badSignaturesMalformedBodiesAndUnknownProvidersChangeNothing() {
        long before = broker.added(INTAKE);
        byte[] event = GateTestSupport.bytes(GateTestSupport.stripeEvent("payment_intent.succeeded", "1", "pi_x", 100, "EUR", 1));
        long now = System.currentTimeMillis() / 1000;

        assertThat(post(port, "/webhooks/payment/stripe", event, Map.of("Content-Type", "application/json")).statusCode())
                .isEqualTo(401);
        assertThat(support.postStripe(event, now, "whsec_wrong", "stripe")).isEqualTo(401);
        assertThat(post(port, "/webhooks/payment/stripe", event, Map.of("Stripe-Signature", "garbage")).statusCode())
                .isEqualTo(401);
        assertThat(support.postStripe("{not json".getBytes(StandardCharsets.UTF_8), now, "whsec_test_secret_for_fixtures",
                "stripe")).isEqualTo(400);
        assertThat(support.postStripe("{\"id\":\"evt_1\"}".getBytes(StandardCharsets.UTF_8), now,
                "whsec_test_secret_for_fixtures", "stripe")).isEqualTo(400);
        assertThat(support.postStripe(event, now, "whsec_test_secret_for_fixtures", "paypal")).isEqualTo(404);

        assertThat(broker.added(INTAKE)).isEqualTo(before);
    }

    @Test
    void eventTypesWeDoNotHandleAreAcknowledgedAndIgnored() {
        long before = broker.added(INTAKE);
        ObjectNode event = GateTestSupport.stripeEvent("payment_intent.succeeded", "1", "pi_x", 100, "EUR", 1);
        event.put("type", "customer.created");
        assertThat(support.postStripe(event)).isEqualTo(200);
        assertThat(broker.added(INTAKE)).isEqualTo(before);
    }

    @Test
    void aRepeatedStripeEventIsStoredOnceAndThePreviousSecretStillVerifies() {
        long before = broker.added(INTAKE);
        byte[] event = GateTestSupport.bytes(GateTestSupport.stripeEvent("payment_intent.succeeded", "42", "pi_r", 100, "EUR",
                System.currentTimeMillis() / 1000));
        long now = System.currentTimeMillis() / 1000;
        assertThat(support.postStripe(event, now, "whsec_test_secret_for_fixtures", "stripe")).isEqualTo(200);
        assertThat(support.postStripe(event, now + 60, "whsec_previous_secret", "stripe")).isEqualTo(200);
        assertThat(broker.added(INTAKE)).isEqualTo(before + 1);
    }

    @Test
    void aPaymentWhoseMetadataNamesNoOrderIsParkedForReview() throws Exception {
        ObjectNode event = GateTestSupport.stripeEvent("payment_intent.succeeded", "1", "pi_nometa", 100, "EUR",
                System.currentTimeMillis() / 1000);
        ((ObjectNode) event.at("/data/object")).putObject("metadata");
        assertThat(support.postStripe(event)).isEqualTo(200);
        TextMessage parked = (TextMessage) jms.receiveSelected("orderflow.review",
                "orderflowFailedRoute = 'normalise-payment'");
        assertThat(parked).isNotNull();
        assertThat(parked.getStringProperty("orderflowReason")).contains("orderKey");
        assertThat(json(parked.getText()).get("id").asText()).isEqualTo(event.get("id").asText());
    }

    private JsonNode receive(String orderKey, String event) throws Exception {
        TextMessage message = (TextMessage) jms.receiveSelected("orderflow.order.events",
                "orderKey = '" + orderKey + "' AND orderflowEventKind = 'payment'");
        assertThat(message).isNotNull();
        JsonNode body = json(message.getText());
        if (!body.get("event").asText().equals(event)) {
            JsonNode next = json(((TextMessage) jms.receiveSelected("orderflow.order.events",
                    "orderKey = '" + orderKey + "' AND orderflowEventKind = 'payment'")).getText());
            assertThat(next.get("event").asText()).isEqualTo(event);
            return next;
        }
        return body;
    }
}
