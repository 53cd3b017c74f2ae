package io.orderflow.shop.woocommerce;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.shop.ShopPlatform.TopicKind;
import io.orderflow.shop.WebhookRequest;
import org.junit.jupiter.api.Test;

/**
 * The WooCommerce platform's webhook contract on its own; its HTTP calls are covered over WireMock by
 * PaymentGateTest and ShopStockSyncTest, its webhooks end to end by ShopWebhookIntakeTest, its mapping by the golden
 * examples of mappings/woocommerce-order-to-canonical.jsonata.
 */
class WooCommercePlatformTest {

    final WooCommercePlatform woo = new WooCommercePlatform(null, new ObjectMapper());

    @Test
    void webhookContract() {
        assertThat(woo.name()).isEqualTo("woocommerce");
        assertThat(woo.signatureHeader()).isEqualTo("X-WC-Webhook-Signature");
        assertThat(woo.topicHeader()).isEqualTo("X-WC-Webhook-Topic");
        for (String topic : List.of("order.created", "order.updated", "order.deleted")) {
            assertThat(woo.topicKind(topic)).isEqualTo(TopicKind.ORDER_EVENT);
        }
        assertThat(woo.topicKind("product.updated")).isEqualTo(TopicKind.IGNORED);
        assertThat(woo.deliveryId(request("{}", Map.of("X-WC-Webhook-Delivery-ID", "abc123")), "shop-de", "order.created"))
                .isEqualTo("woocommerce:shop-de:abc123");
        // No delivery id: the topic and the body's hash stand in, so a repeat of the same body is still one event.
        assertThat(woo.deliveryId(request("{}", Map.of()), "shop-de", "order.created"))
                .isEqualTo("woocommerce:shop-de:order.created:sha256-"
                        + "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    }

    @Test
    void theUnsignedCreationPingIsRecognisedInTheBodyOrAsAParsedForm() {
        assertThat(woo.isPing(request("webhook_id=42", Map.of()))).isTrue();
        assertThat(woo.isPing(request("", Map.of("Content-Type", "application/x-www-form-urlencoded", "webhook_id", "42"))))
                .isTrue();
        assertThat(woo.isPing(request("{\"id\":42}", Map.of()))).isFalse();
    }

    private static WebhookRequest request(String body, Map<String, String> headers) {
        return new WebhookRequest(body.getBytes(StandardCharsets.UTF_8), headers::get);
    }
}
