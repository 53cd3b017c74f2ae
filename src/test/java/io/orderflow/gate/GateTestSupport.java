package io.orderflow.gate;

import static io.orderflow.support.Webhooks.fixture;
import static io.orderflow.support.Webhooks.hmacBase64;
import static io.orderflow.support.Webhooks.post;
import static io.orderflow.support.Webhooks.shopifyHeaders;
import static io.orderflow.support.Webhooks.wooHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.support.Broker;
import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;
import org.springframework.jms.core.JmsTemplate;

/** Builds signed shop and Stripe webhooks from the fixtures and reads the gate's effects off the broker. */
class GateTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    final int port;
    final JmsTemplate jms;
    final Broker broker;

    GateTestSupport(int port, JmsTemplate jms, Broker broker) {
        this.port = port;
        this.jms = jms;
        this.broker = broker;
    }

    /** The Shopify fixture as order {@code id}, reduced to one line of SKU "IPOD2008GREEN" x qty at price. */
    static ObjectNode shopifyOrder(String id, String financialStatus, String updatedAt, int quantity, String price, String total) {
        ObjectNode order = (ObjectNode) read(fixture("shopify-orders-create.json"));
        order.put("id", Long.parseLong(id)).put("financial_status", financialStatus).put("updated_at", updatedAt)
                .put("total_price", total).put("subtotal_price", total).put("total_tax", "0.00");
        ArrayNode lines = (ArrayNode) order.get("line_items");
        ObjectNode line = (ObjectNode) lines.get(0);
        line.put("quantity", quantity).put("price", price);
        lines.removeAll();
        lines.add(line);
        return order;
    }

    /** Shopify's GraphQL Admin API path the order, cancel and stock calls go to (api.version 2025-10). */
    static final String SHOPIFY_GRAPHQL = "/admin/api/2025-10/graphql.json";

    /** Shopify's GraphQL answer to {@code order(id:)} for this order (its webhook shape), in GraphQL's own shape. */
    static String shopifyOrderAnswer(JsonNode restOrder) {
        return io.orderflow.simulator.SimulatedShopifyGraphql.orderAnswer(restOrder, JSON).toString();
    }

    /** WireMock: the GraphQL {@code order} query for this order id. */
    static com.github.tomakehurst.wiremock.matching.RequestPatternBuilder orderQueryFor(String id) {
        return com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                        com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo(SHOPIFY_GRAPHQL))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.query",
                        com.github.tomakehurst.wiremock.client.WireMock.containing("order(id:")))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.variables.id",
                        com.github.tomakehurst.wiremock.client.WireMock.equalTo("gid://shopify/Order/" + id)));
    }

    /** WireMock stub: the shop answers the order query for this id with this (webhook-shaped) order. */
    static com.github.tomakehurst.wiremock.client.MappingBuilder shopifyOrderStub(String id, JsonNode restOrder) {
        return com.github.tomakehurst.wiremock.client.WireMock.post(
                        com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo(SHOPIFY_GRAPHQL))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.query",
                        com.github.tomakehurst.wiremock.client.WireMock.containing("order(id:")))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.variables.id",
                        com.github.tomakehurst.wiremock.client.WireMock.equalTo("gid://shopify/Order/" + id)))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/json").withBody(shopifyOrderAnswer(restOrder)));
    }

    static ObjectNode wooOrder(String id, String status, String modifiedGmt, String paymentMethod, String total) {
        ObjectNode order = (ObjectNode) read(fixture("woocommerce-order-created.json"));
        order.put("id", Long.parseLong(id)).put("status", status).put("date_modified_gmt", modifiedGmt)
                .put("payment_method", paymentMethod).put("total", total);
        return order;
    }

    /** A Stripe event from the succeeded/failed fixture, for order id, PaymentIntent pi, amount in minor units. */
    static ObjectNode stripeEvent(String type, String orderId, String pi, long amountMinor, String currency, long created) {
        String fixtureName = type.equals("payment_intent.payment_failed")
                ? "stripe-payment_intent.payment_failed.with-order-metadata.json"
                : "stripe-payment_intent.succeeded.with-order-metadata.json";
        ObjectNode event = (ObjectNode) read(fixture(fixtureName));
        event.put("id", "evt_" + UUID.randomUUID().toString().replace("-", "")).put("type", type).put("created", created);
        ObjectNode object = (ObjectNode) event.get("data").get("object");
        object.put("id", pi).put("amount", amountMinor).put("currency", currency.toLowerCase());
        object.put("amount_received", type.equals("payment_intent.succeeded") ? amountMinor : 0);
        ((ObjectNode) object.get("metadata")).put("order_id", orderId);
        return event;
    }

    static ObjectNode chargeRefunded(String orderId, String pi, long amountMinor, long refundedMinor, String currency) {
        ObjectNode event = JSON.createObjectNode().put("id", "evt_" + UUID.randomUUID().toString().replace("-", ""))
                .put("object", "event").put("type", "charge.refunded").put("created", System.currentTimeMillis() / 1000);
        ObjectNode charge = event.putObject("data").putObject("object").put("id", "ch_" + pi).put("object", "charge")
                .put("amount", amountMinor).put("amount_refunded", refundedMinor).put("refunded", refundedMinor >= amountMinor)
                .put("currency", currency.toLowerCase()).put("payment_intent", pi);
        charge.putObject("metadata").put("order_id", orderId);
        return event;
    }

    int postShopify(JsonNode order, String topic) {
        return postShopify(order, topic, UUID.randomUUID().toString());
    }

    /** One delivery with the webhook id given (X-Shopify-Webhook-Id): posting it again is Shopify's retry of it. */
    int postShopify(JsonNode order, String topic, String webhookId) {
        byte[] body = bytes(order);
        return post(port, "/webhooks/shop/test-shopify", body,
                shopifyHeaders(topic, webhookId, hmacBase64("shpss_test_client_secret", body))).statusCode();
    }

    int postWoo(JsonNode order, String topic) {
        byte[] body = bytes(order);
        return post(port, "/webhooks/shop/test-woo", body,
                wooHeaders(topic, UUID.randomUUID().toString(), hmacBase64("wc_test_webhook_secret", body))).statusCode();
    }

    /** Signed as Stripe signs (t.body, HMAC-SHA256 hex), computed here independently of the production code. */
    int postStripe(JsonNode event) {
        return postStripe(bytes(event), System.currentTimeMillis() / 1000, "whsec_test_secret_for_fixtures", "stripe");
    }

    int postStripe(byte[] body, long t, String secret, String provider) {
        String v1;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] prefix = (t + ".").getBytes(StandardCharsets.UTF_8);
            mac.update(prefix);
            v1 = HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return post(port, "/webhooks/payment/" + provider, body,
                Map.of("Content-Type", "application/json; charset=utf-8", "Stripe-Signature", "t=" + t + ",v1=" + v1))
                .statusCode();
    }

    /** Waits until every event posted so far has passed the gate (nothing waiting or in delivery upstream). */
    void awaitQuiet() throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (pending("orderflow.intake.shop") == 0 && pending("orderflow.intake.payment") == 0
                    && pending("orderflow.order.events") == 0) {
                Thread.sleep(50);
                if (pending("orderflow.order.events") == 0) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the gate did not settle in 15 s");
    }

    private long pending(String queue) {
        var q = broker.queue(queue);
        return q.getMessageCount() - q.getScheduledCount();
    }

    JsonNode state(String orderKey) {
        return io.orderflow.support.GateStates.state(jms, orderKey);
    }

    JsonNode awaitState(String orderKey, Predicate<JsonNode> condition) throws InterruptedException {
        return io.orderflow.support.GateStates.awaitState(jms, orderKey, condition);
    }

    /** All messages for an order on a queue, without consuming them. */
    List<TextMessage> browse(String queue, String orderKey) {
        return io.orderflow.support.Queues.browse(jms, queue, orderKey);
    }

    static JsonNode body(TextMessage message) {
        try {
            return read(message.getText().getBytes(StandardCharsets.UTF_8));
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode read(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assertOk(int status) {
        assertThat(status).isEqualTo(200);
    }
}
