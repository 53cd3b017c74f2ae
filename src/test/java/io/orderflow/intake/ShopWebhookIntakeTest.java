package io.orderflow.intake;

import static io.orderflow.support.Webhooks.fixture;
import static io.orderflow.support.Webhooks.hmacBase64;
import static io.orderflow.support.Webhooks.json;
import static io.orderflow.support.Webhooks.post;
import static io.orderflow.support.Webhooks.shopifyHeaders;
import static io.orderflow.support.Webhooks.withOrderId;
import static io.orderflow.support.Webhooks.wooHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderflow.support.Broker;
import io.orderflow.support.Webhooks;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * The shop intake and normalise stages over real HTTP: the fixtures from ../shared/fixtures with their known-good signatures, every
 * rejection, duplicates, and the canonical order that comes out of the normalise stage.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"orderflow.data-dir=target/test-data/intake-${random.uuid}", "spring.artemis.embedded.server-id=1"})
@ActiveProfiles("test")
class ShopWebhookIntakeTest {

    static final String INTAKE = "orderflow.intake.shop";
    static final String EVENTS = "orderflow.order.events";
    static final String SHOPIFY = "/webhooks/shop/test-shopify";
    static final String WOO = "/webhooks/shop/test-woo";

    @LocalServerPort
    int port;
    @Autowired
    JmsTemplate jms;
    @Autowired
    EmbeddedActiveMQ embeddedBroker;
    Broker broker;

    @Autowired
    org.apache.camel.CamelContext camel;

    @BeforeEach
    void setUp() throws Exception {
        // This class tests intake and normalisation alone: the payment gate is stopped so the canonical events stay
        // on orderflow.order.events to be read here (PaymentGateTest covers what the gate does with them).
        camel.getRouteController().stopRoute("payment-gate");
        broker = new Broker(embeddedBroker);
        jms.setReceiveTimeout(15_000);
    }

    @Test
    void shopifyFixtureWithItsKnownGoodSignatureBecomesOneCanonicalOrder() throws JMSException {
        byte[] body = fixture("shopify-orders-create.json");
        JsonNode vector = Webhooks.vector("shopify-orders-create.json");
        assertThat(hmacBase64(vector.get("secret").asText(), body)).isEqualTo(vector.get("value").asText());

        HttpResponse<String> response = post(port, SHOPIFY, body,
                shopifyHeaders("orders/create", uniqueId(), vector.get("value").asText()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).get("status").asText()).isEqualTo("accepted");
        Message message = receiveEvent("test-shopify:450789469");
        assertThat(message.getStringProperty("JMSXGroupID")).isEqualTo("test-shopify:450789469");
        JsonNode order = json(((TextMessage) message).getText());
        assertThat(order.get("event").asText()).isEqualTo("order.created");
        assertThat(order.get("erpReference").asText()).isEqualTo("test-shopify-1001");
        assertThat(order.get("externalId").isTextual()).isTrue();
        assertThat(order.get("totals").get("total").isTextual()).isTrue();
        assertThat(order.get("totals").get("total").asText()).isEqualTo("409.94");
        assertThat(order.get("currency").asText()).isEqualTo("USD");
        assertThat(order.get("customer").get("email").asText()).isEqualTo("bob.norman@hostmail.com");
        assertThat(order.get("lines")).hasSize(3);
        assertThat(order.get("lines").get(0).get("sku").asText()).isEqualTo("IPOD2008GREEN");
        assertThat(order.get("payment").get("status").asText()).isEqualTo("authorized");
    }

    @Test
    void woocommerceFixtureWithItsKnownGoodSignatureBecomesOneCanonicalOrder() throws JMSException {
        byte[] body = fixture("woocommerce-order-created.json");
        JsonNode vector = Webhooks.vector("woocommerce-order-created.json");
        assertThat(hmacBase64(vector.get("secret").asText(), body)).isEqualTo(vector.get("value").asText());

        HttpResponse<String> response = post(port, WOO, body,
                wooHeaders("order.created", uniqueId(), vector.get("value").asText()));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode order = json(((TextMessage) receiveEvent("test-woo:727")).getText());
        assertThat(order.get("event").asText()).isEqualTo("order.created");
        assertThat(order.get("orderNumber").asText()).isEqualTo("727");
        assertThat(order.get("totals").get("total").asText()).isEqualTo("29.35");
        assertThat(order.get("payment").get("status").asText()).isEqualTo("paid");
        assertThat(order.get("lines")).hasSize(2);
    }

    @Test
    void headerNamesAreMatchedCaseInsensitively() {
        String id = uniqueNumericId();
        byte[] body = withOrderId(fixture("shopify-orders-create.json"), "450789469", id);
        Map<String, String> lower = new TreeMap<>();
        shopifyHeaders("orders/updated", uniqueId(), hmacBase64("shpss_test_client_secret", body))
                .forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));

        assertThat(post(port, SHOPIFY, body, lower).statusCode()).isEqualTo(200);
        assertThat(receiveEvent("test-shopify:" + id)).isNotNull();
    }

    @Test
    void thePreviousSecretStillVerifiesDuringRotation() {
        String id = uniqueNumericId();
        byte[] body = withOrderId(fixture("shopify-orders-create.json"), "450789469", id);

        HttpResponse<String> response = post(port, SHOPIFY, body,
                shopifyHeaders("orders/create", uniqueId(), hmacBase64("shpss_previous_secret", body)));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(receiveEvent("test-shopify:" + id)).isNotNull();
    }

    @Test
    void badOrMissingSignaturesGet401AndNothingIsEnqueued() {
        byte[] body = fixture("shopify-orders-create.json");
        String good = hmacBase64("shpss_test_client_secret", body);
        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("409.94", "0.01").getBytes(StandardCharsets.UTF_8);
        long before = broker.added(INTAKE);

        assertRejected(post(port, SHOPIFY, body, shopifyHeaders("orders/create", uniqueId(), null)), 401, "missing signature");
        assertRejected(post(port, SHOPIFY, body, shopifyHeaders("orders/create", uniqueId(), "")), 401, "missing signature");
        assertRejected(post(port, SHOPIFY, tampered, shopifyHeaders("orders/create", uniqueId(), good)), 401, "invalid signature");
        assertRejected(post(port, SHOPIFY, body, shopifyHeaders("orders/create", uniqueId(),
                hmacBase64("some-other-secret", body))), 401, "invalid signature");
        assertRejected(post(port, SHOPIFY, body, shopifyHeaders("orders/create", uniqueId(), "not base64 !!")), 401, "invalid signature");
        // A WooCommerce signature on a Shopify channel is a wrong header, not a signature.
        assertRejected(post(port, SHOPIFY, body, wooHeaders("order.created", uniqueId(), good)), 401, "missing signature");
        byte[] woo = fixture("woocommerce-order-created.json");
        assertRejected(post(port, WOO, woo, wooHeaders("order.created", uniqueId(),
                hmacBase64("shpss_test_client_secret", woo))), 401, "invalid signature");

        assertThat(broker.added(INTAKE)).isEqualTo(before);
    }

    @Test
    void malformedBodiesGet400AndNothingIsEnqueued() {
        long before = broker.added(INTAKE);
        for (String bad : new String[] {"{\"id\": 1, broken", "[1,2,3]", "{\"no_id\": true}", "\"text\"", ""}) {
            byte[] body = bad.getBytes(StandardCharsets.UTF_8);
            assertRejected(post(port, SHOPIFY, body, shopifyHeaders("orders/create", uniqueId(),
                    hmacBase64("shpss_test_client_secret", body))), 400, null);
            assertRejected(post(port, WOO, body, wooHeaders("order.created", uniqueId(),
                    hmacBase64("wc_test_webhook_secret", body))), 400, null);
        }
        byte[] body = fixture("shopify-orders-create.json");
        Map<String, String> noTopic = shopifyHeaders("orders/create", uniqueId(), hmacBase64("shpss_test_client_secret", body));
        noTopic.remove("X-Shopify-Topic");
        assertRejected(post(port, SHOPIFY, body, noTopic), 400, "missing or malformed topic header");

        assertThat(broker.added(INTAKE)).isEqualTo(before);
    }

    @Test
    void oversizeBodiesGet413BeforeAnythingIsRead() {
        long before = broker.added(INTAKE);
        byte[] big = new byte[65537];
        Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';
        assertRejected(post(port, SHOPIFY, big, shopifyHeaders("orders/create", uniqueId(),
                hmacBase64("shpss_test_client_secret", big))), 413, "body larger than 65536 bytes");
        assertThat(broker.added(INTAKE)).isEqualTo(before);
    }

    @Test
    void unknownChannelGets404() {
        long before = broker.added(INTAKE);
        byte[] body = fixture("shopify-orders-create.json");
        assertRejected(post(port, "/webhooks/shop/no-such-shop", body, shopifyHeaders("orders/create", uniqueId(),
                hmacBase64("shpss_test_client_secret", body))), 404, "unknown channel");
        assertThat(broker.added(INTAKE)).isEqualTo(before);
    }

    @Test
    void topicsWeDoNotHandleAreAnswered2xxAndIgnored() {
        long before = broker.added(INTAKE);
        byte[] body = fixture("shopify-orders-create.json");
        HttpResponse<String> response = post(port, SHOPIFY, body, shopifyHeaders("orders/fulfilled", uniqueId(),
                hmacBase64("shpss_test_client_secret", body)));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).get("status").asText()).isEqualTo("ignored");
        assertThat(broker.added(INTAKE)).isEqualTo(before);
    }

    @Test
    void woocommerceCreationPingIsAnswered200AndNotEnqueued() {
        long before = broker.added(INTAKE);
        HttpResponse<String> response = post(port, WOO, "webhook_id=42".getBytes(StandardCharsets.US_ASCII),
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(broker.added(INTAKE)).isEqualTo(before);
        // An unsigned JSON body is not a ping.
        assertRejected(post(port, WOO, "{\"id\":1}".getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json")), 401, "missing signature");
    }

    @Test
    void aRepeatedShopifyDeliveryProducesOneEvent() throws JMSException {
        String id = uniqueNumericId();
        String eventId = uniqueId();
        byte[] body = withOrderId(fixture("shopify-orders-create.json"), "450789469", id);
        Map<String, String> headers = shopifyHeaders("orders/create", eventId, hmacBase64("shpss_test_client_secret", body));
        long before = broker.added(INTAKE);

        for (int i = 0; i < 3; i++) {
            assertThat(post(port, SHOPIFY, body, headers).statusCode()).isEqualTo(200);
        }

        assertThat(broker.added(INTAKE)).isEqualTo(before + 1);
        assertThat(receiveEvent("test-shopify:" + id)).isNotNull();
        // One merchant action fires several topics with the same event id: those are different events.
        assertThat(post(port, SHOPIFY, body, shopifyHeaders("orders/paid", eventId,
                hmacBase64("shpss_test_client_secret", body))).statusCode()).isEqualTo(200);
        Message paid = receiveEvent("test-shopify:" + id);
        assertThat(json(((TextMessage) paid).getText()).get("event").asText()).isEqualTo("order.paid");
        assertThat(broker.added(INTAKE)).isEqualTo(before + 2);
        jms.setReceiveTimeout(2_000);
        assertThat(jms.receiveSelected(EVENTS, "orderKey = 'test-shopify:" + id + "'")).isNull();
    }

    @Test
    void aRepeatedWoocommerceDeliveryProducesOneEvent() {
        String id = uniqueNumericId();
        byte[] body = withOrderId(fixture("woocommerce-order-created.json"), "727", id);
        Map<String, String> headers = wooHeaders("order.updated", uniqueId(), hmacBase64("wc_test_webhook_secret", body));
        long before = broker.added(INTAKE);

        assertThat(post(port, WOO, body, headers).statusCode()).isEqualTo(200);
        assertThat(post(port, WOO, body, headers).statusCode()).isEqualTo(200);

        assertThat(broker.added(INTAKE)).isEqualTo(before + 1);
        assertThat(receiveEvent("test-woo:" + id)).isNotNull();
        jms.setReceiveTimeout(2_000);
        assertThat(jms.receiveSelected(EVENTS, "orderKey = 'test-woo:" + id + "'")).isNull();
    }

    @Test
    void aWoocommerceDeletionBecomesADeletedEvent() throws JMSException {
        String id = uniqueNumericId();
        byte[] body = ("{\"id\":" + id + "}").getBytes(StandardCharsets.UTF_8);
        assertThat(post(port, WOO, body, wooHeaders("order.deleted", uniqueId(),
                hmacBase64("wc_test_webhook_secret", body))).statusCode()).isEqualTo(200);
        JsonNode event = json(((TextMessage) receiveEvent("test-woo:" + id)).getText());
        assertThat(event.get("event").asText()).isEqualTo("order.deleted");
        assertThat(event.get("externalId").asText()).isEqualTo(id);
    }

    @Test
    void anOrderTheMappingCannotHandleIsParkedForReviewWithReasonAndRawPayload() throws JMSException {
        String id = uniqueNumericId();
        String raw = new String(withOrderId(fixture("shopify-orders-create.json"), "450789469", id), StandardCharsets.UTF_8)
                .replace("\"currency\": \"USD\"", "\"currency\": \"US Dollar\"");
        byte[] body = raw.getBytes(StandardCharsets.UTF_8);

        assertThat(post(port, SHOPIFY, body, shopifyHeaders("orders/create", uniqueId(),
                hmacBase64("shpss_test_client_secret", body))).statusCode()).isEqualTo(200);

        Message parked = jms.receiveSelected("orderflow.review", "orderKey = 'test-shopify:" + id + "'");
        assertThat(parked).isNotNull();
        assertThat(((TextMessage) parked).getText()).isEqualTo(raw);
        assertThat(parked.getStringProperty("orderflowReason")).contains("currency");
        assertThat(parked.getStringProperty("orderflowFailedRoute")).isEqualTo("normalise-shop-order");
        assertThat(parked.getStringProperty("orderflowReplayQueue")).isEqualTo(INTAKE);
        jms.setReceiveTimeout(1_000);
        assertThat(jms.receiveSelected(EVENTS, "orderKey = 'test-shopify:" + id + "'")).isNull();
    }

    @Test
    void managementEndpointsNeedCredentials() {
        HttpResponse<String> replay = post(port, "/admin/review/replay", new byte[0], Map.of());
        assertThat(replay.statusCode()).isEqualTo(401);
    }

    private Message receiveEvent(String orderKey) {
        Message message = jms.receiveSelected(EVENTS, "orderKey = '" + orderKey + "'");
        assertThat(message).as("canonical event for " + orderKey).isNotNull();
        return message;
    }

    private static void assertRejected(HttpResponse<String> response, int status, String reason) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).hasSizeLessThan(200).doesNotContain("Exception").doesNotContain("\tat ");
        JsonNode body = json(response.body());
        assertThat(body.get("error")).isNotNull();
        if (reason != null) {
            assertThat(body.get("error").asText()).isEqualTo(reason);
        }
    }

    private static String uniqueId() {
        return UUID.randomUUID().toString();
    }

    private static String uniqueNumericId() {
        return String.valueOf(6_000_000_000_000_000_000L + (long) (Math.random() * 1_000_000_000_000_000L));
    }
}
