package io.orderflow.shop.shopify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.shop.ShopPlatform.TopicKind;
import io.orderflow.shop.WebhookRequest;
import io.orderflow.simulator.SimulatedShopifyGraphql;
import io.orderflow.support.MappingRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Shopify platform on its own (its HTTP calls are covered over WireMock by PaymentGateTest and ShopStockSyncTest,
 * and against the simulated shop by SimulatedShopTest): webhook contract, and the order fetched over GraphQL mapped
 * by mappings/shopify-order-to-canonical.jsonata to exactly the canonical order its webhook gives.
 */
class ShopifyPlatformTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path EXAMPLES = Path.of("mappings/shopify-order-to-canonical.examples");

    @Test
    void webhookContract() {
        ShopifyPlatform shopify = new ShopifyPlatform(null, JSON);
        assertThat(shopify.name()).isEqualTo("shopify");
        assertThat(shopify.signatureHeader()).isEqualTo("X-Shopify-Hmac-Sha256");
        assertThat(shopify.topicHeader()).isEqualTo("X-Shopify-Topic");
        for (String topic : List.of("orders/create", "orders/paid", "orders/updated", "orders/cancelled")) {
            assertThat(shopify.topicKind(topic)).isEqualTo(TopicKind.ORDER_EVENT);
        }
        assertThat(shopify.topicKind("products/update")).isEqualTo(TopicKind.IGNORED);
        WebhookRequest request = new WebhookRequest("{}".getBytes(), name -> switch (name) {
            case "X-Shopify-Event-Id" -> "evt-1";
            case "X-Shopify-Webhook-Id" -> "wh-1";
            default -> null;
        });
        assertThat(shopify.deliveryId(request, "shop-eu", "orders/paid")).isEqualTo("shopify:shop-eu:orders/paid:evt-1");
        assertThat(shopify.isPing(request)).isFalse();
        assertThat(shopify.supportsFulfilment()).isTrue();
    }

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(p -> p.toString().endsWith(".input.json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void anOrderFetchedOverGraphqlMapsToTheCanonicalOrderOfItsWebhook(Path input) throws IOException {
        ObjectNode webhookEnvelope = (ObjectNode) JSON.readTree(input.toFile());
        webhookEnvelope.put("topic", "orders/updated");
        JsonNode fromWebhook = map(webhookEnvelope);

        // Shopify's GraphQL answer for the same order, turned back into the webhook's shape by the platform.
        JsonNode graphqlOrder = SimulatedShopifyGraphql.orderAnswer(webhookEnvelope.get("payload"), JSON).at("/data/order");
        ObjectNode fetchedEnvelope = webhookEnvelope.deepCopy();
        fetchedEnvelope.set("payload", ShopifyOrderQuery.toWebhookShape(graphqlOrder, JSON));
        JsonNode fromFetch = map(fetchedEnvelope);

        assertThat(fromFetch.at("/orderKey").asText()).isEqualTo(fromWebhook.at("/orderKey").asText());
        for (String field : List.of("externalId", "orderNumber", "orderName", "erpReference", "currency", "taxesIncluded",
                "totals", "customer", "billingAddress", "shippingAddress", "lines", "shippingLines", "payment",
                "createdAt", "updatedAt", "cancelledAt")) {
            assertThat(fromFetch.path(field)).as(field).isEqualTo(fromWebhook.path(field));
        }
    }

    private JsonNode map(JsonNode envelope) throws IOException {
        return JSON.readTree(MappingRunner.map(Path.of("mappings/shopify-order-to-canonical.jsonata"), envelope.toString()));
    }
}
